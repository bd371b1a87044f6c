"""The program staff's roles: Django groups, created and given their permissions by data migrations.

- Reviewers decide on sellers, moderate products (block, unblock, with a reason) and retry syncs.
- Support reads sellers, products, the sync history and queues, and inquiries; changes nothing; sees the NID and
  bank numbers masked and opens no KYC document.
- Program managers read the program figures (and export them) and the rows behind them; no KYC document.
- A superuser may do everything. No role acts as a seller: publishing, replying to a buyer and every other act of a
  seller happen in the seller's dashboard, which no permission opens.

Each app's migration sets the permissions of its own models for every role (``set_permissions``), so that an app
added later brings its own grants and the table of who may do what stays beside the models it is about.
"""

from collections.abc import Mapping, Sequence
from typing import Any

REVIEWERS = "Reviewers"
SUPPORT = "Support"
PROGRAM_MANAGERS = "Program managers"
ROLES = (REVIEWERS, SUPPORT, PROGRAM_MANAGERS)


def set_permissions(apps: Any, app_label: str, grants: Mapping[str, Sequence[str]]) -> None:
    """In a data migration: each group named in ``grants`` (created if missing) holds exactly the listed
    permissions (codenames) of ``app_label``'s models, its permissions of other apps untouched."""
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations ran; the groups need them now.
    app_config = apps.get_app_config(app_label)
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    of_app = Permission.objects.filter(content_type__app_label=app_label)
    for name, codenames in grants.items():
        wanted = list(of_app.filter(codename__in=codenames))
        missing = set(codenames) - {permission.codename for permission in wanted}
        if missing:
            raise LookupError(f"{app_label} has no permissions {sorted(missing)} to grant to {name}")
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.remove(*of_app.exclude(pk__in=[permission.pk for permission in wanted]))
        group.permissions.add(*wanted)
