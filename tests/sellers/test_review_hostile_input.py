"""Review findings: odd or hostile input on the dashboard gets a clear error naming the field, never a 500, and a
refused action changes nothing (not even the audit trail)."""

import smtplib
import threading
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.db import connections
from django.utils import timezone

from sellers import selectors, services
from sellers.errors import TeamError
from sellers.models import Invitation, Seller, SellerEvent, SellerMember
from tests.sellers.factories import DocumentFactory, UserFactory

pytestmark = pytest.mark.django_db

REQUIRED = "This field is required."


def test_an_empty_post_to_start_names_the_missing_legal_name(client, stranger):
    client.force_login(stranger)
    response = client.post("/dashboard/start/", {})
    assert response.status_code == 400
    assert REQUIRED in response.content.decode()
    assert not SellerMember.objects.filter(user=stranger).exists()


def test_an_empty_post_to_a_profile_step_names_the_missing_field(owner_client, seller):
    response = owner_client.post("/dashboard/profile/business/", {})
    assert response.status_code == 400
    assert REQUIRED in response.content.decode()
    seller.refresh_from_db()
    assert seller.legal_name == "Rupsha Jute Crafts Ltd."


def test_an_empty_post_to_the_team_page_names_the_missing_e_mail(owner_client, seller):
    response = owner_client.post("/dashboard/team/", {})
    assert response.status_code == 400
    assert REQUIRED in response.content.decode()
    assert not Invitation.objects.filter(seller=seller).exists()


def test_an_over_long_e_mail_address_is_refused_on_the_form(owner_client, seller):
    email = "a" * 60 + "@" + ("b" * 60 + ".") * 4 + "com"  # a valid address of 308 characters; the column holds 254
    response = owner_client.post("/dashboard/team/", {"email": email})
    assert response.status_code == 400
    assert "at most 254 characters" in response.content.decode()
    assert not Invitation.objects.filter(seller=seller).exists()


@pytest.mark.parametrize("state", ["accepted_at", "revoked_at"])
def test_withdrawing_a_closed_invitation_is_refused_and_not_audited(owner_client, seller, owner, state):
    invitation = services.seller_invite(seller=seller, actor=owner, email="new@example.com")
    closed_at = timezone.now()
    Invitation.objects.filter(pk=invitation.pk).update(**{state: closed_at})
    events = SellerEvent.objects.filter(seller=seller).count()

    response = owner_client.post(f"/dashboard/team/invitations/{invitation.public_id}/revoke/", follow=True)

    assert "already accepted or withdrawn" in response.content.decode()
    assert SellerEvent.objects.filter(seller=seller).count() == events
    invitation.refresh_from_db()
    assert getattr(invitation, state) == closed_at
    if state == "accepted_at":
        assert invitation.revoked_at is None


def test_an_invitation_withdrawn_while_the_invitee_accepts_is_not_accepted(seller, owner, monkeypatch):
    invitation = services.seller_invite(seller=seller, actor=owner, email="new@example.com")
    stale = Invitation.objects.select_related("seller").get(pk=invitation.pk)  # read by the accept, still open
    services.seller_invitation_revoke(seller=seller, actor=owner, invitation=invitation)
    monkeypatch.setattr(selectors, "invitation_for_token", lambda token: stale)
    invitee = UserFactory(email="new@example.com")

    with pytest.raises(TeamError):
        services.seller_invitation_accept(token="the-token", user=invitee)

    assert not SellerMember.objects.filter(user=invitee).exists()


def test_a_document_whose_file_is_gone_is_404_not_500(client, seller, owner):
    document = DocumentFactory(seller=seller)
    document.file.storage.delete(document.file.name)
    client.force_login(owner)
    response = client.get(document.get_absolute_url())
    assert response.status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_double_submitted_start_creates_one_business_and_no_500():
    """Two requests at once (a double click): both pass the "already a member?" check, one creates the business,
    the other is refused with the message (it was an IntegrityError, a 500, on PostgreSQL)."""
    user = UserFactory()
    barrier = threading.Barrier(2)
    errors = []

    def start():
        try:
            barrier.wait(timeout=10)
            services.seller_create(owner=user, legal_name="Rupsha Jute Crafts Ltd.")
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert SellerMember.objects.filter(user=user).count() == 1
    assert Seller.objects.count() == 1
    assert all(isinstance(error, TeamError) for error in errors), errors


def test_a_member_created_by_a_concurrent_request_is_a_clear_refusal(stranger, monkeypatch):
    """The same race, made certain: the check sees no membership, the insert meets the one just committed."""
    services.seller_create(owner=stranger, legal_name="First Ltd.")
    real_filter = SellerMember.objects.filter

    class Unseen:
        def exists(self):
            return False

    monkeypatch.setattr(
        SellerMember.objects, "filter", lambda **kw: Unseen() if kw == {"user": stranger} else real_filter(**kw)
    )

    with pytest.raises(TeamError, match="already belong"):
        services.seller_create(owner=stranger, legal_name="Second Ltd.")

    assert list(Seller.objects.values_list("legal_name", flat=True)) == ["First Ltd."]


def test_the_start_page_does_not_offer_an_expired_invitation(client, seller, owner):
    invitation = services.seller_invite(seller=seller, actor=owner, email="late@example.com")
    invitee = UserFactory(email="late@example.com")
    client.force_login(invitee)
    assert "You are invited" in client.get("/dashboard/start/").content.decode()

    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    page = client.get("/dashboard/start/").content.decode()
    assert "You are invited" not in page
    assert f"<li>{seller.legal_name}</li>" not in page


@pytest.mark.django_db(transaction=True)
def test_a_mail_server_that_is_down_does_not_turn_a_saved_invitation_into_a_500(client, monkeypatch, caplog):
    """The e-mail goes out after commit: before, its SMTP error reached the person as a 500 although the invitation
    was saved (and a retry revoked it and made another)."""
    from django.core.mail import EmailMultiAlternatives

    from tests.sellers.factories import OwnerFactory

    owner = OwnerFactory().user

    def down(self, fail_silently=False):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(EmailMultiAlternatives, "send", down)
    client.force_login(owner)

    response = client.post("/dashboard/team/", {"email": "colleague@example.com"})

    assert response.status_code == 302
    assert Invitation.objects.filter(email="colleague@example.com", revoked_at__isnull=True).count() == 1
    assert "could not be sent" in caplog.text


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_read_only_pages_refuse_other_methods(owner_client, seller, method):
    document = DocumentFactory(seller=seller)
    for url in ["/dashboard/", "/dashboard/history/", document.get_absolute_url()]:
        assert getattr(owner_client, method)(url).status_code == 405, url


def test_removing_a_member_twice_is_refused_the_second_time_and_audited_once(owner_client, seller, owner):
    from tests.sellers.factories import MemberFactory

    member = MemberFactory(seller=seller)
    url = f"/dashboard/team/{member.public_id}/remove/"
    stale = SellerMember.objects.select_related("user").get(pk=member.pk)  # what a second, concurrent request read
    assert owner_client.post(url).status_code == 302

    with pytest.raises(TeamError, match="no longer in your team"):
        services.seller_member_remove(seller=seller, actor=owner, member=stale)

    assert SellerEvent.objects.filter(seller=seller, changes__member=[member.user.email, None]).count() == 1
    assert owner_client.post(url).status_code == 404


def test_an_over_long_login_is_counted_by_the_lockout_not_a_500(client):
    response = client.post("/accounts/login/", {"login": "a" * 300 + "@example.com", "password": "wrong-password"})

    assert response.status_code in (200, 400)
    assert AccessAttempt.objects.get().username == ("a" * 300 + "@example.com")[:255]
