"""The demo (seed_demo and beat's demo step): the active demo seller gets a complete company profile, sent once its
supplier account exists and live on the mock after its review; every step is idempotent."""

import io

import pytest
from django.core.management import call_command

from alibaba.client import AlibabaClient
from brand import demo, rules
from brand.models import Certificate, CompanyProfile, ProfilePhoto, ProfileStatus
from brand.tasks import brand_demo_step
from dxports.demo import ACTIVE_SELLER_EMAIL
from sellers.models import Seller
from sellers.services import seller_supplier_account_store
from tests.catalog.sync_support import gateway_fixture, sync_fixture

pytestmark = pytest.mark.django_db
S = ProfileStatus
__all__ = ["gateway_fixture", "sync_fixture"]


def _demo_seller():
    return Seller.objects.get(members__user__email=ACTIVE_SELLER_EMAIL)


def _snapshot():
    return (
        list(CompanyProfile.objects.values_list("seller__legal_name", "status", "version")),
        ProfilePhoto.objects.count(),
        Certificate.objects.count(),
    )


def _provision(seller):
    """What the worker does after the approval: the supplier account on the gateway."""
    with AlibabaClient.from_settings() as client:
        account = client.supplier_create(
            seller_ref=str(seller.public_id), company_name=seller.legal_name, contact_email=ACTIVE_SELLER_EMAIL
        )
        tokens = client.token_create(account.code)
    seller_supplier_account_store(seller=seller, supplier_id=account.supplier_id, tokens=tokens)


def test_seed_demo_gives_the_active_seller_a_complete_profile_once(gateway):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    first = _snapshot()
    call_command("seed_demo", stdout=io.StringIO())

    assert _snapshot() == first
    profile = CompanyProfile.objects.get(seller=_demo_seller())
    assert profile.status == S.DRAFT  # no supplier account yet: nothing is sent
    problems = rules.profile_problems(profile)
    assert [p.code for p in problems] == ["certificate_expiring"]  # the BSCI certificate: its reminder shows
    assert profile.certificates.filter(review="verified").count() == 1
    assert "/dashboard/company/" in out.getvalue()


def test_the_demo_step_waits_for_the_account_then_sends_and_the_profile_goes_live(sync, gateway):
    gateway.configure(company_reject_rate=0.0)
    call_command("seed_demo", stdout=io.StringIO())
    assert brand_demo_step() == "waiting for the supplier account"

    _provision(_demo_seller())
    assert brand_demo_step() == S.SENDING
    sync.drain()
    assert brand_demo_step() == S.IN_REVIEW
    sync.review()

    assert brand_demo_step() == S.LIVE
    [held] = sync.state()["company_profiles"]
    assert held["status"] == "approved"
    assert brand_demo_step() == S.LIVE
    assert sync.state()["calls"]["/dexports/company/profile/update"] == {"ok": 1}


def test_a_profile_the_mocks_draw_rejects_is_sent_again(sync, gateway):
    call_command("seed_demo", stdout=io.StringIO())
    _provision(_demo_seller())
    gateway.configure(company_reject_rate=1.0)
    demo.step()
    sync.drain()
    sync.review()
    assert CompanyProfile.objects.get().status == S.REJECTED

    gateway.configure(company_reject_rate=0.0)
    assert demo.step() == S.SENDING
    sync.drain()
    sync.review()

    assert CompanyProfile.objects.get().status == S.LIVE


def test_a_later_start_sends_the_profile_from_seed_demo(sync, gateway):
    call_command("seed_demo", stdout=io.StringIO())
    _provision(_demo_seller())

    call_command("seed_demo", stdout=io.StringIO())

    assert CompanyProfile.objects.get().status == S.SENDING
