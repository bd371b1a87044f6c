from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "catalog"

    def ready(self):
        from catalog import figures, notifications, sync
        from dxports import dashboard

        sync.register()
        notifications.register()
        figures.register()
        dashboard.register_section(
            key="products", label=_("Products"), url_name="catalog:list", prefix="/dashboard/products/", order=100
        )
