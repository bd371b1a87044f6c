from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The onboarding's decisions listed among the seller's notifications (their e-mails are sent by the services).
NOTIFIED = (
    "seller.submitted",
    "seller.changes_requested",
    "seller.approved",
    "seller.rejected",
    "seller.active",
    "seller.suspended",
    "seller.action_needed",
)


class SellersConfig(AppConfig):
    name = "sellers"
    verbose_name = _("Sellers")

    def ready(self):
        from dxports import dashboard, notifications
        from sellers import figures, provisioning, selectors

        provisioning.register()
        figures.register()
        for event_type in NOTIFIED:
            notifications.register(event_type, template=f"sellers/notifications/{event_type.split('.')[1]}.html")
        dashboard.register_member_lookup(selectors.membership_for_user, start_url_name="sellers:start")
        for order, (key, label, url_name, url_args, prefix) in enumerate(
            (
                ("overview", _("Overview"), "sellers:home", (), ""),
                ("profile", _("Profile"), "sellers:step", ("business",), "/dashboard/profile/"),
                ("documents", _("Documents"), "sellers:documents", (), ""),
                ("submit", _("Submit"), "sellers:submit", (), ""),
                ("history", _("History"), "sellers:history", (), ""),
                ("team", _("Team"), "sellers:team", (), ""),
            ),
            start=1,
        ):
            dashboard.register_section(
                key=key, label=label, url_name=url_name, url_args=url_args, prefix=prefix, order=order * 10
            )
