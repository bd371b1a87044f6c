"""The shared photo checks (dxports.photos): real files built in the test, good and hostile, and the thumbnail."""

import hashlib
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models.fields.files import FieldFile
from django.http import Http404
from PIL import Image, PngImagePlugin

from dxports import photos
from dxports.errors import ApplicationError
from tests.catalog import image_files as files


class Refused(ApplicationError):
    pass


def test_a_photo_is_described_by_its_content_not_its_name():
    data = files.noise_bytes("PNG", size=(300, 200))

    inspected = photos.inspect_image(files.upload("photo.jpg", data, "image/jpeg"), error=Refused)

    assert (inspected.content_type, inspected.extension) == ("image/png", ".png")
    assert (inspected.width, inspected.height, inspected.size) == (300, 200, len(data))
    assert len(inspected.sha256) == 64


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("setup.jpg", files.elf_bytes(), "is not a JPEG or PNG image"),
        ("bag.png", files.truncated_png(), "is damaged or incomplete"),
        ("bag.jpg", files.truncated_jpeg(), "is damaged or incomplete"),
        ("empty.jpg", b"", "is empty"),
        ("bomb.png", files.png_bomb(20_000), "too large in pixels"),
        ("bomb.png", files.png_bomb(10_000), "too large in pixels"),
        ("big.png", files.png_bomb(7_000), "too large in pixels"),
        ("anim.jpg", files.gif_bytes(), "is not a JPEG or PNG image"),
        ("icon.png", files.image_bytes("PNG", size=(40, 40)), "at least 100 pixels"),
    ],
    ids=["renamed-elf", "truncated-png", "truncated-jpeg", "empty", "bomb", "bomb-warn", "big", "gif", "tiny"],
)
def test_a_bad_file_is_refused_with_the_callers_error_naming_it(name, data, message):
    with pytest.raises(Refused) as refused:
        photos.inspect_image(files.upload(name, data), error=Refused)

    assert message in refused.value.message
    assert name in refused.value.message


def _no_metadata(data):
    with Image.open(io.BytesIO(data)) as image:
        assert not image.getexif(), dict(image.getexif())
        assert not image.getexif().get_ifd(files.GPS_IFD)
        assert set(image.info) <= photos.HARMLESS_INFO, image.info
    assert b"Exif" not in data[:65536] and b"PhoneMaker" not in data and b"Phone 12 Pro" not in data


def test_a_phone_cameras_photo_is_turned_upright_stripped_of_its_location_and_fit_under_3_mb():
    data = files.camera_jpeg()
    assert len(data) > 5 * 1024 * 1024

    inspected = photos.inspect_image(files.upload("IMG_20261130.jpg", data), error=Refused)

    assert inspected.size < photos.MAX_BYTES
    assert inspected.content_type == "image/jpeg"
    assert inspected.height > inspected.width  # stored landscape, shown portrait: turned 90° clockwise
    assert max(inspected.width, inspected.height) <= photos.MAX_SIDE
    with Image.open(io.BytesIO(inspected.data)) as image:
        assert image.size == (inspected.width, inspected.height)
        red, green, blue = image.convert("RGB").getpixel((image.width - 10, 10))  # stored top-left → top-right
        assert red > 180 and green < 70 and blue < 100
    _no_metadata(inspected.data)
    assert inspected.sha256 == hashlib.sha256(inspected.data).hexdigest()


def test_a_photo_of_noise_that_does_not_compress_still_fits_under_3_mb():
    data = files.noise_bytes("JPEG", size=(2500, 2000), quality=95)
    assert len(data) > photos.MAX_BYTES

    inspected = photos.inspect_image(files.upload("noise.jpg", data), error=Refused)

    assert inspected.size <= photos.MAX_BYTES
    assert inspected.width / inspected.height == pytest.approx(2500 / 2000, rel=0.01)


def test_a_png_with_text_and_exif_is_kept_png_without_them():
    image = Image.new("RGBA", (400, 300), (0, 106, 78, 128))
    exif = image.getexif()
    exif[0x010F] = "PhoneMaker"
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "taken at home, Road 5, Dhanmondi")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", exif=exif.tobytes(), pnginfo=info)

    inspected = photos.inspect_image(files.upload("logo.png", buffer.getvalue(), "image/png"), error=Refused)

    assert inspected.content_type == "image/png"
    assert b"Dhanmondi" not in inspected.data
    _no_metadata(inspected.data)
    with Image.open(io.BytesIO(inspected.data)) as stored:
        assert stored.mode == "RGBA" and stored.getpixel((0, 0)) == (0, 106, 78, 128)


def test_a_clean_photo_that_fits_is_kept_byte_for_byte():
    data = files.noise_bytes("JPEG", size=(1200, 900))

    inspected = photos.inspect_image(files.upload("bag.jpg", data), error=Refused)

    assert inspected.data == data


def test_a_photo_up_to_the_upload_limit_is_accepted_and_a_larger_one_is_refused_with_the_limit(settings):
    settings.PHOTO_UPLOAD_MAX_BYTES = 6 * 1024 * 1024
    data = files.camera_jpeg()
    assert len(data) < settings.PHOTO_UPLOAD_MAX_BYTES
    photos.inspect_image(files.upload("IMG_1.jpg", data), error=Refused)

    settings.PHOTO_UPLOAD_MAX_BYTES = 4 * 1024 * 1024
    with pytest.raises(Refused) as refused:
        photos.inspect_image(files.upload("IMG_1.jpg", data), error=Refused)

    assert "“IMG_1.jpg” is 5.4 MB; photos of at most 4 MB can be uploaded" in refused.value.message


def test_the_default_upload_limit_takes_a_camera_photo_of_20_mb():
    assert photos.max_upload_bytes() == 20 * 1024 * 1024


def test_a_path_in_the_file_name_is_not_repeated_in_the_message():
    with pytest.raises(Refused) as refused:
        photos.inspect_image(files.upload("../../etc/passwd", files.elf_bytes()), error=Refused)

    assert "“passwd”" in refused.value.message and "../" not in refused.value.message


def test_the_pixel_limit_leaves_a_large_camera_photo_alone():
    assert photos.MAX_PIXELS >= 6000 * 4000


def test_the_thumbnail_is_a_small_jpeg_on_white_where_the_photo_was_transparent():
    buffer = io.BytesIO()
    Image.new("RGBA", (1000, 500), (0, 0, 0, 0)).save(buffer, format="PNG")

    thumbnail = photos.make_thumbnail(buffer.getvalue())

    with Image.open(io.BytesIO(thumbnail)) as image:
        assert image.format == "JPEG"
        assert image.size == (320, 160)
        assert image.getpixel((0, 0)) == (255, 255, 255)


def test_the_thumbnail_is_turned_upright_as_the_exif_orientation_says():
    image = Image.new("RGB", (400, 200), (0, 106, 78))
    exif = image.getexif()
    exif[0x0112] = 6  # rotated 90° clockwise: shown portrait
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)

    with Image.open(io.BytesIO(photos.make_thumbnail(buffer.getvalue()))) as thumbnail:
        assert thumbnail.size == (160, 320)


def _stored(name):
    """A ``FieldFile`` of ``name`` in the default storage, as a model's file field holds it."""
    field = type("Field", (), {"storage": default_storage})()
    return FieldFile(None, field, name)


def test_a_served_photo_is_private_and_cannot_run_anything():
    name = default_storage.save("photos/a.jpg", ContentFile(files.image_bytes()))

    response = photos.photo_response(_stored(name), content_type="image/jpeg")

    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, max-age=31536000, immutable"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert b"".join(response.streaming_content) == files.image_bytes()
    response.file_to_stream.close()  # response.close() would signal the end of a request, which is not one


def test_a_photo_whose_file_is_gone_is_not_found():
    with pytest.raises(Http404):
        photos.photo_response(_stored("photos/missing.jpg"), content_type="image/jpeg")
