"""E-mails (dxports.mail): in the recipient's language, after commit, retried when the server fails, never twice."""

import smtplib
from datetime import timedelta

import pytest
import time_machine
from django.core import mail as django_mail
from django.db import transaction
from django.utils import timezone

from dxports import mail
from dxports.models import OutgoingEmail
from tests.sellers.factories import OwnerFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=False)

TEMPLATE = "sellers/email/submitted"


@pytest.fixture
def seller():
    return OwnerFactory(seller__legal_name="Rupsha Jute Crafts Ltd.").seller


def test_each_recipient_reads_it_in_their_language(seller, django_capture_on_commit_callbacks):
    english, bengali = UserFactory(language=""), UserFactory(language="bn")
    with django_capture_on_commit_callbacks(execute=True):
        mail.send_to_users([english, bengali], TEMPLATE, {"seller": seller})

    subjects = {message.to[0]: message.subject for message in django_mail.outbox}
    assert subjects[english.email] == "Rupsha Jute Crafts Ltd.: submitted for review"
    assert subjects[bengali.email] == "Rupsha Jute Crafts Ltd.: পর্যালোচনার জন্য জমা দেওয়া হয়েছে"
    assert OutgoingEmail.objects.filter(status=OutgoingEmail.Status.SENT).count() == 2


def test_nothing_is_sent_when_the_change_rolls_back(seller, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        mail.send("someone@example.com", TEMPLATE, {"seller": seller})
        raise RuntimeError("the change failed")
    assert django_mail.outbox == []
    assert not OutgoingEmail.objects.exists()


def test_the_same_key_is_mailed_once(seller, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = mail.send("someone@example.com", TEMPLATE, {"seller": seller}, key="submitted:1")
        second = mail.send("someone@example.com", TEMPLATE, {"seller": seller}, key="submitted:1")
    assert first.pk == second.pk
    assert len(django_mail.outbox) == 1
    assert mail.send_due() == 0


def test_a_failing_mail_server_is_retried_with_backoff_then_given_up(
    seller, monkeypatch, django_capture_on_commit_callbacks
):
    def down(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", down)
    with django_capture_on_commit_callbacks(execute=True):
        row = mail.send("someone@example.com", TEMPLATE, {"seller": seller})
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutgoingEmail.Status.PENDING, 1)
    assert "SMTPServerDisconnected" in row.last_error
    assert mail.send_due() == 0  # not due yet: it waits out its backoff

    now = timezone.now()
    for attempt in range(2, mail.MAX_ATTEMPTS + 1):
        now += timedelta(hours=3)
        with time_machine.travel(now, tick=False):
            assert mail.send_due() == 0
        row.refresh_from_db()
        assert row.attempts == attempt
    assert row.status == OutgoingEmail.Status.FAILED


def test_a_mail_server_back_up_gets_the_waiting_mail_once(seller, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        lambda self, messages: (_ for _ in ()).throw(OSError("down")),
    )
    with django_capture_on_commit_callbacks(execute=True):
        row = mail.send("someone@example.com", TEMPLATE, {"seller": seller})
    monkeypatch.undo()

    with time_machine.travel(timezone.now() + timedelta(minutes=5), tick=False):
        assert mail.send_due() == 1
        assert mail.send_due() == 0
        assert mail.deliver(row.pk) is False
    assert len(django_mail.outbox) == 1


def test_muted_mail_is_not_queued(seller):
    with mail.muted():
        assert mail.send("someone@example.com", TEMPLATE, {"seller": seller}) is None
    assert not OutgoingEmail.objects.exists()
