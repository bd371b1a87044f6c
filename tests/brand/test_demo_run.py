"""`make run`'s demo with real processes (web, worker, beat, mock gateway on loopback ports of the test's own): the
active demo seller's company profile is live on the mock, and on the dashboard, with no manual step."""

import httpx
import pytest
from django.conf import settings

from tests.test_run_smoke import _wait_until, make_run

pytestmark = pytest.mark.slow


def test_the_demo_profile_goes_live_on_the_mock_by_itself(tmp_path):
    procfile = tmp_path / "Procfile"
    # The Procfile of `make run`, with the gateway's state in the test's folder instead of the worktree's var/.
    procfile.write_text(
        (settings.BASE_DIR / "Procfile")
        .read_text()
        .replace("run_mock_alibaba ", f"run_mock_alibaba --db {tmp_path / 'mock.sqlite3'} ")
    )
    commands = (("migrate", "--noinput", "-v0"), ("seed_demo",))
    with make_run(tmp_path, procfile=procfile, commands=commands, quiet=True, DXPORTS_DEMO="1") as run:

        def approved():
            try:
                state = httpx.get(f"http://127.0.0.1:{run.gateway_port}/_mock/state", timeout=5).json()
            except (httpx.HTTPError, ValueError):
                return None
            return [p for p in state["company_profiles"] if p["status"] == "approved"]

        _wait_until(approved, timeout=180, what="the demo profile to be approved on the mock")
        # The push reached the web process: our profile is live, as the demo step reports.
        _wait_until(lambda: "s: 'live'" in run.log(), timeout=60, what="the profile live")
    assert run.left_behind == []
