from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DxportsConfig(AppConfig):
    name = "dxports"
    verbose_name = "dxports"

    def ready(self) -> None:
        from dxports import dashboard, notifications

        dashboard.register_section(
            key="notifications",
            label=_("Notifications"),
            url_name="notifications",
            order=55,
            badge=notifications.badge,
        )
