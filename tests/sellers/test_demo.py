"""seed_demo: sellers in every state, idempotent."""

import io

import pytest
from django.core.management import call_command

from sellers.models import Document, Seller, SellerEvent, SellerStatus

pytestmark = pytest.mark.django_db


def _snapshot():
    return (
        sorted(Seller.objects.values_list("legal_name", "status")),
        Document.objects.count(),
        SellerEvent.objects.count(),
    )


def test_seed_demo_makes_sellers_in_every_state_and_a_second_run_changes_nothing(settings, tmp_path):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    first = _snapshot()
    call_command("seed_demo", stdout=io.StringIO())

    assert _snapshot() == first
    assert {status for _name, status in first[0]} == set(SellerStatus.values)
    names = " ".join(name for name, _status in first[0])
    for business in ("Jute", "Leather", "Shrimp", "Nakshi Kantha"):
        assert business in names
    text = out.getvalue()
    assert "seller" in text and "reviewer" in text
