"""The profile's writes through its services: what is refused (naming the field or row) and what an edit does in
each state; sending; staff's block and certificate checks; the state table."""

import pytest
from django.db import transaction

from alibaba.models import OutboxJob
from brand import services
from brand.errors import (
    IllegalTransition,
    NothingToSend,
    ProfileIncomplete,
    ProfileInvalid,
    SellerNotActive,
)
from brand.models import SYNC_KIND, TRANSITIONS, CompanyProfile, EventKind, ProfileEvent, ProfileStatus
from dxports.models import Event
from dxports.states import ReasonRequired
from sellers.models import SellerStatus
from tests.brand.support import MARKETS, add_certificate

pytestmark = pytest.mark.django_db
S = ProfileStatus


def _jobs(profile):
    return OutboxJob.objects.filter(kind=SYNC_KIND, target=str(profile.pk))


def _set_status(profile, status):
    CompanyProfile.objects.filter(pk=profile.pk).update(status=status, status_reason="Why")
    profile.refresh_from_db()
    return profile


# Creating and editing --------------------------------------------------------------------------------------------


def test_a_new_profile_starts_from_the_sellers_own_facts_and_is_audited(seller, owner):
    profile = services.profile_get_or_create(seller=seller, actor=owner)

    assert (profile.status, profile.year_established, profile.employees, profile.version) == (S.DRAFT, 2008, 85, 1)
    event = ProfileEvent.objects.get(profile=profile)
    assert event.kind == EventKind.CREATED and event.actor == owner
    assert event.changes == {"year_established": [None, 2008], "employees": [None, 85]}
    assert services.profile_get_or_create(seller=seller, actor=owner) == profile
    assert CompanyProfile.objects.count() == 1


def test_an_edit_bumps_the_version_and_records_every_change_before_and_after(seller, owner):
    profile = services.profile_get_or_create(seller=seller, actor=owner)

    profile = services.profile_update(
        profile=profile,
        actor=owner,
        employees=90,
        company_story="  Jute since 2008.\r\nHand-made.  ",
        markets=MARKETS[:2],
        trade_shows=[services.TradeShowInput("  Heimtextil   Frankfurt ", "2024", "de")],
    )

    assert profile.version == 2 and profile.status == S.DRAFT
    assert profile.company_story == "Jute since 2008.\nHand-made."
    event = ProfileEvent.objects.filter(kind=EventKind.EDITED).get()
    assert event.actor == owner and event.version == 2
    assert event.changes == {
        "employees": [85, 90],
        "company_story": ["", "Jute since 2008.\nHand-made."],
        "markets": [[], [["DE", 35], ["GB", 20]]],
        "trade_shows": [[], [["Heimtextil Frankfurt", 2024, "DE"]]],
    }
    assert not _jobs(profile).exists()  # a draft is sent by the seller, when ready


def test_an_edit_that_changes_nothing_writes_nothing(profile, owner):
    before = (profile.version, ProfileEvent.objects.count())

    services.profile_update(profile=profile, actor=owner, employees=profile.employees, markets=MARKETS)

    profile.refresh_from_db()
    assert (profile.version, ProfileEvent.objects.count()) == before


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"year_established": "two thousand"}, "year_established", "enter a whole number"),
        ({"year_established": 99999}, "year_established", "out of range"),
        ({"employees": 0}, "employees", "the owner too"),
        ({"employees": -5}, "employees", "out of range"),
        ({"capacity_unit": "litre"}, "capacity_unit", "Choose one of the units"),
        ({"capacity_quantity": 10**12}, "capacity_quantity", "out of range"),
        ({"company_story": "x" * 50_001}, "company_story", "far too long"),
        ({"markets": [services.MarketInput("XX", 10)]}, "markets[0].country", "Choose a country"),
        (
            {"markets": [services.MarketInput("DE", 10), services.MarketInput("de", 5)]},
            "markets[1].country",
            "Germany is given twice",
        ),
        ({"markets": [services.MarketInput("DE", 0)]}, "markets[0].share", "from 1 to 100"),
        ({"markets": [services.MarketInput("DE", 101)]}, "markets[0].share", "out of range"),
        ({"trade_shows": [services.TradeShowInput("", 2024)]}, "trade_shows[0].name", "1 to 128 characters"),
        ({"trade_shows": [services.TradeShowInput("x" * 129, 2024)]}, "trade_shows[0].name", "1 to 128"),
        ({"trade_shows": [services.TradeShowInput("Fair", None)]}, "trade_shows[0].year", "the year you attended"),
        ({"trade_shows": [services.TradeShowInput("Fair", 2020, "Narnia")]}, "trade_shows[0].country", "country"),
    ],
)
def test_a_value_the_profile_cannot_hold_is_refused_naming_it_and_nothing_changes(
    profile, owner, changes, field, message
):
    before = (profile.version, list(profile.markets.values_list("country", "share")), ProfileEvent.objects.count())

    with pytest.raises(ProfileInvalid) as refused:
        services.profile_update(profile=profile, actor=owner, **changes)

    assert refused.value.extra["field"] == field
    assert message in str(refused.value.message)
    profile.refresh_from_db()
    assert (
        profile.version,
        list(profile.markets.values_list("country", "share")),
        ProfileEvent.objects.count(),
    ) == before


def test_a_draft_may_be_incomplete(seller, owner):
    profile = services.profile_get_or_create(seller=seller, actor=owner)

    profile = services.profile_update(profile=profile, actor=owner, company_story="Short.", markets=[])

    assert profile.company_story == "Short."


# Sending -----------------------------------------------------------------------------------------------------------


def test_sending_writes_the_outbox_row_in_the_same_transaction(profile, owner):
    sent = services.profile_send(profile=profile, actor=owner)

    assert sent.status == S.SENDING
    assert _jobs(profile).get().status == OutboxJob.Status.PENDING
    assert ProfileEvent.objects.filter(to_status=S.SENDING).get().actor == owner


def test_an_incomplete_profile_is_not_sent_and_every_problem_is_named(seller, owner):
    profile = services.profile_get_or_create(seller=seller, actor=owner)

    with pytest.raises(ProfileIncomplete) as refused:
        services.profile_send(profile=profile, actor=owner)

    assert [p.code for p in refused.value.problems] == ["story_missing", "capacity_missing", "markets_missing"]
    profile.refresh_from_db()
    assert profile.status == S.DRAFT and not _jobs(profile).exists()


@pytest.mark.parametrize("status", [SellerStatus.APPROVED, SellerStatus.SUSPENDED, SellerStatus.ACTION_NEEDED])
def test_a_seller_who_may_not_sell_cannot_send(profile, owner, status):
    type(profile.seller).objects.filter(pk=profile.seller_id).update(status=status)

    with pytest.raises(SellerNotActive):
        services.profile_send(profile=profile, actor=owner)

    assert not _jobs(profile).exists()


def test_a_blocked_profile_cannot_be_sent(profile, owner, moderator):
    services.profile_block(profile=profile, actor=moderator, reason="Photos of another company.")

    with pytest.raises(IllegalTransition):
        services.profile_send(profile=profile, actor=owner)


@pytest.mark.parametrize("status", [S.IN_REVIEW, S.LIVE])
def test_a_profile_on_alibaba_has_nothing_to_send(profile, owner, status):
    _set_status(profile, status)

    with pytest.raises(NothingToSend):
        services.profile_send(profile=profile, actor=owner)


def test_sending_a_profile_whose_job_waits_out_a_backoff_sends_it_now(profile, owner):
    from django.utils import timezone

    services.profile_send(profile=profile, actor=owner)
    later = timezone.now() + timezone.timedelta(minutes=5)
    _jobs(profile).update(next_attempt_at=later, attempts=3)

    services.profile_send(profile=profile, actor=owner)

    job = _jobs(profile).get()
    assert job.next_attempt_at <= timezone.now() and job.attempts == 0


@pytest.mark.parametrize("status", [S.SENDING, S.IN_REVIEW, S.LIVE])
def test_an_edit_of_a_profile_on_its_way_or_on_alibaba_is_sent_at_once(profile, owner, status):
    _set_status(profile, status)

    profile = services.profile_update(profile=profile, actor=owner, employees=120)

    assert profile.status == S.SENDING
    assert _jobs(profile).get().status == OutboxJob.Status.PENDING


@pytest.mark.parametrize("status", [S.REJECTED, S.SYNC_FAILED, S.BLOCKED])
def test_an_edit_of_a_rejected_failed_or_blocked_profile_waits_for_the_seller(profile, owner, status):
    _set_status(profile, status)

    profile = services.profile_update(profile=profile, actor=owner, employees=120)

    assert profile.status == status and not _jobs(profile).exists()


def test_an_edit_that_would_break_a_live_profile_is_refused_whole(profile, owner):
    profile = _set_status(profile, S.LIVE)

    with pytest.raises(ProfileIncomplete) as refused:
        services.profile_update(profile=profile, actor=owner, markets=[], employees=300)

    assert [p.code for p in refused.value.problems] == ["markets_missing"]
    profile.refresh_from_db()
    assert profile.status == S.LIVE and profile.employees == 85 and profile.markets.count() == 3
    assert not _jobs(profile).exists()


def test_a_live_profile_of_a_seller_who_may_not_sell_cannot_be_edited(profile, owner):
    profile = _set_status(profile, S.LIVE)
    type(profile.seller).objects.filter(pk=profile.seller_id).update(status=SellerStatus.SUSPENDED)

    with pytest.raises(SellerNotActive, match="nothing was saved"):
        services.profile_update(profile=profile, actor=owner, employees=300)

    assert not _jobs(profile).exists()


# Staff ---------------------------------------------------------------------------------------------------------------


def test_blocking_needs_a_reason_the_seller_reads_and_is_announced(profile, moderator):
    with pytest.raises(ReasonRequired):
        services.profile_block(profile=profile, actor=moderator, reason="  ")

    blocked = services.profile_block(profile=profile, actor=moderator, reason="Photos of another company.")

    assert blocked.status == S.BLOCKED and blocked.status_reason == "Photos of another company."
    assert Event.objects.get(type="profile.blocked").data["reason"] == "Photos of another company."
    unblocked = services.profile_unblock(profile=blocked, actor=moderator, reason="Photos replaced.")
    assert unblocked.status == S.DRAFT and unblocked.status_reason == ""


def test_a_blocked_profiles_job_sends_nothing(profile, owner, moderator):
    from brand.sync import sync_profile

    services.profile_send(profile=profile, actor=owner)
    services.profile_block(profile=profile, actor=moderator, reason="Photos of another company.")

    assert sync_profile(_jobs(profile).get()) == {"skipped": "the profile is blocked"}


def test_verifying_a_certificate_is_audited_and_announced(profile, moderator):
    certificate = profile.certificates.get()

    services.certificate_review(certificate=certificate, actor=moderator, verdict="verified", note="Register checked")

    certificate.refresh_from_db()
    assert (certificate.review, certificate.reviewed_by, certificate.review_note) == (
        "verified",
        moderator,
        "Register checked",
    )
    event = ProfileEvent.objects.get(kind=EventKind.CERTIFICATE)
    assert event.actor == moderator and event.changes == {str(certificate): ["unverified", "verified"]}
    announced = Event.objects.get(type="certificate.verified")
    assert announced.subject_id == certificate.public_id and announced.data["type"] == "OEKO-TEX"


def test_refusing_a_certificate_needs_a_note_and_takes_it_off_a_live_profile(profile, owner, moderator):
    certificate = add_certificate(profile, owner, type="BSCI", number="B-1")
    profile = _set_status(profile, S.LIVE)
    type(certificate).objects.filter(pk=certificate.pk).update(on_gateway=True)

    with pytest.raises(Exception, match="reason"):
        services.certificate_review(certificate=certificate, actor=moderator, verdict="refused", note="")

    services.certificate_review(
        certificate=certificate, actor=moderator, verdict="refused", note="Not in the register."
    )

    profile.refresh_from_db()
    assert profile.status == S.SENDING and _jobs(profile).exists()
    assert "refused a certificate" in ProfileEvent.objects.filter(to_status=S.SENDING).get().reason


# The state table ---------------------------------------------------------------------------------------------------

EVERY_PAIR = [(a, b) for a in S for b in S if a != b]


@pytest.mark.parametrize(("start", "to"), EVERY_PAIR, ids=[f"{a}-{b}" for a, b in EVERY_PAIR])
def test_only_the_table_moves_a_profile(profile, start, to):
    profile = _set_status(profile, start)

    if to in TRANSITIONS[start]:
        event = services.profile_transition(profile=profile, to=to, reason="Why")
        assert event.profile.status == to and (event.from_status, event.to_status) == (start, to)
    else:
        with pytest.raises(IllegalTransition), transaction.atomic():
            services.profile_transition(profile=profile, to=to, reason="Why")
        profile.refresh_from_db()
        assert profile.status == start
