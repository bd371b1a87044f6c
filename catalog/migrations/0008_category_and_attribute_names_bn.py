"""Bengali names for the gateway's categories, attributes and attribute values: columns filled from
catalog.names_bn for the rows already copied (the sync fills the rows it creates later)."""

from django.db import migrations, models

from catalog import names_bn


def fill_names_bn(apps, schema_editor):
    for category in apps.get_model("catalog", "Category").objects.filter(name_bn="", name__in=list(names_bn.CATEGORIES)):
        category.name_bn = names_bn.CATEGORIES[category.name]
        category.save(update_fields=["name_bn"])
    for attribute in apps.get_model("catalog", "CategoryAttribute").objects.all():
        attribute.name_bn = attribute.name_bn or names_bn.ATTRIBUTES.get(attribute.name, "")
        attribute.value_names_bn = {
            str(value["value_id"]): names_bn.VALUES[value["name"]]
            for value in attribute.values
            if value["name"] in names_bn.VALUES
        }
        attribute.save(update_fields=["name_bn", "value_names_bn"])


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
        migrations.AddField(
            model_name="categoryattribute",
            name="value_names_bn",
            field=models.JSONField(blank=True, default=dict, verbose_name="value names (Bengali)"),
        ),
        migrations.RunPython(fill_names_bn, migrations.RunPython.noop),
    ]
