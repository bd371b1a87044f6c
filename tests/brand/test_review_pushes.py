"""The gateway's ``company.reviewed`` pushes through /hooks/alibaba/: approved → live, rejected → rejected with the
reason, applied once; a push about an older version, or one naming no supplier or a supplier not ours, changes
nothing (the last two are refused: fail closed)."""

import json
import uuid

import pytest
from django.conf import settings
from django.utils import timezone

from alibaba.mock.pushes import push_authorization
from alibaba.models import InboundPush, OutboxJob
from brand import services
from brand.models import SYNC_KIND, ProfileEvent, ProfileStatus
from dxports.models import Event
from tests.brand.support import sent_profile
from tests.catalog.sync_support import gateway_fixture, supplier_on, sync_fixture

pytestmark = pytest.mark.django_db
S = ProfileStatus
__all__ = ["gateway_fixture", "sync_fixture"]


@pytest.fixture
def supplier(gateway):
    gateway.configure(company_reject_rate=0.0)
    return supplier_on(gateway)


@pytest.fixture
def in_review(sync, supplier):
    profile = sent_profile(sync, supplier)
    assert profile.status == S.IN_REVIEW
    return profile


def _push(data, *, event_id=None):
    body = json.dumps(
        {
            "event_id": event_id or uuid.uuid4().hex,
            "message_type": "company.reviewed",
            "data": data,
            "timestamp": 1_790_000_000_000,
            "site": "icbu_global",
        }
    ).encode()
    return body, {"Authorization": push_authorization(settings.ALIBABA_APP_SECRET, settings.ALIBABA_APP_KEY, body)}


def _review(supplier, profile, **changes):
    return {
        "supplier_id": supplier.supplier_account.supplier_id,
        "version": profile.gateway_version,
        "status": "approved",
        "reason": None,
        "gmt_modified": "2030-01-01T00:00:00.000Z",
        **changes,
    }


def test_an_approval_pushed_twice_is_applied_once(sync, in_review):
    sync.gateway.tick(all_reviews_due=True)
    (push,) = sync.pushes

    sync.deliver([push, push])
    sync.deliver([push])

    in_review.refresh_from_db()
    assert in_review.status == S.LIVE
    assert InboundPush.objects.filter(status=InboundPush.Status.PROCESSED).count() == 1
    assert ProfileEvent.objects.filter(profile=in_review, to_status=S.LIVE).count() == 1


def test_a_rejection_says_why_and_the_fixed_profile_goes_live(sync, in_review, supplier):
    sync.gateway.configure(company_reject_rate=1.0)
    sync.review()

    in_review.refresh_from_db()
    assert in_review.status == S.REJECTED
    [held] = sync.state()["company_profiles"]
    assert held["reason"].rstrip(".") in in_review.status_reason
    assert in_review.status_reason.startswith("Rejected by Alibaba.com:")
    event = Event.objects.get(type="profile.rejected")
    assert event.seller_id == supplier.pk and event.data["reason"] == in_review.status_reason

    profile = services.profile_update(profile=in_review, actor=supplier.owner, employees=90)
    assert profile.status == S.REJECTED  # fixed, not sent yet: the seller sends it
    services.profile_send(profile=profile, actor=supplier.owner)
    sync.drain()
    sync.gateway.configure(company_reject_rate=0.0)
    sync.review()
    profile.refresh_from_db()
    assert profile.status == S.LIVE and profile.status_reason == ""  # the rejection's reason is gone
    assert profile.events.filter(to_status=S.LIVE).get().reason == "Approved by Alibaba.com: buyers see the profile."


def test_a_review_of_the_version_before_an_update_is_ignored(sync, in_review, supplier):
    sync.review()
    in_review.refresh_from_db()
    old = _review(supplier, in_review, status="tbd", reason="Late verdict of an old version")
    profile = services.profile_update(profile=in_review, actor=supplier.owner, employees=120)
    sync.drain()

    sync.deliver([_push(old)])

    profile.refresh_from_db()
    assert profile.status == S.IN_REVIEW and profile.gateway_version == 2
    sync.review()
    profile.refresh_from_db()
    assert profile.status == S.LIVE


def test_a_review_that_overtakes_the_worker_waits_without_counting_as_a_failure(sync, in_review, supplier):
    profile = services.profile_update(profile=in_review, actor=supplier.owner, employees=120)
    lease = {"lease_owner": "worker-1", "lease_expires_at": timezone.now() + timezone.timedelta(minutes=2)}
    OutboxJob.objects.filter(kind=SYNC_KIND, target=str(profile.pk)).update(status=OutboxJob.Status.RUNNING, **lease)
    newer = _review(supplier, profile, version=profile.gateway_version + 1)

    sync.deliver([_push(newer)])

    push = InboundPush.objects.get()
    assert push.status == InboundPush.Status.RECEIVED and "Waiting (not a failure)" in push.error
    assert push.attempts == 0
    profile.refresh_from_db()
    assert profile.status == S.SENDING


@pytest.mark.parametrize("supplier_id", [None, ""], ids=["absent", "empty"])
def test_a_review_naming_no_supplier_is_refused(sync, in_review, supplier, supplier_id):
    data = _review(supplier, in_review)
    if supplier_id is None:
        del data["supplier_id"]
    else:
        data["supplier_id"] = supplier_id

    sync.deliver([_push(data)])

    push = InboundPush.objects.get()
    assert push.status == InboundPush.Status.REFUSED and "names no supplier_id" in push.error
    in_review.refresh_from_db()
    assert in_review.status == S.IN_REVIEW


def test_a_review_naming_a_supplier_not_ours_is_refused(sync, in_review, supplier):
    sync.deliver([_push(_review(supplier, in_review, supplier_id="999999"))])

    push = InboundPush.objects.get()
    assert push.status == InboundPush.Status.REFUSED and "not one of ours" in push.error
    in_review.refresh_from_db()
    assert in_review.status == S.IN_REVIEW


def test_a_review_of_another_supplier_does_not_touch_our_profile(sync, in_review, supplier, gateway):
    other = supplier_on(gateway, legal_name="Buriganga Leather Works")

    sync.deliver([_push(_review(other, in_review))])

    assert InboundPush.objects.get().status == InboundPush.Status.PROCESSED  # about a supplier without a profile
    in_review.refresh_from_db()
    assert in_review.status == S.IN_REVIEW


@pytest.mark.parametrize("version", ["1.5", 1.0, True, None, "one"], ids=["text", "float", "bool", "none", "word"])
def test_a_review_whose_version_is_not_a_whole_number_is_ignored(sync, in_review, supplier, version):
    sync.deliver([_push(_review(supplier, in_review, version=version))])

    assert InboundPush.objects.get().status == InboundPush.Status.PROCESSED
    in_review.refresh_from_db()
    assert in_review.status == S.IN_REVIEW
