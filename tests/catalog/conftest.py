import pytest

from tests.catalog.factories import complete_product
from tests.sellers.factories import StaffFactory


@pytest.fixture
def product(db):
    """A draft product with nothing to improve, of an active seller."""
    return complete_product()


@pytest.fixture
def moderator(db):
    """Staff who may read products and categories and block products."""
    from django.contrib.auth.models import Permission

    user = StaffFactory()
    codenames = ["moderate_product", "view_product", "view_category"]
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="catalog", codename__in=codenames))
    return user
