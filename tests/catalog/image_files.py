"""Real image files for upload tests, built in memory: good ones and the bad ones the issue lists."""

import io
import random
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def image_bytes(fmt="JPEG", size=(640, 480), colour=(0, 106, 78), mode="RGB"):
    buffer = io.BytesIO()
    Image.new(mode, size, colour if mode == "RGB" else 0).save(buffer, format=fmt)
    return buffer.getvalue()


def noise_bytes(fmt="JPEG", size=(640, 480), seed=1, **options):
    """An image of random pixels: it does not compress, so its size in bytes is predictable."""
    pixels = random.Random(seed).randbytes(size[0] * size[1] * 3)
    buffer = io.BytesIO()
    Image.frombytes("RGB", size, pixels).save(buffer, format=fmt, **options)
    return buffer.getvalue()


def over_limit_jpeg():
    """A JPEG's first bytes followed by more than the 20 MB a photo may have: refused by its size before decoding."""
    return b"\xff\xd8\xff\xe0" + bytes(20 * 1024 * 1024)


def elf_bytes():
    return b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x90" * 2000


def truncated_png():
    data = noise_bytes("PNG", size=(400, 300))
    return data[: len(data) // 2]


def truncated_jpeg():
    data = noise_bytes("JPEG", size=(400, 300))
    return data[: len(data) // 2]


def _chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bomb(side):
    """A valid 1-bit PNG of ``side`` × ``side`` black pixels: a few kilobytes that decode to side² pixels."""
    row = b"\x00" + b"\x00" * ((side + 7) // 8)
    compressor = zlib.compressobj(9)
    body = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", body) + _chunk(b"IEND", b"")


def gif_bytes():
    return image_bytes("GIF", size=(200, 200), mode="L")


def upload(name, data, content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def photo(name="bag.jpg", *, seed=1, fmt="JPEG", size=(640, 480)):
    """A good photo; a different ``seed`` gives different content."""
    content_type = "image/png" if fmt == "PNG" else "image/jpeg"
    return upload(name, noise_bytes(fmt, size=size, seed=seed), content_type)


GPS_IFD = 0x8825
ORIENTATION = 0x0112
MARKER = (220, 20, 60)  # a red corner: where it ends up says how the photo was turned


def camera_jpeg(*, size=(4000, 3000), orientation=6, quality=92, seed=1):
    """A phone camera's photo as it leaves the phone: ``size`` pixels as the sensor stored them (landscape), a
    texture that compresses like a real photo (about 5 MB at 4000 × 3000, quality 92), a red marker in the stored
    top-left corner, EXIF saying how to turn it (6: 90° clockwise, shown portrait), the camera's make and model, and
    the GPS position where it was taken."""
    width, height = size
    rnd = random.Random(seed)
    small = Image.frombytes("RGB", (width // 4, height // 4), rnd.randbytes((width // 4) * (height // 4) * 3))
    image = small.resize(size, Image.Resampling.BILINEAR)
    image.paste(MARKER, (0, 0, width // 5, height // 5))
    exif = image.getexif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 12 Pro"  # Model
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "N", 2: (23.0, 48.0, 36.0), 3: "E", 4: (90.0, 24.0, 0.0)})  # Dhaka
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality, exif=exif.tobytes())
    return buffer.getvalue()
