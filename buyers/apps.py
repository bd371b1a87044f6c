from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BuyersConfig(AppConfig):
    name = "buyers"
    verbose_name = _("Buyers and inquiries")

    def ready(self):
        from buyers import figures, selectors, sync
        from dxports import dashboard

        sync.register()
        figures.register()
        dashboard.register_section(
            key="inquiries",
            label=_("Inquiries"),
            url_name="buyers:inbox",
            prefix="/dashboard/inquiries/",
            order=110,
            badge=lambda member: selectors.waiting_count(seller=member.seller) or None,
        )
        dashboard.register_next_step(
            key="first_answer",
            label=_("Answer your first inquiry"),
            help=_("Buyers' questions about your live products arrive here; a quick first answer wins orders."),
            url_name="buyers:inbox",
            order=30,
            is_done=lambda seller: selectors.seller_has_answered(seller=seller),
        )
