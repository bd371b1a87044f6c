"""Record the size of the import files already stored, so that they count in their seller's storage quota."""

from django.db import migrations


def backfill(apps, schema_editor):
    ImportJob = apps.get_model("catalog", "ImportJob")
    for job in ImportJob.objects.filter(files_removed_at__isnull=True).iterator():
        sizes = {}
        for field, size_field in (("file", "file_size"), ("error_file", "error_file_size")):
            stored = getattr(job, field)
            try:
                sizes[size_field] = stored.size if stored else 0
            except OSError:  # the file is gone already: it takes no room
                sizes[size_field] = 0
        ImportJob.objects.filter(pk=job.pk).update(**sizes)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_import_file_sizes_and_removal")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
