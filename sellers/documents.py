"""What an uploaded KYC file is, decided by its content: PDF, JPEG or PNG, at most 5 MB, whole.

The name and the browser's Content-Type are never trusted: an executable renamed ``.pdf`` is refused because it
does not start like a PDF, a truncated PNG because Pillow cannot decode it to the end.
"""

import hashlib
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from sellers.errors import DocumentRefused

MAX_BYTES = 5 * 1024 * 1024
MAX_NAME_LENGTH = 200
# Larger images are refused before decoding: a scan of an A4 page at 600 dpi is about 35 megapixels.
MAX_PIXELS = 60_000_000

PDF_MAGIC = b"%PDF-"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"


@dataclass(frozen=True)
class Inspected:
    content_type: str
    size: int
    sha256: str
    name: str


def clean_name(name):
    """The file name to show, refused when it tries to be a path."""
    name = str(name or "").strip()
    if not name:
        raise DocumentRefused(_("The file has no name."))
    if "/" in name or "\\" in name or ".." in name or any(ord(c) < 32 for c in name):
        raise DocumentRefused(
            _("The file name “%(name)s” is not allowed: rename the file and upload it again.") % {"name": name[:80]}
        )
    return name[:MAX_NAME_LENGTH]


def inspect_upload(uploaded):
    """Check an uploaded file (a Django ``File``) and return what it is; raise ``DocumentRefused`` otherwise.
    Reads the file once for the checks; leaves it at position 0."""
    name = clean_name(getattr(uploaded, "name", ""))
    size = uploaded.size
    if not size:
        raise DocumentRefused(_("The file “%(name)s” is empty.") % {"name": name})
    if size > MAX_BYTES:
        raise DocumentRefused(
            _("The file “%(name)s” is %(size).1f MB; the limit is 5 MB. Scan at a lower resolution or as a PDF.")
            % {"name": name, "size": size / (1024 * 1024)}
        )
    uploaded.seek(0)
    data = uploaded.read(MAX_BYTES + 1)
    uploaded.seek(0)
    if len(data) != size or len(data) > MAX_BYTES:
        raise DocumentRefused(_("The file “%(name)s” could not be read completely.") % {"name": name})

    if data.startswith(PDF_MAGIC):
        content_type = _check_pdf(data, name)
    elif data.startswith((PNG_MAGIC, JPEG_MAGIC)):
        content_type = _check_image(uploaded, data, name)
    else:
        raise DocumentRefused(
            _("“%(name)s” is not a PDF, JPEG or PNG file (whatever its name says). Upload a scan or a photo.")
            % {"name": name}
        )
    return Inspected(content_type=content_type, size=size, sha256=hashlib.sha256(data).hexdigest(), name=name)


def _check_pdf(data, name):
    # A complete PDF ends with %%EOF (possibly followed by a line break or a few bytes of padding).
    if b"%%EOF" not in data[-1024:]:
        raise DocumentRefused(
            _("The PDF “%(name)s” is incomplete (it was cut off during upload or saving). Save it again.")
            % {"name": name}
        )
    return "application/pdf"


def _check_image(uploaded, data, name):
    broken = DocumentRefused(
        _("The image “%(name)s” is damaged or incomplete. Take the photo or scan again.") % {"name": name}
    )
    try:
        with Image.open(io.BytesIO(data)) as image:
            image_format = image.format
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise broken
            image.verify()
        # verify() checks the structure; only decoding every pixel finds a file cut short.
        with Image.open(io.BytesIO(data)) as image:
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise broken from exc
    if image_format not in ("PNG", "JPEG"):
        raise broken
    return "image/png" if image_format == "PNG" else "image/jpeg"
