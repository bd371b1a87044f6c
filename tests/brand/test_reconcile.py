"""Reconciliation of the company profiles against the real mock: a lost review push is applied, a profile the
gateway holds in another version or with an expired certificate is sent again, drift is reported."""

import datetime

import pytest

from alibaba.client import AlibabaClient
from brand import services
from brand.models import CompanyProfile, ProfileStatus
from brand.reconcile import reconcile_profiles
from brand.tasks import brand_reconcile_profiles
from sellers.models import SellerStatus
from tests.brand.support import add_certificate, complete_profile, sent_profile
from tests.catalog.sync_support import gateway_fixture, supplier_on, sync_fixture

pytestmark = pytest.mark.django_db
S = ProfileStatus
__all__ = ["gateway_fixture", "sync_fixture"]


@pytest.fixture
def supplier(gateway):
    gateway.configure(company_reject_rate=0.0)
    return supplier_on(gateway)


@pytest.fixture
def sent(sync, supplier):
    """A profile the gateway holds, in review."""
    return sent_profile(sync, supplier)


def test_a_review_whose_push_was_lost_is_applied(sync, sent):
    sync.gateway.tick(all_reviews_due=True)
    sync.pushes.clear()  # the push never arrives

    report = reconcile_profiles()

    assert report["counts"]["reviews_applied"] == 1
    sent.refresh_from_db()
    assert sent.status == S.LIVE
    assert reconcile_profiles()["counts"] == {
        "sellers": 1,
        "checked": 1,
        "missing": 0,
        "reviews_applied": 0,
        "expired": 0,
        "stale": 0,
        "drift": 0,
        "errors": 0,
    }


def test_a_profile_changed_on_the_gateway_behind_our_back_is_sent_again(sync, sent, supplier):
    sync.review()
    with AlibabaClient.from_settings() as client:
        held = dict(client.company_profile_get(supplier.supplier_account.access_token).raw["profile"])
        held["production_capacity"] = {"quantity": 1, "unit": "piece"}
        client.company_profile_update(
            supplier.supplier_account.access_token, {**held, "company_story": "Not ours. " * 10}
        )

    report = reconcile_profiles()

    assert report["counts"]["missing"] == 1
    sync.drain()
    sync.review()
    sent.refresh_from_db()
    assert sent.status == S.LIVE and sent.gateway_version == 3
    with AlibabaClient.from_settings() as client:
        assert client.company_profile_get(supplier.supplier_account.access_token).company_story == sent.company_story


def test_a_live_profile_whose_certificate_expired_on_the_gateway_is_sent_again(sync, sent, supplier, time_machine):
    add_certificate(sent, supplier.owner, type="BSCI", number="B-SHORT", days_valid=3)
    sync.drain()
    sync.review()
    time_machine.move_to(datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=5), tick=False)

    report = reconcile_profiles()

    assert report["expired"] == [{"profile": sent.pk, "seller": supplier.pk, "certificates": ["BSCI B-SHORT"]}]
    sync.drain()
    supplier.supplier_account.refresh_from_db()
    with AlibabaClient.from_settings() as client:
        held = client.company_profile_get(supplier.supplier_account.access_token)
    assert [c.number for c in held.certifications] == [sent.certificates.exclude(number="B-SHORT").get().number]


def test_a_live_profile_whose_gateway_copy_says_something_else_is_sent_again(sync, sent):
    sync.review()
    CompanyProfile.objects.filter(pk=sent.pk).update(capacity_quantity=70_000)  # as if an update had been lost

    report = reconcile_profiles()

    assert report["counts"]["stale"] == 1
    sent.refresh_from_db()
    assert sent.status == S.SENDING


def test_a_gateway_that_fails_is_reported_and_the_others_go_on(sync, sent, gateway):
    other = supplier_on(gateway, legal_name="Buriganga Leather Works")
    theirs = complete_profile(other, other.owner)
    services.profile_send(profile=theirs, actor=other.owner)
    sync.drain()
    gateway.configure(seed=1, isp_error_rate=1.0)

    report = brand_reconcile_profiles()

    assert report["errors"] == 2 and report["sellers"] == 2


def test_a_seller_who_may_not_sell_is_not_reconciled(sync, sent, supplier):
    type(supplier).objects.filter(pk=supplier.pk).update(status=SellerStatus.SUSPENDED)

    assert reconcile_profiles()["counts"]["sellers"] == 0
