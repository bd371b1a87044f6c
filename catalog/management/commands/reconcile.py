"""``manage.py reconcile [--dry-run] [--seller <public id>]``: the listing reconciliation of beat, run now, its report
printed (``catalog.reconcile``)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from catalog import selectors
from catalog.reconcile import reconcile_listings, report_lines
from sellers import selectors as sellers_selectors


class Command(BaseCommand):
    help = "Compare the listings Alibaba.com holds with ours, repair the drift (unless --dry-run) and print the report."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Find the drift; repair and store nothing.")
        parser.add_argument("--seller", help="Only this seller (its public id).")

    def handle(self, *args: Any, **options: Any) -> None:
        seller = None
        if options["seller"]:
            seller = sellers_selectors.seller_by_public_id(public_id=options["seller"])
            if seller is None:
                raise CommandError(f"No seller has the public id {options['seller']!r}.")
        report = reconcile_listings(seller=seller, dry_run=options["dry_run"])
        products = selectors.product_names(ids=[item["product"] for item in _entries(report) if "product" in item])
        for line in report_lines(report, products=products):
            self.stdout.write(line)


def _entries(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [item for value in report.values() if isinstance(value, list) for item in value]
