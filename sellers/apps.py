from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SellersConfig(AppConfig):
    name = "sellers"
    verbose_name = _("Sellers")

    def ready(self):
        from dxports import dashboard
        from sellers import provisioning, selectors

        provisioning.register()
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
