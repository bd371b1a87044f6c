"""The company profile's history in words (issue 11): labels, markets and trade shows as buyers read them, photos
counted, never the keys or the lists kept in the audit row; the approval is good news; one version count; "Try
again now" only when a retry would help."""

import pytest
from django.utils import timezone

from alibaba.models import OutboxAttempt, OutboxJob
from brand import services
from brand.models import ProfileStatus
from brand.selectors import SYNC_KIND

pytestmark = pytest.mark.django_db
BASE = "/dashboard/company"


def _history(content):
    return content.split('id="history-heading"', 1)[1]


def test_an_edit_is_listed_in_words(owner_client, profile, owner):
    services.profile_update(
        profile=profile,
        actor=owner,
        markets=[services.MarketInput("JP", 60), services.MarketInput("DE", 40)],
        trade_shows=[services.TradeShowInput("Ambiente", 2025, "DE")],
    )

    history = _history(owner_client.get(f"{BASE}/").content.decode())

    assert "Main export markets: " in history and "→ Japan 60%; Germany 40%" in history
    assert "Trade shows: " in history and "→ Ambiente (2025, Germany)" in history
    for internal in ("<code>", "markets</", "trade_shows", "[[", "&#x27;"):
        assert internal not in history


def test_the_approval_reads_as_good_news(owner_client, profile):
    profile.status = ProfileStatus.IN_REVIEW
    profile.save()
    services.profile_transition(profile=profile, to=ProfileStatus.LIVE, reason="Approved by Alibaba.com.")

    history = _history(owner_client.get(f"{BASE}/").content.decode())

    assert '<p class="reason reason-success">Approved by Alibaba.com.</p>' in history


def test_the_sync_history_counts_versions_as_the_profile_does(owner_client, profile, owner):
    for year in (1995, 1996, 1997):
        services.profile_update(profile=profile, actor=owner, year_established=year)
    profile.refresh_from_db()
    job = OutboxJob.objects.create(kind=SYNC_KIND, target=str(profile.pk), version=1)
    OutboxAttempt.objects.create(job=job, version=1, outcome=OutboxAttempt.Outcome.OK, finished_at=timezone.now())

    content = owner_client.get(f"{BASE}/").content.decode()
    sync = content.split('id="sync-heading"', 1)[1].split("</section>", 1)[0]

    assert f"<td>{profile.version}</td>" in sync and profile.version > 1


@pytest.mark.parametrize(("attempts", "offered"), [(0, False), (2, True)])
def test_try_again_now_only_when_the_sync_waits_out_an_error(owner_client, profile, attempts, offered):
    profile.status = ProfileStatus.SENDING
    profile.save()
    OutboxJob.objects.create(
        kind=SYNC_KIND,
        target=str(profile.pk),
        attempts=attempts,
        next_attempt_at=timezone.now() + timezone.timedelta(minutes=2),
    )

    content = owner_client.get(f"{BASE}/").content.decode()

    assert ("Try again now" in content) is offered
