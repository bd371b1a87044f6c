import pytest

from tests.buyers.support import private_root_fixture  # noqa: F401 - autouse fixture
from tests.catalog.sync_support import gateway_fixture, supplier_fixture, sync_fixture  # noqa: F401 - fixtures


@pytest.fixture
def live(sync, supplier):
    """The supplier's one live listing."""
    from tests.buyers.support import go_live

    return go_live(sync, supplier)[0]
