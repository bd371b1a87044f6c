"""Before an account had one address, confirmed by a code, a user could add another person's address and hold it
unconfirmed, which stopped its owner from signing up. Such addresses (unconfirmed, not the account's primary) are
removed; the accounts keep their own."""

from django.db import migrations


def drop_parked_addresses(apps, schema_editor):
    EmailAddress = apps.get_model("account", "EmailAddress")
    EmailAddress.objects.filter(verified=False, primary=False).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("dxports", "0001_user"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [migrations.RunPython(drop_parked_addresses, migrations.RunPython.noop)]
