import pytest

from partners import services
from tests.partners.support import PartnerClient, issue_key


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.SELLERS_PRIVATE_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Request budgets of one test never meet another's."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def partner(db):
    return services.partner_create(name="Dhaka Chamber of Commerce", contact_email="api@dcci.example")


@pytest.fixture
def other_partner(db):
    return services.partner_create(name="Chattogram Logistics Ltd", contact_email="it@ctg-logistics.example")


@pytest.fixture
def api(client, partner):
    """A client with a key of ``partner`` holding every scope."""
    return PartnerClient(client, issue_key(partner))


@pytest.fixture
def make_api(client):
    """``make_api(partner, scopes=[…])``: a client with a new key."""

    def make(partner, scopes=None, **kwargs):
        from django.test import Client

        return PartnerClient(Client(), issue_key(partner, scopes, **kwargs))

    return make
