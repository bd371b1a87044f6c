import pytest

from tests.buyers.support import private_root_fixture  # noqa: F401 - autouse fixture
from tests.catalog.sync_support import gateway_fixture, supplier_fixture, sync_fixture  # noqa: F401 - fixtures


@pytest.fixture(autouse=True)
def _fresh_supplier_memory():
    """Each test's gateway numbers its suppliers from the start again: forget the previous test's."""
    from buyers import sync

    sync._SELLER_OF_SUPPLIER.clear()
    yield
    sync._SELLER_OF_SUPPLIER.clear()


@pytest.fixture(autouse=True)
def _notify_in_process(monkeypatch):
    """The new-inquiry e-mail's task runs in this process when its message is sent (after commit), instead of
    waiting on a broker no worker reads in these tests."""
    from buyers import tasks

    task = tasks.buyers_notify_inquiry
    monkeypatch.setattr(task, "apply_async", lambda args, **kwargs: task.run(*args))


@pytest.fixture
def live(sync, supplier):
    """The supplier's one live listing."""
    from tests.buyers.support import go_live

    return go_live(sync, supplier)[0]


# The dashboard ------------------------------------------------------------------------------------------------------


@pytest.fixture
def owner(db):
    """The owner of an active seller (no gateway needed for the dashboard)."""
    from sellers.models import SellerStatus
    from tests.sellers.factories import OwnerFactory

    return OwnerFactory(seller__status=SellerStatus.ACTIVE, seller__legal_name="Rupsha Jute Crafts Ltd.").user


@pytest.fixture
def other_seller_user(db):
    """A user of another seller: must never see anything of ``seller``."""
    from sellers.models import SellerStatus
    from tests.sellers.factories import OwnerFactory

    return OwnerFactory(seller__status=SellerStatus.ACTIVE, seller__legal_name="Buriganga Leather Works").user


@pytest.fixture
def support_user(db):
    """Program staff who may read inquiries in the admin, and nothing more."""
    from tests.sellers.factories import StaffFactory

    return StaffFactory(groups=["Support"])
