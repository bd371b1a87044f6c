"""The profile's files through its services: factory photos and the logo (the photo checks of product images), and
certificates checked by content like KYC documents, stored privately under generated names."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction

from brand import rules, services
from brand.errors import CertificateRefused, PhotoRefused
from brand.models import Certificate, PhotoKind, ProfileEvent, ProfilePhoto, certificate_storage
from tests.brand.support import add_certificate, certificate_upload, photo_upload
from tests.catalog import image_files
from tests.sellers import files as kyc_files

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(seller, owner):
    return services.profile_get_or_create(seller=seller, actor=owner)


# Photos ------------------------------------------------------------------------------------------------------------


def test_a_photo_is_stored_under_a_generated_name_with_its_thumbnail(draft, owner):
    photo = services.profile_photo_add(profile=draft, actor=owner, uploaded=photo_upload("../../etc/Our Looms.jpg"))

    assert photo.file.name == f"company/{draft.public_id}/factory/{photo.sha256}.jpg"
    assert photo.thumbnail.name == f"company/{draft.public_id}/factory/thumbs/{photo.sha256}.jpg"
    assert default_storage.exists(photo.file.name) and default_storage.exists(photo.thumbnail.name)
    assert (photo.width, photo.height, photo.position) == (320, 240, 0)
    draft.refresh_from_db()
    assert draft.version == 2
    assert ProfileEvent.objects.filter(kind="edited").get().changes == {"factory_photos": [[], [photo.sha256]]}


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("setup.jpg", image_files.elf_bytes(), "is not a JPEG or PNG image"),
        ("floor.png", image_files.truncated_png(), "is damaged or incomplete"),
        ("empty.jpg", b"", "is empty"),
        ("huge.jpg", image_files.over_limit_jpeg(), "photos of at most 20 MB can be uploaded"),
        ("bomb.png", image_files.png_bomb(20_000), "too large in pixels"),
        ("icon.png", image_files.image_bytes("PNG", size=(40, 40)), "at least 100 pixels"),
    ],
    ids=["renamed-elf", "truncated-png", "empty", "over-20mb", "bomb", "tiny"],
)
@pytest.mark.parametrize("kind", [PhotoKind.FACTORY, PhotoKind.LOGO])
def test_a_bad_photo_or_logo_is_refused_naming_it_and_nothing_is_stored(draft, owner, name, data, message, kind):
    with pytest.raises(PhotoRefused) as refused:
        services.profile_photo_add(profile=draft, actor=owner, uploaded=image_files.upload(name, data), kind=kind)

    assert message in str(refused.value.message) and name in str(refused.value.message)
    assert not ProfilePhoto.objects.exists()
    assert not default_storage.exists(f"company/{draft.public_id}")
    draft.refresh_from_db()
    assert draft.version == 1


def test_an_eleventh_factory_photo_and_the_same_content_twice_are_refused(draft, owner):
    for seed in range(10):
        services.profile_photo_add(profile=draft, actor=owner, uploaded=photo_upload(seed=seed))

    with pytest.raises(PhotoRefused, match="10 factory photos already"):
        services.profile_photo_add(profile=draft, actor=owner, uploaded=photo_upload(seed=99))

    first = ProfilePhoto.objects.get(position=0)
    services.profile_photo_remove(profile=draft, actor=owner, photo=first)
    with pytest.raises(PhotoRefused, match="one of the profile's photos already"):
        services.profile_photo_add(profile=draft, actor=owner, uploaded=photo_upload("again.jpg", seed=5))
    # The same content may be the logo as well.
    services.profile_photo_add(profile=draft, actor=owner, uploaded=photo_upload(seed=5), kind=PhotoKind.LOGO)


def test_a_new_logo_replaces_the_old_one_and_its_files_go(draft, owner, django_capture_on_commit_callbacks):
    old = services.profile_photo_add(profile=draft, actor=owner, uploaded=photo_upload(), kind=PhotoKind.LOGO)

    with django_capture_on_commit_callbacks(execute=True):
        new = services.profile_photo_add(profile=draft, actor=owner, uploaded=photo_upload(), kind=PhotoKind.LOGO)

    assert list(ProfilePhoto.objects.filter(kind=PhotoKind.LOGO)) == [new]
    assert not default_storage.exists(old.file.name) and not default_storage.exists(old.thumbnail.name)
    assert default_storage.exists(new.file.name)
    assert ProfileEvent.objects.filter(kind="edited").first().changes == {"brand_logo": [[old.sha256], [new.sha256]]}


def test_removing_a_photo_moves_the_others_up_and_deletes_its_files(draft, owner, django_capture_on_commit_callbacks):
    photos = [services.profile_photo_add(profile=draft, actor=owner, uploaded=photo_upload()) for _ in range(3)]

    with django_capture_on_commit_callbacks(execute=True):
        services.profile_photo_remove(profile=draft, actor=owner, photo=photos[0])

    assert list(ProfilePhoto.objects.order_by("position").values_list("pk", "position")) == [
        (photos[1].pk, 0),
        (photos[2].pk, 1),
    ]
    assert not default_storage.exists(photos[0].file.name)


def test_moving_a_photo_reorders_and_moving_it_nowhere_changes_nothing(draft, owner):
    photos = [services.profile_photo_add(profile=draft, actor=owner, uploaded=photo_upload()) for _ in range(3)]

    services.profile_photo_move(profile=draft, actor=owner, photo=photos[2], position=0)
    version = type(draft).objects.get(pk=draft.pk).version
    services.profile_photo_move(profile=draft, actor=owner, photo=photos[2], position=0)

    assert list(ProfilePhoto.objects.order_by("position").values_list("pk", flat=True)) == [
        photos[2].pk,
        photos[0].pk,
        photos[1].pk,
    ]
    assert type(draft).objects.get(pk=draft.pk).version == version


def test_another_profiles_photo_cannot_be_removed_through_this_one(draft, owner, other_seller_user):
    other = services.profile_get_or_create(seller=other_seller_user.seller_membership.seller)
    theirs = services.profile_photo_add(profile=other, actor=other_seller_user, uploaded=photo_upload())

    with pytest.raises(PhotoRefused):
        services.profile_photo_remove(profile=draft, actor=owner, photo=theirs)

    assert ProfilePhoto.objects.filter(pk=theirs.pk).exists()


# Certificates --------------------------------------------------------------------------------------------------------


def test_a_certificate_is_stored_privately_under_a_generated_name(draft, owner):
    certificate = add_certificate(draft, owner, uploaded=certificate_upload("../../OEKO TEX 2025.pdf"))

    stored = Path(certificate.file.path)
    assert stored.is_relative_to(Path(settings.BRAND_PRIVATE_ROOT))
    assert not stored.is_relative_to(Path(settings.MEDIA_ROOT))
    assert stored.parent.name == str(draft.public_id) and stored.suffix == ".pdf"
    assert "OEKO" not in stored.name and ".." not in certificate.file.name
    assert certificate.original_name == "OEKO TEX 2025.pdf"
    assert certificate.content_type == "application/pdf" and certificate.size == stored.stat().st_size
    with pytest.raises(ValueError, match="no public URL"):
        _ = certificate.file.url


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("certificate.pdf", kyc_files.elf_bytes(), "is not a PDF, JPEG or PNG file"),
        ("certificate.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n", "is incomplete"),
        ("scan.png", kyc_files.truncated_png(), "is damaged or incomplete"),
        ("scan.jpg", image_files.truncated_jpeg(), "is damaged or incomplete"),
        ("certificate.pdf", b"", "is empty"),
        ("certificate.pdf", kyc_files.six_mb_scan(), "the limit is 5 MB"),
        ("scan.gif", image_files.gif_bytes(), "is not a PDF, JPEG or PNG file"),
        ("scan.png", image_files.png_bomb(20_000), "too large in pixels"),
        ("index.html", b"<html><script>alert(1)</script></html>", "is not a PDF, JPEG or PNG file"),
        ("certificate.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', "is not a PDF"),
        ("certificate.zip", b"PK\x03\x04" + b"\0" * 100, "is not a PDF, JPEG or PNG file"),
    ],
    ids=[
        "renamed-elf",
        "truncated-pdf",
        "truncated-png",
        "truncated-jpeg",
        "empty",
        "6mb",
        "gif",
        "bomb",
        "html",
        "svg",
        "zip",
    ],
)
def test_a_hostile_certificate_file_is_refused_naming_it_and_nothing_is_stored(draft, owner, name, data, message):
    with pytest.raises(CertificateRefused) as refused:
        add_certificate(draft, owner, uploaded=certificate_upload(name, data))

    assert message in str(refused.value.message) and name in str(refused.value.message)
    assert refused.value.extra["field"] == "file"
    assert not Certificate.objects.exists()
    root = Path(settings.BRAND_PRIVATE_ROOT)
    assert not root.exists() or not any(root.rglob("*.*"))


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_a_photographed_certificate_is_taken(draft, owner, fmt):
    data = image_files.image_bytes(fmt, size=(1200, 1600))

    certificate = add_certificate(draft, owner, uploaded=certificate_upload(f"photo.{fmt.lower()}", data))

    assert certificate.content_type == f"image/{fmt.lower()}"


def _add(draft, owner, **changes):
    on = rules.today()
    fields = {
        "type": "BSCI",
        "issuer": "amfori",
        "number": "B-1",
        "valid_from": on - timedelta(days=10),
        "valid_until": on + timedelta(days=300),
        **changes,
    }
    return services.certificate_add(profile=draft, actor=owner, uploaded=certificate_upload(), **fields)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"type": "ISO 9999"}, "type", "from the list"),
        ({"issuer": "  "}, "issuer", "who issued"),
        ({"issuer": "x" * 129}, "issuer", "at most 128"),
        ({"number": ""}, "number", "number"),
        ({"number": "9" * 65}, "number", "at most 64"),
        ({"valid_from": None}, "valid_from", "valid from"),
        ({"valid_until": None}, "valid_until", "valid until"),
        ({"valid_from": rules.today() + timedelta(days=1)}, "valid_from", "add it on that day"),
        ({"valid_until": rules.today() - timedelta(days=20)}, "valid_until", "must come after"),
        ({"valid_until": rules.today() - timedelta(days=1)}, "valid_until", "expired on"),
    ],
)
def test_a_certificate_field_that_is_wrong_is_refused_naming_it(draft, owner, changes, field, message):
    if field == "valid_until" and "must come after" in message:
        changes["valid_from"] = rules.today() - timedelta(days=10)

    with pytest.raises(CertificateRefused) as refused:
        _add(draft, owner, **changes)

    assert refused.value.extra["field"] == field and message in str(refused.value.message)
    assert not Certificate.objects.exists()


def test_the_same_certificate_twice_and_a_21st_are_refused(draft, owner):
    _add(draft, owner)
    with pytest.raises(CertificateRefused, match="on the profile already"), transaction.atomic():
        _add(draft, owner)
    for n in range(19):
        _add(draft, owner, number=f"B-{n + 2}")

    with pytest.raises(CertificateRefused, match="20 certificates"):
        _add(draft, owner, number="B-99")

    assert Certificate.objects.count() == 20


def test_removing_a_certificate_deletes_its_file_after_commit(draft, owner, django_capture_on_commit_callbacks):
    certificate = _add(draft, owner)
    path = Path(certificate.file.path)

    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_remove(profile=draft, actor=owner, certificate=certificate)

    assert not Certificate.objects.exists() and not path.exists()
    assert ProfileEvent.objects.filter(kind="edited").first().changes == {"certificates": [["BSCI B-1"], []]}
    assert certificate_storage().location == str(Path(settings.BRAND_PRIVATE_ROOT).resolve())
