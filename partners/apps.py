from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partners")

    def ready(self):
        from dxports import dashboard, events
        from partners import webhooks

        events.register_listener(webhooks.on_event)
        dashboard.register_section(
            key="partners", label=_("Partners"), url_name="partners:list", prefix="/dashboard/partners/", order=200
        )
