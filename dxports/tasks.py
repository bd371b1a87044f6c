"""Thin Celery wrappers of the project's shared work (beat entries in dxports/settings.py)."""

from celery import shared_task


@shared_task(acks_late=True)
def mail_send_due() -> int:
    """Every minute: send the e-mails whose first try failed (the mail server was down) or whose sender died."""
    from dxports import mail

    return mail.send_due()
