"""The sellers' first listing live (``sellers.SellerMilestones.first_live_at``) for the listings that went live before
it was kept: the earliest move to live in each seller's products' audit trail, as the figures' funnel counted it.
Safe to run again: the earliest time is kept."""

from django.db import migrations

FIRST_LIVE = """
INSERT INTO sellers_sellermilestones (seller_id, signed_up_at, first_live_at)
SELECT p.seller_id, MIN(s.created_at), MIN(e.created_at)
FROM catalog_productevent e
INNER JOIN catalog_product p ON p.id = e.product_id
INNER JOIN sellers_seller s ON s.id = p.seller_id
WHERE e.to_status = 'live'
GROUP BY p.seller_id
ON CONFLICT (seller_id) DO UPDATE SET
    first_live_at = CASE WHEN sellers_sellermilestones.first_live_at IS NULL
                           OR sellers_sellermilestones.first_live_at > excluded.first_live_at
                         THEN excluded.first_live_at ELSE sellers_sellermilestones.first_live_at END
"""


def backfill(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(FIRST_LIVE)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0011_figures_rejections_index"),
        ("sellers", "0008_figures_milestones_backfill"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
