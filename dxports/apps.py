from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DxportsConfig(AppConfig):
    name = "dxports"
    verbose_name = "dxports"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from dxports import aggregates, dashboard, notifications

        connection_created.connect(aggregates.register_sqlite_functions)
        dashboard.register_section(
            key="notifications",
            label=_("Notifications"),
            url_name="notifications",
            order=55,
            badge=notifications.badge,
        )
