"""A phone camera's photo through the product page, as a seller sends it (issue 11): 3 to 8 MB, turned by its EXIF
orientation, with the GPS position of where it was taken. It is stored upright, under 3 MB, without any metadata;
a refusal is shown beside the photo field, and the page comes back at the photo form."""

import io

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from brand import services as brand_services
from catalog.models import ProductImage
from dxports import photos
from tests.catalog import image_files as files
from tests.catalog.factories import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(seller):
    return ProductFactory(seller=seller)


def _url(product):
    return f"/dashboard/products/{product.public_id}/images/"


def _assert_upright_small_and_clean(data):
    assert len(data) < 3 * 1024 * 1024
    with Image.open(io.BytesIO(data)) as image:
        assert image.height > image.width  # the camera stored it landscape; its EXIF says it is shown portrait
        red, green, blue = image.convert("RGB").getpixel((image.width - 10, 10))
        assert red > 180 and green < 70 and blue < 100  # the stored top-left corner is now the top right
        assert not image.getexif() and not image.getexif().get_ifd(files.GPS_IFD)
    assert b"PhoneMaker" not in data and b"Exif\x00\x00" not in data


def test_a_camera_photo_is_stored_upright_under_3_mb_without_exif_or_gps(owner_client, draft):
    data = files.camera_jpeg()
    assert len(data) > 5 * 1024 * 1024

    response = owner_client.post(_url(draft), {"image": files.upload("IMG_20261130_101500.jpg", data)})

    assert response.status_code == 302 and response["Location"].endswith("#images")
    image = ProductImage.objects.get(product=draft)
    with default_storage.open(image.file.name) as stored:
        content = stored.read()
    _assert_upright_small_and_clean(content)
    assert (image.width, image.height, image.size_bytes) == (*Image.open(io.BytesIO(content)).size, len(content))
    assert image.width <= photos.MAX_SIDE and image.height <= photos.MAX_SIDE


@pytest.mark.slow  # about 30 seconds: 27 megapixels decoded twice, turned, shrunk and encoded
def test_a_photo_of_20_mb_is_accepted(owner_client, draft):
    data = files.camera_jpeg(size=(6000, 4500), quality=97)
    assert 15 * 1024 * 1024 < len(data) <= 20 * 1024 * 1024, len(data)

    response = owner_client.post(_url(draft), {"image": files.upload("IMG_big.jpg", data)})

    assert response.status_code == 302
    assert ProductImage.objects.get(product=draft).size_bytes < 3 * 1024 * 1024


def test_a_photo_over_20_mb_is_refused_beside_the_field_with_the_limit(owner_client, draft):
    response = owner_client.post(_url(draft), {"image": files.upload("IMG_huge.jpg", files.over_limit_jpeg())})

    assert response.status_code == 400
    content = response.content.decode()
    form = content[content.index("data-photo-upload") : content.index("</form>", content.index("data-photo-upload"))]
    assert "“IMG_huge.jpg” is 20.1 MB; photos of at most 20 MB can be uploaded" in form
    assert 'role="alert"' in form and 'aria-invalid="true" autofocus' in form
    assert not ProductImage.objects.filter(product=draft).exists()


def test_a_refused_file_comes_back_at_the_form_with_the_error_beside_the_field(owner_client, draft):
    response = owner_client.post(_url(draft), {"image": files.upload("setup.jpg", files.elf_bytes())})

    assert response.status_code == 400
    content = response.content.decode()
    assert f'action="{_url(draft)}#photo-file-form" id="photo-file-form"' in content  # the browser shows the form
    start = content.index('id="photo-file-error"')
    assert "“setup.jpg” is not a JPEG or PNG image" in content[start : content.index("</p>", start)]
    assert '<ul class="messages"' not in content  # not at the top of the page, off-screen on a phone


def test_the_upload_form_tells_the_script_the_limit_and_loads_it_deferred(owner_client, draft):
    content = owner_client.get(f"/dashboard/products/{draft.public_id}/").content.decode()

    assert f'data-max-bytes="{20 * 1024 * 1024}"' in content
    assert '<script src="/static/js/photo-upload.js" defer></script>' in content
    assert "<script>" not in content


@pytest.mark.parametrize("kind", ["factory", "logo"])
def test_brand_photos_go_through_the_same_fitting(seller, owner, kind):
    profile = brand_services.profile_get_or_create(seller=seller, actor=owner)

    photo = brand_services.profile_photo_add(
        profile=profile, actor=owner, uploaded=files.upload("IMG_2.jpg", files.camera_jpeg()), kind=kind
    )

    with default_storage.open(photo.file.name) as stored:
        _assert_upright_small_and_clean(stored.read())
