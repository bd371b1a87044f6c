"""Review: the team and history pages stay at a constant number of queries with invitations and reviewer reasons,
the rows the dashboard query-count tests do not create."""

import re

import pytest

from sellers import services
from sellers.models import SellerStatus
from tests.sellers.factories import complete_seller

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("n", [1, 10])
def test_team_queries_do_not_grow_with_invitations(owner_client, seller, owner, n, django_assert_num_queries):
    for index in range(n):
        services.seller_invite(seller=seller, actor=owner, email=f"colleague{index}@example.com")
    # session, user, membership+seller, members+users, open invitations, the inquiries badge
    with django_assert_num_queries(6):
        response = owner_client.get("/dashboard/team/")
    assert len(re.findall(r"colleague\d+@example\.com", response.content.decode())) == n


@pytest.mark.parametrize("n", [1, 6])
def test_history_queries_do_not_grow_with_review_rounds(client, reviewer, n, django_assert_num_queries):
    seller = complete_seller(status=SellerStatus.SUBMITTED)
    owner = seller.members.get().user
    reason = {"target": "etin", "code": "invalid", "message": "The e-TIN does not match the certificate."}
    for index in range(n):
        services.seller_request_changes(seller=seller, actor=reviewer, reasons=[reason, {**reason, "target": "bin"}])
        services.seller_update_profile(
            seller=seller, actor=owner, data={"etin": f"12345678901{index}", "bin": f"001234567890{index}"}
        )
        services.seller_submit(seller=seller, actor=owner)
    client.force_login(owner)
    # session, user, membership+seller, events+actors, reasons (prefetch), the inquiries badge
    with django_assert_num_queries(6):
        response = client.get("/dashboard/history/")
    assert response.content.decode().count("does not match the certificate") == 2 * n
