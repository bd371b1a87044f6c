"""E-mails to a seller's team: plain text and HTML, rendered from templates/sellers/email/, in the site language.

Sent after the transaction that caused them commits, so a rolled-back decision never reaches anyone."""

import contextlib
import contextvars
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger("dxports.sellers.emails")

_muted = contextvars.ContextVar("sellers_emails_muted", default=False)


@contextlib.contextmanager
def muted():
    """No e-mails for what happens inside (demo data: its addresses are not real)."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def site_url(path):
    return settings.SELLERS_SITE_URL.rstrip("/") + path


def _send(template, recipients, context):
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        context = {"site_url": settings.SELLERS_SITE_URL.rstrip("/"), **context}
        subject = " ".join(render_to_string(f"sellers/email/{template}_subject.txt", context).split())
        text = render_to_string(f"sellers/email/{template}.txt", context)
        html = render_to_string(f"sellers/email/{template}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, recipients)
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except OSError:  # smtplib.SMTPException included
        # Sent after the commit of what caused it: raising would turn a saved decision or invitation into an error
        # page (and a retry that repeats it). The team page still shows a waiting invitation, to send again.
        logger.exception("e-mail %r to %d recipient(s) could not be sent", template, len(recipients))


def send_to_seller(seller_id, template, **context):
    """After commit: e-mail every member of the seller (owner first), re-reading the seller and its reasons."""
    if _muted.get():
        return

    def send():
        from sellers.models import Seller

        seller = Seller.objects.get(pk=seller_id)
        recipients = [m.user.email for m in seller.members.select_related("user").order_by("role", "created_at")]
        _send(template, recipients, {"seller": seller, **context})

    transaction.on_commit(send)


def send_to_address(email, template, **context):
    if _muted.get():
        return
    transaction.on_commit(lambda: _send(template, [email], context))
