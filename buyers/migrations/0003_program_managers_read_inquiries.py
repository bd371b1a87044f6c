"""Data: program managers read the inquiries behind the program figures, as support staff do (dxports/roles.py);
no role replies as a seller."""

from django.db import migrations

from dxports.roles import set_permissions

READ = ["view_buyer", "view_inquiry", "view_message", "view_quotation", "view_attachment", "view_inquiryevent"]


def forwards(apps, schema_editor):
    set_permissions(apps, "buyers", {"Program managers": READ})


def backwards(apps, schema_editor):
    set_permissions(apps, "buyers", {"Program managers": []})


class Migration(migrations.Migration):
    dependencies = [
        ("buyers", "0002_staff_read_inquiries"),
        ("sellers", "0005_staff_roles"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
