"""The seller hears about every decision on a listing: an e-mail (text and HTML) to each person of the team in their
language, sent after commit and once, and the same decision in the dashboard's notifications."""

import pytest
from django.core import mail as sent_mail
from django.db import transaction

from catalog import services
from catalog.models import ProductStatus
from dxports import mail
from dxports.models import Event, OutgoingEmail
from tests.catalog.factories import complete_product
from tests.sellers.factories import MemberFactory, OwnerFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

P = ProductStatus


@pytest.fixture
def team(db):
    """An active seller's owner (reads English) and a colleague who reads Bengali."""
    owner = OwnerFactory(seller__status="active", seller__legal_name="Rupsha Jute Crafts Ltd.", user__language="en")
    colleague = MemberFactory(seller=owner.seller, user=UserFactory(language="bn"))
    return owner.user, colleague.user


def _product(team, status, **fields):
    owner, _colleague = team
    fields = {"title": "Jute Shopping Bag", "gateway_product_id": 880001, "synced_version": 1, **fields}
    return complete_product(seller=owner.seller_membership.seller, status=status, **fields)


def _go_live(product):
    services.product_review_record(product=product, gateway_product_id=880001, approved=True)


def _reject(product):
    services.product_review_record(
        product=product, gateway_product_id=880001, approved=False, reason="The main image has a watermark"
    )


def _block(product):
    services.product_block(product=product, actor=StaffFactory(), reason="The photos belong to another brand.")


def _unblock(product):
    services.product_unblock(product=product, actor=StaffFactory(), reason="The brand owner confirmed the licence.")


def _fail(product):
    services.product_sync_failed(product=product, reason="InvalidParameter: subject must be ASCII. Fix the title.")


DECISIONS = [
    # (start, decision, English subject, words in the English body, Bengali words of the subject)
    (P.UNDER_REVIEW, _go_live, "“Jute Shopping Bag” is live on Alibaba.com", "buyers can find it", "লাইভ"),
    (P.UNDER_REVIEW, _reject, "Alibaba.com rejected “Jute Shopping Bag”: what to fix", "watermark", "প্রত্যাখ্যান"),
    (P.LIVE, _block, "“Jute Shopping Bag” was blocked by program staff", "another brand", "ব্লক"),
    (P.BLOCKED, _unblock, "“Jute Shopping Bag” was unblocked", "confirmed the licence", "আনব্লক"),
    (
        P.PUBLISHING,
        _fail,
        "“Jute Shopping Bag” could not be sent to Alibaba.com: action needed",
        "must be ASCII",
        "পাঠানো",
    ),
]


@pytest.mark.parametrize(("start", "decide", "subject", "body", "bengali"), DECISIONS)
def test_each_decision_is_mailed_to_each_person_in_their_language_after_commit(
    team, start, decide, subject, body, bengali, django_capture_on_commit_callbacks
):
    owner, colleague = team
    extra = {"status_reason": "Blocked earlier."} if start == P.BLOCKED else {}
    product = _product(team, start, **extra)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        decide(product)
        assert sent_mail.outbox == []  # nothing leaves before the decision commits
    assert callbacks

    by_address = {message.to[0]: message for message in sent_mail.outbox}
    assert set(by_address) == {owner.email, colleague.email}
    english, bengali_mail = by_address[owner.email], by_address[colleague.email]
    assert english.subject == subject
    assert body in english.body and f"/dashboard/products/{product.public_id}/" in english.body
    html, content_type = english.alternatives[0]
    assert content_type == "text/html" and body in html and '<html lang="en">' in html
    assert bengali in bengali_mail.subject and "Jute Shopping Bag" in bengali_mail.subject
    assert '<html lang="bn">' in bengali_mail.alternatives[0][0]


def test_a_decision_rolled_back_mails_nobody(team, django_capture_on_commit_callbacks):
    product = _product(team, P.LIVE)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        _block(product)
        raise RuntimeError("the request failed after the block")

    assert sent_mail.outbox == [] and not OutgoingEmail.objects.exists()


def test_a_decision_is_mailed_once_however_often_its_mail_is_queued(team, django_capture_on_commit_callbacks):
    from catalog.notifications import email_team

    product = _product(team, P.LIVE)
    with django_capture_on_commit_callbacks(execute=True):
        _block(product)
        email_team(Event.objects.get(type="product.blocked"))  # a retried task, a second subscriber run

    assert len(sent_mail.outbox) == 2  # one per person
    assert mail.send_due() == 0


def test_an_update_going_live_says_the_changes_are_live(team, django_capture_on_commit_callbacks):
    product = _product(team, P.UPDATING)
    with django_capture_on_commit_callbacks(execute=True):
        _go_live(product)
    owner, _colleague = team
    message = next(m for m in sent_mail.outbox if m.to == [owner.email])
    assert message.subject == "Your changes to “Jute Shopping Bag” are live on Alibaba.com"


def test_the_dashboard_lists_the_same_decisions_with_an_unread_count(client, team):
    owner, _colleague = team
    product = _product(team, P.LIVE)
    _block(product)
    _unblock(product)
    other = OwnerFactory(seller__status="active", seller__legal_name="Buriganga Leather Works").user
    _block(complete_product(seller=other.seller_membership.seller, status=P.LIVE, title="Leather Wallet"))
    client.force_login(owner)

    overview = client.get("/dashboard/").content.decode()
    assert '<span class="count-badge">2</span>' in overview
    page = client.get("/dashboard/notifications/").content.decode()

    assert page.index("Program staff unblocked “Jute Shopping Bag”") < page.index("Program staff blocked “Jute")
    assert "The photos belong to another brand." in page and "confirmed the licence" in page
    assert page.count('class="unread"') == 2
    assert "Leather Wallet" not in page  # another seller's decisions never show
    assert '<span class="count-badge">' not in client.get("/dashboard/").content.decode()  # read now
    assert client.get("/dashboard/notifications/").content.decode().count('class="unread"') == 0


@pytest.mark.parametrize("n", [1, 10])
def test_the_list_runs_the_same_queries_whatever_its_length(client, team, n, django_assert_num_queries):
    owner, _colleague = team
    for _ in range(n):
        product = _product(team, P.LIVE, gateway_product_id=None)
        _block(product)
    client.force_login(owner)

    # session, user, membership+seller, the notifications, marking them read, the inquiries' and notifications'
    # badges
    with django_assert_num_queries(7):
        response = client.get("/dashboard/notifications/")

    assert response.content.decode().count("Program staff blocked") == n
