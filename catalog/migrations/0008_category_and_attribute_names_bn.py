"""Bengali names for the gateway's categories and attributes: a column each, filled from catalog.names_bn for the
rows already copied (the sync fills the rows it creates later)."""

from django.db import migrations, models

from catalog import names_bn


def fill_names_bn(apps, schema_editor):
    for model, table in (("Category", names_bn.CATEGORIES), ("CategoryAttribute", names_bn.ATTRIBUTES)):
        rows = apps.get_model("catalog", model).objects.filter(name_bn="", name__in=list(table))
        for row in rows:
            row.name_bn = table[row.name]
            row.save(update_fields=["name_bn"])


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0007_figures_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="category",
            name="name_bn",
            field=models.CharField(blank=True, max_length=200, verbose_name="name (Bengali)"),
        ),
        migrations.AddField(
            model_name="categoryattribute",
            name="name_bn",
            field=models.CharField(blank=True, max_length=200, verbose_name="name (Bengali)"),
        ),
        migrations.RunPython(fill_names_bn, migrations.RunPython.noop),
    ]
