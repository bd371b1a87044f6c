"""Files the simulated buyers attach: real JPEG photos, PNG images and PDF spec sheets of realistic sizes, made with
the standard library alone so that a receiver can check them by content (a JPEG or PNG decodes pixel by pixel, a
PDF has a sound cross-reference table).

A file is described by a small ``recipe`` (kind, seed, dimensions, text) and made from it the same way every time:
the gateway stores recipes, not bytes, and makes a file again when it is downloaded.

The JPEG is baseline with Huffman tables of our own: every block carries a DC difference and a few AC coefficients
(texture), and each row of blocks is a restart interval, so a handful of rows made once can be repeated to any
height. Its size follows from the dimensions and the texture (``detail``): about 0.2 byte per pixel at detail 14.
The PNG holds its pixels in stored (uncompressed) deflate blocks: about 3 bytes per pixel.
"""

import random
import struct
import zlib
from collections.abc import Iterable
from typing import Any

JPEG, PNG, PDF = "image/jpeg", "image/png", "application/pdf"

_QUANT = 8  # one flat quantization table: a coefficient v decodes to v * 8
# DC table: the 12 difference categories, all with 4-bit codes (0000 … 1011).
_DC_CODES = {category: format(category, "04b") for category in range(12)}
# AC table: EOB, run 0 with sizes 1-4, run 1 and run 2 with size 1; 3-bit codes 000 … 110 (never all ones).
_AC_SYMBOLS = (0x00, 0x01, 0x02, 0x03, 0x04, 0x11, 0x21)
_AC_CODES = {symbol: format(index, "03b") for index, symbol in enumerate(_AC_SYMBOLS)}
_DISTINCT_ROWS = 6


def render(recipe: dict[str, Any]) -> bytes:
    """The file a recipe describes (``make_recipe`` or the ``*_recipe`` functions write them)."""
    kind = recipe["kind"]
    if kind == "jpeg":
        return jpeg(recipe["seed"], recipe["width"], recipe["height"], recipe["detail"])
    if kind == "png":
        return png(recipe["seed"], recipe["width"], recipe["height"])
    if kind == "pdf":
        return pdf(recipe["seed"], recipe["lines"], recipe["photo_width"], recipe["photo_height"])
    raise ValueError(f"unknown file kind {kind!r}")


def photo_recipe(rng: random.Random, seed: str) -> dict[str, Any]:
    """A buyer's reference photo: a JPEG of about 0.1-1.2 MB."""
    width, height = rng.choice(((1024, 768), (1280, 960), (1600, 1200), (1200, 1600), (2048, 1536)))
    return {"kind": "jpeg", "seed": seed, "width": width, "height": height, "detail": rng.randint(8, 30)}


def image_recipe(rng: random.Random, seed: str) -> dict[str, Any]:
    """Artwork or a label (a logo to print, a carton marking): a PNG of about 0.2-1.5 MB."""
    width, height = rng.choice(((320, 240), (480, 360), (600, 400), (800, 600)))
    return {"kind": "png", "seed": seed, "width": width, "height": height}


def spec_sheet_recipe(rng: random.Random, seed: str, lines: list[str]) -> dict[str, Any]:
    """A one-page specification sheet with a reference photo: a PDF of about 0.07-0.2 MB."""
    width, height = rng.choice(((800, 600), (1024, 768), (1280, 960)))
    return {"kind": "pdf", "seed": seed, "lines": lines, "photo_width": width, "photo_height": height}


# JPEG ------------------------------------------------------------------------------------------------------------


def jpeg(seed: str, width: int, height: int, detail: int = 10) -> bytes:
    """A baseline colour JPEG of ``width`` × ``height`` (multiples of 8) with about ``detail`` AC coefficients per
    block."""
    if width % 8 or height % 8 or not 0 <= detail <= 40:
        raise ValueError("width and height must be multiples of 8 and detail 0-40")
    rng = random.Random(f"jpeg:{seed}")
    columns, rows = width // 8, height // 8
    patterns = [_jpeg_row(rng, columns, detail) for _ in range(_DISTINCT_ROWS)]
    scan = bytearray()
    for row in range(rows):
        scan += patterns[rng.randrange(_DISTINCT_ROWS)]
        if row < rows - 1:
            scan += bytes((0xFF, 0xD0 + row % 8))  # RSTn: the DC predictions start again from 0
    return b"".join(
        (
            b"\xff\xd8",
            _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"),
            _segment(0xDB, b"\x00" + bytes([_QUANT] * 64)),
            _segment(0xC0, struct.pack(">BHHB", 8, height, width, 3) + b"\x01\x11\x00\x02\x11\x00\x03\x11\x00"),
            _segment(0xC4, _huffman_table(0x00, [0, 0, 0, 12], range(12))),
            _segment(0xC4, _huffman_table(0x10, [0, 0, 7], _AC_SYMBOLS)),
            _segment(0xDD, struct.pack(">H", columns)),
            _segment(0xDA, b"\x03\x01\x00\x02\x00\x03\x00\x00\x3f\x00"),
            bytes(scan),
            b"\xff\xd9",
        )
    )


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes((0xFF, marker)) + struct.pack(">H", len(payload) + 2) + payload


def _huffman_table(table_class_and_id: int, counts_from_length_1: list[int], symbols: Iterable[int]) -> bytes:
    counts = (counts_from_length_1 + [0] * 16)[:16]
    return bytes([table_class_and_id, *counts, *symbols])


def _jpeg_row(rng: random.Random, columns: int, detail: int) -> bytes:
    """One restart interval: a row of MCUs (Y, Cb, Cr blocks), byte-stuffed and padded with 1 bits."""
    bits: list[str] = []
    levels = [rng.randint(-60, 60), rng.randint(-20, 20), rng.randint(-20, 20)]
    previous = [0, 0, 0]
    for _ in range(columns):
        for component in range(3):
            levels[component] = max(-120, min(120, levels[component] + rng.randint(-6, 6)))
            bits.append(_coded(levels[component] - previous[component], _DC_CODES))
            previous[component] = levels[component]
            position = 0
            for _ in range(rng.randint(detail // 2, detail) if component == 0 else detail // 4):
                run = rng.choice((0, 0, 0, 1, 2))
                if position + run + 1 > 63:
                    break
                position += run + 1
                size = rng.randint(1, 4) if run == 0 else 1
                value = rng.choice((-1, 1)) * rng.randint(1 << (size - 1), (1 << size) - 1)
                bits.append(_AC_CODES[run << 4 | size] + _magnitude(value, size))
            if position < 63:
                bits.append(_AC_CODES[0x00])
    text = "".join(bits)
    text += "1" * (-len(text) % 8)
    return int(text, 2).to_bytes(len(text) // 8, "big").replace(b"\xff", b"\xff\x00")


def _coded(difference: int, codes: dict[int, str]) -> str:
    size = abs(difference).bit_length()
    return codes[size] + _magnitude(difference, size)


def _magnitude(value: int, size: int) -> str:
    if size == 0:
        return ""
    return format(value if value > 0 else value + (1 << size) - 1, f"0{size}b")


# PNG -------------------------------------------------------------------------------------------------------------


def png(seed: str, width: int, height: int) -> bytes:
    """An RGB PNG of noisy bands, its pixels stored uncompressed."""
    rng = random.Random(f"png:{seed}")
    rows = []
    band = b""
    for y in range(height):
        if y % 40 == 0:
            band = rng.randbytes(3)
        noise = int.from_bytes(band * width) ^ int.from_bytes(rng.randbytes(width * 3))
        rows.append(b"\x00" + noise.to_bytes(width * 3))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"".join(
        (
            b"\x89PNG\r\n\x1a\n",
            _chunk(b"IHDR", header),
            _chunk(b"IDAT", zlib.compress(b"".join(rows), level=0)),
            _chunk(b"IEND", b""),
        )
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


# PDF -------------------------------------------------------------------------------------------------------------


def pdf(seed: str, lines: list[str], photo_width: int, photo_height: int) -> bytes:
    """A one-page A4 PDF: ``lines`` of text in Helvetica above a JPEG photo."""
    photo = jpeg(f"pdf:{seed}", photo_width, photo_height, detail=8)
    text = ["BT", "/F1 16 Tf", "56 780 Td", "18 TL"]
    for index, line in enumerate(lines):
        if index == 1:
            text.append("/F1 11 Tf")
        text.append(f"({_pdf_text(line)}) Tj T*")
    text.append("ET")
    shown_width = 480
    shown_height = round(shown_width * photo_height / photo_width)
    text.append(f"q {shown_width} 0 0 {shown_height} 56 {max(40, 760 - 18 * len(lines) - shown_height)} cm /Im1 Do Q")
    content = "\n".join(text).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R"
        b" /Resources << /Font << /F1 4 0 R >> /XObject << /Im1 6 0 R >> >> >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        _pdf_stream(b"", content),
        _pdf_stream(
            f"/Type /XObject /Subtype /Image /Width {photo_width} /Height {photo_height} /ColorSpace /DeviceRGB"
            " /BitsPerComponent 8 /Filter /DCTDecode ".encode(),
            photo,
        ),
    ]
    document = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(document))
        document += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref_at = len(document)
    document += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    document += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    document += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref_at}\n%%EOF\n".encode()
    return bytes(document)


def _pdf_stream(dictionary: bytes, data: bytes) -> bytes:
    return b"<< " + dictionary + f"/Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"


def _pdf_text(line: str) -> str:
    printable = line.encode("latin-1", "replace").decode("latin-1")
    return printable.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
