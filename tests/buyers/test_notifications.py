"""E-mails about inquiries: the new-inquiry mail to each of the seller's users in their language (unless they turned
it off), reminders after 12 working hours of waiting, the daily digest; each sent once, even with two beats or a
restart in between."""

from datetime import date, datetime, time, timedelta

import pytest
import time_machine

from buyers import notifications, services
from buyers.incoming import IncomingMessage
from buyers.models import Holiday, NotificationSettings
from buyers.workhours import DHAKA
from dxports.models import OutgoingEmail
from tests.buyers.support import receive
from tests.sellers.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

THURSDAY = date(2026, 3, 5)


def at(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=DHAKA)


@pytest.fixture
def team(seller, owner):
    """The owner (English) and a team member who reads Bengali."""
    member = MemberFactory(seller=seller, user=UserFactory(email="rahima@rupsha.example", language="bn")).user
    return owner, member


def test_a_new_inquiry_is_mailed_to_each_user_in_their_language(
    seller, team, mailoutbox, django_capture_on_commit_callbacks
):
    owner, member = team
    with django_capture_on_commit_callbacks(execute=True):
        inquiry = receive(seller, country="DE", buyer_name="Hannah Becker")

    by_address = {mail.to[0]: mail for mail in mailoutbox}
    assert set(by_address) == {owner.email, member.email}
    english, bengali = by_address[owner.email], by_address[member.email]
    assert english.subject == "New inquiry from Hannah Becker (Germany)"
    assert f"/dashboard/inquiries/{inquiry.public_id}/" in english.body
    assert bengali.subject == "Hannah Becker-এর কাছ থেকে নতুন জিজ্ঞাসা (জার্মানি)"


def test_a_user_who_turned_it_off_gets_no_new_inquiry_mail(
    seller, team, mailoutbox, django_capture_on_commit_callbacks
):
    owner, member = team
    services.notification_settings_update(user=member, new_inquiry_email=False, daily_digest_email=True)

    with django_capture_on_commit_callbacks(execute=True):
        receive(seller)

    assert [mail.to[0] for mail in mailoutbox] == [owner.email]


def test_buyer_text_in_the_mail_is_escaped_in_html(seller, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        receive(seller, subject="<img src=x onerror=alert(1)>")

    email = OutgoingEmail.objects.get()
    assert "<img src=x" not in email.html and "&lt;img src=x" in email.html


def test_an_e_mail_whose_task_was_lost_is_sent_by_the_sweep_once(seller, team, monkeypatch):
    from buyers import tasks

    monkeypatch.setattr(tasks.buyers_notify_inquiry, "apply_async", lambda *args, **kwargs: None)  # lost
    with time_machine.travel(at(THURSDAY, 10), tick=False):
        inquiry = receive(seller)
        assert notifications.new_inquiries_redrive() == 0  # its task may still come
    with time_machine.travel(at(THURSDAY, 10, 2), tick=False):
        assert notifications.new_inquiries_redrive() == 1
        assert notifications.new_inquiries_redrive() == 0
        assert notifications.new_inquiry_send(inquiry_id=inquiry.pk) == 0  # the late task finds it done

    assert OutgoingEmail.objects.filter(key__startswith="inquiry-new:").count() == 2  # one per user


# Reminders ----------------------------------------------------------------------------------------------------------


def reminders():
    return OutgoingEmail.objects.filter(key__startswith="inquiry-reminder:")


def test_a_reminder_comes_after_12_working_hours_once(seller, team):
    with time_machine.travel(at(THURSDAY, 17), tick=False):
        inquiry = receive(seller)  # Thursday 17:00: 1 h today, Friday off, 9 h Saturday, 2 h Sunday
    with time_machine.travel(at(THURSDAY + timedelta(days=2), 20), tick=False):
        assert notifications.reminders_send() == 0  # 27 hours, but only 10 working hours
    with time_machine.travel(at(THURSDAY + timedelta(days=3), 11, 1), tick=False):
        assert notifications.reminders_send() == 1
        assert notifications.reminders_send() == 0  # the next beat, or a second beat process

    assert reminders().count() == 2  # one per user
    assert {email.language for email in reminders()} == {"en", "bn"}
    inquiry.refresh_from_db()
    assert inquiry.reminder_sent_for == inquiry.awaiting_reply_since


def test_a_holiday_moves_the_reminder_a_day_later(seller, owner):
    Holiday.objects.create(seller=seller, date=THURSDAY + timedelta(days=2), name="Shab-e-Barat")
    with time_machine.travel(at(THURSDAY, 17), tick=False):
        receive(seller)
    with time_machine.travel(at(THURSDAY + timedelta(days=3), 11, 1), tick=False):
        assert notifications.reminders_send() == 0
    with time_machine.travel(at(THURSDAY + timedelta(days=4), 11, 1), tick=False):
        assert notifications.reminders_send() == 1


def test_a_restart_between_the_claim_and_the_next_run_sends_nothing_twice(seller, owner):
    with time_machine.travel(at(THURSDAY, 9), tick=False):
        inquiry = receive(seller)
    with time_machine.travel(at(THURSDAY + timedelta(days=2), 13), tick=False):
        # Two beat processes find the same inquiry due; each tries to remind of it.
        first = notifications._remind(inquiry, now=at(THURSDAY + timedelta(days=2), 13))
        second = notifications._remind(inquiry, now=at(THURSDAY + timedelta(days=2), 13))
        assert notifications.reminders_send() == 0

    assert (first, second) == (True, False)
    assert reminders().count() == 1


def test_an_answered_inquiry_is_not_reminded_of_and_a_new_wait_gets_its_own_reminder(seller, owner):
    with time_machine.travel(at(THURSDAY, 9), tick=False):
        inquiry = receive(seller)
    with time_machine.travel(at(THURSDAY, 10), tick=False):
        services.inquiry_reply(inquiry=inquiry, actor=owner, content="Thanks")
    with time_machine.travel(at(THURSDAY + timedelta(days=3), 9), tick=False):
        assert notifications.reminders_send() == 0
        message = IncomingMessage(message_id=77, sender="buyer", content="And the price?", attachments=(),
                                  created_at=None)  # fmt: skip
        services.inquiry_messages_receive(
            seller_id=seller.pk, gateway_inquiry_id=inquiry.gateway_inquiry_id, messages=(message,)
        )
    with time_machine.travel(at(THURSDAY + timedelta(days=4), 13), tick=False):
        assert notifications.reminders_send() == 1


# The daily digest ---------------------------------------------------------------------------------------------------


def digests():
    return OutgoingEmail.objects.filter(key__startswith="inquiry-digest:")


def test_the_daily_digest_goes_once_a_day_after_eight(seller, team):
    owner, member = team
    services.notification_settings_update(user=owner, new_inquiry_email=True, daily_digest_email=False)
    with time_machine.travel(at(THURSDAY, 6), tick=False):
        receive(seller)
        receive(seller)
        assert notifications.digests_send() == 0  # before eight
    with time_machine.travel(at(THURSDAY, 8, 30), tick=False):
        assert notifications.digests_send() == 1
    with time_machine.travel(at(THURSDAY, 9, 30), tick=False):
        notifications.digests_send()  # the next run, or another beat: nothing new

    (digest,) = digests()
    assert digest.to == member.email and digest.language == "bn"
    with time_machine.travel(at(THURSDAY + timedelta(days=1), 8, 5), tick=False):
        notifications.digests_send()
    assert digests().count() == 2  # the next day's


def test_a_seller_without_news_gets_no_digest(seller, owner):
    with time_machine.travel(at(THURSDAY, 9), tick=False):
        assert notifications.digests_send() == 0
    assert not digests().exists()
    assert not NotificationSettings.objects.exists()
