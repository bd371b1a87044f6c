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

from django.urls import reverse

from sellers import selectors as sellers_selectors

# Written through the API, never read back whole: only their last four digits are shown.
SELLER_SECRET_FIELDS = ("owner_nid", "bank_account_number")
# The seller's profile as the API shows it: its fields, but the secret ones and the categories (shown by their codes).
SELLER_PROFILE_FIELDS = tuple(
    name for name in sellers_selectors.PROFILE_FIELDS if name not in ("categories", *SELLER_SECRET_FIELDS)
)


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


def inquiry_object(row, *, messages=None) -> dict[str, Any]:
    """An inquiry from a row of ``buyers.selectors.inquiry_rows``; with its thread when ``messages`` (the
    ``message_object`` of each, oldest first) are given (the single inquiry)."""
    product_id = row["product__public_id"]
    data = {
        "id": str(row["public_id"]),
        "object": "inquiry",
        "seller": str(row["seller__public_id"]),
        "status": row["status"],
        "subject": row["subject"],
        "quantity": row["quantity"],
        "quantity_unit": row["quantity_unit"],
        "buyer": {
            "id": str(row["buyer__public_id"]),
            "name": row["buyer__name"],
            "company": row["buyer__company"],
            "country": str(row["buyer__country"] or ""),
        },
        "product": (
            {"id": str(product_id), "sku": row["product__sku"], "title": row["product__title"]}
            if product_id is not None
            else None
        ),
        "listing": {"gateway_product_id": row["gateway_product_id"], "custom_code": row["custom_code"]},
        "unread": row["has_unread"],
        "awaiting_reply_since": when(row["awaiting_reply_since"]),
        "received_at": when(row["received_at"]),
        "last_message_at": when(row["last_message_at"]),
        "first_response_at": when(row["first_response_at"]),
        "response_seconds": row["response_seconds"],
        "response_working_seconds": row["response_working_seconds"],
        "created_at": when(row["created_at"]),
        "updated_at": when(row["updated_at"]),
    }
    if messages is not None:
        data["messages"] = messages
    return data


def message_object(message, *, inquiry_public_id) -> dict[str, Any]:
    """A message of a thread (``buyers.selectors.thread``, or the one ``inquiry_reply`` wrote), both ways: a seller's
    message with its sending state and, for a quotation, its export terms; a buyer's with its files' metadata."""
    quotation = getattr(message, "quotation", None)
    author = (message.author.get_full_name() or None) if message.author_id else None
    return {
        "id": str(message.public_id),
        "object": "message",
        "inquiry": str(inquiry_public_id),
        "sender": message.sender,
        "is_opening": message.is_opening,
        "content": message.content,
        "author": author,
        "delivery": message.delivery or None,
        "failure_reason": message.failure_reason,
        "sent_at": when(message.sent_at),
        "created_at": when(message.created_at),
        "quotation": quotation_object(quotation) if quotation is not None else None,
        "attachments": [
            attachment_object(item, inquiry_public_id=inquiry_public_id) for item in message.attachments.all()
        ],
    }


def quotation_object(quotation) -> dict[str, Any]:
    return {
        "price": f"{quotation.price:.2f}",
        "currency": quotation.currency,
        "quantity": quotation.quantity,
        "unit": quotation.unit,
        "incoterm": quotation.incoterm,
        "port_of_loading": quotation.port_of_loading,
        "destination": quotation.destination,
        "lead_time_days": quotation.lead_time_days,
        "payment_terms": list(quotation.payment_terms),
        "valid_until": when(quotation.valid_until),
        "sample_terms": quotation.sample_terms,
    }


def attachment_object(attachment, *, inquiry_public_id) -> dict[str, Any]:
    """A buyer's file: what the buyer declared, what it is once fetched and checked, and where to download it (only
    once ``stored``)."""
    stored = attachment.status == "stored"
    return {
        "id": str(attachment.public_id),
        "object": "inquiry_attachment",
        "file_name": attachment.file_name,
        "status": attachment.status,
        "problem": attachment.problem,
        "content_type": attachment.content_type or None,
        "size": attachment.size,
        "sha256": attachment.sha256 or None,
        "download_url": (
            reverse("api:inquiry-attachment", args=[inquiry_public_id, attachment.public_id]) if stored else None
        ),
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
