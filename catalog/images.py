"""Product images: the writes that add, remove and reorder them. What an upload is (JPEG or PNG of at most 3 MB by
its content, whole, of a sensible size in pixels) and its thumbnail are ``dxports.photos``, shared with the company
profile's photos. A product holds 1 to 6 images (a draft may hold none: the listing rules say so), never the same
content twice. Position 0 is the main image.

Files are stored under names made of the content hash, never the seller's file name, in the default storage; no URL
serves them publicly: the dashboard shows them through a permission-checked view. A 320-pixel JPEG thumbnail is
made for the dashboard when the image is added.

Adding, removing or reordering images is an edit of the product like any other: the version is bumped, one audit
row records the images before → after, and the product's status follows the same rule as ``product_update``
(``catalog.services.product_record_edit``).
"""

from collections.abc import Iterable

from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils.translation import gettext as _

from catalog.errors import ImageRefused
from catalog.models import Product, ProductImage
from catalog.rules import IMAGES_MAX
from dxports import photos
from dxports.audit import Actor

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

    inspected = photos.inspect_image(uploaded, error=ImageRefused)  # slow: outside the transaction and its lock
    services.storage_check(seller=product.seller, adding=inspected.size, error=ImageRefused)
    thumbnail = photos.make_thumbnail(inspected.data)
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
                    _("“%(name)s” is already one of this product's images.") % {"name": photos.name_of(uploaded)}
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
