import pytest


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files of one test never meet another's."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def unused_port():
    """A loopback port that nothing listens on (bound, read, released)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
