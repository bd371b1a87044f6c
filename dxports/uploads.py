"""What an uploaded or downloaded file is, decided by its content: one inspection for every domain that stores files
(KYC documents, product photos, buyers' attachments, certificates).

The name and the sender's Content-Type are never trusted: a file is PDF, JPEG or PNG by its first bytes, a PDF must
end like one, an image must decode to its last pixel and declare a sane number of pixels before it is decoded (a
"decompression bomb" of a few kilobytes that claims gigapixels is refused unread). Each domain wraps these
refusals in its own error and words (``FileProblem.code`` says which refusal it was).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

PDF_MAGIC = b"%PDF-"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
CONTENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg"}
MAX_NAME_LENGTH = 200


class FileProblem(Exception):
    """Why a file is refused: ``code`` is ``not_allowed`` (not a kind the caller accepts), ``pdf_incomplete``,
    ``image_broken`` or ``image_too_large`` (too many pixels)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def sniff(data: bytes) -> str | None:
    """``"pdf"``, ``"png"``, ``"jpeg"`` by the first bytes, or ``None``."""
    if data.startswith(PDF_MAGIC):
        return "pdf"
    if data.startswith(PNG_MAGIC):
        return "png"
    if data.startswith(JPEG_MAGIC):
        return "jpeg"
    return None


@dataclass(frozen=True)
class Inspected:
    kind: str  # "pdf", "png" or "jpeg"
    width: int = 0
    height: int = 0

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.kind]


def inspect(data: bytes, *, allowed: frozenset[str] | set[str], max_pixels: int) -> Inspected:
    """What ``data`` is, checked whole: ``FileProblem`` unless it is one of ``allowed`` and sound."""
    kind = sniff(data)
    if kind is None or kind not in allowed:
        raise FileProblem("not_allowed")
    if kind == "pdf":
        # A complete PDF ends with %%EOF (possibly followed by a line break or a few bytes of padding).
        if b"%%EOF" not in data[-1024:]:
            raise FileProblem("pdf_incomplete")
        return Inspected(kind)
    width, height = _decode(data, kind=kind, max_pixels=max_pixels)
    return Inspected(kind, width, height)


def _decode(data: bytes, *, kind: str, max_pixels: int) -> tuple[int, int]:
    try:
        # Pillow checks the declared size when it opens a file: a warning above Image.MAX_IMAGE_PIXELS, an error
        # above twice that. Either way the file is refused, before any pixel is decoded.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. "Corrupt EXIF data": metadata, not the pixels checked here
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                image_format = image.format
                width, height = image.size
                if width * height > max_pixels:
                    raise FileProblem("image_too_large")
                image.verify()
            # verify() checks the structure; only decoding every pixel finds a file cut short.
            with Image.open(io.BytesIO(data)) as image:
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise FileProblem("image_too_large") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise FileProblem("image_broken") from exc
    if (image_format or "").lower() != kind:
        raise FileProblem("image_broken")
    return width, height


def display_name(name: object, *, default: str = "") -> str:
    """A file name fit to show and store: its last path part, printable characters only, at most
    ``MAX_NAME_LENGTH``."""
    text = str(name or "").replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(char for char in text if char.isprintable())[:MAX_NAME_LENGTH].strip() or default
