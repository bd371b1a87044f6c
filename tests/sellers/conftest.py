import pytest

from sellers.models import SellerStatus
from tests.sellers.factories import OwnerFactory, StaffFactory, complete_seller


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    """KYC files of one test never meet another's, and live outside MEDIA_ROOT."""
    settings.SELLERS_PRIVATE_ROOT = tmp_path / "private"


@pytest.fixture
def owner(db):
    """The owner of a draft seller (a user whose seller has only its legal name)."""
    return OwnerFactory(seller__legal_name="Rupsha Jute Crafts Ltd.").user


@pytest.fixture
def complete(db):
    """A draft seller whose file is complete, and its owner."""
    return complete_seller()


@pytest.fixture
def submitted(db):
    return complete_seller(status=SellerStatus.SUBMITTED)


@pytest.fixture
def other_seller_user(db):
    """A user of another seller: must never see anything of ``seller``."""
    return OwnerFactory(seller__legal_name="Buriganga Leather Works").user


@pytest.fixture
def reviewer(db):
    return StaffFactory(groups=["Reviewers"])


@pytest.fixture
def support(db):
    return StaffFactory(groups=["Support"])
