"""Reconciliation of the listings (DESIGN.md §6): compare what the gateway holds with what we believe, repair the
drift and report it. Run by beat (``catalog.tasks.catalog_reconcile_listings``) and safe to run at any time: the
repairs go through the services (outbox rows, guarded transitions), so a repair that races a worker is harmless.

For each active seller with a supplier account, every product the gateway lists (paged) is compared with ours:

- found: a product without a recorded gateway id that the gateway holds under its custom code (an add whose answer
  was lost, its sync still on its way) → the lowest id is recorded, as the handler's own lookup would, and the
  product is checked like any other;
- missing: we recorded a gateway id the gateway does not list, for a product it should hold → the id is forgotten
  and the product sent again (the handler looks it up by custom code first, then adds it);
- extra: a product under a custom code we do not know → reported; a second copy of one of ours (a duplicate add) →
  switched off and reported;
- stale: a live product whose gateway copy has another subject or category, or an older version than ours → sent
  again;
- review drift: the gateway reviewed what we sent (approved / tbd) but the push did not reach us → applied, as the
  push would have; a delisted or blocked product the gateway shows → switched off again.

Each run is stored with its findings (``services.reconciliation_record``: a ``ReconciliationRun`` shown in the
admin with the listings involved). A dry run (``manage.py reconcile --dry-run``) finds the same drift and repairs,
switches off and stores nothing; ``report_lines`` words a report for the terminal.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from alibaba import reconcile
from alibaba.client import AlibabaClient, GatewayProduct, ProductPage
from alibaba.gateway import shared_client
from catalog import services
from catalog.models import Product, ProductStatus
from sellers import selectors as sellers_selectors
from sellers.selectors import Seller
from sellers.services import SupplierSession

logger = logging.getLogger("dxports.catalog.reconcile")

P = ProductStatus
PAGE_SIZE = 50
SHOULD_BE_HELD = frozenset({P.UNDER_REVIEW, P.LIVE, P.UPDATING})


@dataclass
class Report(reconcile.Report):
    settings = ("dry_run",)

    dry_run: bool = False
    sellers: int = 0
    checked: int = 0
    on_gateway: int = 0
    found: list[dict[str, Any]] = field(default_factory=list)
    missing: list[dict[str, Any]] = field(default_factory=list)
    extra: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    stale: list[dict[str, Any]] = field(default_factory=list)
    reviews_applied: list[dict[str, Any]] = field(default_factory=list)
    redelisted: list[dict[str, Any]] = field(default_factory=list)
    drift: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)


def reconcile_listings(*, seller: Seller | None = None, dry_run: bool = False) -> dict[str, Any]:
    """Reconcile every active seller's listings (or only ``seller``'s); returns the report as a dict
    (``counts`` and the details of each finding, and ``run``, the id of the stored run) and logs it. A seller whose
    listing cannot be read (the gateway fails, the token cannot be refreshed) is reported under ``errors`` and the
    others go on. ``dry_run``: report what would be repaired, and change and store nothing."""
    started_at = timezone.now()
    sellers = sellers_selectors.sellers_that_may_sell()
    if seller is not None:
        sellers = sellers.filter(pk=seller.pk)
    report = Report(dry_run=dry_run)
    client = shared_client()
    reconcile.reconcile_sellers(
        sellers,
        lambda each: _reconcile_seller(each, client, report),
        report=report,
        logger=logger,
        what="reconciliation",
    )
    result = report.as_dict()
    if not dry_run:
        result["run"] = services.reconciliation_record(report=result, started_at=started_at).pk
    logger.info("listing reconciliation: %s", result["counts"], extra={"report": result})
    return result


def _held_by(session: SupplierSession) -> list[GatewayProduct]:
    held: list[GatewayProduct] = []
    page = 1
    while True:

        def read(page: int = page) -> ProductPage:
            return session.client.product_list(session.token, page=page, page_size=PAGE_SIZE)

        answer = session.run(read)
        held.extend(answer.products)
        if not answer.products or page * PAGE_SIZE >= answer.total:
            return held
        page += 1


def _reconcile_seller(seller: Seller, client: AlibabaClient, report: Report) -> None:
    session = SupplierSession(client, seller)
    held = _held_by(session)
    report.on_gateway += len(held)
    by_code: defaultdict[str, list[GatewayProduct]] = defaultdict(list)
    by_id: dict[int, GatewayProduct] = {}
    for item in held:
        by_code[item.custom_code or ""].append(item)
        by_id[item.product_id] = item
    ours = {str(p.public_id): p for p in Product.objects.filter(seller=seller).select_related("category")}
    report.checked += len(ours)

    duplicates: list[int] = []
    for code, items in by_code.items():
        product = ours.get(code)
        if product is None:
            ids = [item.product_id for item in items]
            report.extra.append({"seller": seller.pk, "custom_code": code, "product_ids": ids})
            continue
        if product.gateway_product_id is None:
            lowest = min(item.product_id for item in items)
            # The same choice as the handler's lookup, recorded only when the product still has no id: a worker that
            # recorded one meanwhile wins, and its id is the one kept.
            recorded = services.product_gateway_id_record(product=product, gateway_product_id=lowest)
            if recorded is None:
                continue  # deleted meanwhile
            if recorded == lowest:
                report.found.append({"product": product.pk, "gateway_product_id": lowest})
            product.gateway_product_id = recorded
        copies = [item.product_id for item in items if item.product_id != product.gateway_product_id]
        if copies:
            duplicates.extend(copies)
            report.duplicates.append({"product": product.pk, "kept": product.gateway_product_id, "off": copies})
    for start in range(0, 0 if report.dry_run else len(duplicates), 50):

        def switch_off(ids: list[int] = duplicates[start : start + 50]) -> None:
            session.client.product_set_display(session.token, ids, on=False)  # the token read anew on a retry

        session.run(switch_off)

    for product in ours.values():
        if product.gateway_product_id is None:
            continue
        try:
            _check(product, by_id.get(product.gateway_product_id), report)
        except Product.DoesNotExist:
            # Deleted since it was read: nothing of it is left to repair; the others go on.
            logger.info("reconciliation: product %s was deleted meanwhile", product.pk)


def _check(product: Product, item: GatewayProduct | None, report: Report) -> None:
    if item is None:
        if product.status in SHOULD_BE_HELD and (
            report.dry_run
            or services.product_resync(
                product=product,
                reason=_("Alibaba.com no longer holds the listing: it is sent again."),
                forget_gateway_id=True,
            )
        ):
            report.missing.append({"product": product.pk, "gateway_product_id": product.gateway_product_id})
        return
    _compare(product, item, report)


def _compare(product: Product, item: GatewayProduct, report: Report) -> None:
    if product.status in (P.DELISTED, P.BLOCKED):
        if item.display == "Y" and (report.dry_run or services.product_redelist(product=product)):
            report.redelisted.append({"product": product.pk, "gateway_product_id": item.product_id})
        return
    if product.status in (P.UNDER_REVIEW, P.UPDATING) and item.status in ("approved", "tbd"):
        # ``reviewed_at``: a listing read before our last update shows the verdict of the version before it.
        if report.dry_run or services.product_review_record(
            product=product,
            gateway_product_id=item.product_id,
            approved=item.status == "approved",
            reason=item.reject_reason or "",
            reviewed_at=item.modified_at,
        ):
            report.reviews_applied.append({"product": product.pk, "status": item.status})
        return
    if product.status != P.LIVE:
        return
    category_id = product.category.category_id if product.category else None
    if product.synced_version != product.version or item.subject != product.title or item.category_id != category_id:
        if report.dry_run or services.product_resync(
            product=product, reason=_("Alibaba.com holds an older version: it is sent again.")
        ):
            report.stale.append({"product": product.pk, "gateway_product_id": item.product_id})
    elif item.status != "approved" or item.display != "Y":
        report.drift.append(
            {"product": product.pk, "gateway_status": item.status, "gateway_display": item.display, "ours": "live"}
        )


def report_lines(report: dict[str, Any], *, products: dict[int, str] | None = None) -> list[str]:
    """A report (``reconcile_listings``'s) in words, one finding a line; ``products`` names products by id."""
    from catalog.models import FindingKind

    products = products or {}
    counts = report["counts"]
    lines = [
        _("Dry run: nothing was repaired or stored.") if report.get("dry_run") else _("Run %(run)s.") % report,
        _("%(sellers)d sellers checked, %(checked)d listings compared, %(on_gateway)d on Alibaba.com.") % counts,
    ]
    for key, value in report.items():
        if not isinstance(value, list) or not value:
            continue
        label = FindingKind(key).label if key in FindingKind.values else key
        lines.append(f"{label}: {len(value)}")
        for item in value:
            named = products.get(item.get("product", 0), "")
            details = ", ".join(f"{name} {value}" for name, value in item.items())
            lines.append(f"  {named} ({details})" if named else f"  {details}")
    return lines
