"""Data: program managers read the program figures (dxports/roles.py); no other role does."""

from django.db import migrations

from dxports.roles import set_permissions

GRANTS = {"Program managers": ["view_programfigures"], "Reviewers": [], "Support": []}


def forwards(apps, schema_editor):
    set_permissions(apps, "dxports", GRANTS)


def backwards(apps, schema_editor):
    set_permissions(apps, "dxports", {name: [] for name in GRANTS})


class Migration(migrations.Migration):
    dependencies = [
        ("dxports", "0005_program_figures_notifications_read_at"),
        ("sellers", "0005_staff_roles"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
