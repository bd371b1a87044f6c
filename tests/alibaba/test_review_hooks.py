"""Review findings on /hooks/alibaba/: a signed body the database cannot hold or the decoder cannot read is a 400
that names the problem, never a 500."""

import json

import pytest

from alibaba import pushes
from alibaba.models import InboundPush
from tests.alibaba.outbox_support import push_envelope, push_signature

pytestmark = pytest.mark.django_db

URL = "/hooks/alibaba/"


@pytest.fixture
def post(client, settings):
    settings.ALIBABA_APP_KEY = "500001"
    settings.ALIBABA_APP_SECRET = "dxports-dev-secret"

    def post(raw):
        return client.post(
            URL, data=raw, content_type="application/json", headers={"Authorization": push_signature(raw)}
        )

    return post


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
