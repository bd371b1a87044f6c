"""What an uploaded KYC file is, decided by its content: PDF, JPEG or PNG, at most 5 MB, whole.

The name and the browser's Content-Type are never trusted: an executable renamed ``.pdf`` is refused because it
does not start like a PDF, a truncated PNG because Pillow cannot decode it to the end.
"""

import hashlib
from dataclasses import dataclass

from django.utils.translation import gettext as _

from dxports import uploads
from sellers.errors import DocumentRefused

MAX_BYTES = 5 * 1024 * 1024
MAX_NAME_LENGTH = 200
# Larger images are refused before decoding: a scan of an A4 page at 600 dpi is about 35 megapixels.
MAX_PIXELS = 60_000_000


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

    try:
        inspected = uploads.inspect(data, allowed={"pdf", "jpeg", "png"}, max_pixels=MAX_PIXELS)
    except uploads.FileProblem as problem:
        raise DocumentRefused(_refusal(problem.code, name)) from problem
    return Inspected(content_type=inspected.content_type, size=size, sha256=hashlib.sha256(data).hexdigest(), name=name)


def _refusal(code, name):
    if code == "not_allowed":
        return _("“%(name)s” is not a PDF, JPEG or PNG file (whatever its name says). Upload a scan or a photo.") % {
            "name": name
        }
    if code == "pdf_incomplete":
        return _("The PDF “%(name)s” is incomplete (it was cut off during upload or saving). Save it again.") % {
            "name": name
        }
    return _("The image “%(name)s” is damaged or incomplete. Take the photo or scan again.") % {"name": name}
