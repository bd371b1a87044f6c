"""Idempotency-Key on POST and PATCH: the same key and body replay the first response, another body is 422, a
concurrent duplicate is 409 with Retry-After, and a key is kept 24 hours per partner."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from partners import idempotency
from partners.models import IdempotencyRecord
from sellers.models import Seller
from tests.partners.support import PartnerClient, error_of, issue_key

BODY = {"owner_email": "karim@rupsha.example", "legal_name": "Rupsha Jute Crafts Ltd."}


@pytest.mark.django_db
def test_a_replay_gets_the_first_response_and_creates_nothing_more(api):
    first = api.post("sellers/", BODY, headers={"idempotency-key": "create-rupsha-1"})
    again = api.post(
        "sellers/",
        {"legal_name": BODY["legal_name"], "owner_email": BODY["owner_email"]},
        headers={"idempotency-key": "create-rupsha-1"},
    )

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert Seller.objects.count() == 1


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_refused(api):
    api.post("sellers/", BODY, headers={"idempotency-key": "k-1"})
    response = api.post("sellers/", {**BODY, "legal_name": "Another Ltd."}, headers={"idempotency-key": "k-1"})
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "idempotency_key_reused" and error["field"] == "Idempotency-Key"


@pytest.mark.django_db
def test_the_same_key_on_another_path_is_refused(api):
    api.post("sellers/", BODY, headers={"idempotency-key": "k-2"})
    response = api.post("webhook_endpoints/", {"url": "https://x", "events": ["*"]}, headers={"idempotency-key": "k-2"})
    assert response.status_code == 422


@pytest.mark.django_db
def test_a_refusal_is_replayed_too(api):
    bad = {**BODY, "postcode": "12a"}
    first = api.post("sellers/", bad, headers={"idempotency-key": "k-3"})
    again = api.post("sellers/", bad, headers={"idempotency-key": "k-3"})
    assert first.status_code == again.status_code == 400 and again.json() == first.json()


@pytest.mark.django_db
def test_keys_are_per_partner(api, other_partner, make_api):
    other = make_api(other_partner)
    api.post("sellers/", BODY, headers={"idempotency-key": "shared"})
    response = other.post(
        "sellers/", {**BODY, "owner_email": "other@example.com"}, headers={"idempotency-key": "shared"}
    )
    assert response.status_code == 201 and "Idempotent-Replayed" not in response


@pytest.mark.django_db
def test_after_24_hours_the_key_may_be_used_again(api):
    api.post("sellers/", BODY, headers={"idempotency-key": "old"})
    with time_machine.travel(timezone.now() + timedelta(hours=24, minutes=1)):
        response = api.post("sellers/", {**BODY, "owner_email": "new@example.com"}, headers={"idempotency-key": "old"})
        assert response.status_code == 201 and "Idempotent-Replayed" not in response
        assert idempotency.purge(now=timezone.now() + timedelta(hours=25)) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "with space", "é", "x" * 256])
def test_a_malformed_key_is_a_400(api, key):
    response = api.post("sellers/", BODY, headers={"idempotency-key": key})
    assert response.status_code == 400 and error_of(response)["field"] == "Idempotency-Key"


@pytest.mark.django_db
def test_a_server_error_releases_the_key(api, monkeypatch):
    from partners import services

    def crash(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "seller_create_for_partner", crash)
    response = api.post("sellers/", BODY, headers={"idempotency-key": "k-crash"})
    assert response.status_code == 500 and error_of(response)["code"] == "internal_error"
    assert not IdempotencyRecord.objects.exists()
    monkeypatch.undo()
    assert api.post("sellers/", BODY, headers={"idempotency-key": "k-crash"}).status_code == 201


@pytest.mark.django_db(transaction=True)
def test_a_concurrent_duplicate_is_told_to_retry_and_then_gets_the_response(partner, monkeypatch):
    """The first request holds its key (between its claim and its work) while the duplicate arrives."""
    issued = issue_key(partner)
    first_claimed, release = threading.Event(), threading.Event()
    original = idempotency.begin

    def begin_then_wait(**kwargs):
        record = original(**kwargs)
        if threading.current_thread().name == "first":
            first_claimed.set()
            assert release.wait(10)
        return record

    monkeypatch.setattr(idempotency, "begin", begin_then_wait)
    results = {}

    def first():
        results["first"] = PartnerClient(Client(), issued).post("sellers/", BODY, headers={"idempotency-key": "race"})

    thread = threading.Thread(target=first, name="first")
    thread.start()
    try:
        assert first_claimed.wait(10)
        duplicate = PartnerClient(Client(), issued).post("sellers/", BODY, headers={"idempotency-key": "race"})
    finally:
        release.set()
        thread.join(10)

    assert duplicate.status_code == 409
    assert error_of(duplicate)["code"] == "idempotency_request_in_progress"
    assert int(duplicate["Retry-After"]) >= 1
    assert results["first"].status_code == 201
    replay = PartnerClient(Client(), issued).post("sellers/", BODY, headers={"idempotency-key": "race"})
    assert replay.status_code == 201 and replay.json() == results["first"].json()
    assert Seller.objects.count() == 1


@pytest.mark.django_db
def test_a_key_held_by_a_request_that_died_is_taken_over_after_its_lock(api, partner, settings):
    fingerprint = idempotency.fingerprint(method="POST", path="/api/v1/sellers/", data=BODY)
    idempotency.begin(partner=partner, key="dead", fingerprint=fingerprint)
    assert api.post("sellers/", BODY, headers={"idempotency-key": "dead"}).status_code == 409
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.PARTNERS_IDEMPOTENCY_LOCK_S + 1)):
        assert api.post("sellers/", BODY, headers={"idempotency-key": "dead"}).status_code == 201


@pytest.mark.django_db
def test_a_refusal_quoting_a_nul_is_kept_and_replayed(api):
    body = {"owner_email": "x@example.com", "legal_name": "X", "bad\x00field": 1}
    first = api.post("sellers/", body, headers={"idempotency-key": "nul"})
    again = api.post("sellers/", body, headers={"idempotency-key": "nul"})
    assert first.status_code == again.status_code == 400 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
