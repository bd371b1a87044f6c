"""Data: the program's sectors, and the staff groups "Reviewers" (can decide) and "Support" (read only)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

SECTORS = [
    ("jute", "Jute and jute goods"),
    ("leather", "Leather goods and footwear"),
    ("apparel", "Apparel and knitwear"),
    ("home-textiles", "Home textiles"),
    ("handicrafts", "Handicrafts (nakshi kantha, bamboo, cane)"),
    ("ceramics", "Ceramics and tableware"),
    ("seafood", "Frozen fish and seafood"),
    ("agro", "Agro and processed food"),
    ("pharma", "Pharmaceuticals"),
    ("plastics", "Plastic goods"),
    ("light-engineering", "Light engineering"),
    ("furniture", "Furniture"),
]

READ = ["view_seller", "view_document", "view_sellerevent", "view_reviewreason", "view_sellermember",
        "view_invitation", "view_supplieraccount", "view_sector", "view_expiryreminder"]
GROUPS = {
    "Reviewers": READ + ["decide_seller"],
    "Support": READ,
}


def forwards(apps, schema_editor):
    Sector = apps.get_model("sellers", "Sector")
    for position, (code, name) in enumerate(SECTORS):
        Sector.objects.update_or_create(code=code, defaults={"name": name, "position": position})

    # Permissions are normally created after all migrations ran; the groups need them now.
    app_config = apps.get_app_config("sellers")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="sellers", codename__in=codenames)
        )


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()
    apps.get_model("sellers", "Sector").objects.filter(code__in=[code for code, _name in SECTORS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("sellers", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
