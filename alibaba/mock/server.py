"""Serving the gateway with waitress: in the foreground (the management command) or in a thread (tests)."""

import signal
import threading
from collections.abc import Callable
from types import FrameType

from waitress import wasyncore
from waitress.server import create_server

from .gateway import MockGateway

THREADS = 32
LOOP_TICK_S = 0.05


def serve(
    gateway: MockGateway,
    *,
    host: str = "127.0.0.1",
    port: int = 8001,
    threads: int = THREADS,
    ready: Callable[[str], None] = print,
) -> None:
    """Serves until SIGINT or SIGTERM, then stops the workers and the background thread and closes the gateway.
    ``ready`` gets the base URL once the socket listens (``port`` 0 picks a free one)."""
    server = create_server(gateway, host=host, port=port, threads=threads, ident="mock-alibaba")

    def interrupt(signum: int, frame: FrameType | None) -> None:
        gateway.interrupt()
        raise KeyboardInterrupt

    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    gateway.start()
    try:
        ready(f"http://{host}:{server.effective_port}")
        server.run()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        server.task_dispatcher.shutdown()
        wasyncore.close_all(server._map)
        gateway.close()


def serve_in_thread(
    gateway: MockGateway, *, host: str = "127.0.0.1", port: int = 0, threads: int = 16, background: bool = True
) -> tuple[str, Callable[[], None]]:
    """Serves on a loopback port from a daemon thread; answers the base URL and a ``stop()`` that interrupts the
    gateway (hanging answers return, the ticker stops) and shuts the server down. The caller still closes the
    gateway, and may read its state before. ``background`` starts the gateway's ticking thread."""
    server = create_server(gateway, host=host, port=port, threads=threads, ident="mock-alibaba")
    stopping = threading.Event()

    def run() -> None:
        # The loop closes its own sockets once told to stop: closing them from another thread races the loop, and
        # so does waking it through its trigger (a worker's wake-up can run a closing thunk before ours is pulled).
        try:
            while not stopping.is_set():
                wasyncore.loop(timeout=LOOP_TICK_S, map=server._map, count=1)
        finally:
            wasyncore.close_all(server._map)

    thread = threading.Thread(target=run, name="mock-alibaba-server", daemon=True)
    thread.start()
    if background:
        gateway.start()

    def stop() -> None:
        gateway.interrupt()
        server.task_dispatcher.shutdown()
        stopping.set()
        thread.join(timeout=10)

    return f"http://{host}:{server.effective_port}", stop
