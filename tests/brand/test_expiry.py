"""Certificates over time (time-machine): an expired certificate leaves the public profile by itself (beat's daily
task sends the profile again without it, through the real mock), and the seller is told 30 days before, once."""

import datetime

import pytest
from django.utils import timezone

from alibaba.client import AlibabaClient
from brand import rules, services
from brand.models import Certificate, ProfileStatus
from brand.tasks import brand_certificates_daily
from dxports.models import OutgoingEmail
from tests.brand.support import add_certificate, complete_profile
from tests.catalog.sync_support import gateway_fixture, supplier_on, sync_fixture
from tests.sellers.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db
S = ProfileStatus
__all__ = ["gateway_fixture", "sync_fixture"]
NOON = datetime.time(12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def start(time_machine):
    """Frozen at noon UTC (the gateway's day and ours agree), ticking off."""
    moment = datetime.datetime.combine(timezone.now().date(), NOON)
    time_machine.move_to(moment, tick=False)
    return moment


def _days_later(time_machine, start, days):
    time_machine.move_to(start + datetime.timedelta(days=days), tick=False)


def _held_certificates(supplier):
    supplier.supplier_account.refresh_from_db()  # its token may have been refreshed by a worker
    with AlibabaClient.from_settings() as client:
        return [c.number for c in client.company_profile_get(supplier.supplier_account.access_token).certifications]


def test_an_expired_certificate_leaves_the_live_profile_by_itself(sync, gateway, start, time_machine):
    gateway.configure(company_reject_rate=0.0)
    supplier = supplier_on(gateway)
    profile = complete_profile(supplier, supplier.owner)
    short = add_certificate(profile, supplier.owner, type="BSCI", number="BSCI-EXPIRING", days_valid=10)
    services.profile_send(profile=profile, actor=supplier.owner)
    sync.drain()
    sync.review()
    assert len(_held_certificates(supplier)) == 2
    assert Certificate.objects.get(pk=short.pk).on_gateway

    _days_later(time_machine, start, 10)
    assert brand_certificates_daily()["resent"] == 0  # valid through its last day

    _days_later(time_machine, start, 11)
    assert brand_certificates_daily()["resent"] == 1
    profile.refresh_from_db()
    assert profile.status == S.SENDING
    assert "A certificate expired" in profile.events.filter(to_status=S.SENDING).first().reason
    sync.drain()  # the access token expired meanwhile (10 days): refreshed on the way
    sync.review()

    profile.refresh_from_db()
    assert profile.status == S.LIVE
    assert "BSCI-EXPIRING" not in _held_certificates(supplier) and len(_held_certificates(supplier)) == 1
    assert not Certificate.objects.get(pk=short.pk).on_gateway
    assert brand_certificates_daily()["resent"] == 0  # the next day: nothing more to take off


def test_an_expired_certificate_of_a_profile_not_on_alibaba_sends_nothing(profile, owner, start, time_machine):
    add_certificate(profile, owner, type="BSCI", number="B-1", days_valid=5)
    Certificate.objects.update(on_gateway=True)

    _days_later(time_machine, start, 6)

    assert brand_certificates_daily()["resent"] == 0  # a draft is sent by the seller
    profile.refresh_from_db()
    assert profile.status == S.DRAFT


def test_the_seller_is_told_30_days_before_once(
    profile, owner, start, time_machine, mailoutbox, django_capture_on_commit_callbacks
):
    teammate = MemberFactory(seller=profile.seller, user=UserFactory(language="bn")).user
    add_certificate(profile, owner, type="BSCI", number="B-31", days_valid=31)

    with django_capture_on_commit_callbacks(execute=True):
        assert brand_certificates_daily()["reminded"] == 0
    _days_later(time_machine, start, 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert brand_certificates_daily()["reminded"] == 1
    _days_later(time_machine, start, 2)
    with django_capture_on_commit_callbacks(execute=True):
        brand_certificates_daily()
        brand_certificates_daily()

    assert sorted(message.to[0] for message in mailoutbox) == sorted([owner.email, teammate.email])
    english = next(m for m in mailoutbox if m.to == [owner.email])
    assert english.subject == "Rupsha Jute Crafts Ltd.: the BSCI certificate expires in 30 days"
    assert "B-31" in english.body and "/dashboard/company/" in english.body and english.alternatives
    bengali = next(m for m in mailoutbox if m.to == [teammate.email])
    assert "BSCI" in bengali.subject and "expires in" not in bengali.subject
    assert OutgoingEmail.objects.count() == 2


def test_no_reminder_for_a_refused_or_an_expired_certificate(profile, owner, moderator, start, mailoutbox):
    refused = add_certificate(profile, owner, type="BSCI", number="B-1", days_valid=10)
    services.certificate_review(certificate=refused, actor=moderator, verdict="refused", note="Not in the register.")
    add_certificate(profile, owner, type="GOTS", number="G-1", days_valid=1)
    Certificate.objects.filter(number="G-1").update(valid_until=rules.today() - datetime.timedelta(days=1))

    assert brand_certificates_daily()["reminded"] == 0
    assert OutgoingEmail.objects.count() == 0
