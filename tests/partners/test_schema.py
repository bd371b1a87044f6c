"""The OpenAPI 3.1 schema is complete (every operation documents its errors, the security scheme, the idempotency
header) and the API keeps it: Schemathesis sends generated requests to every operation, with bounded examples, and
checks that nothing answers 5xx, that every answer conforms to the schema, and that requests without valid
credentials are refused."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis import checks

from partners import ssrf
from tests.partners.support import issue_key

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

MAX_EXAMPLES = 40
# No 5xx; the status, content type, headers and body of every answer as the schema says. (A schema-valid value
# that breaks a rule the schema cannot say, such as a postcode's digits, is rightly a 400.)
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]


@pytest.fixture(autouse=True)
def _in_process(settings, monkeypatch):
    """The API is called in this process through its WSGI handler, inside the test's transaction."""
    from django.core import signals
    from django.db import close_old_connections

    settings.PARTNERS_API_READ_RATE = settings.PARTNERS_API_WRITE_RATE = 100_000
    # Generated URLs are looked up offline: a name resolves to a public address, an address to itself.
    monkeypatch.setattr(
        ssrf, "resolve", lambda host, port: [host if host.replace(".", "").isdigit() else "93.184.216.34"]
    )
    # As Django's test client does: the test's transaction outlives each request.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def auth_headers(db):
    from partners import services

    partner = services.partner_create(name="Fuzzing Partner", contact_email="fuzz@example.com")
    return {"Authorization": f"Api-Key {issue_key(partner).key}"}


schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@schema.parametrize()
@hypothesis_settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_conforms_and_never_fails(case, auth_headers):
    case.call_and_validate(headers=auth_headers, checks=CHECKS)


def test_requests_without_valid_credentials_are_refused(client):
    import re

    from drf_spectacular.generators import SchemaGenerator

    document = SchemaGenerator().get_schema(request=None, public=True)
    checked = 0
    for path, methods in document["paths"].items():
        url = re.sub(r"\{[^}]+\}", "00000000-0000-0000-0000-000000000000", path)
        url = url.replace("/categories/00000000-0000-0000-0000-000000000000/", "/categories/1/")
        url = url.replace("/images/00000000-0000-0000-0000-000000000000/", "/images/abc/")
        for method in methods:
            for headers in ({}, {"authorization": "Api-Key dxp_live_AAAAAAAAAAAA_" + "B" * 32}):
                response = getattr(client, method)(url, headers=headers)
                assert response.status_code == 401, (method, url, response.status_code)
                assert response.json()["error"]["type"] == "authentication_error"
                checked += 1
    assert checked > 60


def test_the_schema_is_openapi_3_1_and_every_operation_documents_its_errors():
    from drf_spectacular.generators import SchemaGenerator

    document = SchemaGenerator().get_schema(request=None, public=True)
    assert document["openapi"].startswith("3.1")
    assert document["components"]["securitySchemes"]["ApiKey"]["name"] == "Authorization"
    operations = [(path, method, op) for path, methods in document["paths"].items() for method, op in methods.items()]
    assert len(operations) >= 35
    for path, method, op in operations:
        assert op["operationId"] and op["summary"], (path, method)
        assert {"401", "403", "429", "500"} <= set(op["responses"]), (path, method)
        assert op.get("security") == [{"ApiKey": []}], (path, method)
        if "{" in path:
            assert "404" in op["responses"], (path, method)
        if method in ("post", "patch"):
            assert any(p["name"] == "Idempotency-Key" for p in op["parameters"]), (path, method)
            assert "400" in op["responses"], (path, method)
