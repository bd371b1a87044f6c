"""The seller's inquiry dashboard: inbox (unread first, filters, search, the waiting badge on every page), thread with
reply and quotation forms, files, templates, settings, figures. Only the seller's own inquiries, ever: another
seller's user gets 404 on every URL and file; program staff get no dashboard and no reply button anywhere."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alibaba.models import OutboxJob
from buyers import services
from buyers.models import Delivery, Holiday, Inquiry, InquiryStatus, Message, NotificationSettings, ReplyTemplate
from tests.buyers.support import receive, stored_file
from tests.sellers.files import pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def inquiry(seller):
    return receive(seller, files=[("spec.pdf", "application/pdf")])


# The inbox ----------------------------------------------------------------------------------------------------------


def test_the_inbox_shows_the_sellers_inquiries_unread_first(owner_client, seller, owner, other_seller_user):
    read = receive(seller, country="US", buyer_name="Olivia Martin")
    services.inquiry_open(inquiry=read, actor=owner)
    unread = receive(seller, country="JP", buyer_name="Kenji Sato")
    receive(other_seller_user.seller_membership.seller, buyer_name="Someone Else")

    response = owner_client.get("/dashboard/inquiries/")

    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Kenji Sato") < html.index("Olivia Martin")
    assert "Someone Else" not in html
    assert [i.pk for i in response.context["page"].object_list] == [unread.pk, read.pk]
    assert "Japan" in html and "United States of America" in html


@pytest.mark.parametrize(
    "query, expected",
    [
        ("status=new", {"DE", "IN"}),
        ("country=IN", {"IN"}),
        ("waiting=waiting", {"DE", "IN"}),
        ("waiting=over_24h", {"DE"}),
        ("q=mehta", {"IN"}),
        ("q=JUTE", {"DE", "IN", "US"}),
    ],
)
def test_the_inbox_filters_and_searches(owner_client, seller, query, expected):
    old = receive(seller, country="DE", created_at=timezone.now() - timedelta(hours=30))
    receive(seller, country="IN", buyer_company="Mehta Impex Private Limited")
    answered = receive(seller, country="US")
    services.inquiry_reply(inquiry=answered, actor=None, content="Thanks")
    assert old.awaiting_reply_since is not None

    response = owner_client.get(f"/dashboard/inquiries/?{query}")

    assert response.status_code == 200
    assert {i.buyer.country.code for i in response.context["page"].object_list} == expected


def test_the_inbox_filters_by_product(owner_client, seller):
    from tests.catalog.factories import complete_product

    product = complete_product(seller=seller, title="Jute Rug, 120 cm")
    receive(seller, custom_code=str(product.public_id), buyer_name="Rug Buyer")
    receive(seller, buyer_name="Bag Buyer")

    response = owner_client.get(f"/dashboard/inquiries/?product={product.pk}")

    assert [i.buyer.name for i in response.context["page"].object_list] == ["Rug Buyer"]
    assert "Jute Rug, 120 cm" in response.content.decode()


def test_bad_filter_values_are_ignored_not_a_500(owner_client, seller):
    receive(seller)
    response = owner_client.get("/dashboard/inquiries/?status=nope&product=abc&country=%00&waiting=x&page=99")
    assert response.status_code in (200, 400)


@pytest.mark.parametrize("rows", [1, 20])
def test_an_inbox_page_costs_the_same_queries_for_1_or_20_inquiries(
    owner_client, seller, rows, django_assert_num_queries
):
    for _ in range(rows):
        receive(seller)
    # session, user, membership+seller; the products and the countries for the filters; the count, the page with
    # buyers and products; the waiting badge; the notifications' badge.
    with django_assert_num_queries(9):
        response = owner_client.get("/dashboard/inquiries/")
    assert len(response.context["page"].object_list) == rows


def test_the_waiting_badge_is_on_every_dashboard_page(owner_client, seller):
    receive(seller)
    receive(seller)
    answered = receive(seller)
    services.inquiry_reply(inquiry=answered, actor=None, content="Thanks")

    for url in ("/dashboard/", "/dashboard/products/", "/dashboard/inquiries/"):
        html = owner_client.get(url).content.decode()
        assert 'Inquiries <span class="count-badge">2</span>' in html, url


# The thread ---------------------------------------------------------------------------------------------------------


def test_opening_a_thread_marks_it_read_and_shows_the_conversation_escaped(owner_client, seller):
    inquiry = receive(seller, content="<script>alert('x')</script> Need 2000 bags")

    response = owner_client.get(f"/dashboard/inquiries/{inquiry.public_id}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Need 2000 bags" in html
    assert "<script>alert" not in html
    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.READ and not inquiry.has_unread
    assert f'action="/dashboard/inquiries/{inquiry.public_id}/reply/"' in html


def test_a_reply_from_the_dashboard_goes_out_through_the_outbox(owner_client, seller, owner):
    inquiry = receive(seller)

    response = owner_client.post(f"/dashboard/inquiries/{inquiry.public_id}/reply/", {"content": "Dear buyer, yes."})

    assert response.status_code == 302
    message = Message.objects.get(inquiry=inquiry, sender="seller")
    assert (message.content, message.author, message.delivery) == ("Dear buyer, yes.", owner, Delivery.SENDING)
    assert OutboxJob.objects.filter(kind="inquiry.reply", target=str(message.pk)).exists()
    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.REPLIED


def test_an_empty_reply_is_refused_on_the_form(owner_client, seller):
    inquiry = receive(seller)
    response = owner_client.post(f"/dashboard/inquiries/{inquiry.public_id}/reply/", {"content": "   "})
    assert response.status_code == 400
    assert response.context["reply_form"].errors
    assert not Message.objects.filter(sender="seller").exists()


def test_a_quotation_from_the_dashboard(owner_client, seller):
    inquiry = receive(seller)
    valid_until = (timezone.now().date() + timedelta(days=10)).isoformat()
    data = {
        "content": "Please find our offer.",
        "price": "2.40",
        "quantity": "2000",
        "unit": "piece",
        "incoterm": "FOB",
        "port_of_loading": "Chattogram",
        "lead_time_days": "30",
        "payment_terms": ["T/T", "L/C"],
        "valid_until": valid_until,
        "sample_terms": "Free samples",
    }

    response = owner_client.post(f"/dashboard/inquiries/{inquiry.public_id}/quote/", data)

    assert response.status_code == 302
    quotation = Message.objects.get(inquiry=inquiry, sender="seller").quotation
    assert (str(quotation.price), quotation.incoterm, quotation.payment_terms) == ("2.40", "FOB", ["T/T", "L/C"])
    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.QUOTED


def test_a_quotation_missing_its_destination_is_refused_naming_the_field(owner_client, seller):
    inquiry = receive(seller)
    data = {"content": "Offer", "price": "2.40", "quantity": "2000", "unit": "piece", "incoterm": "CIF",
            "port_of_loading": "Chattogram", "lead_time_days": "30", "payment_terms": ["T/T"]}  # fmt: skip

    response = owner_client.post(f"/dashboard/inquiries/{inquiry.public_id}/quote/", data)

    assert response.status_code == 400
    assert "destination" in response.context["quotation_form"].errors
    assert not Message.objects.filter(sender="seller").exists()


def test_marking_spam_counts_as_a_response_and_can_be_taken_back(owner_client, seller):
    inquiry = receive(seller)

    owner_client.post(f"/dashboard/inquiries/{inquiry.public_id}/mark/", {"status": "spam", "reason": "Phishing"})
    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.SPAM
    assert inquiry.first_response_at is not None and inquiry.awaiting_reply_since is None
    html = owner_client.get(f"/dashboard/inquiries/{inquiry.public_id}/").content.decode()
    assert "/reply/" not in html

    owner_client.post(f"/dashboard/inquiries/{inquiry.public_id}/not-spam/")
    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.READ


def test_an_illegal_outcome_is_a_message_not_a_500(owner_client, seller):
    inquiry = receive(seller)
    owner_client.post(f"/dashboard/inquiries/{inquiry.public_id}/mark/", {"status": "won"})  # new → won: not allowed
    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.NEW


def test_a_failed_reply_shows_its_reason_and_can_be_sent_again(owner_client, seller):
    inquiry = receive(seller)
    message = services.inquiry_reply(inquiry=inquiry, actor=None, content="Hello")
    services.inquiry_reply_failed(message=message, reason="Alibaba.com refused the message: too long.")

    html = owner_client.get(f"/dashboard/inquiries/{inquiry.public_id}/").content.decode()
    assert "Alibaba.com refused the message: too long." in html
    response = owner_client.post(f"/dashboard/inquiries/{inquiry.public_id}/messages/{message.public_id}/retry/")

    assert response.status_code == 302
    message.refresh_from_db()
    assert message.delivery == Delivery.SENDING


def test_a_thread_costs_the_same_queries_for_short_and_long_threads(owner_client, seller, owner):
    from buyers.incoming import IncomingMessage

    inquiry = receive(seller)
    services.inquiry_open(inquiry=inquiry, actor=owner)

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            owner_client.get(f"/dashboard/inquiries/{inquiry.public_id}/")
        return len(queries)

    short = count()
    messages = tuple(
        IncomingMessage(message_id=5000 + n, sender="buyer", content=f"More {n}", attachments=(), created_at=None)
        for n in range(15)
    )
    services.inquiry_messages_receive(
        seller_id=seller.pk, gateway_inquiry_id=inquiry.gateway_inquiry_id, messages=messages
    )
    services.inquiry_open(inquiry=inquiry, actor=owner)
    assert count() == short


# Files --------------------------------------------------------------------------------------------------------------


def test_a_buyers_file_is_served_to_the_sellers_users_as_a_download(owner_client, inquiry):
    attachment = stored_file(inquiry, pdf_bytes())

    response = owner_client.get(f"/dashboard/inquiries/{inquiry.public_id}/files/{attachment.public_id}/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_file_that_is_not_what_it_claims_is_refused_and_never_served(owner_client, inquiry):
    from tests.sellers.files import elf_bytes

    attachment = stored_file(inquiry, elf_bytes())

    assert attachment.status == "refused" and attachment.problem == "not_allowed"
    response = owner_client.get(f"/dashboard/inquiries/{inquiry.public_id}/files/{attachment.public_id}/")
    assert response.status_code == 404


# Templates and settings ---------------------------------------------------------------------------------------------


def test_a_template_fills_the_answer_with_the_inquiry_and_product(owner_client, seller):
    from tests.catalog.factories import complete_product

    product = complete_product(seller=seller, title="Jute Shopping Bag")
    inquiry = receive(seller, custom_code=str(product.public_id), buyer_name="Hannah Becker", quantity=6000)
    owner_client.post(
        "/dashboard/inquiries/templates/",
        {"name": "Price", "body": "Dear {buyer_name}, our {product}: {price} for {quantity}; MOQ {moq}. {unknown}"},
    )
    template = ReplyTemplate.objects.get(seller=seller)

    response = owner_client.get(f"/dashboard/inquiries/{inquiry.public_id}/?template={template.public_id}")

    assert response.context["reply_form"].initial["content"] == (
        "Dear Hannah Becker, our Jute Shopping Bag: US$1.90 for 6000 piece; MOQ 500 piece. {unknown}"
    )


def test_templates_are_edited_and_deleted(owner_client, seller):
    owner_client.post("/dashboard/inquiries/templates/", {"name": "Samples", "body": "Free samples."})
    template = ReplyTemplate.objects.get(seller=seller)

    owner_client.post(f"/dashboard/inquiries/templates/{template.public_id}/", {"name": "Samples", "body": "Paid."})
    template.refresh_from_db()
    assert template.body == "Paid."
    duplicate = owner_client.post("/dashboard/inquiries/templates/", {"name": "Samples", "body": "Again"})
    assert duplicate.status_code == 400 and "name" in duplicate.context["form"].errors

    owner_client.post(f"/dashboard/inquiries/templates/{template.public_id}/delete/")
    assert not ReplyTemplate.objects.exists()


def test_the_working_week_holidays_and_email_choices_are_saved(owner_client, seller, owner):
    owner_client.post(
        "/dashboard/inquiries/settings/",
        {"action": "week", "day_starts_at": "10:00", "day_ends_at": "19:00", "off_days": ["4", "5"]},
    )
    owner_client.post("/dashboard/inquiries/settings/", {"action": "holiday", "date": "2026-12-16", "name": "Victory"})
    owner_client.post("/dashboard/inquiries/settings/", {"action": "notify", "daily_digest_email": "on"})

    week = seller.working_week
    assert (week.day_starts_at.hour, week.day_ends_at.hour, week.off_days) == (10, 19, [4, 5])
    assert Holiday.objects.get(seller=seller).name == "Victory"
    choices = NotificationSettings.objects.get(user=owner)
    assert (choices.new_inquiry_email, choices.daily_digest_email) == (False, True)

    response = owner_client.post("/dashboard/inquiries/settings/holidays/2026-12-16/remove/")
    assert response.status_code == 302 and not Holiday.objects.exists()


def test_a_week_without_working_days_is_refused_on_the_form(owner_client, seller):
    response = owner_client.post(
        "/dashboard/inquiries/settings/",
        {"action": "week", "day_starts_at": "09:00", "day_ends_at": "18:00", "off_days": [str(d) for d in range(7)]},
    )
    assert response.status_code == 400
    assert "off_days" in response.context["week_form"].errors


def test_the_figures_page_draws_its_chart_without_any_outside_file(owner_client, seller):
    answered = receive(seller, country="DE", created_at=timezone.now() - timedelta(hours=2))
    services.inquiry_reply(inquiry=answered, actor=None, content="Thanks")
    receive(seller, country="IN")

    response = owner_client.get("/dashboard/inquiries/figures/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<svg class="chart"' in html and html.count('class="answered"') == 30
    assert "http://" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "Germany" in html and "India" in html
    figures = response.context["figures"]
    assert (figures.received, figures.counted, figures.answered_in_time, figures.waiting) == (2, 1, 1, 1)


# Nobody else --------------------------------------------------------------------------------------------------------


def _urls(inquiry, attachment, message, template):
    base = f"/dashboard/inquiries/{inquiry.public_id}"
    return [
        ("get", f"{base}/"),
        ("post", f"{base}/reply/"),
        ("post", f"{base}/quote/"),
        ("post", f"{base}/mark/"),
        ("post", f"{base}/not-spam/"),
        ("post", f"{base}/messages/{message.public_id}/retry/"),
        ("get", f"{base}/files/{attachment.public_id}/"),
        ("get", f"/dashboard/inquiries/templates/{template.public_id}/"),
        ("post", f"/dashboard/inquiries/templates/{template.public_id}/delete/"),
    ]


@pytest.fixture
def everything(seller, inquiry):
    attachment = stored_file(inquiry, pdf_bytes())
    message = services.inquiry_reply(inquiry=inquiry, actor=None, content="Hello")
    services.inquiry_reply_failed(message=message, reason="refused")
    template = services.reply_template_save(seller=seller, name="Hi", body="Hello {buyer_name}")
    Holiday.objects.create(seller=seller, date=timezone.now().date())
    return inquiry, attachment, message, template


def test_another_sellers_user_gets_404_on_every_url_and_file(client, other_seller_user, everything):
    inquiry, attachment, message, template = everything
    client.force_login(other_seller_user)

    for method, url in _urls(*everything):
        response = getattr(client, method)(url, {"content": "Hijack", "status": "spam"} if method == "post" else None)
        assert response.status_code == 404, (method, url)
    response = client.post(f"/dashboard/inquiries/settings/holidays/{timezone.now().date().isoformat()}/remove/")
    assert response.status_code == 404
    assert "Buyer" not in client.get("/dashboard/inquiries/").content.decode()

    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.REPLIED
    assert Message.objects.filter(inquiry=inquiry, sender="seller").count() == 1
    assert ReplyTemplate.objects.exists() and Holiday.objects.exists()


def test_read_only_staff_get_no_dashboard_and_no_reply_anywhere(client, support_user, everything):
    inquiry, attachment, message, template = everything
    client.force_login(support_user)

    for method, url in _urls(*everything):
        response = getattr(client, method)(url, {"content": "As the seller"} if method == "post" else None)
        assert response.status_code in (302, 404), (method, url)
        # Program staff never use the seller's dashboard: they are sent to the admin.
        assert response.status_code == 404 or response["Location"] == reverse("admin:index"), (method, url)
    admin_page = client.get(reverse("admin:buyers_inquiry_change", args=[inquiry.pk]))

    assert admin_page.status_code == 200
    html = admin_page.content.decode()
    assert "Hello" in html  # staff read the thread
    assert "/reply/" not in html and "/quote/" not in html and 'name="_save"' not in html
    assert Message.objects.filter(inquiry=inquiry, sender="seller").count() == 1


def test_anonymous_visitors_are_sent_to_log_in(client, everything):
    for method, url in _urls(*everything):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    assert Inquiry.objects.get().status == InquiryStatus.REPLIED
