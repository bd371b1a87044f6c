"""Inquiries for program staff: read-only lists with filters, spam handling through the service (Reviewers only),
program-wide reply times per seller; no way for any staff role to reply as the seller."""

from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

from buyers import services
from buyers.models import InquiryEvent, InquiryStatus, Message
from tests.buyers.support import receive
from tests.sellers.factories import OwnerFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer(db):
    return StaffFactory(groups=["Reviewers"])


@pytest.fixture
def inquiries(seller):
    late = receive(seller, country="DE", created_at=timezone.now() - timedelta(hours=40))
    services.inquiry_reply(inquiry=late, actor=None, content="Sorry for the delay")
    fast = receive(seller, country="IN", created_at=timezone.now() - timedelta(hours=3))
    services.inquiry_reply(inquiry=fast, actor=None, content="Thanks")
    waiting = receive(seller, country="US")
    return late, fast, waiting


@pytest.mark.parametrize("query", ["", "?status=new", "?waiting=yes", "?buyer__country=IN", "?q=Jute"])
def test_staff_read_inquiries_with_filters(client, support_user, inquiries, query):
    client.force_login(support_user)

    response = client.get(reverse("admin:buyers_inquiry_changelist") + query)

    assert response.status_code == 200


def test_staff_read_a_thread_and_messages_but_cannot_change_or_reply(client, support_user, inquiries):
    late, _fast, _waiting = inquiries
    client.force_login(support_user)

    page = client.get(reverse("admin:buyers_inquiry_change", args=[late.pk])).content.decode()
    messages = client.get(reverse("admin:buyers_message_changelist"))

    assert "Sorry for the delay" in page and 'name="_save"' not in page
    assert messages.status_code == 200
    assert client.get(reverse("admin:buyers_message_add")).status_code == 403
    message = Message.objects.filter(sender="seller").first()
    response = client.post(reverse("admin:buyers_message_change", args=[message.pk]), {"content": "Staff reply"})
    assert response.status_code == 403
    message.refresh_from_db()
    assert message.content != "Staff reply"


def test_no_admin_action_replies_as_the_seller(client, reviewer):
    from django.contrib import admin

    from buyers.models import Inquiry

    actions = admin.site._registry[Inquiry].get_actions(_request(reviewer))
    assert set(actions) == {"mark_spam", "clear_spam"}


def _request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_a_reviewer_marks_spam_with_a_reason_through_the_service(client, reviewer, inquiries):
    _late, _fast, waiting = inquiries
    client.force_login(reviewer)
    url = reverse("admin:buyers_inquiry_changelist")

    page = client.post(url, {"action": "mark_spam", ACTION_CHECKBOX_NAME: [waiting.pk]})
    assert page.status_code == 200 and "reason" in page.content.decode()
    client.post(url, {"action": "mark_spam", ACTION_CHECKBOX_NAME: [waiting.pk], "confirm": "1", "reason": "Phishing"})

    waiting.refresh_from_db()
    assert waiting.status == InquiryStatus.SPAM
    event = InquiryEvent.objects.get(inquiry=waiting, to_status=InquiryStatus.SPAM)
    assert (event.actor, event.reason) == (reviewer, "Phishing")


def test_support_cannot_handle_spam_even_with_a_forged_post(client, support_user, inquiries):
    _late, _fast, waiting = inquiries
    client.force_login(support_user)

    client.post(
        reverse("admin:buyers_inquiry_changelist"),
        {"action": "mark_spam", ACTION_CHECKBOX_NAME: [waiting.pk], "confirm": "1", "reason": "x"},
    )

    waiting.refresh_from_db()
    assert waiting.status == InquiryStatus.NEW


def test_reply_times_per_seller_across_the_program(client, support_user, inquiries):
    other = OwnerFactory(seller__legal_name="Buriganga Leather Works").seller
    receive(other, created_at=timezone.now() - timedelta(hours=50))
    client.force_login(support_user)

    response = client.get(reverse("admin:buyers_reply_times"))

    assert response.status_code == 200
    rows = {row.seller_name: row for row in response.context["rows"]}
    rupsha = rows["Rupsha Jute Crafts Ltd."]
    assert (rupsha.received, rupsha.counted, rupsha.answered_in_time, rupsha.waiting) == (3, 2, 1, 1)
    assert rows["Buriganga Leather Works"].reply_rate == 0
    assert rupsha.median_hours == pytest.approx(21.5, abs=0.1)


def test_staff_without_the_view_permission_see_no_reply_times(client):
    staff = StaffFactory()
    client.force_login(staff)
    assert client.get(reverse("admin:buyers_reply_times")).status_code == 403
