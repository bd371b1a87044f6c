"""Jobs on their way when ``has_unconfirmed_write`` arrived: any of them that has run before may have written to the
gateway (nothing recorded which did), so each is marked, and none is given up on for a transient failure."""

from django.db import migrations


def mark(apps, schema_editor):
    OutboxJob = apps.get_model("alibaba", "OutboxJob")
    OutboxAttempt = apps.get_model("alibaba", "OutboxAttempt")
    ran = OutboxAttempt.objects.values("job_id")
    OutboxJob.objects.filter(status__in=["pending", "running"], pk__in=ran).update(has_unconfirmed_write=True)


class Migration(migrations.Migration):
    dependencies = [("alibaba", "0003_outbox_job_unconfirmed_write")]

    operations = [migrations.RunPython(mark, migrations.RunPython.noop)]
