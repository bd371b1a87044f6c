from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BrandConfig(AppConfig):
    name = "brand"
    verbose_name = _("Company profiles")

    def ready(self) -> None:
        from brand import figures, sync
        from dxports import dashboard

        sync.register()
        figures.register()
        dashboard.register_section(
            key="company", label=_("Company profile"), url_name="brand:profile", prefix="/dashboard/company/", order=90
        )
