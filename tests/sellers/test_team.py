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


def test_a_member_of_another_business_cannot_be_invited(seller, owner, other_seller_user):
    with pytest.raises(TeamError, match="already belongs"):
        seller_invite(seller=seller, actor=owner, email=other_seller_user.email)


def test_a_removed_member_loses_access(client, seller):
    staff = MemberFactory(seller=seller)
    client.force_login(staff.user)
    assert client.get("/dashboard/").status_code == 200
    staff.delete()
    assert client.get("/dashboard/")["Location"] == "/dashboard/start/"
