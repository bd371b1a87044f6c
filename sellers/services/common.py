"""What every sellers service shares: the row lock and the seller's checklist read fresh."""

from datetime import date

from sellers.models import (
    Document,
    ReviewReason,
    Seller,
)
from sellers.requirements import Checklist, checklist


def lock_seller(seller: Seller) -> Seller:
    return Seller.objects.select_for_update().get(pk=seller.pk)


def _open_reasons(seller: Seller) -> list[ReviewReason]:
    return list(ReviewReason.objects.filter(seller=seller, resolved_at__isnull=True))


def _current_documents(seller: Seller) -> list[Document]:
    return list(Document.objects.filter(seller=seller, is_current=True))


def seller_checklist(*, seller: Seller, today: date | None = None) -> Checklist:
    """The requirement states of a seller, read fresh (used by the services' checks)."""
    seller = Seller.objects.prefetch_related("categories").get(pk=seller.pk)
    return checklist(seller, documents=_current_documents(seller), reasons=_open_reasons(seller), today=today)
