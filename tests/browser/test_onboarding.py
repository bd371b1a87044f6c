"""A new seller's onboarding in a real browser, on a phone in Bengali and on a desktop in English: sign up, confirm
the address with the code the e-mail brings, fill in the profile typing numbers the way people type them (spaces,
dashes, +880, Bengali digits), upload the documents (real files), submit; then a reviewer asks for changes in the
admin, and the seller fixes them and submits again."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from sellers.models import DocumentKind, Seller, SellerStatus
from tests.browser.support import DESKTOP, PHONE, camera_jpeg, pdf_file
from tests.sellers.factories import StaffFactory, UserFactory, complete_seller

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

JOURNEYS = [pytest.param(PHONE, "bn", id="phone-bengali"), pytest.param(DESKTOP, "en", id="desktop-english")]
PASSWORD = "jute-from-khulna-2026"
BENGALI_DIGITS = str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯")


def bengali(text):
    return text.translate(BENGALI_DIGITS)


def submit(page):
    """Press the main form's submit button and wait for the page it leads to."""
    with page.expect_navigation():
        page.locator("main form.stacked button[type=submit], main form.stacked button:not([type])").first.click()


def choose_language(page, language):
    """The language the seller picks from the header's list (sent by the page's script on change)."""
    if language != "en":
        with page.expect_navigation():
            page.select_option("#language-select", language)
    assert page.locator("html").get_attribute("lang") == language


def sign_up(page, email, language):
    page.goto("/")
    choose_language(page, language)
    with page.expect_navigation():
        page.locator("header a[href='/accounts/signup/']").click()
    page.fill("[name=email]", email)
    page.fill("[name=password1]", PASSWORD)
    page.fill("[name=password2]", PASSWORD)
    submit(page)
    # The e-mail the live server sent (pytest-django's outbox): its code is typed where the page asks for it.
    (message,) = [m for m in mail.outbox if email in m.to]
    code = re.search(r"^\s*([A-Z0-9]{4}(?:-[A-Z0-9]{4})+)\s*$", message.body, re.MULTILINE).group(1)
    page.fill("[name=code]", code)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()


@pytest.mark.parametrize(("viewport", "language"), JOURNEYS)
def test_a_new_seller_goes_from_sign_up_to_submitted(browser, viewport, language, tmp_path):
    page = browser.page(viewport=viewport, language="en")
    email = f"karim.{language}@rupsha-jute.example.com"
    sign_up(page, email, language)

    assert page.url.endswith("/dashboard/start/"), page.url
    page.fill("[name=legal_name]", "Rupsha Jute Crafts Ltd.")
    submit(page)

    assert page.url.endswith("/dashboard/profile/business/")
    page.fill("[name=trade_name]", "Rupsha Jute")
    page.select_option("[name=business_type]", index=1)
    page.fill("[name=year_established]", bengali("2009") if language == "bn" else "2009")
    page.fill("[name=employees]", "85")
    page.locator("[name=categories]").first.check()
    page.select_option("[name=export_turnover]", index=1)
    submit(page)

    assert page.url.endswith("/dashboard/profile/address/"), page.locator(".errors").all_inner_texts()
    page.fill("[name=address]", "Plot 12, BSCIC Industrial Estate, Shiromoni")
    page.fill("[name=postcode]", bengali("9204"))
    page.select_option("[name=division]", "khulna")
    page.select_option("[name=district]", "khulna")
    page.fill("[name=contact_phone]", "+880 1712-345678")
    submit(page)

    assert page.url.endswith("/dashboard/profile/identifiers/"), page.locator(".errors").all_inner_texts()
    expires = timezone.localdate() + datetime.timedelta(days=400)
    page.fill("[name=trade_licence_number]", "TRAD/KCC/045612/2024")
    page.fill("[name=trade_licence_authority]", "Khulna City Corporation")
    page.fill("[name=trade_licence_expires_on]", expires.isoformat())
    page.fill("[name=etin]", bengali("1234 5678 9012"))
    page.fill("[name=bin]", "001-2345-678901")
    page.fill("[name=erc_number]", "RA-0123456")
    page.fill("[name=erc_expires_on]", expires.isoformat())
    submit(page)

    assert page.url.endswith("/dashboard/profile/owner-bank/"), page.locator(".errors").all_inner_texts()
    page.fill("[name=owner_name]", "Abdul Karim")
    page.fill("[name=owner_nid]", bengali("1987 1234 5678 90123"))
    page.fill("[name=bank_name]", "Sonali Bank PLC")
    page.fill("[name=bank_branch]", "Khulna Corporate")
    page.fill("[name=bank_routing_number]", "200-470-431")
    page.fill("[name=bank_account_number]", "0123 4567 89012")
    page.fill("[name=bank_account_name]", "RUPSHA JUTE CRAFTS LTD.")
    submit(page)

    assert page.url.endswith("/dashboard/documents/"), page.locator(".errors").all_inner_texts()
    seller = Seller.objects.get(members__user__email=email)
    assert (seller.contact_phone, seller.postcode, seller.etin, seller.bin) == (
        "+8801712345678",
        "9204",
        "123456789012",
        "0012345678901",
    )
    assert (seller.bank_routing_number, seller.bank_account_number, seller.owner_nid) == (
        "200470431",
        "0123456789012",
        "19871234567890123",
    )
    assert seller.year_established == 2009
    # Back on a saved step in the seller's language, the dates are still there, and saving keeps them.
    page.goto("/dashboard/profile/identifiers/")
    assert page.input_value("[name=trade_licence_expires_on]") == expires.isoformat()
    submit(page)
    seller.refresh_from_db()
    assert seller.trade_licence_expires_on == expires and seller.erc_expires_on == expires

    page.goto("/dashboard/documents/")
    for kind in DocumentKind.values:
        # A photo taken of the NID card; scans of the rest.
        file = camera_jpeg(tmp_path / f"{kind}.jpg") if kind.startswith("nid") else pdf_file(tmp_path / f"{kind}.pdf")
        upload = page.locator(f"form.upload:has(input[name=kind][value={kind}])")
        upload.locator("input[type=file]").set_input_files(file)
        with page.expect_navigation():
            upload.locator("button[type=submit]").click()
        assert not page.locator(".errors").count(), page.locator(".errors").all_inner_texts()
    assert seller.documents.count() == len(DocumentKind.values)

    page.goto("/dashboard/submit/")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    seller.refresh_from_db()
    assert seller.status == SellerStatus.SUBMITTED
    assert page.errors == []


@pytest.mark.parametrize(
    ("viewport", "language"),
    [
        pytest.param(PHONE, "bn", id="phone-bengali"),
        pytest.param(DESKTOP, "en", id="desktop-english"),
    ],
)
def test_changes_requested_are_fixed_and_submitted_again(browser, viewport, language, tmp_path):
    owner = UserFactory()
    seller = complete_seller(status=SellerStatus.SUBMITTED, owner=owner)
    reviewer = StaffFactory(groups=["Reviewers"])

    admin = browser.page(viewport=DESKTOP, user=reviewer)
    admin.goto(f"/admin/sellers/seller/{seller.pk}/change/")
    with admin.expect_navigation():
        admin.locator("button[name=decision][value=start_review]").click()
    admin.locator("button[name=decision][value=request_changes]").wait_for()
    admin.select_option("[name='trade_licence_expires_on-code']", index=1)
    admin.fill("[name='trade_licence_expires_on-message']", "The licence on file has expired: renew it.")
    admin.select_option("[name='document:trade_licence-code']", index=1)
    admin.fill("[name='document:trade_licence-message']", "Upload the renewed licence.")
    with admin.expect_navigation():
        admin.locator("button[name=decision][value=request_changes]").click()
    seller.refresh_from_db()
    assert seller.status == SellerStatus.CHANGES_REQUESTED, admin.locator(".errornote, .errorlist").all_inner_texts()

    page = browser.page(viewport=viewport, language=language, user=owner)
    page.goto("/dashboard/")
    assert "The licence on file has expired: renew it." in page.locator("main").inner_text()
    page.goto("/dashboard/profile/identifiers/")
    assert "The licence on file has expired: renew it." in page.locator("main").inner_text()
    # The dates the seller does not touch are there to be sent back as they are, whatever the language.
    assert page.input_value("[name=erc_expires_on]") == seller.erc_expires_on.isoformat()
    renewed = timezone.localdate() + datetime.timedelta(days=700)
    page.fill("[name=trade_licence_expires_on]", renewed.isoformat())
    submit(page)
    page.goto("/dashboard/documents/")
    upload = page.locator("form.upload:has(input[name=kind][value=trade_licence])")
    upload.locator("input[type=file]").set_input_files(pdf_file(tmp_path / "renewed-licence.pdf"))
    with page.expect_navigation():
        upload.locator("button[type=submit]").click()
    page.goto("/dashboard/submit/")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()

    seller.refresh_from_db()
    assert seller.status == SellerStatus.SUBMITTED
    assert seller.trade_licence_expires_on == renewed
    assert page.errors == []
