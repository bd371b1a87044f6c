"""What a seller's team hears about its listings: an e-mail (text and HTML, in each person's language) and a
notification on the dashboard for every decision about a product, listing live, rejected by Alibaba.com (with what
to fix), blocked or unblocked by staff (with the reason), and a sync that failed and needs the seller.

Both come from the product's domain events (``dxports.events``), recorded by the listing's state machine in the
transaction of the decision: the e-mail is queued in that transaction by a subscriber (``dxports.mail`` sends it
after commit and retries it when the mail server fails), keyed by the event, so it goes out once to each person
however often the work that caused it runs. Registered in ``CatalogConfig.ready``.
"""

from __future__ import annotations

from dxports import events, mail, notifications
from dxports.models import Event
from sellers import selectors as sellers_selectors

# Event type → the name of its templates (catalog/email/<name>* and catalog/notifications/<name>.html).
DECISIONS = {
    "product.live": "product_live",
    "product.rejected": "product_rejected",
    "product.blocked": "product_blocked",
    "product.unblocked": "product_unblocked",
    "product.sync_failed": "product_sync_failed",
}


def register() -> None:
    for event_type, name in DECISIONS.items():
        events.subscribe(event_type, email_team)
        notifications.register(event_type, template=f"catalog/notifications/{name}.html")


def email_team(event: Event) -> None:
    """``dxports.events`` subscriber: e-mail the decision ``event`` to every person of the product's seller."""
    if event.seller_id is None:  # a product's event always names its seller
        return
    users = sellers_selectors.users_of_seller(seller=event.seller_id)
    mail.send_to_users(users, f"catalog/email/{DECISIONS[event.type]}", {"event": event}, key=f"event:{event.pk}")
