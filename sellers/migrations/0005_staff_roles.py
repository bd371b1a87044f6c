"""Data: the staff roles' permissions on sellers (dxports/roles.py). Support and program managers read sellers without
their KYC documents: a document shows the NID and account numbers that they see masked."""

from django.db import migrations

from dxports.roles import set_permissions

READ = [
    "view_seller", "view_sellerevent", "view_reviewreason", "view_sellermember", "view_invitation",
    "view_supplieraccount", "view_sector", "view_expiryreminder",
]
GRANTS = {
    "Reviewers": [*READ, "view_document", "decide_seller"],
    "Support": READ,
    "Program managers": READ,
}


def forwards(apps, schema_editor):
    set_permissions(apps, "sellers", GRANTS)


def backwards(apps, schema_editor):
    set_permissions(apps, "sellers", {"Reviewers": GRANTS["Reviewers"], "Support": [*READ, "view_document"]})
    apps.get_model("auth", "Group").objects.filter(name="Program managers").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("sellers", "0004_account_claims_and_access_events"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
