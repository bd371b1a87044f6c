"""The OpenAPI description of what every operation shares: the API-key security scheme, the error responses, the
Idempotency-Key header of POST and PATCH, and the Request-Id and rate-limit headers of every answer."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema

from partners.api.serializers import ErrorSerializer

ERROR_DESCRIPTIONS = {
    400: "The request is not valid: `error.field` names what is wrong, `error.details` lists every problem.",
    401: "No API key, or one that is not valid, revoked, expired or rotated out.",
    403: "The key lacks the scope this operation needs.",
    404: "No such object among those your organisation may see.",
    409: "The object's state does not allow this now, or a request with the same Idempotency-Key is running.",
    422: "The request is understood but refused: incomplete listing or file, or an Idempotency-Key reused.",
    429: "Too many requests for this key: wait Retry-After seconds.",
    500: "Something failed on our side; retry with the same Idempotency-Key.",
}
COMMON_ERRORS = (401, 403, 429, 500)

RATE_HEADERS = {
    "Request-Id": "The id of this request (quote it when asking for help).",
    "RateLimit-Limit": "Requests allowed per window for this key and kind (reads or writes).",
    "RateLimit-Remaining": "Requests left in the current window.",
    "RateLimit-Reset": "Seconds until the window resets.",
}


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "partners.api.auth.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "`Authorization: Api-Key dxp_live_…` (or `dxp_test_…` on test servers). Keys are created by "
                "dxports staff (`manage.py create_partner_key`), shown once, and carry scopes."
            ),
        }


def operation(
    *, operation_id, summary, description="", request=None, responses=None, errors=(), parameters=None, tags=None
):
    """``extend_schema`` with the given error responses (the common ones are added by ``postprocess``)."""
    documented = dict(responses or {})
    for status in errors:
        documented[status] = OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[status])
    return extend_schema(
        operation_id=operation_id,
        summary=summary,
        description=description or None,
        request=request,
        responses=documented,
        parameters=parameters,
        tags=tags,
    )


def error_example(code, message, field=None):
    return OpenApiExample(code, value={"error": {"code": code, "message": message, "field": field}})


def postprocess(result, generator, request, public):
    """Add to every operation the errors every one can answer, the Idempotency-Key header of writes, and the
    headers of every answer."""
    components = result.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    if "Error" not in schemas:
        return result
    error_ref = {"$ref": "#/components/schemas/Error"}
    headers = {name: {"description": text, "schema": {"type": "string"}} for name, text in RATE_HEADERS.items()}
    for path, methods in result.get("paths", {}).items():
        for method, operation_ in methods.items():
            if method not in ("get", "post", "patch", "put", "delete"):
                continue
            responses = operation_.setdefault("responses", {})
            for status in COMMON_ERRORS:
                responses.setdefault(
                    str(status),
                    {"description": ERROR_DESCRIPTIONS[status], "content": {"application/json": {"schema": error_ref}}},
                )
            if "404" not in responses and "{" in path:
                responses["404"] = {
                    "description": ERROR_DESCRIPTIONS[404],
                    "content": {"application/json": {"schema": error_ref}},
                }
            if "400" not in responses and (method in ("post", "patch") or operation_.get("parameters")):
                responses["400"] = {
                    "description": ERROR_DESCRIPTIONS[400],
                    "content": {"application/json": {"schema": error_ref}},
                }
            for status, response in responses.items():
                response.setdefault("headers", {}).update(headers)
                if status == "429":
                    response["headers"]["Retry-After"] = {
                        "description": "Seconds to wait.",
                        "schema": {"type": "integer"},
                    }
            if method in ("post", "patch"):
                operation_.setdefault("parameters", []).append(
                    {
                        "in": "header",
                        "name": "Idempotency-Key",
                        "required": False,
                        "description": (
                            "Any unique string (a UUID) to make retries safe: the same key and body within 24 hours "
                            "gets the first response again; another body is refused (422); a concurrent duplicate "
                            "gets 409 with Retry-After."
                        ),
                        "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
                    }
                )
                for code in ("409", "422"):
                    responses.setdefault(
                        code,
                        {
                            "description": ERROR_DESCRIPTIONS[int(code)],
                            "content": {"application/json": {"schema": error_ref}},
                            "headers": dict(headers),
                        },
                    )
    return result
