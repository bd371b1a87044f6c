"""The milestones and review decisions of the sellers that signed up before they were kept, worked out from the
audit trail exactly as the figures did (the earliest submission and approval, the supplier account's creation; for each decision, the latest
submission before it and the changes requested before it). Safe to run again: it keeps the earliest times and adds
only the decisions missing."""

from django.db import migrations

MILESTONES = """
INSERT INTO sellers_sellermilestones (seller_id, signed_up_at, submitted_at, approved_at)
SELECT e.seller_id, MIN(s.created_at),
       MIN(CASE WHEN e.to_status = 'submitted' THEN e.created_at END),
       MIN(CASE WHEN e.to_status = 'approved' THEN e.created_at END)
FROM sellers_sellerevent e INNER JOIN sellers_seller s ON s.id = e.seller_id
WHERE e.to_status IN ('submitted', 'approved')
GROUP BY e.seller_id
ON CONFLICT (seller_id) DO UPDATE SET
    submitted_at = CASE WHEN sellers_sellermilestones.submitted_at IS NULL
                          OR sellers_sellermilestones.submitted_at > excluded.submitted_at
                        THEN excluded.submitted_at ELSE sellers_sellermilestones.submitted_at END,
    approved_at = CASE WHEN sellers_sellermilestones.approved_at IS NULL
                         OR sellers_sellermilestones.approved_at > excluded.approved_at
                       THEN excluded.approved_at ELSE sellers_sellermilestones.approved_at END
"""

READY = """
INSERT INTO sellers_sellermilestones (seller_id, signed_up_at, ready_at)
SELECT a.seller_id, s.created_at, a.created_at
FROM sellers_supplieraccount a INNER JOIN sellers_seller s ON s.id = a.seller_id
WHERE a.created_at IS NOT NULL
ON CONFLICT (seller_id) DO UPDATE SET
    ready_at = CASE WHEN sellers_sellermilestones.ready_at IS NULL
                      OR sellers_sellermilestones.ready_at > excluded.ready_at
                    THEN excluded.ready_at ELSE sellers_sellermilestones.ready_at END
"""

DECISIONS = """
INSERT INTO sellers_reviewdecision (event_id, seller_id, decision, decided_at, submitted_at, changes_before)
SELECT e.id, e.seller_id, e.to_status, e.created_at,
       (SELECT MAX(s.created_at) FROM sellers_sellerevent s
         WHERE s.seller_id = e.seller_id AND s.to_status = 'submitted' AND s.created_at <= e.created_at),
       (SELECT COUNT(*) FROM sellers_sellerevent c
         WHERE c.seller_id = e.seller_id AND c.to_status = 'changes_requested' AND c.created_at < e.created_at)
FROM sellers_sellerevent e
WHERE e.kind = 'transition' AND e.to_status IN ('approved', 'changes_requested', 'rejected')
  AND NOT EXISTS (SELECT 1 FROM sellers_reviewdecision d WHERE d.event_id = e.id)
"""


def backfill(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(MILESTONES)
        cursor.execute(READY)
        cursor.execute(DECISIONS)


class Migration(migrations.Migration):
    dependencies = [("sellers", "0007_figures_milestones_and_review_decisions")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
