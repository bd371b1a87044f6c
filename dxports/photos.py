"""Photos that sellers upload for buyers to see (product images, factory photos, brand logos): what an upload is,
decided by its content, its dashboard thumbnail, and how its file is served.

A photo is JPEG or PNG by its bytes (never by its name or the browser's Content-Type), whole (Pillow decodes every
pixel), of a sensible size in pixels (a "decompression bomb" of a few kilobytes that decodes to gigabytes is refused
before it is decoded), at least ``MIN_SIDE`` pixels a side and at most ``max_upload_bytes()`` (a phone camera's
photo, 3 to 8 MB, is welcome). It is then fit to the gateway's photobank (``fit_photo``): turned upright as its EXIF
orientation says, every piece of metadata dropped (EXIF with the GPS position of the seller's home or workshop, XMP,
comments; buyers must never learn where a photo was taken), at most ``MAX_SIDE`` pixels a side and re-encoded under
``MAX_BYTES`` (3 MB, the photobank's limit). What is stored, hashed, measured and sent is the fitted photo. Each
domain stores its photos under names made of the content hash in the default storage, with no public URL: the
dashboard shows them through a permission-checked view that answers with ``photo_response``.
"""

from __future__ import annotations

import hashlib
import io
import logging
import math
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.files import File
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from dxports import uploads
from dxports.errors import ApplicationError

logger = logging.getLogger("dxports.photos")

MAX_BYTES = 3 * 1024 * 1024  # the gateway's photobank limit (docs/gateway.md)
# The gateway sets no limit in pixels; ours: buyers zoom into 1000 to 2000 pixels, and a 3000-pixel JPEG of a real
# photo fits under 3 MB at a quality where compression cannot be seen.
MAX_SIDE = 3000
JPEG_QUALITIES = (90, 85, 80, 75)
# What an image's ``info`` may hold and still be stored as uploaded: how to show its pixels, nothing about who, when
# or where. Anything else (EXIF, XMP, IPTC, comments, PNG text) makes the photo re-encoded without it.
HARMLESS_INFO = frozenset(
    {
        "dpi",
        "gamma",
        "transparency",
        "icc_profile",
        "srgb",
        "chromaticity",
        "aspect",
        "interlace",
        "jfif",
        "jfif_version",
        "jfif_unit",
        "jfif_density",
        "progressive",
        "progression",
        "adobe",
        "adobe_transform",
    }
)
# Larger images are refused before their pixels are decoded: 40 megapixels is more than any phone or studio camera
# a seller photographs with, and far less than what a small crafted file can claim to hold.
MAX_PIXELS = 40_000_000
MIN_SIDE = 100  # smaller than this is not a photo a buyer can see anything in
THUMBNAIL_SIZE = (320, 320)
THUMBNAIL_QUALITY = 82
EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png"}


@dataclass(frozen=True)
class InspectedImage:
    data: bytes
    content_type: str
    sha256: str
    width: int
    height: int

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.content_type]


def name_of(uploaded: File) -> str:
    """The uploaded file's name fit to show in a message."""
    return uploads.display_name(getattr(uploaded, "name", ""), default=_("the file"))[:80]


def max_upload_bytes() -> int:
    """The largest photo a seller may upload (``PHOTO_UPLOAD_MAX_BYTES``); it is made to fit ``MAX_BYTES`` after."""
    return int(getattr(settings, "PHOTO_UPLOAD_MAX_BYTES", 20 * 1024 * 1024))


def too_large_message(name: str, size: int) -> str:
    """The refusal of a photo of ``size`` bytes, above the limit (rounded up: 20.01 MB is not "20.0 MB")."""
    limit = max_upload_bytes()
    return _(
        "The image “%(name)s” is %(size).1f MB; photos of at most %(limit)d MB can be uploaded. Save it smaller "
        "(for example 3000 pixels wide, JPEG quality 85) and upload it again."
    ) % {"name": name, "size": math.ceil(size / (1024 * 1024) * 10) / 10, "limit": limit // (1024 * 1024)}


def inspect_image(uploaded: File, *, error: type[ApplicationError]) -> InspectedImage:
    """Check an uploaded photo (a Django ``File``) and return it fit for the photobank (``fit_photo``); ``error``
    (the caller's domain error, with a message naming the file and saying what to do) otherwise. Reads at most
    ``max_upload_bytes() + 1`` bytes."""
    name = name_of(uploaded)
    limit = max_upload_bytes()
    uploaded.seek(0)
    data = uploaded.read(limit + 1)
    uploaded.seek(0)
    if not data:
        raise error(_("The file “%(name)s” is empty.") % {"name": name})
    if len(data) > limit:
        raise error(too_large_message(name, max(len(data), getattr(uploaded, "size", 0) or 0)))
    try:
        inspected = uploads.inspect(data, allowed={"jpeg", "png"}, max_pixels=MAX_PIXELS)
    except uploads.FileProblem as problem:
        raise error(_refusal(problem.code, name)) from problem
    if min(inspected.width, inspected.height) < MIN_SIDE:
        raise error(
            _(
                "The image “%(name)s” is %(width)d × %(height)d pixels; buyers need at least %(min)d pixels on each "
                "side. Upload a larger photo."
            )
            % {"name": name, "width": inspected.width, "height": inspected.height, "min": MIN_SIDE}
        )
    return fit_photo(data, content_type=inspected.content_type)


def fit_photo(data: bytes, *, content_type: str) -> InspectedImage:
    """``data`` (a whole JPEG or PNG, checked by ``uploads.inspect``) as the photobank takes it: upright, without
    metadata, at most ``MAX_SIDE`` pixels a side and ``MAX_BYTES``. A photo that needs none of this is kept byte for
    byte; otherwise it is re-encoded (a PNG that cannot fit as PNG becomes a JPEG, on white where it was
    transparent)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Pillow warns of corrupt EXIF data (when it opens the file), then goes on
        with Image.open(io.BytesIO(data)) as opened:
            width, height = opened.size
            if opened.format == "JPEG" and max(width, height) > MAX_SIDE:
                # Decoded at a half, quarter or eighth of its size straight away where that is no smaller than what
                # is kept (the JPEG's own scaling): a 6000-pixel photo costs a quarter of the time and memory.
                scale = MAX_SIDE / max(width, height)
                opened.draft("RGB", (int(width * scale), int(height * scale)))
            opened.load()
            clean = set(opened.info) <= HARMLESS_INFO and not opened.getexif()
            if clean and max(opened.size) <= MAX_SIDE and len(data) <= MAX_BYTES:
                return _described(data, content_type, opened.size)
            icc_profile = opened.info.get("icc_profile")
            image = _upright(opened)
            if max(image.size) > MAX_SIDE:
                image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
            if content_type == "image/png":
                encoded = _encode(image, "PNG", icc_profile=icc_profile)
                if len(encoded) <= MAX_BYTES:
                    return _described(encoded, content_type, image.size)
            return _fit_jpeg(_flat_rgb(image), icc_profile=icc_profile)


def _fit_jpeg(image: Image.Image, *, icc_profile: bytes | None) -> InspectedImage:
    """The largest JPEG under ``MAX_BYTES``: lower qualities first, then fewer pixels (a photo of noise, not one a
    camera takes, is the only kind that needs the second step)."""
    while True:
        for quality in JPEG_QUALITIES:
            encoded = _encode(image, "JPEG", icc_profile=icc_profile, quality=quality)
            if len(encoded) <= MAX_BYTES:
                return _described(encoded, "image/jpeg", image.size)
        # Bytes grow with pixels: aim a little under the limit, so that one more round is enough.
        scale = min(0.9, 0.95 * (MAX_BYTES / len(encoded)) ** 0.5)
        size = (max(1, int(image.width * scale)), max(1, int(image.height * scale)))
        image = image.resize(size, Image.Resampling.LANCZOS)


def _encode(image: Image.Image, image_format: str, *, icc_profile: bytes | None, **options: object) -> bytes:
    buffer = io.BytesIO()
    if icc_profile:  # colours, nothing personal: a phone's wide-gamut photo would look dull without it
        options["icc_profile"] = icc_profile
    if image_format == "JPEG":
        options.update(optimize=True, progressive=True)
    else:
        options.update(optimize=True)
    # Pillow writes no EXIF, XMP or text unless asked to: the saved image holds pixels, and the colour profile.
    image.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def _described(data: bytes, content_type: str, size: tuple[int, int]) -> InspectedImage:
    return InspectedImage(
        data=data,
        content_type=content_type,
        sha256=hashlib.sha256(data).hexdigest(),
        width=size[0],
        height=size[1],
    )


def _flat_rgb(image: Image.Image) -> Image.Image:
    """``image`` in RGB, on white where it was transparent."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image if image.mode == "RGB" else image.convert("RGB")


def _refusal(code: str, name: str) -> str:
    if code == "not_allowed":
        return _("“%(name)s” is not a JPEG or PNG image (whatever its name says). Upload a photo in JPEG or PNG.") % {
            "name": name
        }
    if code == "image_too_large":
        return _(
            "The image “%(name)s” is too large in pixels (at most %(limit)d megapixels). Resize it, for example to "
            "2000 × 2000 pixels."
        ) % {"name": name, "limit": MAX_PIXELS // 1_000_000}
    return _("The image “%(name)s” is damaged or incomplete. Save or export it again and upload the new file.") % {
        "name": name
    }


def _upright(image: Image.Image) -> Image.Image:
    """``image`` turned as its EXIF orientation says; as it is when the EXIF block is damaged (the pixels were
    decoded whole by ``inspect_image``: only the metadata is wrong, and it is not worth refusing the photo for)."""
    try:
        return ImageOps.exif_transpose(image)
    except (OSError, SyntaxError, ValueError, TypeError, KeyError, IndexError) as exc:
        logger.info("EXIF orientation of an uploaded image not applied: %s", exc)
        return image


def make_thumbnail(data: bytes) -> bytes:
    """A JPEG of at most ``THUMBNAIL_SIZE``, upright (EXIF orientation applied), on white where the image was
    transparent."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Pillow warns of corrupt EXIF data (when it opens the file), then goes on
        with Image.open(io.BytesIO(data)) as opened:
            image = _upright(opened)
            image.thumbnail(THUMBNAIL_SIZE)
            image = _flat_rgb(image)
            buffer = io.BytesIO()
            image.save(buffer, format="JPEG", quality=THUMBNAIL_QUALITY, optimize=True)
    return buffer.getvalue()


def photo_response(file: FieldFile, *, content_type: str) -> FileResponse:
    """The stored photo ``file`` as the answer of a permission-checked view (the caller checked who asks); 404 when
    the file is gone. A photo's URL always serves the same content (a new upload is a new photo), so a browser may
    keep it for good, privately (only the seller's users and staff may see it)."""
    try:
        handle = file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, max-age=31536000, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
