"""`make run`'s processes (web, worker, beat, mock gateway) start on the embedded defaults, /healthz says all
is well, and Ctrl-C leaves no process behind."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from django.conf import settings

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent


def _free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _processes_with_marker(marker):
    """Pids whose environment carries ``marker``: every process the run starts inherits it."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            if marker.encode() in (proc / "environ").read_bytes():
                found.append(int(proc.name))
        except OSError:
            continue
    return found


def _wait_until(predicate, *, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@dataclass
class Run:
    """`make run`'s processes under honcho, on loopback ports of the test's own; ``left_behind`` is known once the
    run has stopped."""

    tmp_path: Path
    web_port: int = field(default_factory=_free_port)
    gateway_port: int = field(default_factory=_free_port)
    runner: subprocess.Popen | None = None
    left_behind: list[int] = field(default_factory=list)

    def log(self):
        return (self.tmp_path / "run.log").read_text()


@contextlib.contextmanager
def make_run(tmp_path, *, procfile=None, commands=(("migrate", "--noinput", "-v0"),), quiet=False, **extra_env):
    """Runs ``manage.py`` ``commands`` first (their output captured when ``quiet``), then the processes of
    ``procfile`` (`make run`'s by default) with the embedded defaults and ``extra_env``; on leaving, stops them as
    Ctrl-C does and kills whatever is left behind after 30 s (listed in ``run.left_behind``)."""
    run = Run(tmp_path)
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
            "DXPORTS_VAR_DIR": str(tmp_path / "var"),
            "DXPORTS_WEB_PORT": str(run.web_port),
            "DXPORTS_GATEWAY_PORT": str(run.gateway_port),
            "ALIBABA_GATEWAY_URL": f"http://127.0.0.1:{run.gateway_port}",
            "ALIBABA_PUSH_URL": f"http://127.0.0.1:{run.web_port}/hooks/alibaba/",
            "DXPORTS_SMOKE_MARKER": tmp_path.name,
            **extra_env,
        }
    )
    for command in commands:
        subprocess.run(
            [sys.executable, "manage.py", *command], env=env, cwd=settings.BASE_DIR, check=True, capture_output=quiet
        )
    log = (tmp_path / "run.log").open("w")
    run.runner = subprocess.Popen(
        [BIN / "honcho", "--no-colour", "--procfile", procfile or "Procfile", "-d", settings.BASE_DIR, "start"],
        env=env,
        cwd=settings.BASE_DIR,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        yield run
    finally:
        run.runner.send_signal(signal.SIGINT)  # what Ctrl-C sends
        try:
            run.runner.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(run.runner.pid, signal.SIGKILL)
        log.close()
        deadline = time.monotonic() + 30
        while (left_behind := _processes_with_marker(tmp_path.name)) and time.monotonic() < deadline:
            time.sleep(0.25)
        for pid in left_behind:
            os.kill(pid, signal.SIGKILL)
        run.left_behind = left_behind


def test_processes_start_answer_healthz_and_stop_on_ctrl_c(tmp_path):
    with make_run(tmp_path) as run:

        def healthy():
            try:
                response = httpx.get(f"http://127.0.0.1:{run.web_port}/healthz", timeout=5)
            except httpx.HTTPError:
                return None
            return response if response.status_code == 200 else None

        response = _wait_until(healthy, timeout=120, what="/healthz to answer 200")
        assert {check["status"] for check in response.json()["checks"].values()} == {"ok"}
        assert httpx.get(f"http://127.0.0.1:{run.web_port}/", timeout=5).status_code == 200
        _wait_until(lambda: "ready." in run.log(), timeout=60, what="the worker to be ready")
        _wait_until(lambda: "beat: Starting" in run.log(), timeout=60, what="beat")
    assert run.runner.returncode is not None
    assert run.left_behind == [], f"processes left behind: {run.left_behind}"
