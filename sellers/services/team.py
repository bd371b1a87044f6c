"""The seller's team: invitations by e-mail (owner only), accepting them, removing members."""

import secrets
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dxports.dashboard import is_program_staff
from dxports.models import User
from sellers import emails, selectors
from sellers.errors import (
    TeamError,
)
from sellers.models import (
    EventKind,
    Invitation,
    MemberRole,
    Seller,
    SellerEvent,
    SellerMember,
)
from sellers.services.common import lock_seller

INVITATION_DAYS = 7


# Team -----------------------------------------------------------------------------------------------------------------


def _require_owner(seller: Seller, actor: User) -> None:
    if not SellerMember.objects.filter(seller=seller, user=actor, role=MemberRole.OWNER).exists():
        raise TeamError(_("Only the owner of the business can change its team."))


@transaction.atomic
def seller_invite(*, seller: Seller, actor: User, email: str) -> Invitation:
    """Invite a person by e-mail (owner only). Returns the invitation; the token is only in the e-mail.

    Whether the address already belongs to another business on dxports is not the owner's to know: the answer (and
    the waiting invitation on the team page) is the same as for anyone, and the invitee is told by e-mail instead
    that they were invited but belong to a business already (that e-mail carries no link: one login, one business).
    Only a member of this seller's own team is refused."""
    seller = lock_seller(seller)
    _require_owner(seller, actor)
    email = (email or "").strip().lower()
    membership = SellerMember.objects.filter(user__email__iexact=email).first()
    if membership is not None and membership.seller_id == seller.pk:
        raise TeamError(_("%(email)s is already on your team.") % {"email": email})
    now = timezone.now()
    Invitation.objects.filter(seller=seller, email=email, accepted_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now
    )
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        seller=seller,
        email=email,
        token_hash=selectors.token_hash(token),
        invited_by=actor,
        expires_at=now + timedelta(days=INVITATION_DAYS),
    )
    SellerEvent.record(seller=seller, actor=actor, kind=EventKind.TEAM, changes={"invited": [None, email]})
    if membership is not None:
        emails.send_to_address(
            email, "invitation_member_elsewhere", sender=actor, seller_name=seller.legal_name, inviter=actor.email
        )
        return invitation
    emails.send_to_address(
        email,
        "invitation",
        sender=actor,
        seller_name=seller.legal_name,
        inviter=actor.email,
        accept_url=emails.site_url(reverse("sellers:invitation", kwargs={"token": token})),
        days=INVITATION_DAYS,
    )
    return invitation


@transaction.atomic
def seller_invitation_accept(*, token: str, user: User) -> SellerMember:
    """Join the seller that invited ``user``'s e-mail address."""
    invitation = selectors.invitation_for_token(token)
    if invitation is None or not invitation.is_open():
        raise TeamError(_("This invitation is no longer valid. Ask the owner to invite you again."))
    if invitation.email.lower() != user.email.lower():
        raise TeamError(
            _("This invitation is for %(email)s; you are logged in as another address.") % {"email": invitation.email}
        )
    if SellerMember.objects.filter(user=user).exists():
        raise TeamError(_("You already belong to a business."))
    if is_program_staff(user):
        raise TeamError(_("A program staff account cannot join a business: sign up with another address."))
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    # Checked again under the lock: the owner may have withdrawn it, or another request accepted it, meanwhile.
    if not invitation.is_open():
        raise TeamError(_("This invitation is no longer valid. Ask the owner to invite you again."))
    try:
        with transaction.atomic():
            member = SellerMember.objects.create(seller=invitation.seller, user=user, role=MemberRole.STAFF)
    except IntegrityError as exc:
        raise TeamError(_("You already belong to a business.")) from exc
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    SellerEvent.record(
        seller=invitation.seller, actor=user, kind=EventKind.TEAM, changes={"member": [None, user.email]}
    )
    return member


@transaction.atomic
def seller_member_remove(*, seller: Seller, actor: User, member: SellerMember) -> None:
    seller = lock_seller(seller)
    _require_owner(seller, actor)
    if member.seller_id != seller.pk:
        raise TeamError(_("This person is not in your team."))
    if member.role == MemberRole.OWNER:
        raise TeamError(_("The owner cannot be removed."))
    email = member.user.email
    # Conditional: a double click or a second tab may have removed them already (no second audit row then).
    deleted, _rows = SellerMember.objects.filter(pk=member.pk, seller=seller).delete()
    if not deleted:
        raise TeamError(_("%(email)s is no longer in your team.") % {"email": email})
    SellerEvent.record(seller=seller, actor=actor, kind=EventKind.TEAM, changes={"member": [email, None]})


@transaction.atomic
def seller_invitation_revoke(*, seller: Seller, actor: User, invitation: Invitation) -> None:
    seller = lock_seller(seller)
    _require_owner(seller, actor)
    if invitation.seller_id != seller.pk:
        raise TeamError(_("This invitation is not from your business."))
    revoked = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if not revoked:
        raise TeamError(
            _("The invitation to %(email)s was already accepted or withdrawn.") % {"email": invitation.email}
        )
    SellerEvent.record(seller=seller, actor=actor, kind=EventKind.TEAM, changes={"invited": [invitation.email, None]})
