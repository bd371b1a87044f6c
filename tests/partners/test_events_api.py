"""/api/v1/events/: what happened to the sellers and products the partner may see, by the key's scopes."""

import pytest
from django.db import transaction

from dxports import events
from tests.catalog.factories import complete_product
from tests.partners.support import error_of, grant
from tests.sellers.factories import OwnerFactory

pytestmark = pytest.mark.django_db


def _record(event_type, seller, subject):
    with transaction.atomic():
        return events.record(
            event_type, seller_id=seller.pk, subject=subject, data={"status": event_type.split(".")[1]}
        )


def test_events_follow_the_grants_and_the_keys_scopes(api, partner, make_api):
    seller = OwnerFactory().seller
    other = OwnerFactory().seller
    grant(partner, seller, ["sellers:read", "catalog:read"])
    product = complete_product(seller=seller)
    approved = _record("seller.approved", seller, seller)
    live = _record("product.live", seller, product)
    _record("product.live", other, complete_product(seller=other))

    body = api.get("events/").json()
    assert [item["id"] for item in body["data"]] == [str(live.public_id), str(approved.public_id)]
    assert body["data"][0]["subject"] == {"object": "product", "id": str(product.public_id)}
    assert body["data"][0]["seller"] == str(seller.public_id)
    assert [i["type"] for i in api.get("events/", {"type": "seller."}).json()["data"]] == ["seller.approved"]
    assert api.get(f"events/{live.public_id}/").json()["type"] == "product.live"

    catalog_only = make_api(partner, ["catalog:read"])
    assert [i["type"] for i in catalog_only.get("events/").json()["data"]] == ["product.live"]
    assert catalog_only.get(f"events/{approved.public_id}/").status_code == 404

    grant(partner, seller, ["sellers:read"])
    assert [i["type"] for i in api.get("events/").json()["data"]] == ["seller.approved"]


def test_events_page_with_a_cursor_and_filter_by_seller(api, partner):
    seller = OwnerFactory().seller
    grant(partner, seller)
    recorded = [_record("seller.approved", seller, seller) for _ in range(3)]
    first = api.get("events/", {"limit": 2, "seller": str(seller.public_id)}).json()
    second = api.get("events/", {"limit": 2, "cursor": first["next_cursor"]}).json()
    assert len(first["data"]) == 2 and first["has_more"] and len(second["data"]) == 1 and not second["has_more"]
    assert {i["id"] for i in first["data"] + second["data"]} == {str(e.public_id) for e in recorded}
    response = api.get("events/", {"seller": "not-a-uuid"})
    assert response.status_code == 400 and error_of(response)["field"] == "seller"
