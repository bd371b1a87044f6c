from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "catalog"

    def ready(self):
        # import_tasks: the catalog import's Celery tasks, imported here so that every worker knows them.
        from catalog import import_tasks, sync  # noqa: F401
        from dxports import dashboard

        sync.register()
        dashboard.register_section(
            key="products", label=_("Products"), url_name="catalog:list", prefix="/dashboard/products/", order=100
        )
