import pytest


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files of one test never meet another's."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _english_afterwards():
    """A request in Bengali leaves Bengali active in this thread: every test starts in the site's language."""
    from django.conf import settings
    from django.utils import translation

    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def unused_port():
    """A loopback port that nothing listens on (bound, read, released)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def use_gateway(monkeypatch):
    """``use_gateway(gateway)``: every ``AlibabaClient.from_settings()`` talks to ``gateway`` (a ``MockGateway`` in
    process) through its WSGI transport, and the outbox's Celery messages are dropped: the tests drive the outbox."""
    from django.conf import settings

    from alibaba import tasks
    from alibaba.client import AlibabaClient
    from alibaba.mock.transport import MockTransport

    def use(gateway):
        transport = MockTransport(gateway)

        def from_settings(cls, **overrides):
            return cls(
                "http://gateway.test",
                settings.ALIBABA_APP_KEY,
                settings.ALIBABA_APP_SECRET,
                transport=transport,
                rate_limiter=None,
            )

        monkeypatch.setattr(AlibabaClient, "from_settings", classmethod(from_settings))
        monkeypatch.setattr(tasks.outbox_process, "apply_async", lambda *args, **kwargs: None)

    return use


# The seller's dashboard: ``owner`` comes from each app's conftest (the owner of a draft seller in tests/sellers, of
# an active one in tests/catalog).


@pytest.fixture
def seller(owner):
    return owner.seller_membership.seller


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def stranger(db):
    """A logged-in user with no seller."""
    from tests.sellers.factories import UserFactory

    return UserFactory()
