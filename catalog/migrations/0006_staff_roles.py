"""Data: the staff roles' permissions on the catalog (dxports/roles.py): everyone reads products, categories and the
reconciliation runs; reviewers also block, unblock and retry the sync of products (``moderate_product``)."""

from django.db import migrations

from dxports.roles import set_permissions

READ = [
    "view_category", "view_categoryattribute", "view_product", "view_pricetier", "view_productattributevalue",
    "view_productevent", "view_productimage", "view_reconciliationrun", "view_reconciliationfinding",
]
GRANTS = {
    "Reviewers": [*READ, "moderate_product"],
    "Support": READ,
    "Program managers": READ,
}


def forwards(apps, schema_editor):
    set_permissions(apps, "catalog", GRANTS)


def backwards(apps, schema_editor):
    set_permissions(apps, "catalog", {name: [] for name in GRANTS})


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0005_reconciliation_runs_and_findings"),
        ("sellers", "0005_staff_roles"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
