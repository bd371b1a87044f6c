"""Company profiles and certificates in Django admin: read-only, with verification and moderation through actions
that call the services (asking for a reason where the seller reads one)."""

import pytest
from django.contrib.auth.models import Permission

from brand.models import Certificate, CertificateReview, ProfileStatus
from dxports.models import Event
from tests.brand.support import add_certificate, complete_profile
from tests.sellers.factories import OwnerFactory, StaffFactory

pytestmark = pytest.mark.django_db

PROFILES = "/admin/brand/companyprofile/"
CERTIFICATES = "/admin/brand/certificate/"


def _action(client, url, action, rows, *, follow=False, **data):
    return client.post(url, {"action": action, "_selected_action": [row.pk for row in rows], **data}, follow=follow)


@pytest.mark.parametrize("n", [1, 6])
def test_the_lists_run_the_same_queries_whatever_their_length(client, moderator, n, django_assert_num_queries):
    for _ in range(n):
        owner = OwnerFactory().user
        complete_profile(owner.seller_membership.seller, owner, photos=1)
    client.force_login(moderator)

    # session, user, user permissions, group permissions, count, total count, the page (with sellers), the date
    # hierarchy's range, its days
    with django_assert_num_queries(9):
        response = client.get(PROFILES)
    assert response.content.decode().count('name="_selected_action"') == n
    # session, user, user permissions, group permissions, count, total count, the page (with profiles and sellers)
    with django_assert_num_queries(7):
        response = client.get(CERTIFICATES)
    assert response.content.decode().count('name="_selected_action"') == n


def test_a_profile_page_shows_the_completeness_check_and_nothing_editable(client, moderator, profile):
    client.force_login(moderator)

    page = client.get(f"{PROFILES}{profile.pk}/change/").content.decode()

    assert "Completeness score: 100/100" in page
    assert "Heimtextil Frankfurt" in page and "OEKO-TEX" in page
    assert 'name="company_story"' not in page and 'name="status"' not in page


def test_verifying_and_refusing_certificates(client, moderator, profile, owner):
    verified = profile.certificates.get()
    doubtful = add_certificate(profile, owner, type="BSCI", number="B-1")
    client.force_login(moderator)

    _action(client, CERTIFICATES, "verify", [verified], confirm="1", reason="")
    page = _action(client, CERTIFICATES, "refuse", [doubtful]).content.decode()
    assert "Reason (the seller reads it)" in page
    _action(client, CERTIFICATES, "refuse", [doubtful], confirm="1", reason="")
    assert Certificate.objects.get(pk=doubtful.pk).review == CertificateReview.UNVERIFIED
    _action(client, CERTIFICATES, "refuse", [doubtful], confirm="1", reason="Not in amfori's register.")

    assert Certificate.objects.get(pk=verified.pk).review == CertificateReview.VERIFIED
    refused = Certificate.objects.get(pk=doubtful.pk)
    assert (refused.review, refused.review_note, refused.reviewed_by) == (
        "refused",
        "Not in amfori's register.",
        moderator,
    )
    assert Event.objects.filter(type="certificate.verified").count() == 1
    _action(client, CERTIFICATES, "unverify", [refused], confirm="1", reason="")
    assert Certificate.objects.get(pk=doubtful.pk).review == CertificateReview.UNVERIFIED


def test_blocking_asks_for_a_reason_then_blocks_and_unblocking_returns_a_draft(client, moderator, profile):
    client.force_login(moderator)

    assert "Reason (the seller reads it)" in _action(client, PROFILES, "block", [profile]).content.decode()
    _action(client, PROFILES, "block", [profile], confirm="1", reason="Photos of another company's factory.")
    profile.refresh_from_db()
    assert (profile.status, profile.status_reason) == (ProfileStatus.BLOCKED, "Photos of another company's factory.")

    _action(client, PROFILES, "unblock", [profile], confirm="1", reason="Photos replaced.")
    profile.refresh_from_db()
    assert profile.status == ProfileStatus.DRAFT


def test_sending_again_from_admin_goes_through_the_service(client, moderator, profile):
    client.force_login(moderator)

    response = _action(client, PROFILES, "send_again", [profile], follow=True)

    profile.refresh_from_db()
    assert profile.status == ProfileStatus.SENDING
    assert "Sent again" in response.content.decode()


def test_staff_without_the_moderation_permission_can_read_but_not_act(client, profile):
    reader = StaffFactory()
    reader.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="brand", codename__in=["view_companyprofile", "view_certificate"]
        )
    )
    client.force_login(reader)

    assert 'value="block"' not in client.get(PROFILES).content.decode()
    assert 'value="verify"' not in client.get(CERTIFICATES).content.decode()
    _action(client, PROFILES, "block", [profile], confirm="1", reason="Trying anyway.")
    _action(client, CERTIFICATES, "verify", [profile.certificates.get()], confirm="1", reason="")

    profile.refresh_from_db()
    assert profile.status == ProfileStatus.DRAFT
    assert profile.certificates.get().review == CertificateReview.UNVERIFIED


def test_the_certificate_list_filters_by_validity(client, moderator, profile, owner):
    add_certificate(profile, owner, type="BSCI", number="B-SOON", days_valid=10)
    client.force_login(moderator)

    page = client.get(CERTIFICATES, {"validity": "expiring"}).content.decode()

    assert "B-SOON" in page and page.count('name="_selected_action"') == 1
    page = client.get(f"{CERTIFICATES}{profile.certificates.get(number='B-SOON').pk}/change/").content.decode()
    assert f"/dashboard/company/certificates/{profile.certificates.get(number='B-SOON').public_id}/" in page
