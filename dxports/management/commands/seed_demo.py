"""Demo data for `make run`: idempotent, so it runs on every start.

Each app that has demo data provides ``<app>/demo.py`` with ``seed(out)``; they run in INSTALLED_APPS order,
which is the dependency order (DESIGN.md §2), so the project needs no import of any app here.
"""

from importlib import import_module
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import module_has_submodule

from dxports.demo import DEMO_PASSWORD


class Command(BaseCommand):
    help = "Load demo data (idempotent) and print the demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Demo logins (password for each: {DEMO_PASSWORD}):")
        for app_config in apps.get_app_configs():
            if module_has_submodule(app_config.module, "demo"):
                with transaction.atomic():
                    import_module(f"{app_config.name}.demo").seed(self.stdout)
