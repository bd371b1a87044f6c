"""The owner invites staff by e-mail and removes them; an invitation is accepted by the invited address only."""

import re
import smtplib
from datetime import timedelta

import pytest
from django.utils import timezone

from sellers import selectors, services
from sellers.errors import TeamError
from sellers.models import Invitation, MemberRole, SellerEvent, SellerMember
from sellers.services import seller_invitation_accept, seller_invite, seller_member_remove
from tests.sellers.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

REQUIRED = "This field is required."


def _token_from(mail):
    return re.search(r"/dashboard/invitations/([^/\s]+)/", mail.body).group(1)


def test_the_owner_invites_by_e_mail_and_the_invitee_joins(
    client, owner_client, seller, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post("/dashboard/team/", {"email": "Salma@Example.com"})
    assert response.status_code == 302
    assert mailoutbox[0].to == ["salma@example.com"]
    assert seller.legal_name in mailoutbox[0].subject
    token = _token_from(mailoutbox[0])
    assert not Invitation.objects.filter(token_hash__contains=token).exists()  # only a hash is stored

    invitee = UserFactory(email="salma@example.com")
    client.force_login(invitee)
    assert client.get(f"/dashboard/invitations/{token}/").status_code == 200
    response = client.post(f"/dashboard/invitations/{token}/")

    assert response.status_code == 302
    member = SellerMember.objects.get(user=invitee)
    assert member.seller == seller and member.role == MemberRole.STAFF
    assert client.post(f"/dashboard/invitations/{token}/").status_code == 400  # used once


def test_an_invitation_is_for_the_invited_address_only(seller, owner, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        seller_invite(seller=seller, actor=owner, email="salma@example.com")
    with pytest.raises(TeamError, match="This invitation is for salma@example.com"):
        seller_invitation_accept(token=_token_from(mailoutbox[0]), user=UserFactory(email="someone@example.com"))


def test_only_the_owner_invites_and_removes(seller):
    staff = MemberFactory(seller=seller)
    other = MemberFactory(seller=seller)
    with pytest.raises(TeamError, match="Only the owner"):
        seller_invite(seller=seller, actor=staff.user, email="x@example.com")
    with pytest.raises(TeamError, match="Only the owner"):
        seller_member_remove(seller=seller, actor=staff.user, member=other)


def test_the_owner_removes_a_member_but_not_themselves(owner_client, seller, owner):
    staff = MemberFactory(seller=seller)
    response = owner_client.post(f"/dashboard/team/{staff.public_id}/remove/")
    assert response.status_code == 302
    assert not SellerMember.objects.filter(pk=staff.pk).exists()
    assert seller.events.filter(kind="team").first().changes == {"member": [staff.user.email, None]}

    with pytest.raises(TeamError, match="owner cannot be removed"):
        seller_member_remove(seller=seller, actor=owner, member=owner.seller_membership)


def _invite_and_show(owner_client, email, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post("/dashboard/team/", {"email": email}, follow=True)
    return response.status_code, response.redirect_chain, response.content.decode().replace(email, "EMAIL")


def test_inviting_a_member_of_another_business_answers_as_for_anyone_else(
    owner_client, other_seller_user, django_capture_on_commit_callbacks, mailoutbox
):
    # Whether an address uses dxports is not the inviting owner's to know: the same answer and the same team page.
    newcomer = _invite_and_show(owner_client, "newcomer@example.com", django_capture_on_commit_callbacks)
    member_elsewhere = _invite_and_show(owner_client, other_seller_user.email, django_capture_on_commit_callbacks)

    assert member_elsewhere[:2] == newcomer[:2] == (200, [("/dashboard/team/", 302)])
    assert "Invitation sent to EMAIL" in member_elsewhere[2]
    page = owner_client.get("/dashboard/team/").content.decode()
    assert "newcomer@example.com" in page and other_seller_user.email in page  # both waiting

    # The invitee is told instead: invited, but already in a business, so nothing to accept.
    [told] = [mail for mail in mailoutbox if mail.to == [other_seller_user.email]]
    assert "already belongs to a business on dxports" in told.body
    assert "/dashboard/invitations/" not in told.body
    assert Invitation.objects.filter(email=other_seller_user.email).exists()


def test_a_member_of_the_same_team_is_not_invited_again(seller, owner):
    staff = MemberFactory(seller=seller)
    with pytest.raises(TeamError, match="already on your team"):
        seller_invite(seller=seller, actor=owner, email=staff.user.email.upper())
    with pytest.raises(TeamError, match="already on your team"):
        seller_invite(seller=seller, actor=owner, email=owner.email)


def test_a_removed_member_loses_access(client, seller):
    staff = MemberFactory(seller=seller)
    client.force_login(staff.user)
    assert client.get("/dashboard/").status_code == 200
    staff.delete()
    assert client.get("/dashboard/")["Location"] == "/dashboard/start/"


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


@pytest.mark.parametrize("n", [1, 10])
def test_team_queries_do_not_grow_with_invitations(owner_client, seller, owner, n, django_assert_num_queries):
    for index in range(n):
        services.seller_invite(seller=seller, actor=owner, email=f"colleague{index}@example.com")
    # session, user, membership+seller, members+users, open invitations, the inquiries' and notifications' badges
    with django_assert_num_queries(7):
        response = owner_client.get("/dashboard/team/")
    assert len(re.findall(r"colleague\d+@example\.com", response.content.decode())) == n


@pytest.mark.parametrize(
    ("owner_language", "invitee_language", "subject"),
    [
        ("bn", None, "dxports-এ {}-এ যোগ দিন"),  # nobody's account yet: the inviter's language
        ("", None, "Join {} on dxports"),
        ("en", "bn", "dxports-এ {}-এ যোগ দিন"),  # the invitee's own choice wins
    ],
    ids=["inviter-bengali", "site-default", "invitee-bengali"],
)
def test_an_invitation_speaks_the_invitees_language_or_else_the_inviters(
    seller, owner, django_capture_on_commit_callbacks, mailoutbox, owner_language, invitee_language, subject
):
    owner.language = owner_language
    owner.save(update_fields=["language"])
    if invitee_language is not None:
        UserFactory(email="salma@example.com", language=invitee_language)

    with django_capture_on_commit_callbacks(execute=True):
        seller_invite(seller=seller, actor=owner, email="salma@example.com")

    assert mailoutbox[0].subject == subject.format(seller.legal_name)
