"""The JSON objects of the partner API, built from rows the domains' selectors return: one function per kind of
object, used by the list and the single endpoints alike (and by the webhooks, for events), so an object has one shape
wherever it appears. ``partners.api.serializers`` describes the same shapes for the OpenAPI schema; the schema tests
hold the two together.

Every object has ``id`` (a UUID, or the gateway's number for categories) and ``object`` (its kind). Times are
ISO 8601 in UTC; money is a string of US dollars with two decimals.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

SELLER_PROFILE_FIELDS = (
    "legal_name",
    "trade_name",
    "business_type",
    "year_established",
    "employees",
    "export_turnover",
    "website",
    "address",
    "postcode",
    "division",
    "district",
    "contact_phone",
    "trade_licence_number",
    "trade_licence_authority",
    "trade_licence_expires_on",
    "etin",
    "bin",
    "erc_number",
    "erc_expires_on",
    "owner_name",
    "bank_name",
    "bank_branch",
    "bank_routing_number",
    "bank_account_name",
)
# Written through the API, never read back whole: only their last four digits are shown.
SELLER_SECRET_FIELDS = ("owner_nid", "bank_account_number")


def when(value):
    """An aware datetime as ISO 8601 in UTC (``Z``), a date as ``YYYY-MM-DD``; ``None`` stays ``None``."""
    if value is None:
        return None
    if hasattr(value, "tzinfo"):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return value.isoformat()


def _last4(value):
    value = str(value or "")
    return value[-4:] if value else None


def seller_object(seller, *, scopes, checklist=None, documents=None) -> dict[str, Any]:
    """A seller as the API shows it to a partner with ``scopes`` on it; with its requirements and current documents
    when ``checklist`` and ``documents`` are given (the single seller)."""
    owners = getattr(seller, "owners", None)
    owner = owners[0].user if owners else None
    data = {
        "id": str(seller.public_id),
        "object": "seller",
        "status": seller.status,
        **{name: _plain(getattr(seller, name)) for name in SELLER_PROFILE_FIELDS},
        "categories": sorted(sector.code for sector in seller.categories.all()),
        "owner_nid_last4": _last4(seller.owner_nid),
        "bank_account_number_last4": _last4(seller.bank_account_number),
        "owner_email": owner.email if owner else None,
        "owner_claimed": bool(owner and owner.has_usable_password()),
        "access": sorted(scopes),
        "submitted_at": when(seller.submitted_at),
        "decided_at": when(seller.decided_at),
        "created_at": when(seller.created_at),
        "updated_at": when(seller.updated_at),
    }
    if checklist is not None:
        data["requirements"] = requirements_object(checklist)
    if documents is not None:
        data["documents"] = [document_object(document) for document in documents]
    return data


def _plain(value):
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        return when(value)
    return value


def requirements_object(checklist) -> dict[str, Any]:
    """What is due, done, expiring, expired or refused, and why (Stripe Connect's ``requirements``)."""
    return {
        "complete": checklist.is_complete,
        "currently_due": [state.key for state in checklist.blocking],
        "items": [
            {
                "key": state.key,
                "label": str(state.requirement.label),
                "status": state.status,
                "needed": state.needed,
                "missing": [str(label) for label in state.missing],
                "problems": [str(problem) for problem in state.problems],
                "refused": [
                    {"target": reason.target, "code": reason.code, "message": reason.message}
                    for reason in state.reasons
                ],
                "expires_on": when(state.expires_on),
            }
            for state in checklist.states
        ],
    }


def document_object(document) -> dict[str, Any]:
    return {
        "id": str(document.public_id),
        "object": "document",
        "kind": document.kind,
        "file_name": document.original_name,
        "content_type": document.content_type,
        "size": document.size,
        "sha256": document.sha256,
        "uploaded_at": when(document.uploaded_at),
    }


def product_object(row) -> dict[str, Any]:
    """A product from a row of ``catalog.selectors.product_rows``."""
    category_id = row["category__category_id"]
    return {
        "id": str(row["public_id"]),
        "object": "product",
        "seller": str(row["seller__public_id"]),
        "sku": row["sku"],
        "status": row["status"],
        "status_reason": row["status_reason"],
        "title": row["title"],
        "title_bn": row["title_bn"],
        "description": row["description"],
        "category": {"id": category_id, "name": row["category__name"]} if category_id is not None else None,
        "keywords": row["keywords"],
        "hs_code": row["hs_code"],
        "min_order_quantity": row["min_order_quantity"],
        "unit": row["unit"],
        "supply_quantity": row["supply_quantity"],
        "supply_period": row["supply_period"],
        "lead_times": row["lead_times"],
        "port": row["port"],
        "payment_terms": row["payment_terms"],
        "packaging": row["packaging"],
        "certifications": row["certifications"],
        "sample_policy": row["sample_policy"],
        "price_tiers": [
            {"start_quantity": quantity, "price": f"{price:.2f}"} for quantity, price in row["price_tiers"]
        ],
        "attributes": [
            {"attribute_id": attribute_id, "value_id": value_id, "value_name": value_name}
            for attribute_id, value_id, value_name in row["attributes"]
        ],
        "images": [{**image, "photobank_url": image["photobank_url"] or None} for image in row["images"]],
        "version": row["version"],
        "sync": {
            "state": row["sync_state"],
            "gateway_product_id": row["gateway_product_id"],
            "synced_version": row["synced_version"],
        },
        "created_at": when(row["created_at"]),
        "updated_at": when(row["updated_at"]),
    }


def problem_object(problem) -> dict[str, Any]:
    return problem.as_dict()


def category_object(category) -> dict[str, Any]:
    return {
        "id": category.category_id,
        "object": "category",
        "name": category.name,
        "parent": {"id": category.parent.category_id, "name": category.parent.name} if category.parent_id else None,
        "level": category.level,
        "is_leaf": category.is_leaf,
        "attributes": [
            {
                "attribute_id": attribute.attribute_id,
                "name": attribute.name,
                "required": attribute.is_required,
                "input_type": attribute.input_type,
                "values": [{"value_id": value["value_id"], "name": value["name"]} for value in attribute.values],
            }
            for attribute in category.attributes.all()
        ],
    }


def sync_attempt_object(attempt) -> dict[str, Any]:
    """An attempt of the listing's sync with Alibaba.com (``catalog.selectors.product_sync_history``)."""
    return {
        "object": "sync_attempt",
        "kind": attempt.job.kind,
        "version": attempt.version,
        "outcome": attempt.outcome,
        "error_code": attempt.error_code,
        "message": attempt.message,
        "started_at": when(attempt.started_at),
        "finished_at": when(attempt.finished_at),
        "duration_ms": attempt.duration_ms,
    }


def event_object(event, *, seller_public_id) -> dict[str, Any]:
    """An event, as listed at /api/v1/events/ and sent to webhooks (the same bytes every attempt)."""
    return {
        "id": str(event.public_id),
        "object": "event",
        "type": event.type,
        "created_at": when(event.created_at),
        "seller": str(seller_public_id) if seller_public_id else None,
        "subject": {"object": event.subject_type, "id": str(event.subject_id)},
        "data": event.data,
    }


def endpoint_object(endpoint, *, secret=None) -> dict[str, Any]:
    data = {
        "id": str(endpoint.public_id),
        "object": "webhook_endpoint",
        "url": endpoint.url,
        "description": endpoint.description,
        "events": endpoint.event_types,
        "status": endpoint.status,
        "disabled_reason": endpoint.disabled_reason,
        "secret_rotation_ends_at": when(endpoint.previous_secret_expires_at),
        "last_success_at": when(endpoint.last_success_at),
        "created_at": when(endpoint.created_at),
        "updated_at": when(endpoint.updated_at),
    }
    if secret is not None:
        data["secret"] = secret
    return data


def delivery_object(delivery, *, attempts=None) -> dict[str, Any]:
    data = {
        "id": str(delivery.public_id),
        "object": "webhook_delivery",
        "endpoint": str(delivery.endpoint.public_id),
        "event": {"id": str(delivery.event.public_id), "type": delivery.event.type},
        "status": delivery.status,
        "attempts": delivery.attempts,
        "next_attempt_at": when(delivery.next_attempt_at) if delivery.status == "pending" else None,
        "last_status_code": delivery.last_status_code,
        "last_error": delivery.last_error,
        "delivered_at": when(delivery.delivered_at),
        "created_at": when(delivery.created_at),
    }
    if attempts is not None:
        data["attempt_log"] = [
            {
                "number": attempt.number,
                "outcome": attempt.outcome,
                "status_code": attempt.status_code,
                "error": attempt.error,
                "response_excerpt": attempt.response_excerpt,
                "duration_ms": attempt.duration_ms,
                "started_at": when(attempt.started_at),
            }
            for attempt in attempts
        ]
    return data


def api_key_object(api_key) -> dict[str, Any]:
    return {
        "id": str(api_key.public_id),
        "object": "api_key",
        "prefix": api_key.prefix,
        "name": api_key.name,
        "mode": api_key.mode,
        "scopes": api_key.scopes,
        "expires_at": when(api_key.expires_at),
        "last_used_at": when(api_key.last_used_at),
        "created_at": when(api_key.created_at),
    }
