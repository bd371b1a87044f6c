"""What the program figures keep as it happens (``models.SellerMilestones``, ``models.ReviewDecision``), so that
``sellers.figures`` and the funnel steps of the catalog and buyers read a few narrow rows instead of the history."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q

from sellers.models import ReviewDecision, SellerEvent, SellerMilestones, SellerStatus

S = SellerStatus
# The steps recorded on entering a status; the decisions kept with their submission and rounds.
STEP_OF_STATUS = {S.SUBMITTED: "submitted_at", S.APPROVED: "approved_at"}
DECISIONS = frozenset({S.APPROVED, S.CHANGES_REQUESTED, S.REJECTED})


def seller_milestone_reached(*, seller_id: int, step: str, at: datetime) -> None:
    """The seller reached ``step`` (a name of ``SellerMilestones.STEPS``) at ``at``: kept when it is the first time
    (or earlier than the time held). Idempotent; one query when the seller's row exists."""
    if step not in SellerMilestones.STEPS:
        raise ValueError(f"unknown milestone {step!r}")
    earlier = Q(**{f"{step}__isnull": True}) | Q(**{f"{step}__gt": at})
    if SellerMilestones.objects.filter(earlier, seller_id=seller_id).update(**{step: at}):
        return
    try:
        with transaction.atomic():
            SellerMilestones.objects.get_or_create(seller_id=seller_id, defaults={step: at})
    except IntegrityError:  # created meanwhile by another transaction
        pass
    SellerMilestones.objects.filter(earlier, seller_id=seller_id).update(**{step: at})


def seller_transition_recorded(event: SellerEvent) -> None:
    """What the figures keep of a status change (its audit row ``event``, saved): a funnel step, a decision."""
    seller = event.seller
    step = STEP_OF_STATUS.get(S(event.to_status))
    if step:
        seller_milestone_reached(seller_id=seller.pk, step=step, at=event.created_at)
    if event.to_status in DECISIONS:
        # The submission decided is the latest (its stamp); the rounds, the changes requested before this one.
        rounds = SellerEvent.objects.filter(
            seller_id=seller.pk, to_status=S.CHANGES_REQUESTED, created_at__lt=event.created_at
        ).count()
        ReviewDecision.objects.create(
            event=event,
            seller_id=seller.pk,
            decision=event.to_status,
            decided_at=event.created_at,
            submitted_at=seller.submitted_at,
            changes_before=rounds,
        )
