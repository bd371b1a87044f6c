"""The company profile's sync end to end against the real mock gateway in process: send → outbox → gateway → review
push → live; edits sent at once; files uploaded once per content; and the faults the engine must survive, switched
on through the mock's config with a fixed seed. Each scenario ends with the gateway holding what we believe."""

import pytest

from alibaba.client import AlibabaClient
from alibaba.models import OutboxAttempt, OutboxJob
from brand import rules, selectors, services
from brand.models import SYNC_KIND, CompanyProfile, ProfileEvent, ProfileStatus
from dxports.models import Event
from sellers.models import SellerStatus
from tests.brand.support import add_certificate, complete_profile, photo_upload
from tests.catalog.sync_support import gateway_fixture, supplier_on, sync_fixture

pytestmark = pytest.mark.django_db
S = ProfileStatus
Outcome = OutboxAttempt.Outcome
__all__ = ["gateway_fixture", "sync_fixture"]


@pytest.fixture
def supplier(gateway):
    gateway.configure(company_reject_rate=0.0)
    return supplier_on(gateway)


@pytest.fixture
def profile(supplier):
    return complete_profile(supplier, supplier.owner)


def _job(profile):
    return OutboxJob.objects.get(kind=SYNC_KIND, target=str(profile.pk))


def _calls(sync, path):
    return sync.state()["calls"].get(path, {})


def _held(supplier):
    with AlibabaClient.from_settings() as client:
        return client.company_profile_get(supplier.supplier_account.access_token)


def assert_in_step(profile, supplier):
    """The gateway holds the profile as we sent it last: our version's content, its certificates those buyers may
    see today, the status we show."""
    profile = CompanyProfile.objects.get(pk=profile.pk)
    held = _held(supplier)
    assert held is not None and held.version == profile.gateway_version
    assert profile.synced_version == profile.version
    public = selectors.public_profile(selectors.profile_of_seller(seller_id=supplier.pk))
    assert held.company_story == profile.company_story
    assert (held.year_established, held.employees) == (profile.year_established, profile.employee_range)
    assert (held.capacity_quantity, held.capacity_unit) == (profile.capacity_quantity, profile.capacity_unit)
    assert [(m.country, m.share) for m in held.main_markets] == [(m.country, m.share) for m in public.markets]
    assert len(held.factory_photos) == len(public.factory_photos)
    assert (held.brand_logo is not None) == (public.logo is not None)
    assert [(c.type, c.number) for c in held.certifications] == [(c.type, c.number) for c in public.certificates]
    expected = {S.IN_REVIEW: "new", S.LIVE: "approved", S.REJECTED: "tbd"}[profile.status]
    assert held.status == expected


def test_send_review_and_go_live(sync, supplier, profile):
    profile = services.profile_send(profile=profile, actor=supplier.owner)
    assert profile.status == S.SENDING
    assert _job(profile).status == OutboxJob.Status.PENDING

    (attempt,) = sync.drain()

    assert attempt.outcome == Outcome.OK
    assert attempt.result["uploaded_photos"] == 5 and attempt.result["uploaded_certificates"] == 1
    profile.refresh_from_db()
    assert profile.status == S.IN_REVIEW and profile.gateway_version == attempt.result["gateway_version"] == 1
    assert_in_step(profile, supplier)

    sync.review()

    profile.refresh_from_db()
    assert profile.status == S.LIVE
    assert_in_step(profile, supplier)
    assert Event.objects.filter(type="profile.live", seller_id=supplier.pk).count() == 1
    [status] = [p["status"] for p in sync.state()["company_profiles"]]
    assert status == "approved"
    assert list(
        ProfileEvent.objects.filter(profile=profile, kind="transition").values_list("to_status", flat=True)
    ) == [
        S.LIVE,
        S.IN_REVIEW,
        S.SENDING,
    ]


def test_the_gateway_holds_the_profile_as_the_seller_entered_it(sync, supplier, profile):
    services.profile_send(profile=profile, actor=supplier.owner)
    sync.drain()

    held = _held(supplier)

    assert held.employees == "51-100"  # 85 people: Alibaba.com's range
    assert (held.capacity_quantity, held.capacity_unit) == (50_000, "piece")
    assert [(m.country, m.share) for m in held.main_markets] == [("DE", 35), ("GB", 20), ("US", 15)]
    assert [(t.name, t.year, t.country) for t in held.trade_shows] == [("Heimtextil Frankfurt", 2024, "DE")]
    assert len(held.factory_photos) == 4 and len(set(held.factory_photos)) == 4
    [certificate] = held.certifications
    assert certificate.type == "OEKO-TEX" and certificate.issuer == "Hohenstein"


def test_edits_of_a_live_profile_are_sent_once_however_many_wait(sync, supplier, profile):
    services.profile_send(profile=profile, actor=supplier.owner)
    sync.drain()
    sync.review()

    profile = services.profile_update(profile=profile, actor=supplier.owner, employees=140)
    assert profile.status == S.SENDING
    profile = services.profile_update(profile=profile, actor=supplier.owner, capacity_quantity=60_000)
    services.profile_photo_add(profile=profile, actor=supplier.owner, uploaded=photo_upload())
    assert OutboxJob.objects.filter(target=str(profile.pk)).count() == 1

    attempts = sync.drain()

    assert len(attempts) == 1 and attempts[0].result["uploaded_photos"] == 1  # three edits, one call
    assert _calls(sync, "/dexports/company/profile/update") == {"ok": 2}
    profile.refresh_from_db()
    assert profile.status == S.IN_REVIEW and profile.gateway_version == 2
    sync.review()
    profile.refresh_from_db()
    assert profile.status == S.LIVE
    assert_in_step(profile, supplier)
    assert _held(supplier).employees == "101-200"


def test_files_are_uploaded_once_per_content(sync, supplier, profile):
    services.profile_send(profile=profile, actor=supplier.owner)
    sync.drain()
    sync.review()
    assert _calls(sync, "/alibaba/icbu/photobank/upload") == {"ok": 5}
    assert _calls(sync, "/dexports/company/certificate/upload") == {"ok": 1}

    # A photo removed and added again, and an edit that keeps every file, upload nothing again.
    profile = selectors.profile_for_seller(seller=supplier)
    first = next(photo for photo in profile.photos.all() if photo.kind == "factory")
    with first.file.open("rb") as handle:
        content = handle.read()
    services.profile_photo_remove(profile=profile, actor=supplier.owner, photo=first)
    from tests.catalog.image_files import upload

    services.profile_photo_add(profile=profile, actor=supplier.owner, uploaded=upload("again.jpg", content))
    services.profile_update(profile=profile, actor=supplier.owner, year_established=2007)
    sync.drain()

    assert _calls(sync, "/alibaba/icbu/photobank/upload") == {"ok": 5}
    assert _calls(sync, "/dexports/company/certificate/upload") == {"ok": 1}
    sync.review()
    assert_in_step(profile, supplier)


@pytest.mark.parametrize(
    ("faults", "seed"),
    [
        ({"isp_error_rate": 0.5}, 3),
        ({"timeout_rate": 0.5}, 5),  # answers lost after the write happened
        ({"isp_error_rate": 0.3, "timeout_rate": 0.3}, 11),
    ],
    ids=["isp-errors", "lost-answers", "both"],
)
def test_faults_are_retried_until_the_gateway_holds_the_profile_once(sync, supplier, profile, faults, seed):
    sync.gateway.configure(seed=seed, **faults)
    services.profile_send(profile=profile, actor=supplier.owner)

    attempts = sync.drain()

    assert {a.outcome for a in attempts} - {Outcome.OK} <= {Outcome.TRANSIENT, Outcome.TIMEOUT}
    assert any(a.outcome != Outcome.OK for a in attempts)  # the seed draws some faults
    assert attempts[-1].outcome == Outcome.OK
    sync.gateway.configure(isp_error_rate=0.0, timeout_rate=0.0)
    profile.refresh_from_db()
    assert profile.status == S.IN_REVIEW
    sync.review()
    profile.refresh_from_db()
    assert profile.status == S.LIVE
    assert_in_step(profile, supplier)
    state = sync.state()
    assert len(state["company_profiles"]) == 1  # one profile per supplier, whatever the retries


def test_a_rate_limit_ban_is_waited_out(sync, supplier, profile):
    sync.gateway.configure(rate_limit_per_s=0.001, rate_limit_burst=1, ban_seconds=5)
    services.profile_send(profile=profile, actor=supplier.owner)

    first = sync.run_once(_job(profile))

    assert first.outcome == Outcome.RATE_LIMITED and first.error_code == "ApiCallLimit"
    job = _job(profile)
    assert job.status == OutboxJob.Status.PENDING and job.attempts == 0  # waiting out a limit costs no attempt
    sync.gateway.configure(rate_limit_per_s=None)
    sync.gateway.configure(clock_offset_s=10)  # the ban is over
    sync.drain()
    profile.refresh_from_db()
    assert profile.status == S.IN_REVIEW
    assert_in_step(profile, supplier)


def test_an_expired_access_token_is_refreshed_and_the_call_repeated(sync, supplier, profile):
    sync.gateway.expire_access_tokens()
    services.profile_send(profile=profile, actor=supplier.owner)

    (attempt,) = sync.drain()

    assert attempt.outcome == Outcome.OK
    assert _calls(sync, "/auth/token/refresh") == {"ok": 1}
    profile.refresh_from_db()
    assert profile.status == S.IN_REVIEW


def test_a_profile_the_gateway_refuses_is_sync_failed_with_what_to_fix(sync, supplier, profile):
    # Our rules let a trade show of the home country pass; make the gateway refuse something we let through: a
    # certificate whose file the gateway does not know (its URL recorded for a content it never received).
    CompanyProfile.objects.filter(pk=profile.pk).update(
        certificate_urls={profile.certificates.get().sha256: "https://files.mock-alibaba.invalid/certificates/x.pdf"}
    )
    services.profile_send(profile=profile, actor=supplier.owner)

    (attempt,) = sync.drain()

    assert attempt.outcome == Outcome.REJECTED
    profile.refresh_from_db()
    assert profile.status == S.SYNC_FAILED
    assert (
        "Alibaba.com refused the profile" in profile.status_reason and "(about: certificates)" in profile.status_reason
    )
    assert Event.objects.filter(type="profile.sync_failed", seller_id=supplier.pk).exists()
    assert _held(supplier) is None  # all or nothing


def test_a_seller_who_may_not_sell_has_nothing_sent(sync, supplier, profile):
    services.profile_send(profile=profile, actor=supplier.owner)
    type(supplier).objects.filter(pk=supplier.pk).update(status=SellerStatus.SUSPENDED)

    (attempt,) = sync.drain()

    assert attempt.result == {"skipped": "the seller may not sell now"}
    assert _calls(sync, "/dexports/company/profile/update") == {}
    assert _calls(sync, "/alibaba/icbu/photobank/upload") == {}
    profile.refresh_from_db()
    assert profile.status == S.SYNC_FAILED and "may not sell" in profile.status_reason


def test_an_expired_certificate_is_not_sent_and_a_refused_one_neither(sync, supplier, profile, time_machine):
    add_certificate(profile, supplier.owner, type="BSCI", number="BSCI-1", days_valid=10)
    refused = add_certificate(profile, supplier.owner, type="GOTS", number="GOTS-1")
    services.certificate_review(certificate=refused, actor=None, verdict="refused", note="Another company's name.")
    time_machine.move_to(rules.today() + rules.EXPIRY_NOTICE)  # the BSCI certificate has expired

    services.profile_send(profile=selectors.profile_for_seller(seller=supplier), actor=supplier.owner)
    sync.drain()

    assert [c.type for c in _held(supplier).certifications] == ["OEKO-TEX"]
    assert _calls(sync, "/dexports/company/certificate/upload") == {"ok": 1}


def test_the_sync_history_shows_every_attempt(sync, supplier, profile):
    sync.gateway.configure(seed=3, isp_error_rate=1.0)
    services.profile_send(profile=profile, actor=supplier.owner)
    sync.run_once(_job(profile))
    sync.gateway.configure(isp_error_rate=0.0)
    sync.drain()

    history = list(selectors.profile_sync_history(profile=profile))

    assert [attempt.outcome for attempt in history] == [Outcome.OK, Outcome.TRANSIENT]
