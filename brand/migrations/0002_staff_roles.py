"""Data: the staff roles' permissions on the company profiles (dxports/roles.py): everyone reads profiles, their
photos, certificates and history; reviewers also block and unblock profiles and verify or refuse certificates
(``moderate_companyprofile``)."""

from django.db import migrations

from dxports.roles import set_permissions

READ = [
    "view_companyprofile", "view_exportmarket", "view_tradeshow", "view_profilephoto", "view_certificate",
    "view_profileevent",
]
GRANTS = {
    "Reviewers": [*READ, "moderate_companyprofile"],
    "Support": READ,
    "Program managers": READ,
}


def forwards(apps, schema_editor):
    set_permissions(apps, "brand", GRANTS)


def backwards(apps, schema_editor):
    set_permissions(apps, "brand", {name: [] for name in GRANTS})


class Migration(migrations.Migration):
    dependencies = [
        ("brand", "0001_company_profiles_photos_certificates"),
        ("sellers", "0005_staff_roles"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
