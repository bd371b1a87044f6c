"""The seller's Alibaba.com supplier account: storing it and its tokens, and the failures staff must see."""

import logging
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alibaba import outbox
from alibaba.client import AlibabaClient, Tokens
from alibaba.errors import ConfigurationError, PermanentError, TokenExpired, TransientError
from alibaba.gateway import shared_client
from sellers import emails, selectors
from sellers.errors import (
    TeamError,
)
from sellers.models import (
    EventKind,
    Seller,
    SellerEvent,
    SellerStatus,
    SupplierAccount,
)
from sellers.services.common import lock_seller
from sellers.services.milestones import seller_milestone_reached
from sellers.services.onboarding import seller_transition

# The Alibaba.com supplier account -------------------------------------------------------------------------------------

logger = logging.getLogger("dxports.sellers")

T = TypeVar("T")


@transaction.atomic
def seller_supplier_account_store(*, seller: Seller, supplier_id: int, tokens: Tokens) -> SupplierAccount:
    """Record the supplier account created on the gateway and its tokens; an approved seller becomes active.
    Idempotent: storing the same account again changes only the tokens."""
    seller = lock_seller(seller)
    account, created = SupplierAccount.objects.get_or_create(seller=seller, defaults={"supplier_id": supplier_id})
    if not created and account.supplier_id != str(supplier_id):
        raise TeamError(
            f"seller {seller.pk} already has supplier {account.supplier_id}; the gateway answered {supplier_id}"
        )
    _store_tokens(account, tokens)
    if created:
        SellerEvent.record(
            seller=seller, actor=None, kind=EventKind.PROVISIONING, changes={"supplier_id": [None, supplier_id]}
        )
        seller_milestone_reached(seller_id=seller.pk, step="ready_at", at=account.created_at)
    if seller.provisioning_error:
        seller.provisioning_error = ""
        seller.save(update_fields=["provisioning_error", "updated_at"])
    if seller.status == SellerStatus.APPROVED:
        event = seller_transition(
            seller=seller, to=SellerStatus.ACTIVE, reason=_("The Alibaba.com supplier account was created.")
        )
        emails.send_to_seller(event.seller.pk, "active", key=emails.key_of(event), supplier_id=supplier_id)
    return account


def _store_tokens(account: SupplierAccount, tokens: Tokens) -> None:
    account.access_token = tokens.access_token
    account.refresh_token = tokens.refresh_token
    account.access_expires_at = tokens.access_expires_at
    account.refresh_expires_at = tokens.refresh_expires_at
    account.refreshed_at = timezone.now()
    account.token_error = ""
    account.save()


@transaction.atomic
def seller_supplier_tokens_store(*, account: SupplierAccount, tokens: Tokens) -> SupplierAccount:
    account = SupplierAccount.objects.select_for_update().get(pk=account.pk)
    _store_tokens(account, tokens)
    return account


@transaction.atomic
def seller_supplier_token_failed(*, account: SupplierAccount, message: str) -> None:
    message = outbox.storable_text(message)[:2000]
    SupplierAccount.objects.filter(pk=account.pk).update(token_error=message, updated_at=timezone.now())


@transaction.atomic
def seller_provisioning_failed(*, seller: Seller, message: str) -> Seller:
    """A permanent failure to create the supplier account: shown to staff on the seller in admin."""
    message = outbox.storable_text(message)[:2000]  # the gateway's words, stored as they came but for NUL
    seller = lock_seller(seller)
    seller.provisioning_error = message
    seller.save(update_fields=["provisioning_error", "updated_at"])
    SellerEvent.record(seller=seller, actor=None, kind=EventKind.PROVISIONING, reason=message)
    return seller


# Tokens ---------------------------------------------------------------------------------------------------------------


def supplier_tokens_refresh_due(*, now: datetime | None = None) -> dict[str, int]:
    """Refresh every access token that expires within two days (beat, hourly). A transient failure is left for
    the next run (there are two days of margin); a refused refresh token is recorded for staff. Returns counts."""
    now = now or timezone.now()
    counts = {"refreshed": 0, "failed": 0, "deferred": 0}
    accounts = list(selectors.supplier_accounts_due_for_refresh(now=now))
    if not accounts:
        return counts
    client = shared_client()
    for account in accounts:
        try:
            tokens = client.token_refresh(account.refresh_token)
        except TransientError as error:
            logger.warning("token refresh of supplier %s deferred: %s", account.supplier_id, error)
            counts["deferred"] += 1
            if getattr(error, "retry_after", None):
                break  # a ban covers every call: stop here, the next run carries on
            continue
        except (TokenExpired, PermanentError) as error:
            seller_supplier_token_failed(account=account, message=str(error))
            counts["failed"] += 1
            continue
        seller_supplier_tokens_store(account=account, tokens=tokens)
        counts["refreshed"] += 1
    return counts


def supplier_access_token_refresh(
    *, account: SupplierAccount, client: AlibabaClient, used_token: str | None = None
) -> SupplierAccount:
    """A working access token for ``account`` now that the gateway refused ``used_token`` (``IllegalAccessToken``):
    the one another worker stored meanwhile, else a refreshed one (stored). A refresh the gateway refuses means the
    seller must authorize again: recorded for staff and raised as ``ConfigurationError``, so the job stops instead
    of retrying. Returns the account with the token."""
    account = SupplierAccount.objects.get(pk=account.pk)
    if used_token is not None and account.access_token != used_token and not account.token_error:
        return account
    try:
        tokens = client.token_refresh(account.refresh_token)
    except (TokenExpired, PermanentError) as error:
        seller_supplier_token_failed(account=account, message=str(error))
        raise ConfigurationError(
            "AuthorizationExpired",
            f"The Alibaba.com authorization of supplier {account.supplier_id} could not be refreshed: {error.message}",
        ) from error
    return seller_supplier_tokens_store(account=account, tokens=tokens)


class SupplierSession:
    """A seller's session with the gateway, for the domains that call it on the seller's behalf (listings,
    inquiries): the shared client and the seller's supplier account. ``run(call)`` calls ``call()`` and, when the
    gateway says the access token is invalid or expired, refreshes it once (``supplier_access_token_refresh``) and
    calls again; ``call`` must read ``session.token`` anew. ``ConfigurationError("NoSupplierAccount")`` when the
    seller has no supplier account or token yet."""

    def __init__(self, client: AlibabaClient, seller: Seller) -> None:
        self.client = client
        self.seller = seller
        account = SupplierAccount.objects.filter(seller_id=seller.pk).first()
        if account is None or not account.access_token:
            raise ConfigurationError(
                "NoSupplierAccount", f"{seller} has no Alibaba.com supplier account (or no access token) yet"
            )
        self.account = account

    @property
    def supplier_id(self) -> str:
        return self.account.supplier_id

    @property
    def token(self) -> str:
        return self.account.access_token

    def run(self, call: Callable[[], T]) -> T:
        used = self.token
        return outbox.with_token_refresh(call, refresh=lambda: self._refresh(used))

    def _refresh(self, used: str) -> None:
        self.account = supplier_access_token_refresh(account=self.account, client=self.client, used_token=used)
