"""Data: the staff roles' permissions on the sync's records (dxports/roles.py): everyone reads the outbox, its
attempts and the inbound pushes; reviewers also retry a job or process a push again (the admin's only change)."""

from django.db import migrations

from dxports.roles import set_permissions

READ = ["view_outboxjob", "view_outboxattempt", "view_inboundpush"]
GRANTS = {
    "Reviewers": [*READ, "change_outboxjob", "change_inboundpush"],
    "Support": READ,
    "Program managers": READ,
}


def forwards(apps, schema_editor):
    set_permissions(apps, "alibaba", GRANTS)


def backwards(apps, schema_editor):
    set_permissions(apps, "alibaba", {name: [] for name in GRANTS})


class Migration(migrations.Migration):
    dependencies = [
        ("alibaba", "0004_mark_unsettled_jobs_unconfirmed"),
        ("sellers", "0005_staff_roles"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
