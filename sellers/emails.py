"""E-mails to a seller's team, from templates/sellers/email/, each in its recipient's language (``dxports.mail``).

Queued in the transaction that caused them and sent after it commits, so a rolled-back decision never reaches
anyone; a mail server that fails is retried by beat."""

from dxports import mail
from dxports.mail import muted, site_url
from dxports.models import User

__all__ = ["key_of", "muted", "send_to_address", "send_to_seller", "site_url"]


def send_to_seller(seller_id, template, *, key=None, **context):
    """E-mail every member of the seller (owner first), each in their language. ``key`` (per decision: ``key_of``)
    makes it go out once to each of them, however often the caller runs."""
    from sellers.models import Seller

    seller = Seller.objects.get(pk=seller_id)
    members = seller.members.select_related("user").order_by("role", "created_at")
    mail.send_to_users(
        [member.user for member in members], f"sellers/email/{template}", {"seller": seller, **context}, key=key
    )


def key_of(event):
    """The e-mail key of a decision: its audit row."""
    return f"seller-event:{event.pk}"


def send_to_address(email, template, *, sender=None, **context):
    """E-mail an address that may have no account yet (an invitation): in the language of the account it belongs
    to when that person chose one, else in the language of ``sender`` (the user who caused it: a colleague is
    likely to read theirs), else in the site's."""
    recipient = User.objects.filter(email__iexact=email).exclude(language="").first()
    language = mail.language_of(recipient or sender) if (recipient or sender) else None
    mail.send(email, f"sellers/email/{template}", context, language=language)
