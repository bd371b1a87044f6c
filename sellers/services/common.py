"""What every sellers service shares: the row lock, the audit row, the seller's checklist read fresh."""

from sellers.models import (
    Document,
    ReviewReason,
    Seller,
    SellerEvent,
)
from sellers.requirements import checklist


def lock_seller(seller):
    return Seller.objects.select_for_update().get(pk=seller.pk)


def audit(*, seller, actor, kind, changes=None, reason="", from_status="", to_status=""):
    return SellerEvent.record(
        seller=seller,
        actor=actor,
        kind=kind,
        changes=changes,
        reason=reason,
        from_status=from_status,
        to_status=to_status,
    )


def _open_reasons(seller):
    return list(ReviewReason.objects.filter(seller=seller, resolved_at__isnull=True))


def _current_documents(seller):
    return list(Document.objects.filter(seller=seller, is_current=True))


def seller_checklist(*, seller, today=None):
    """The requirement states of a seller, read fresh (used by the services' checks)."""
    seller = Seller.objects.prefetch_related("categories").get(pk=seller.pk)
    return checklist(seller, documents=_current_documents(seller), reasons=_open_reasons(seller), today=today)
