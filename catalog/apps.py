from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "catalog"

    def ready(self):
        from catalog import figures, notifications, selectors, sync
        from dxports import dashboard

        sync.register()
        notifications.register()
        figures.register()
        dashboard.register_section(
            key="products", label=_("Products"), url_name="catalog:list", prefix="/dashboard/products/", order=100
        )
        dashboard.register_next_step(
            key="first_product",
            label=_("List your first product"),
            help=_("Its title, category, prices and what buyers ask about; it is checked against Alibaba.com's rules."),
            url_name="catalog:new",
            order=10,
            is_done=lambda seller: selectors.seller_has_products(seller=seller),
        )
        dashboard.register_next_step(
            key="first_photo",
            label=_("Add your first product photo"),
            help=_("Buyers choose by the photos: up to six a product, the first is the main one."),
            url_name="catalog:list",
            order=20,
            is_done=lambda seller: selectors.seller_has_product_photos(seller=seller),
        )
