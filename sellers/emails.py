"""E-mails to a seller's team, from templates/sellers/email/, each in its recipient's language (``dxports.mail``).

Queued in the transaction that caused them and sent after it commits, so a rolled-back decision never reaches
anyone; a mail server that fails is retried by beat."""

from dxports import mail
from dxports.mail import muted, site_url

__all__ = ["muted", "send_to_address", "send_to_seller", "site_url"]


def send_to_seller(seller_id, template, **context):
    """E-mail every member of the seller (owner first), each in their language."""
    from sellers.models import Seller

    seller = Seller.objects.get(pk=seller_id)
    members = seller.members.select_related("user").order_by("role", "created_at")
    mail.send_to_users([member.user for member in members], f"sellers/email/{template}", {"seller": seller, **context})


def send_to_address(email, template, **context):
    """E-mail an address that may have no account yet (an invitation), in the site's language."""
    mail.send(email, f"sellers/email/{template}", context)
