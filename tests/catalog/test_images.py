"""Product images through their services: real files built in the test, good and bad, and the rules around them."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from catalog.errors import ImageRefused, NotEditable
from catalog.images import product_image_add, product_image_move, product_image_remove
from catalog.models import EventKind, ProductImage, ProductStatus
from dxports import photos
from tests.catalog import image_files as files
from tests.catalog.factories import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(seller):
    return ProductFactory(seller=seller)


def _read(name):
    with default_storage.open(name) as file:
        return file.read()


def _add(product, owner, count):
    return [product_image_add(product=product, actor=owner, uploaded=files.photo(seed=n)) for n in range(count)]


def test_a_jpeg_is_stored_under_a_generated_name_with_its_thumbnail_and_sizes(draft, owner):
    uploaded = files.photo("../../etc/My Bag Photo.jpg", size=(1200, 900))

    image = product_image_add(product=draft, actor=owner, uploaded=uploaded)

    image.refresh_from_db()
    assert image.content_type == "image/jpeg"
    assert (image.width, image.height) == (1200, 900)
    assert image.size_bytes == uploaded.size
    assert image.position == 0
    assert image.file.name == f"products/{draft.public_id}/{image.sha256}.jpg"
    assert "Bag" not in image.file.name and ".." not in image.file.name
    assert default_storage.exists(image.file.name)
    with Image.open(io.BytesIO(_read(image.thumbnail.name))) as thumbnail:
        assert thumbnail.format == "JPEG"
        assert max(thumbnail.size) == 320


def test_a_png_with_transparency_is_kept_as_png_and_its_thumbnail_is_a_jpeg(draft, owner):
    buffer = io.BytesIO()
    Image.new("RGBA", (300, 200), (0, 0, 0, 0)).save(buffer, format="PNG")

    image = product_image_add(product=draft, actor=owner, uploaded=files.upload("cut-out.png", buffer.getvalue()))

    assert image.content_type == "image/png"
    assert image.file.name.endswith(".png")
    with Image.open(io.BytesIO(_read(image.thumbnail.name))) as thumbnail:
        assert thumbnail.format == "JPEG" and thumbnail.getpixel((0, 0)) == (255, 255, 255)


def test_adding_an_image_bumps_the_version_and_is_audited(draft, owner):
    version = draft.version

    image = product_image_add(product=draft, actor=owner, uploaded=files.photo())

    draft.refresh_from_db()
    assert draft.version == version + 1
    event = draft.events.get(kind=EventKind.EDITED)
    assert event.actor == owner
    assert event.changes == {"images": [[], [image.sha256]]}


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("setup.jpg", files.elf_bytes(), "is not a JPEG or PNG image"),
        ("bag.png", files.truncated_png(), "is damaged or incomplete"),
        ("bag.jpg", files.truncated_jpeg(), "is damaged or incomplete"),
        ("empty.jpg", b"", "is empty"),
        ("huge.jpg", files.over_limit_jpeg(), "photos of at most 20 MB can be uploaded"),
        ("bomb.png", files.png_bomb(20_000), "too large in pixels"),  # above twice Pillow's limit: an error
        ("bomb.png", files.png_bomb(10_000), "too large in pixels"),  # above Pillow's limit: a warning
        ("big.png", files.png_bomb(7_000), "too large in pixels"),  # above ours only
        ("anim.jpg", files.gif_bytes(), "is not a JPEG or PNG image"),
        ("icon.png", files.image_bytes("PNG", size=(40, 40)), "at least 100 pixels"),
    ],
    ids=[
        "renamed-elf",
        "truncated-png",
        "truncated-jpeg",
        "empty",
        "over-20mb",
        "bomb",
        "bomb-warn",
        "big",
        "gif",
        "tiny",
    ],
)
def test_a_bad_file_is_refused_with_a_message_naming_it_and_nothing_is_stored(draft, owner, name, data, message):
    version = draft.version

    with pytest.raises(ImageRefused) as refused:
        product_image_add(product=draft, actor=owner, uploaded=files.upload(name, data))

    assert message in refused.value.message
    assert name in refused.value.message
    assert not ProductImage.objects.filter(product=draft).exists()
    draft.refresh_from_db()
    assert draft.version == version
    assert not default_storage.exists(f"products/{draft.public_id}")


def test_a_seventh_image_is_refused(draft, owner):
    _add(draft, owner, 6)

    with pytest.raises(ImageRefused, match="6 images already"):
        product_image_add(product=draft, actor=owner, uploaded=files.photo(seed=99))

    assert draft.images.count() == 6


def test_the_same_content_twice_on_one_product_is_refused_but_another_product_may_use_it(draft, owner, seller):
    product_image_add(product=draft, actor=owner, uploaded=files.photo("front.jpg", seed=5))

    with pytest.raises(ImageRefused, match="already one of this product"):
        product_image_add(product=draft, actor=owner, uploaded=files.photo("copy-of-front.jpg", seed=5))

    other = ProductFactory(seller=seller)
    product_image_add(product=other, actor=owner, uploaded=files.photo("front.jpg", seed=5))
    assert draft.images.count() == 1 and other.images.count() == 1


def test_removing_the_main_image_makes_the_next_one_main_and_deletes_the_files(
    draft, owner, django_capture_on_commit_callbacks
):
    first, second, third = _add(draft, owner, 3)

    with django_capture_on_commit_callbacks(execute=True):
        product_image_remove(product=draft, actor=owner, image=first)

    assert [(image.sha256, image.position) for image in draft.images.all()] == [
        (second.sha256, 0),
        (third.sha256, 1),
    ]
    assert not default_storage.exists(first.file.name)
    assert not default_storage.exists(first.thumbnail.name)
    event = draft.events.filter(kind=EventKind.EDITED).first()
    assert event.changes == {"images": [[first.sha256, second.sha256, third.sha256], [second.sha256, third.sha256]]}


def test_moving_an_image_reorders_and_position_zero_is_the_main_image(draft, owner):
    first, second, third = _add(draft, owner, 3)
    version = draft.version + 3

    product_image_move(product=draft, actor=owner, image=third, position=0)

    assert list(draft.images.values_list("sha256", flat=True)) == [third.sha256, first.sha256, second.sha256]
    draft.refresh_from_db()
    assert draft.version == version + 1


def test_moving_an_image_where_it_is_changes_nothing(draft, owner):
    first, _second = _add(draft, owner, 2)
    draft.refresh_from_db()
    version = draft.version

    product_image_move(product=draft, actor=owner, image=first, position=0)

    draft.refresh_from_db()
    assert draft.version == version


def test_an_image_of_another_product_cannot_be_removed_or_moved_through_this_one(draft, owner, seller):
    other = ProductFactory(seller=seller)
    (foreign,) = _add(other, owner, 1)

    with pytest.raises(ImageRefused):
        product_image_remove(product=draft, actor=owner, image=foreign)
    with pytest.raises(ImageRefused):
        product_image_move(product=draft, actor=owner, image=foreign, position=0)
    assert other.images.count() == 1


def test_images_of_a_ready_product_send_it_back_to_draft_like_any_edit(seller, owner):
    from tests.catalog.factories import complete_product

    product = complete_product(seller=seller, status=ProductStatus.READY)

    product_image_add(product=product, actor=owner, uploaded=files.photo())

    product.refresh_from_db()
    assert product.status == ProductStatus.DRAFT


@pytest.mark.parametrize("status", [ProductStatus.PUBLISHING, ProductStatus.UNDER_REVIEW, ProductStatus.BLOCKED])
def test_images_of_a_product_on_its_way_or_blocked_cannot_change(seller, owner, status):
    product = ProductFactory(seller=seller, status=status, status_reason="Watermark on photos")

    with pytest.raises(NotEditable):
        product_image_add(product=product, actor=owner, uploaded=files.photo())

    assert not product.images.exists()
    assert not default_storage.exists(f"products/{product.public_id}")


def test_a_photo_added_to_a_live_product_is_sent_as_an_update(seller, owner):
    from alibaba.models import OutboxJob
    from tests.catalog.factories import complete_product

    product = complete_product(seller=seller, status=ProductStatus.LIVE, gateway_product_id=4242, synced_version=1)

    product_image_add(product=product, actor=owner, uploaded=files.photo())

    product.refresh_from_db()
    assert product.status == ProductStatus.UPDATING and product.version == 2
    assert OutboxJob.objects.filter(kind="product.upsert", target=str(product.pk)).exists()


def test_removing_the_only_photo_of_a_live_product_is_refused_and_changes_nothing(
    seller, owner, django_capture_on_commit_callbacks
):
    from catalog.errors import ListingIncomplete
    from tests.catalog.factories import complete_product

    product = complete_product(seller=seller, status=ProductStatus.LIVE, images=0)
    (image,) = _add_while_draft(product, owner)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ListingIncomplete) as refused:
        product_image_remove(product=product, actor=owner, image=image)

    assert [problem.code for problem in refused.value.problems] == ["images_missing"]
    product.refresh_from_db()
    assert product.status == ProductStatus.LIVE and product.version == 1
    assert product.images.get() == image
    assert default_storage.exists(image.file.name)


def _add_while_draft(product, owner):
    """An image of a product that is live already, stored directly: adding it through the service would send an
    update."""
    inspected = photos.inspect_image(files.photo(), error=ImageRefused)
    image = ProductImage(product=product, sha256=inspected.sha256, content_type=inspected.content_type, position=0)
    image.file.save("photo", ContentFile(inspected.data), save=False)
    image.thumbnail.save("thumbnail.jpg", ContentFile(photos.make_thumbnail(inspected.data)))
    return [image]
