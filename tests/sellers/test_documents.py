"""KYC uploads: PDF/JPEG/PNG by content, ≤ 5 MB, stored under generated names in the private folder; the bad
files of the issue are refused with a clear message and nothing is stored."""

import os

import pytest
from django.conf import settings
from django.core.files.base import ContentFile

from sellers.errors import DocumentRefused
from sellers.models import Document, DocumentKind, EventKind, ReviewReason, SellerEvent
from sellers.services import seller_document_upload
from tests.sellers import files

pytestmark = pytest.mark.django_db


def _stored_files():
    root = settings.SELLERS_PRIVATE_ROOT
    return [os.path.join(d, f) for d, _dirs, names in os.walk(root) for f in names] if os.path.exists(root) else []


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("licence.pdf", files.pdf_bytes(), "application/pdf"),
        ("nid-front.png", files.image_bytes("PNG"), "image/png"),
        ("nid-back.jpg", files.image_bytes("JPEG"), "image/jpeg"),
        ("scan-without-extension", files.image_bytes("JPEG"), "image/jpeg"),
    ],
)
def test_a_good_file_is_stored_under_a_generated_name_in_the_private_folder(seller, owner, name, data, content_type):
    document = seller_document_upload(
        seller=seller, actor=owner, kind=DocumentKind.TRADE_LICENCE, uploaded=files.upload(name, data, "text/plain")
    )

    assert document.content_type == content_type  # by content, not by the browser's word
    assert document.original_name == name
    stored = document.file.path
    assert stored.startswith(str(settings.SELLERS_PRIVATE_ROOT))
    assert not stored.startswith(str(settings.MEDIA_ROOT))
    assert name not in stored
    assert os.path.basename(stored) != name
    with open(stored, "rb") as handle:
        assert handle.read() == data
    with pytest.raises(ValueError):
        document.file.url  # noqa: B018 - no public URL exists


BAD_FILES = [
    ("program.pdf", files.elf_bytes(), "not a PDF, JPEG or PNG"),
    ("empty.pdf", b"", "is empty"),
    ("photo.png", files.truncated_png(), "damaged or incomplete"),
    ("scan.pdf", files.six_mb_scan(), "the limit is 5 MB"),
    ("../../etc/licence.pdf", files.pdf_bytes(), "is not allowed"),
    ("..\\licence.pdf", files.pdf_bytes(), "is not allowed"),
    ("cut.pdf", files.pdf_bytes()[:-8], "incomplete"),
]


@pytest.mark.parametrize(("name", "data", "message"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_a_bad_file_is_refused_with_a_clear_message_and_nothing_is_stored(seller, owner, name, data, message):
    with pytest.raises(DocumentRefused, match=message):
        # ContentFile keeps the name as given (an import script, say); an UploadedFile would already drop the path.
        seller_document_upload(
            seller=seller, actor=owner, kind=DocumentKind.TRADE_LICENCE, uploaded=ContentFile(data, name=name)
        )

    assert not Document.objects.exists()
    assert _stored_files() == []
    assert not SellerEvent.objects.filter(kind=EventKind.DOCUMENT).exists()


HTTP_BAD_FILES = [b for b in BAD_FILES if "\\" not in b[0] and "/" not in b[0]]


@pytest.mark.parametrize(("name", "data", "message"), HTTP_BAD_FILES, ids=[b[0] for b in HTTP_BAD_FILES])
def test_the_dashboard_refuses_a_bad_file_with_the_message_and_stores_nothing(owner_client, name, data, message):
    response = owner_client.post("/dashboard/documents/", {"kind": "trade_licence", "file": files.upload(name, data)})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Document.objects.exists()
    assert _stored_files() == []


def test_a_path_in_the_uploaded_name_never_reaches_the_disk(owner_client):
    """Django's multipart parser keeps only the last part of a name; the file is stored under a generated name."""
    boundary = "BoUnDaRy"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\ntrade_licence\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="../../../etc/cron.d/x.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + files.pdf_bytes()
        + f"\r\n--{boundary}--\r\n".encode()
    )

    response = owner_client.post(
        "/dashboard/documents/", body, content_type=f"multipart/form-data; boundary={boundary}"
    )

    assert response.status_code == 302
    document = Document.objects.get()
    assert ".." not in document.file.name and "etc" not in document.file.name
    assert document.file.path.startswith(str(settings.SELLERS_PRIVATE_ROOT))
    assert ".." not in document.original_name


def test_a_replacement_keeps_the_earlier_file_and_audits_the_change(seller, owner):
    first = seller_document_upload(seller=seller, actor=owner, kind="nid_front", uploaded=files.good_pdf("old.pdf"))
    second = seller_document_upload(seller=seller, actor=owner, kind="nid_front", uploaded=files.good_pdf("new.pdf"))

    first.refresh_from_db()
    assert not first.is_current and second.is_current
    assert os.path.exists(first.file.path)
    event = SellerEvent.objects.filter(kind=EventKind.DOCUMENT).first()
    assert event.changes == {"document:nid_front": ["old.pdf", "new.pdf"]}
    assert event.actor == owner


def test_the_identical_refused_file_sent_again_stays_refused(seller, owner):
    seller_document_upload(seller=seller, actor=owner, kind="nid_back", uploaded=files.good_pdf("dark.pdf"))
    reason = ReviewReason.objects.create(
        seller=seller,
        event=SellerEvent.record(seller=seller, actor=None, kind=EventKind.TRANSITION),
        target="document:nid_back",
        code="unreadable",
        message="The back of the NID is too dark.",
    )

    with pytest.raises(DocumentRefused, match="same file the reviewer refused .The back of the NID is too dark.."):
        seller_document_upload(seller=seller, actor=owner, kind="nid_back", uploaded=files.good_pdf("again.pdf"))
    reason.refresh_from_db()
    assert reason.resolved_at is None
    assert Document.objects.filter(kind="nid_back").count() == 1 and len(_stored_files()) == 1

    retaken = files.upload("daylight.pdf", files.pdf_bytes(pages=2))
    seller_document_upload(seller=seller, actor=owner, kind="nid_back", uploaded=retaken)
    reason.refresh_from_db()
    assert reason.resolved_at is not None


def test_a_good_upload_through_the_dashboard(owner_client):
    response = owner_client.post("/dashboard/documents/", {"kind": "bank_proof", "file": files.good_pdf("cheque.pdf")})

    assert response.status_code == 302
    assert Document.objects.get().kind == "bank_proof"
    page = owner_client.get("/dashboard/documents/").content.decode()
    assert "cheque.pdf" in page
