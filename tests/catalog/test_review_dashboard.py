"""Hostile input to the seller's dashboard, reviewed: each gets a clear answer, never a 500."""

import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from catalog.models import Product, ProductImage
from tests.catalog.factories import LeafFactory, complete_product
from tests.catalog.test_views_form import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def leaf(db):
    return LeafFactory(name="Jute Shopping Bags")


# "²" and "³" are digits to str.isdigit() but not to int().
@pytest.mark.parametrize("refresh", [False, True], ids=["save", "refresh"])
def test_a_category_of_unicode_digits_is_a_field_error(owner_client, leaf, own_product, refresh):
    data = form_data(leaf, category="²")
    if refresh:
        data["refresh"] = "1"

    created = owner_client.post("/dashboard/products/new/", data)
    edited = owner_client.post(f"/dashboard/products/{own_product.public_id}/edit/", data)

    for response in (created, edited):
        if refresh:
            assert response.status_code == 200
        else:
            assert response.status_code == 400
            assert "category" in response.context["form"].errors
    assert Product.objects.count() == 1


def _jpeg_with_exif(exif, size=(400, 300)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (0, 106, 78)).save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


# An orientation tag whose value lies past the end of the EXIF block; an IFD that claims 65535 entries.
CORRUPT_EXIF = {
    "value_past_the_end": (
        b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01\x00\x09\x00\x00"
    ),
    "entries_past_the_end": b"Exif\x00\x00II*\x00\x08\x00\x00\x00\xff\xff",
}


@pytest.mark.parametrize("exif", CORRUPT_EXIF.values(), ids=CORRUPT_EXIF.keys())
def test_a_photo_with_damaged_exif_metadata_is_added_with_its_thumbnail(owner_client, own_product, exif):
    before = own_product.images.count()
    content = _jpeg_with_exif(exif)
    upload = SimpleUploadedFile("phone.jpg", content)

    response = owner_client.post(f"/dashboard/products/{own_product.public_id}/images/", {"image": upload})

    assert response.status_code == 302
    assert own_product.images.count() == before + 1
    image = ProductImage.objects.get(product=own_product, sha256=hashlib.sha256(content).hexdigest())
    assert (image.width, image.height) == (400, 300) and image.thumbnail


def test_an_empty_photo_file_is_refused_by_name_not_as_no_file(owner_client, own_product):
    upload = SimpleUploadedFile("bag.jpg", b"")

    response = owner_client.post(f"/dashboard/products/{own_product.public_id}/images/", {"image": upload}, follow=True)

    content = response.content.decode()
    assert "The file “bag.jpg” is empty." in content and "Choose a photo to upload." not in content
    assert own_product.images.count() == 3


@pytest.mark.parametrize("count", [1, 4])
def test_the_edit_form_runs_a_constant_number_of_queries(owner_client, seller, count, django_assert_num_queries):
    from decimal import Decimal

    from catalog.models import PriceTier

    product = complete_product(seller=seller, images=count)
    PriceTier.objects.filter(product=product).delete()
    for index in range(count):
        PriceTier.objects.create(product=product, start_quantity=100 * (index + 1), price=Decimal("9") - index)
    for index in range(count * 5):
        LeafFactory(name=f"Leaf {index}")

    # session, user, membership+seller, product+category, tiers, images, attribute values, their attributes,
    # category attributes, the leaf categories offered (with their groups), the inquiries badge
    with django_assert_num_queries(11):
        response = owner_client.get(f"/dashboard/products/{product.public_id}/edit/")

    assert response.status_code == 200
