"""Data: program staff read inquiries. "Support" reads them; "Reviewers" also handle spam reports. Neither group
(nor any other) can reply as a seller: replying is not an admin permission at all, it happens only in the seller's
dashboard."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

READ = ["view_buyer", "view_inquiry", "view_message", "view_quotation", "view_attachment", "view_inquiryevent"]
GROUPS = {
    "Reviewers": READ + ["handle_spam"],
    "Support": READ,
}


def forwards(apps, schema_editor):
    app_config = apps.get_app_config("buyers")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="buyers", codename__in=codenames))


def backwards(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=GROUPS):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="buyers"))


class Migration(migrations.Migration):
    dependencies = [
        ("buyers", "0001_inquiries_threads_quotations_attachments"),
        ("sellers", "0002_sectors_and_staff_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
