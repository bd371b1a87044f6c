from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BrandConfig(AppConfig):
    name = "brand"
    verbose_name = _("Company profiles")

    def ready(self) -> None:
        from brand import figures, selectors, sync
        from dxports import dashboard

        sync.register()
        figures.register()
        dashboard.register_section(
            key="company", label=_("Company profile"), url_name="brand:profile", prefix="/dashboard/company/", order=90
        )
        dashboard.register_next_step(
            key="company_profile",
            label=_("Send your company profile to Alibaba.com"),
            help=_("Your story, factory photos and certificates: what buyers check before they ask."),
            url_name="brand:profile",
            order=25,
            is_done=lambda seller: selectors.profile_sent(seller=seller),
        )
