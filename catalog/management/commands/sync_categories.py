"""Copy the gateway's category tree and leaf attributes into the database (idempotent; safe to run again)."""

from django.core.management.base import BaseCommand, CommandError

from alibaba.errors import GatewayError
from alibaba.gateway import shared_client
from catalog.categories import categories_sync


class Command(BaseCommand):
    help = "Sync the Alibaba.com category tree and leaf attributes from the gateway."

    def handle(self, *args, **options):
        try:
            report = categories_sync(client=shared_client())
        except GatewayError as exc:
            raise CommandError(f"the gateway refused or failed: {exc}") from exc
        self.stdout.write(str(report))
