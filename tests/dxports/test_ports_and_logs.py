"""Running a second copy on other ports (DXPORTS_WEB_PORT, DXPORTS_GATEWAY_PORT): every development address follows
the ports unless set; and beat's routine relay stays out of the log while it has nothing to do."""

import io
import logging
import os
import subprocess
import sys

import pytest
from celery.app.trace import LOG_RECEIVED, LOG_SUCCESS
from django.conf import settings
from django.core.management import call_command

from alibaba.management.commands.run_mock_alibaba import Command as RunMock
from tests.catalog.sync_support import gateway_fixture

__all__ = ["gateway_fixture"]

PRINT_ADDRESSES = (
    "from django.conf import settings; "
    "print(settings.SELLERS_SITE_URL, settings.ALIBABA_GATEWAY_URL, settings.ALIBABA_PUSH_URL)"
)


def _addresses(**env):
    keep = ("DXPORTS_", "ALIBABA_", "DJANGO_")
    base = {k: v for k, v in os.environ.items() if not k.startswith(keep)}
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {PRINT_ADDRESSES}"],
        env={**base, "DJANGO_SETTINGS_MODULE": "dxports.settings", "DJANGO_DEBUG": "1", **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.split()


def test_development_addresses_follow_the_ports():
    assert _addresses(DXPORTS_WEB_PORT="8130", DXPORTS_GATEWAY_PORT="8131") == [
        "http://127.0.0.1:8130",
        "http://127.0.0.1:8131",
        "http://127.0.0.1:8130/hooks/alibaba/",
    ]


def test_addresses_set_explicitly_win_over_the_ports():
    site, gateway, push = _addresses(
        DXPORTS_WEB_PORT="8130",
        DXPORTS_GATEWAY_PORT="8131",
        DXPORTS_SITE_URL="https://tunnel.example",
        ALIBABA_GATEWAY_URL="http://127.0.0.1:9001",
        ALIBABA_PUSH_URL="http://127.0.0.1:9000/hooks/alibaba/",
    )
    assert (site, gateway, push) == (
        "https://tunnel.example",
        "http://127.0.0.1:9001",
        "http://127.0.0.1:9000/hooks/alibaba/",
    )


def test_the_mock_listens_on_the_gateway_port(settings):
    settings.DXPORTS_GATEWAY_PORT = 8131
    options = RunMock().create_parser("manage.py", "run_mock_alibaba").parse_args([])
    assert options.port == 8131


@pytest.mark.django_db
def test_seed_demo_prints_links_to_the_site_it_runs_on(settings, gateway):
    settings.SELLERS_SITE_URL = "http://127.0.0.1:8130"
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    printed = out.getvalue()
    assert "http://127.0.0.1:8130/dashboard/" in printed
    assert "http://127.0.0.1:8130/admin/" in printed
    assert ":8000" not in printed


RELAY = "alibaba.tasks.outbox_relay"


def _celery_lines(caplog, *, name, return_value):
    """Celery's own three lines about one run of a beat task (beat, the worker's strategy and its trace), logged
    through the loggers the settings configure."""
    caplog.clear()
    with caplog.at_level(logging.INFO):
        logging.getLogger("celery.beat").info("Scheduler: Sending due task %s (%s)", name.rsplit(".")[-1], name)
        logging.getLogger("celery.worker.strategy").info(
            LOG_RECEIVED, {"id": "1", "name": name, "args": "()", "kwargs": "{}", "eta": None}
        )
        logging.getLogger("celery.app.trace").info(
            LOG_SUCCESS,
            {"id": "1", "name": name, "return_value": return_value, "runtime": 0.01, "args": "()", "kwargs": "{}"},
        )
    return [record.getMessage() for record in caplog.records if record.name.startswith("celery")]


def test_the_relay_that_moved_nothing_logs_nothing(caplog):
    assert _celery_lines(caplog, name=RELAY, return_value="None") == []


def test_a_routine_run_that_did_something_is_logged(caplog):
    lines = _celery_lines(caplog, name=RELAY, return_value="3")
    assert len(lines) == 1 and "succeeded" in lines[0]


def test_other_tasks_are_logged_as_before(caplog):
    assert len(_celery_lines(caplog, name="catalog.tasks.catalog_sync_categories", return_value="None")) == 3


def test_a_failing_relay_is_logged(caplog):
    caplog.clear()
    with caplog.at_level(logging.INFO):
        logging.getLogger("celery.app.trace").error(
            "Task %(name)s[%(id)s] %(description)s: %(exc)s",
            {"name": RELAY, "id": "1", "description": "raised unexpected", "exc": "OperationalError"},
        )
    assert len(caplog.records) == 1


def test_a_demo_step_is_logged_when_its_state_changes_not_every_five_seconds(caplog):
    step = "catalog.tasks.catalog_demo_step"
    returns = ["'listing'", "'listing'", "'listed'", "'listed'", "'listed'"]
    logged = [line for value in returns for line in _celery_lines(caplog, name=step, return_value=value)]
    assert [line.rsplit(": ", 1)[1] for line in logged] == ["'listing'", "'listed'"]
