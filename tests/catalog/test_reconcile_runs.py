"""Every reconciliation run is stored with its findings and shown in the admin with the listings involved;
``manage.py reconcile --dry-run`` prints the same report and changes nothing."""

import io

import pytest
from django.core.management import call_command

from catalog.models import ProductStatus, ReconciliationFinding, ReconciliationRun
from catalog.reconcile import reconcile_listings
from tests.catalog.sync_support import (
    gateway_fixture,
    in_review_fixture,
    live_fixture,
    supplier_fixture,
    sync_fixture,
)

pytestmark = pytest.mark.django_db
P = ProductStatus
__all__ = ["gateway_fixture", "in_review_fixture", "live_fixture", "supplier_fixture", "sync_fixture"]


def _lose(sync, product):
    with sync.gateway.store.transaction() as conn:
        conn.execute("DELETE FROM products WHERE product_id = ?", (product.gateway_product_id,))


def test_a_run_is_stored_with_the_listings_it_repaired(sync, live):
    lost_id = live.gateway_product_id
    _lose(sync, live)

    report = reconcile_listings()

    run = ReconciliationRun.objects.get(pk=report["run"])
    assert (run.sellers, run.checked, run.on_gateway) == (1, 1, 0)
    assert run.counts["missing"] == 1 and run.counts["stale"] == 0
    (finding,) = ReconciliationFinding.objects.all()
    assert finding.kind == "missing" and finding.product == live and finding.repaired
    assert finding.details == {"product": live.pk, "gateway_product_id": lost_id}


def test_the_admin_shows_a_run_and_the_listings_involved(admin_client, sync, live):
    _lose(sync, live)
    run = ReconciliationRun.objects.get(pk=reconcile_listings()["run"])

    runs = admin_client.get("/admin/catalog/reconciliationrun/").content.decode()
    page = admin_client.get(f"/admin/catalog/reconciliationrun/{run.pk}/change/").content.decode()
    findings = admin_client.get(f"/admin/catalog/reconciliationfinding/?run__id__exact={run.pk}&kind__exact=missing")

    assert "Missing on Alibaba.com: sent again" in page
    assert f"?run__id__exact={run.pk}&amp;kind__exact=missing" in page
    assert "Reported for a person" in runs
    listed = findings.content.decode()
    assert live.title in listed and f"/admin/catalog/product/{live.pk}/change/" in listed


def test_a_clean_run_is_stored_too(admin_client, sync, live):
    run = ReconciliationRun.objects.get(pk=reconcile_listings()["run"])

    assert not run.findings.exists()
    page = admin_client.get(f"/admin/catalog/reconciliationrun/{run.pk}/change/").content.decode()
    assert "Nothing: Alibaba.com holds what we believe." in page


def test_a_dry_run_prints_the_report_and_changes_nothing(sync, live):
    lost_id = live.gateway_product_id
    _lose(sync, live)
    out = io.StringIO()

    call_command("reconcile", "--dry-run", stdout=out)

    text = out.getvalue()
    assert "Dry run: nothing was repaired or stored." in text
    assert "Missing on Alibaba.com: sent again: 1" in text
    assert f"“{live.title}” ({live.sku}), {live.seller.legal_name}" in text and str(lost_id) in text
    live.refresh_from_db()
    assert live.status == P.LIVE and live.gateway_product_id == lost_id  # nothing repaired
    assert not ReconciliationRun.objects.exists()

    out = io.StringIO()
    call_command("reconcile", stdout=out)  # the real run finds the same, repairs it and stores it
    assert "Missing on Alibaba.com: sent again: 1" in out.getvalue()
    live.refresh_from_db()
    assert live.status == P.UPDATING and ReconciliationRun.objects.count() == 1


def test_the_command_refuses_an_unknown_seller(sync):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No seller has the public id 'nobody'"):
        call_command("reconcile", "--seller", "nobody", stdout=io.StringIO())
