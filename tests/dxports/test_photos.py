"""The shared photo checks (dxports.photos): real files built in the test, good and hostile, and the thumbnail."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models.fields.files import FieldFile
from django.http import Http404
from PIL import Image

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
        ("huge.jpg", files.four_mb_jpeg(), "accepts at most 3 MB"),
        ("bomb.png", files.png_bomb(20_000), "too large in pixels"),
        ("bomb.png", files.png_bomb(10_000), "too large in pixels"),
        ("big.png", files.png_bomb(7_000), "too large in pixels"),
        ("anim.jpg", files.gif_bytes(), "is not a JPEG or PNG image"),
        ("icon.png", files.image_bytes("PNG", size=(40, 40)), "at least 100 pixels"),
    ],
    ids=["renamed-elf", "truncated-png", "truncated-jpeg", "empty", "4mb", "bomb", "bomb-warn", "big", "gif", "tiny"],
)
def test_a_bad_file_is_refused_with_the_callers_error_naming_it(name, data, message):
    with pytest.raises(Refused) as refused:
        photos.inspect_image(files.upload(name, data), error=Refused)

    assert message in refused.value.message
    assert name in refused.value.message


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
