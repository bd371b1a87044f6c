"""The foundation: landing page, admin, health check, settings that refuse to run unsafely."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from dxports import health

pytestmark = pytest.mark.django_db


def test_landing_page_says_what_the_program_offers(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Alibaba.com" in response.text
    assert "Bangladesh" in response.text


def test_admin_login_page_answers(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200


def test_admin_requires_staff(client, django_user_model):
    user = django_user_model.objects.create_user(email="seller@example.com", password="pw-123456789")
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 302


def test_api_schema_and_docs_are_served_without_a_cdn(client):
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert "cdn." not in docs.text


HEALTHZ_TOKEN = "healthz-token-" + "h" * 20


@pytest.fixture(autouse=True)
def _fresh_health(settings):
    """No test sees another's cached health result; a token for the tests that ask for details."""
    from django.core.cache import cache

    settings.HEALTHZ_TOKEN = HEALTHZ_TOKEN
    cache.delete(health.CACHE_KEY)
    yield
    cache.delete(health.CACHE_KEY)


def _all_ok(monkeypatch):
    for name in health.CHECKS:
        monkeypatch.setitem(health.CHECKS, name, lambda: None)


def _details(client):
    return client.get("/healthz", headers={"authorization": f"Bearer {HEALTHZ_TOKEN}"})


def test_healthz_is_200_when_everything_answers(client, monkeypatch):
    _all_ok(monkeypatch)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}

    body = _details(client).json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker", "gateway"}


def test_healthz_is_503_and_tells_an_anonymous_caller_nothing_more(client, settings, unused_port):
    settings.ALIBABA_GATEWAY_URL = f"http://127.0.0.1:{unused_port}"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "down"}
    assert str(unused_port) not in response.text


def test_healthz_names_what_is_down_to_the_token_holder(client, settings, unused_port):
    settings.ALIBABA_GATEWAY_URL = f"http://127.0.0.1:{unused_port}"
    response = _details(client)
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["checks"]["gateway"]["status"] == "down" and body["checks"]["gateway"]["error"]
    assert body["checks"]["database"]["status"] == "ok"


@pytest.mark.parametrize("authorization", ["Bearer wrong-token", "Bearer ", f"Basic {HEALTHZ_TOKEN}", ""])
def test_a_wrong_token_sees_only_the_status(client, monkeypatch, authorization):
    _all_ok(monkeypatch)
    response = client.get("/healthz", headers={"authorization": authorization})
    assert response.json() == {"status": "ok"}


def test_without_a_configured_token_nobody_sees_details(client, settings, monkeypatch):
    _all_ok(monkeypatch)
    settings.HEALTHZ_TOKEN = ""
    assert client.get("/healthz", headers={"authorization": "Bearer "}).json() == {"status": "ok"}


def test_in_development_everyone_sees_the_details(client, settings, monkeypatch):
    _all_ok(monkeypatch)
    settings.DEBUG = True
    assert client.get("/healthz").json()["checks"]["gateway"]["status"] == "ok"


def test_the_checks_run_once_for_many_requests_until_the_result_is_stale(client, monkeypatch, time_machine):
    from django.core.cache import cache
    from django.utils import timezone

    time_machine.move_to(timezone.now(), tick=False)
    runs = []
    for name in health.CHECKS:
        monkeypatch.setitem(health.CHECKS, name, lambda name=name: runs.append(name))

    for _request in range(5):
        assert client.get("/healthz").status_code == 200
    assert len(runs) == len(health.CHECKS)  # one round of checks for five requests

    # The result lives in the shared cache (every web process reads it), not in this process.
    assert cache.get(health.CACHE_KEY) is not None
    time_machine.shift(health.settings.HEALTHZ_CACHE_S + 1)
    client.get("/healthz")
    assert len(runs) == 2 * len(health.CHECKS)


def test_healthz_answers_when_the_cache_is_down(client, monkeypatch):
    from django.core.cache import cache

    def unreachable(*args, **kwargs):
        raise ConnectionError("cache unreachable")

    for name in ("database", "broker", "gateway"):
        monkeypatch.setitem(health.CHECKS, name, lambda: None)
    monkeypatch.setattr(cache, "get", unreachable)
    monkeypatch.setattr(cache, "set", unreachable)

    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "down"}
    assert _details(client).json()["checks"]["cache"]["status"] == "down"


def test_healthz_checks_the_real_database():
    health.check_database()


# A production environment with every variable that production requires (and nothing from development).
PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "p" * 10 + "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ",
    "FIELD_ENCRYPTION_KEY": "e" * 10 + "0123456789abcdefghijklmnopqrstuvwxyz",
    "DJANGO_ALLOWED_HOSTS": "dxports.example",
    "EMAIL_URL": "smtp+tls://mailer:password@smtp.dxports.example:587",
    "DXPORTS_SITE_URL": "https://dxports.example",
    "ALIBABA_GATEWAY_URL": "https://gateway.alibaba.example",
    "ALIBABA_APP_KEY": "34567890",
    "ALIBABA_APP_SECRET": "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
    "PARTNERS_SECRET_KEY": "k" * 10 + "0123456789abcdefghijklmnopqrstuvwxyz",
}
# Variables a test process may have that would make a subprocess pass for the wrong reason.
_PRODUCTION_PREFIXES = ("DJANGO_", "FIELD_ENCRYPTION", "EMAIL_URL", "DXPORTS_SITE_URL", "ALIBABA_", "PARTNERS_")


def _in_subprocess(args, env):
    base = {k: v for k, v in os.environ.items() if not k.startswith(_PRODUCTION_PREFIXES)}
    return subprocess.run(
        args,
        env={**base, "DJANGO_SETTINGS_MODULE": "dxports.settings", **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )


def _settings_in_subprocess(env):
    return _in_subprocess(
        [sys.executable, "-c", "import django; from django.conf import settings; settings.SECRET_KEY"], env
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _settings_in_subprocess({"DJANGO_ALLOWED_HOSTS": "dxports.example"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_the_partners_secret_key():
    result = _settings_in_subprocess({k: v for k, v in PRODUCTION_ENV.items() if k != "PARTNERS_SECRET_KEY"})
    assert result.returncode != 0
    assert "PARTNERS_SECRET_KEY" in result.stderr


def test_production_refuses_a_weak_secret_key():
    result = _settings_in_subprocess({"DJANGO_SECRET_KEY": "short", "DJANGO_ALLOWED_HOSTS": "dxports.example"})
    assert result.returncode != 0
    assert "not a real secret" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = _settings_in_subprocess({**PRODUCTION_ENV, "DJANGO_ALLOWED_HOSTS": ""})
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


def test_production_starts_with_every_variable_set():
    result = _settings_in_subprocess(PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "name", ["EMAIL_URL", "DXPORTS_SITE_URL", "ALIBABA_GATEWAY_URL", "ALIBABA_APP_KEY", "ALIBABA_APP_SECRET"]
)
def test_production_refuses_to_start_without_a_production_value(name):
    result = _settings_in_subprocess({k: v for k, v in PRODUCTION_ENV.items() if k != name})
    assert result.returncode != 0
    assert f"Set the {name} environment variable" in result.stderr


@pytest.mark.parametrize(
    ("name", "development_value"),
    [
        ("ALIBABA_APP_KEY", "500001"),
        ("ALIBABA_APP_SECRET", "dxports-dev-secret"),
        ("ALIBABA_APP_SECRET", "short-secret"),
        ("DXPORTS_SITE_URL", "http://127.0.0.1:8000"),
        ("ALIBABA_GATEWAY_URL", "http://127.0.0.1:8001"),
        ("EMAIL_URL", "consolemail://"),
        ("EMAIL_URL", "dummymail://"),
        ("EMAIL_URL", "filemail:///tmp/mail"),
    ],
)
def test_production_refuses_development_values(name, development_value):
    result = _settings_in_subprocess({**PRODUCTION_ENV, name: development_value})
    assert result.returncode != 0
    assert name in result.stderr


def test_development_needs_none_of_them():
    result = _settings_in_subprocess({"DJANGO_DEBUG": "1"})
    assert result.returncode == 0, result.stderr


def test_check_deploy_is_clean_with_production_settings():
    result = _in_subprocess(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("query", ["?status=%00", "?district=a%00b", "?q%00=1"])
def test_a_nul_in_the_query_string_is_a_bad_request_not_a_500(admin_client, query):
    response = admin_client.get("/admin/sellers/seller/" + query)
    assert response.status_code == 400
