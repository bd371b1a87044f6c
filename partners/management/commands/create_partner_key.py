"""``manage.py create_partner_key --partner NAME --scopes a,b``: a new API key for the partner (created with
``--contact-email`` when it does not exist yet), printed once, alone on the last line."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from dxports.errors import ApplicationError
from partners import selectors, services
from partners.models import Scope


class Command(BaseCommand):
    help = "Create an API key for a partner (and the partner, if new); the key is printed once, on the last line."

    def add_arguments(self, parser):
        parser.add_argument("--partner", required=True, help="The partner's name.")
        parser.add_argument("--scopes", required=True, help=f"Comma-separated: {', '.join(Scope.values)}; or 'all'.")
        parser.add_argument("--contact-email", default="", help="The partner's contact, when it is created now.")
        parser.add_argument("--name", default="", help="A name for the key, e.g. 'production server'.")
        parser.add_argument("--mode", choices=["live", "test"], help="Default: this server's (PARTNERS_KEY_MODE).")
        parser.add_argument("--expires-in-days", type=int, help="Default: never (until revoked).")

    def handle(self, *args, partner, scopes, contact_email, name, mode, expires_in_days, **options):
        scopes = Scope.values if scopes.strip() == "all" else scopes.split(",")
        expires_at = timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None
        try:
            with transaction.atomic():
                found = selectors.partner_by_name(name=partner)
                if found is None:
                    if not contact_email:
                        raise CommandError(f"No partner named {partner!r}: give --contact-email to create it.")
                    found = services.partner_create(name=partner, contact_email=contact_email)
                    self.stderr.write(f"Created the partner {found.name}.")
                issued = services.api_key_create(
                    partner=found, scopes=scopes, name=name, mode=mode, expires_at=expires_at
                )
        except ApplicationError as error:
            raise CommandError(error.message) from error
        self.stderr.write(
            f"Key {issued.api_key.prefix}… for {found.name}, scopes {', '.join(issued.api_key.scopes)}. "
            "It is shown once: store it now."
        )
        self.stdout.write(issued.key)
