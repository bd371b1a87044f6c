"""/hooks/alibaba/: signed pushes are verified, stored once and processed once in a task (DESIGN.md §5)."""

import json
import random
from datetime import UTC, datetime

import pytest

from alibaba import outbox, pushes
from alibaba.models import InboundPush
from tests.alibaba.outbox_support import (
    push_envelope,
    push_signature,
    sent_fixture,  # noqa: F401
)

pytestmark = pytest.mark.django_db

URL = "/hooks/alibaba/"
START = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
Status = InboundPush.Status


envelope = push_envelope
signature = push_signature


@pytest.fixture
def deliver(client, settings, django_capture_on_commit_callbacks):
    """The gateway delivering one push, signed with our key pair unless told otherwise."""
    settings.ALIBABA_APP_KEY = "500001"
    settings.ALIBABA_APP_SECRET = "dxports-dev-secret"

    def deliver(body, *, authorization=None, raw=None):
        raw = raw if raw is not None else json.dumps(body, separators=(",", ":")).encode()
        headers = {"Authorization": authorization if authorization is not None else signature(raw)}
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(URL, data=raw, content_type="application/json", headers=headers)

    return deliver


@pytest.fixture
def reviews():
    """A domain's push handler: records the data of every push it applies."""
    seen = []
    pushes.register_push_handler("test.reviewed", lambda push: seen.append(push.data))
    yield seen
    pushes.unregister_push_handler("test.reviewed")


@pytest.fixture
def post(client, settings):
    settings.ALIBABA_APP_KEY = "500001"
    settings.ALIBABA_APP_SECRET = "dxports-dev-secret"

    def post(raw):
        return client.post(
            URL, data=raw, content_type="application/json", headers={"Authorization": push_signature(raw)}
        )

    return post


@pytest.fixture(autouse=True)
def _seeded_jitter(monkeypatch):
    monkeypatch.setattr(outbox, "_random", random.Random(0))


# Receiving --------------------------------------------------------------------------------------------------------


def test_a_signed_push_is_stored_and_sent_to_a_task(deliver, sent):
    body = envelope()

    response = deliver(body)

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "duplicate": False}
    push = InboundPush.objects.get()
    assert (push.event_id, push.message_type, push.data, push.site) == (
        body["event_id"],
        "test.reviewed",
        body["data"],
        "icbu_global",
    )
    assert push.status == Status.RECEIVED
    assert push.sent_at == datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
    assert sent.ids("push_process") == [push.pk]


def test_a_push_delivered_twice_is_stored_once(deliver, sent):
    body = envelope()

    first = deliver(body)
    again = deliver(body)

    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json() == {"status": "ok", "duplicate": True}
    assert InboundPush.objects.count() == 1
    assert len(sent.ids("push_process")) == 1


@pytest.mark.parametrize("case", [str.upper, str.lower])
def test_the_signature_is_accepted_in_either_case(deliver, sent, case):
    raw = json.dumps(envelope()).encode()
    assert deliver(None, raw=raw, authorization=case(signature(raw))).status_code == 200


def test_the_mock_gateways_signature_is_accepted(deliver, sent):
    from alibaba.mock.signing import push_authorization

    raw = json.dumps(envelope()).encode()
    authorization = push_authorization("dxports-dev-secret", "500001", raw)

    assert deliver(None, raw=raw, authorization=authorization).status_code == 200


@pytest.mark.parametrize(
    "authorization",
    [
        "",
        "not-hex",
        "0" * 64,
        pytest.param("other-secret", id="signed-with-another-secret"),
        pytest.param("other-body", id="signature-of-another-body"),
    ],
)
def test_a_push_without_a_valid_signature_is_refused(deliver, sent, authorization):
    raw = json.dumps(envelope()).encode()
    if authorization == "other-secret":
        authorization = signature(raw, secret="someone-elses-secret")
    elif authorization == "other-body":
        authorization = signature(raw + b" ")

    response = deliver(None, raw=raw, authorization=authorization)

    assert response.status_code == 401
    assert not InboundPush.objects.exists()
    assert sent.messages == []


def test_a_push_without_an_authorization_header_is_refused(client, sent):
    response = client.post(URL, data=json.dumps(envelope()), content_type="application/json")
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (b"not json", "not JSON"),
        (b"\xff\xfe", "not JSON"),
        (b"[1, 2]", "JSON object"),
        (json.dumps({k: v for k, v in envelope().items() if k != "event_id"}).encode(), "event_id"),
        (json.dumps(envelope(data="approved")).encode(), "data"),
        (json.dumps(envelope(event_id="")).encode(), "event_id"),
        (json.dumps(envelope(message_type=7)).encode(), "message_type"),
        (json.dumps(envelope(timestamp="yesterday")).encode(), "timestamp"),
    ],
)
def test_a_signed_body_that_is_not_the_envelope_is_a_bad_request(deliver, sent, raw, problem):
    response = deliver(None, raw=raw)

    assert response.status_code == 400
    assert problem in response.json()["error"]
    assert not InboundPush.objects.exists()


def test_only_post_is_allowed(client):
    assert client.get(URL).status_code == 405


# Processing -------------------------------------------------------------------------------------------------------


def test_a_push_is_applied_once_however_often_its_task_runs(deliver, sent, reviews):
    deliver(envelope())
    push_id = sent.ids("push_process")[0]

    first = pushes.process_push(push_id)
    second = pushes.process_push(push_id)

    assert reviews == [{"product_id": "A-1", "status": "approved"}]
    assert first.status == Status.PROCESSED
    assert first.processed_at is not None
    assert second is None


def test_a_failing_handler_leaves_nothing_behind_and_is_retried_with_backoff(
    deliver, sent, time_machine, django_user_model, django_capture_on_commit_callbacks
):
    time_machine.move_to(START, tick=False)
    outcomes = ["fail", "ok"]

    def handler(push):
        django_user_model.objects.create_user(email=f"{push.event_id}@example.com")
        if outcomes.pop(0) == "fail":
            raise RuntimeError("the listing is locked")

    pushes.register_push_handler("test.reviewed", handler)
    try:
        deliver(envelope())
        push_id = sent.ids("push_process")[0]
        sent.clear()

        with django_capture_on_commit_callbacks(execute=True):
            push = pushes.process_push(push_id)

        assert push.status == Status.RECEIVED
        assert push.attempts == 1
        assert "the listing is locked" in push.error
        assert not django_user_model.objects.exists()  # the handler's writes were rolled back
        delay = (push.next_attempt_at - START).total_seconds()
        assert 0 < delay <= 2
        assert sent.messages == [("push_process", push_id, pytest.approx(delay, abs=1e-3))]
        assert pushes.process_push(push_id) is None  # not due yet

        time_machine.move_to(push.next_attempt_at, tick=False)
        push = pushes.process_push(push_id)
    finally:
        pushes.unregister_push_handler("test.reviewed")

    assert (push.status, push.attempts, push.error) == (Status.PROCESSED, 2, "")
    assert django_user_model.objects.count() == 1


def test_a_push_that_keeps_failing_is_given_up_after_the_bound(deliver, sent, time_machine, settings):
    settings.ALIBABA_PUSH_MAX_ATTEMPTS = 3
    time_machine.move_to(START, tick=False)

    def handler(push):
        raise RuntimeError("always")

    pushes.register_push_handler("test.reviewed", handler)
    try:
        deliver(envelope())
        push_id = sent.ids("push_process")[0]
        for _ in range(3):
            push = pushes.process_push(push_id)
            time_machine.move_to(push.next_attempt_at, tick=False)
    finally:
        pushes.unregister_push_handler("test.reviewed")

    assert (push.status, push.attempts) == (Status.FAILED, 3)
    assert pushes.process_push(push_id) is None


def test_a_deferred_push_waits_without_counting_and_never_fails(
    deliver, sent, time_machine, settings, monkeypatch, django_capture_on_commit_callbacks, django_user_model
):
    settings.ALIBABA_PUSH_MAX_ATTEMPTS = 2
    settings.ALIBABA_PUSH_DEFER_MAX_S = 60
    monkeypatch.setattr(pushes, "_random", random.Random(0))
    time_machine.move_to(START, tick=False)
    ready = []

    def handler(push):
        django_user_model.objects.create_user(email="written-then-undone@example.com")
        if not ready:
            raise pushes.PushDeferred("the listing's sync has not recorded its answer yet")

    pushes.register_push_handler("test.reviewed", handler)
    try:
        deliver(envelope())
        push_id = sent.ids("push_process")[0]
        waits = []
        for _ in range(12):  # far more than a failing push is allowed
            sent.clear()
            with django_capture_on_commit_callbacks(execute=True):
                push = pushes.process_push(push_id)
            assert (push.status, push.attempts) == (Status.RECEIVED, 0)
            waits.append((push.next_attempt_at - push.received_at).total_seconds())
            assert sent.messages == [("push_process", push_id, pytest.approx(waits[-1] - _elapsed(push), abs=1e-3))]
            time_machine.move_to(push.next_attempt_at, tick=False)
        ready.append(True)
        push = pushes.process_push(push_id)
    finally:
        pushes.unregister_push_handler("test.reviewed")

    assert (push.status, push.attempts, push.error) == (Status.PROCESSED, 1, "")
    assert django_user_model.objects.count() == 1  # every deferred run's writes were rolled back
    gaps = [later - earlier for earlier, later in zip(waits, waits[1:], strict=False)]
    assert all(0.5 <= gap <= 60 for gap in gaps)  # it looked again within a minute every time
    assert gaps[-1] > 8 * gaps[0]  # and less often the longer it had waited


def _elapsed(push):
    from django.utils import timezone

    return (timezone.now() - push.received_at).total_seconds()


def test_a_deferred_push_tells_staff_what_it_waits_for(deliver, sent):
    def handler(push):
        raise pushes.PushDeferred("the listing's sync has not recorded its answer yet")

    pushes.register_push_handler("test.reviewed", handler)
    try:
        deliver(envelope())
        push = pushes.process_push(sent.ids("push_process")[0])
    finally:
        pushes.unregister_push_handler("test.reviewed")

    assert push.error == "Waiting (not a failure): the listing's sync has not recorded its answer yet"


def test_a_push_nobody_handles_is_recorded_as_unhandled_and_can_be_processed_later(
    deliver, sent, django_capture_on_commit_callbacks
):
    deliver(envelope(message_type="test.unknown"))
    push_id = sent.ids("push_process")[0]

    push = pushes.process_push(push_id)

    assert push.status == Status.UNHANDLED
    assert "test.unknown" in push.error

    seen = []
    pushes.register_push_handler("test.unknown", lambda push: seen.append(push.event_id))
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert pushes.push_retry(push=push) is True
        push = pushes.process_push(push_id)
    finally:
        pushes.unregister_push_handler("test.unknown")

    assert push.status == Status.PROCESSED
    assert seen == [push.event_id]


def test_the_relay_re_sends_a_push_whose_message_was_lost(
    deliver, sent, time_machine, settings, django_capture_on_commit_callbacks
):
    settings.ALIBABA_OUTBOX_REDISPATCH_S = 30
    time_machine.move_to(START, tick=False)
    deliver(envelope())
    push_id = sent.ids("push_process")[0]

    def relay():
        sent.clear()
        with django_capture_on_commit_callbacks(execute=True):
            pushes.relay_pushes()
        return sent.ids("push_process")

    assert relay() == []
    time_machine.shift(31)
    assert relay() == [push_id]
    assert relay() == []


def test_a_body_nested_too_deeply_is_a_bad_request(post):
    response = post(b"[" * 100_000 + b"]" * 100_000)
    assert response.status_code == 400
    assert "nested" in response.json()["error"]


@pytest.mark.parametrize(
    "field, value",
    [
        ("event_id", "evt-\u0000"),
        ("message_type", "test.reviewed\u0000"),
        ("site", "icbu\u0000"),
        ("data", {"reason": "bad\u0000"}),
        ("data", {"items": [{"k\u0000": 1}]}),
    ],
)
def test_a_nul_character_is_a_bad_request_naming_the_field(post, field, value):
    body = {**push_envelope(), field: value}
    response = post(json.dumps(body).encode())
    assert response.status_code == 400
    assert field in response.json()["error"]
    assert not InboundPush.objects.exists()


def test_a_handler_failing_with_a_nul_in_its_message_is_recorded_and_retried(post, django_capture_on_commit_callbacks):
    def fails(push):
        raise RuntimeError("bad byte \x00 in the product data")

    pushes.register_push_handler("review.nul", fails)
    try:
        assert post(json.dumps(push_envelope(message_type="review.nul")).encode()).status_code == 200
        push = InboundPush.objects.get()
        pushes.process_push(push.pk)
    finally:
        pushes.unregister_push_handler("review.nul")

    push.refresh_from_db()
    assert push.status == InboundPush.Status.RECEIVED
    assert push.attempts == 1
    assert "bad byte" in push.error and "\x00" not in push.error
