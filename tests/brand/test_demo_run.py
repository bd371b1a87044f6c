"""`make run`'s demo with real processes (web, worker, beat, mock gateway on loopback ports of the test's own): the
active demo seller's company profile is live on the mock, and on the dashboard, with no manual step."""

import os
import signal
import subprocess
import sys
import time

import httpx
import pytest
from django.conf import settings

from tests.test_run_smoke import BIN, _free_port, _processes_with_marker, _wait_until

pytestmark = pytest.mark.slow


def test_the_demo_profile_goes_live_on_the_mock_by_itself(tmp_path):
    web_port, gateway_port = _free_port(), _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
        and not key.startswith(("DJANGO_", "ALIBABA_", "EMAIL_URL", "DXPORTS_SITE_URL", "HEALTHZ_"))
    }
    env.update(
        {
            "PATH": f"{BIN}:{env.get('PATH', '')}",
            "DJANGO_DEBUG": "1",
            "DXPORTS_DEMO": "1",
            "DXPORTS_VAR_DIR": str(tmp_path / "var"),
            "DXPORTS_WEB_PORT": str(web_port),
            "DXPORTS_GATEWAY_PORT": str(gateway_port),
            "ALIBABA_GATEWAY_URL": f"http://127.0.0.1:{gateway_port}",
            "ALIBABA_PUSH_URL": f"http://127.0.0.1:{web_port}/hooks/alibaba/",
            "DXPORTS_SMOKE_MARKER": tmp_path.name,
        }
    )
    procfile = tmp_path / "Procfile"
    # The Procfile of `make run`, with the gateway's state in the test's folder instead of the worktree's var/.
    procfile.write_text(
        (settings.BASE_DIR / "Procfile")
        .read_text()
        .replace("run_mock_alibaba ", f"run_mock_alibaba --db {tmp_path / 'mock.sqlite3'} ")
    )
    for command in (["migrate", "--noinput", "-v0"], ["seed_demo"]):
        subprocess.run(
            [sys.executable, "manage.py", *command], env=env, cwd=settings.BASE_DIR, check=True, capture_output=True
        )
    log = (tmp_path / "run.log").open("w")
    runner = subprocess.Popen(
        [BIN / "honcho", "--no-colour", "--procfile", procfile, "-d", settings.BASE_DIR, "start"],
        env=env,
        cwd=settings.BASE_DIR,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:

        def approved():
            try:
                state = httpx.get(f"http://127.0.0.1:{gateway_port}/_mock/state", timeout=5).json()
            except (httpx.HTTPError, ValueError):
                return None
            return [p for p in state["company_profiles"] if p["status"] == "approved"]

        _wait_until(approved, timeout=180, what="the demo profile to be approved on the mock")
        # The push reached the web process: our profile is live, as the demo step reports.
        _wait_until(lambda: "s: 'live'" in (tmp_path / "run.log").read_text(), timeout=60, what="the profile live")
    finally:
        runner.send_signal(signal.SIGINT)
        try:
            runner.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(runner.pid, signal.SIGKILL)
        log.close()
        deadline = time.monotonic() + 30
        while (left_behind := _processes_with_marker(tmp_path.name)) and time.monotonic() < deadline:
            time.sleep(0.25)
        for pid in left_behind:
            os.kill(pid, signal.SIGKILL)
    assert left_behind == []
