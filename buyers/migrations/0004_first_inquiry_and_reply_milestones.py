"""The sellers' first inquiry and first reply (``sellers.SellerMilestones``) for the inquiries received before they
were kept: the earliest inquiry received and the earliest first answer of each seller's inquiries, as the figures'
funnel counted them. Safe to run again: the earliest times are kept."""

from django.db import migrations

FIRST_INQUIRY_AND_REPLY = """
INSERT INTO sellers_sellermilestones (seller_id, signed_up_at, first_inquiry_at, first_reply_at)
SELECT i.seller_id, MIN(s.created_at), MIN(i.received_at), MIN(i.first_response_at)
FROM buyers_inquiry i INNER JOIN sellers_seller s ON s.id = i.seller_id
WHERE i.received_at IS NOT NULL
GROUP BY i.seller_id
ON CONFLICT (seller_id) DO UPDATE SET
    first_inquiry_at = CASE WHEN sellers_sellermilestones.first_inquiry_at IS NULL
                              OR sellers_sellermilestones.first_inquiry_at > excluded.first_inquiry_at
                            THEN excluded.first_inquiry_at ELSE sellers_sellermilestones.first_inquiry_at END,
    first_reply_at = CASE WHEN sellers_sellermilestones.first_reply_at IS NULL
                            OR sellers_sellermilestones.first_reply_at > excluded.first_reply_at
                          THEN excluded.first_reply_at ELSE sellers_sellermilestones.first_reply_at END
"""


def backfill(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(FIRST_INQUIRY_AND_REPLY)


class Migration(migrations.Migration):
    dependencies = [
        ("buyers", "0003_program_managers_read_inquiries"),
        ("sellers", "0008_figures_milestones_backfill"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
