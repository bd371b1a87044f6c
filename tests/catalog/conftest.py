import pytest

from tests.catalog.factories import complete_product
from tests.sellers.factories import StaffFactory


@pytest.fixture
def product(db):
    """A draft product with nothing to improve, of an active seller."""
    return complete_product()


@pytest.fixture
def moderator(db):
    """A reviewer (the role, not a superuser): reads products and categories, blocks, unblocks, retries syncs."""
    return StaffFactory(groups=["Reviewers"])


# The seller's dashboard (tests/catalog/test_views*.py, test_images.py) ---------------------------------------------


@pytest.fixture
def owner(db):
    """The owner of an active seller, with no products yet."""
    from sellers.models import SellerStatus
    from tests.sellers.factories import OwnerFactory

    return OwnerFactory(seller__status=SellerStatus.ACTIVE, seller__legal_name="Rupsha Jute Crafts Ltd.").user


@pytest.fixture
def own_product(seller):
    """A complete draft product of ``seller`` (quality score 100)."""
    return complete_product(seller=seller)


@pytest.fixture
def other_seller_user(db):
    """A user of another seller: must never see anything of ``seller``."""
    from sellers.models import SellerStatus
    from tests.sellers.factories import OwnerFactory

    return OwnerFactory(seller__status=SellerStatus.ACTIVE, seller__legal_name="Buriganga Leather Works").user
