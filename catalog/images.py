"""Product images: what an upload is, decided by its content, and the writes that add, remove and reorder them.

An image is JPEG or PNG by its bytes (never by its name or the browser's Content-Type), whole (Pillow decodes every
pixel), of a sensible size in pixels (a "decompression bomb" of a few kilobytes that decodes to gigabytes is refused
before it is decoded) and at most 3 MB, the gateway's photobank limit. A product holds 1 to 6 images (a draft may
hold none: the listing rules say so), never the same content twice. Position 0 is the main image.

Files are stored under names made of the content hash, never the seller's file name, in the default storage; no URL
serves them publicly: the dashboard shows them through a permission-checked view. A 320-pixel JPEG thumbnail is
made for the dashboard when the image is added.

Adding, removing or reordering images is an edit of the product like any other: the version is bumped, one audit
row records the images before → after, and the product's status follows the same rule as ``product_update``
(``catalog.services.product_record_edit``).
"""

import hashlib
import io
import logging
import warnings
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from catalog.errors import ImageRefused
from catalog.models import Product, ProductImage
from catalog.rules import IMAGES_MAX
from dxports import uploads
from dxports.audit import Actor

logger = logging.getLogger("dxports.catalog.images")

MAX_BYTES = 3 * 1024 * 1024  # the gateway's photobank limit (docs/gateway.md)
# Larger images are refused before their pixels are decoded: 40 megapixels is more than any phone or studio camera
# a seller photographs products with, and far less than what a small crafted file can claim to hold.
MAX_PIXELS = 40_000_000
MIN_SIDE = 100  # smaller than this is not a product photo a buyer can see anything in
THUMBNAIL_SIZE = (320, 320)
THUMBNAIL_QUALITY = 82


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


def _name_of(uploaded: File) -> str:
    return uploads.display_name(getattr(uploaded, "name", ""), default=_("the file"))[:80]


def inspect_image(uploaded: File) -> InspectedImage:
    """Check an uploaded file (a Django ``File``) and return what it is; ``ImageRefused`` (with a message naming the
    file and saying what to do) otherwise. Reads at most ``MAX_BYTES + 1`` bytes."""
    name = _name_of(uploaded)
    uploaded.seek(0)
    data = uploaded.read(MAX_BYTES + 1)
    uploaded.seek(0)
    if not data:
        raise ImageRefused(_("The file “%(name)s” is empty.") % {"name": name})
    if len(data) > MAX_BYTES:
        size = max(len(data), getattr(uploaded, "size", 0) or 0)
        raise ImageRefused(
            _(
                "The image “%(name)s” is %(size).1f MB; Alibaba.com accepts at most 3 MB. Save it smaller (for "
                "example 2000 pixels wide, JPEG quality 85) and upload it again."
            )
            % {"name": name, "size": size / (1024 * 1024)}
        )
    try:
        inspected = uploads.inspect(data, allowed={"jpeg", "png"}, max_pixels=MAX_PIXELS)
    except uploads.FileProblem as problem:
        raise ImageRefused(_refusal(problem.code, name)) from problem
    if min(inspected.width, inspected.height) < MIN_SIDE:
        raise ImageRefused(
            _(
                "The image “%(name)s” is %(width)d × %(height)d pixels; buyers need at least %(min)d pixels on each "
                "side. Upload a larger photo."
            )
            % {"name": name, "width": inspected.width, "height": inspected.height, "min": MIN_SIDE}
        )
    return InspectedImage(
        data=data,
        content_type=inspected.content_type,
        sha256=hashlib.sha256(data).hexdigest(),
        width=inspected.width,
        height=inspected.height,
    )


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
            if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
                rgba = image.convert("RGBA")
                flat = Image.new("RGB", rgba.size, (255, 255, 255))
                flat.paste(rgba, mask=rgba.getchannel("A"))
                image = flat
            elif image.mode != "RGB":
                image = image.convert("RGB")
            buffer = io.BytesIO()
            image.save(buffer, format="JPEG", quality=THUMBNAIL_QUALITY, optimize=True)
    return buffer.getvalue()


# The writes ------------------------------------------------------------------------------------------------------


def _ordered(product: Product) -> list[ProductImage]:
    return list(ProductImage.objects.filter(product=product).order_by("position", "id"))


def _locked_with(product: Product, image: ProductImage) -> tuple[Product, list[ProductImage], ProductImage]:
    """``product`` locked for an edit, its images in order, and ``image`` among them (``ImageRefused`` when it is
    not one of them)."""
    from catalog import services

    product = services.product_lock_for_edit(product=product)
    images = _ordered(product)
    target = next((each for each in images if each.pk == image.pk), None)
    if target is None:
        raise ImageRefused(_("This image is not one of the product's images."))
    return product, images, target


def _renumber(product: Product, images: list[ProductImage]) -> None:
    for position, image in enumerate(images):
        if image.position != position:
            image.position = position
    ProductImage.objects.bulk_update(images, ["position"])


def _delete_files(names: Iterable[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        if name:
            default_storage.delete(name)


def product_image_add(*, product: Product, actor: Actor, uploaded: File) -> ProductImage:
    """Add an uploaded image at the end of ``product``'s images. Refused (``ImageRefused``) when the file is not a
    whole JPEG or PNG of at most 3 MB, when the product has 6 images already, or holds this content already; and
    when the product cannot be edited now (``NotEditable``). Returns the new ``ProductImage``."""
    from catalog import services

    inspected = inspect_image(uploaded)  # decoding is slow: outside the transaction and its lock
    services.storage_check(seller=product.seller, adding=inspected.size, error=ImageRefused)
    thumbnail = make_thumbnail(inspected.data)
    stored: list[str] = []
    try:
        with transaction.atomic():
            product = services.product_lock_for_edit(product=product)
            before = [each.sha256 for each in _ordered(product)]
            if len(before) >= IMAGES_MAX:
                raise ImageRefused(
                    _("The product has %(count)d images already, the most Alibaba.com shows. Remove one first.")
                    % {"count": len(before)}
                )
            if inspected.sha256 in before:
                raise ImageRefused(
                    _("“%(name)s” is already one of this product's images.") % {"name": _name_of(uploaded)}
                )
            image = ProductImage(
                product=product,
                content_type=inspected.content_type,
                sha256=inspected.sha256,
                position=len(before),
                width=inspected.width,
                height=inspected.height,
                size_bytes=inspected.size,
            )
            # The storage names come from upload_to (product and content hash), not from these names.
            image.file.save("image", ContentFile(inspected.data), save=False)
            stored.append(image.file.name)
            image.thumbnail.save("thumbnail.jpg", ContentFile(thumbnail), save=False)
            stored.append(image.thumbnail.name)
            image.save()
            services.product_record_edit(
                product=product, actor=actor, changes={"images": [before, [*before, inspected.sha256]]}
            )
    except BaseException:
        _delete_files(stored)
        raise
    return image


@transaction.atomic
def product_image_remove(*, product: Product, actor: Actor, image: ProductImage) -> Product:
    """Remove one of ``product``'s images; the ones after it move up (removing the main image makes the next one
    main). The files are deleted once the removal is committed."""
    from catalog import services

    product, images, target = _locked_with(product, image)
    before = [each.sha256 for each in images]
    names = [target.file.name, target.thumbnail.name]
    target.delete()
    remaining = [each for each in images if each.pk != target.pk]
    _renumber(product, remaining)
    services.product_record_edit(
        product=product, actor=actor, changes={"images": [before, [each.sha256 for each in remaining]]}
    )
    transaction.on_commit(lambda: _delete_files(names))
    return product


@transaction.atomic
def product_image_move(*, product: Product, actor: Actor, image: ProductImage, position: int | str) -> Product:
    """Move one of ``product``'s images to ``position`` (0 is the main image; beyond the end means last). Moving
    an image where it already is changes nothing."""
    from catalog import services

    product, images, target = _locked_with(product, image)
    before = [each.sha256 for each in images]
    position = max(0, min(int(position), len(images) - 1))
    images.remove(target)
    images.insert(position, target)
    after = [each.sha256 for each in images]
    if after == before:
        return product
    _renumber(product, images)
    return services.product_record_edit(product=product, actor=actor, changes={"images": [before, after]})
