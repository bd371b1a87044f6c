"""The owner invites staff by e-mail and removes them; an invitation is accepted by the invited address only."""

import re

import pytest

from sellers.errors import TeamError
from sellers.models import Invitation, MemberRole, SellerMember
from sellers.services import seller_invitation_accept, seller_invite, seller_member_remove
from tests.sellers.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


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
