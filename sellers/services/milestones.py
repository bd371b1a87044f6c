"""What the program figures keep as it happens (``models.SellerMilestones``, ``models.ReviewDecision``), so that
``sellers.figures`` and the funnel steps of the catalog and buyers read a few narrow rows instead of the history."""

from datetime import datetime

from django.db import connection

from sellers.models import ReviewDecision, Seller, SellerEvent, SellerMilestones, SellerStatus

S = SellerStatus
# The steps recorded on entering a status; the decisions kept with their submission and rounds.
STEP_OF_STATUS = {S.SUBMITTED: "submitted_at", S.APPROVED: "approved_at"}
DECISIONS = frozenset({S.APPROVED, S.CHANGES_REQUESTED, S.REJECTED})


def seller_milestone_reached(*, seller_id: int, step: str, at: datetime) -> None:
    """The seller reached ``step`` (a name of ``SellerMilestones.STEPS``) at ``at``: kept when it is the first time
    (or earlier than the time held). Idempotent and safe under concurrency: one upsert."""
    if step not in SellerMilestones.STEPS:
        raise ValueError(f"unknown milestone {step!r}")
    table, sellers = SellerMilestones._meta.db_table, Seller._meta.db_table
    sql = (
        f"INSERT INTO {table} (seller_id, signed_up_at, {step}) SELECT id, created_at, %s FROM {sellers} WHERE id = %s "
        f"ON CONFLICT (seller_id) DO UPDATE SET {step} = CASE WHEN {table}.{step} IS NULL OR {table}.{step} > "
        f"excluded.{step} THEN excluded.{step} ELSE {table}.{step} END"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [connection.ops.adapt_datetimefield_value(at), seller_id])


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
