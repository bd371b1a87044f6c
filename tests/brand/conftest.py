import pytest

from tests.brand.support import certificate_upload, complete_profile


@pytest.fixture(autouse=True)
def _private_roots(settings, tmp_path):
    """Certificates (and KYC files) of one test never meet another's, and live outside MEDIA_ROOT."""
    settings.BRAND_PRIVATE_ROOT = tmp_path / "private-certificates"
    settings.SELLERS_PRIVATE_ROOT = tmp_path / "private"


@pytest.fixture
def owner(db):
    """The owner of an active seller with no company profile yet."""
    from sellers.models import SellerStatus
    from tests.sellers.factories import OwnerFactory

    return OwnerFactory(
        seller__status=SellerStatus.ACTIVE,
        seller__legal_name="Rupsha Jute Crafts Ltd.",
        seller__year_established=2008,
        seller__employees=85,
    ).user


@pytest.fixture
def other_seller_user(db):
    """A user of another seller: must never see anything of ``seller``."""
    from sellers.models import SellerStatus
    from tests.sellers.factories import OwnerFactory

    return OwnerFactory(seller__status=SellerStatus.ACTIVE, seller__legal_name="Buriganga Leather Works").user


@pytest.fixture
def profile(seller, owner):
    """A complete draft profile of ``seller`` (score 100): four factory photos, a logo, one certificate."""
    return complete_profile(seller, owner)


@pytest.fixture
def moderator(db):
    """Staff who may read profiles and certificates, block profiles and check certificates."""
    from django.contrib.auth.models import Permission

    from tests.sellers.factories import StaffFactory

    user = StaffFactory()
    codenames = ["moderate_companyprofile", "view_companyprofile", "view_certificate"]
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="brand", codename__in=codenames))
    return user


__all__ = ["certificate_upload"]
