"""The ``supplier.provision`` outbox kind: create the approved seller's Alibaba.com supplier account.

``seller_approve`` enqueues the job in the approval's transaction; the outbox engine (alibaba/outbox.py) calls
``provision_supplier`` outside any transaction, retries transient gateway errors with backoff and hands permanent
ones to ``provisioning_failed``, which shows them to staff on the seller in admin.

Safe to repeat: the gateway's supplier/create is idempotent by ``seller_ref`` (our seller's public id) and answers a
fresh authorization code each time, so a run that died after creating the account but before storing the tokens
simply creates (finds) it again.
"""

import logging

from django.utils import timezone

logger = logging.getLogger("dxports.sellers")

KIND = "supplier.provision"


def register():
    from alibaba import outbox

    outbox.register(KIND, provision_supplier, on_failure=provisioning_failed)


def provision_supplier(job):
    from alibaba.client import AlibabaClient
    from sellers import services
    from sellers.models import PROVISIONED_STATES, MemberRole, Seller, SellerStatus, SupplierAccount

    seller = Seller.objects.filter(pk=job.target).first()
    if seller is None:
        return {"skipped": "the seller no longer exists"}
    has_account = SupplierAccount.objects.filter(seller=seller).exists()
    if seller.status not in PROVISIONED_STATES or (has_account and seller.status != SellerStatus.APPROVED):
        # Already done (a duplicate delivery), or the seller was never approved: nothing to create.
        return {"skipped": f"the seller is {seller.status}"}
    owner = seller.members.select_related("user").filter(role=MemberRole.OWNER).first()
    with AlibabaClient.from_settings() as client:
        account = client.supplier_create(
            seller_ref=str(seller.public_id),
            company_name=seller.legal_name[:128],
            contact_email=owner.user.email if owner else "",
            country="BD",
        )
        tokens = client.token_create(account.code)
    services.seller_supplier_account_store(seller=seller, supplier_id=account.supplier_id, tokens=tokens)
    return {"supplier_id": account.supplier_id}


def provisioning_failed(job, error):
    from sellers import services
    from sellers.models import Seller

    seller = Seller.objects.filter(pk=job.target).first()
    if seller is None:
        return
    message = getattr(error, "message", "") or str(error) or job.last_error_message
    services.seller_provisioning_failed(
        seller=seller, message=f"The Alibaba.com supplier account could not be created: {message}"
    )


def refresh_due_tokens(*, now=None):
    """Refresh every access token that expires within two days (beat, hourly). A transient failure is left for
    the next run (there are two days of margin); a refused refresh token is recorded for staff. Returns counts."""
    from alibaba.client import AlibabaClient
    from alibaba.errors import PermanentError, TokenExpired, TransientError
    from sellers import selectors, services

    now = now or timezone.now()
    counts = {"refreshed": 0, "failed": 0, "deferred": 0}
    accounts = list(selectors.supplier_accounts_due_for_refresh(now=now))
    if not accounts:
        return counts
    with AlibabaClient.from_settings() as client:
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
                services.seller_supplier_token_failed(account=account, message=str(error))
                counts["failed"] += 1
                continue
            services.seller_supplier_tokens_store(account=account, tokens=tokens)
            counts["refreshed"] += 1
    return counts


def refresh_access_token(*, account, client, used_token=None):
    """A working access token for ``account`` now that the gateway refused ``used_token`` (``IllegalAccessToken``):
    the one another worker stored meanwhile, else a refreshed one (stored). A refresh the gateway refuses means the
    seller must authorize again: recorded for staff and raised as ``ConfigurationError``, so the job stops instead
    of retrying. Returns the account with the token."""
    from alibaba.errors import ConfigurationError, PermanentError, TokenExpired
    from sellers import services
    from sellers.models import SupplierAccount

    account = SupplierAccount.objects.get(pk=account.pk)
    if used_token is not None and account.access_token != used_token and not account.token_error:
        return account
    try:
        tokens = client.token_refresh(account.refresh_token)
    except (TokenExpired, PermanentError) as error:
        services.seller_supplier_token_failed(account=account, message=str(error))
        raise ConfigurationError(
            "AuthorizationExpired",
            f"The Alibaba.com authorization of supplier {account.supplier_id} could not be refreshed: {error.message}",
        ) from error
    return services.seller_supplier_tokens_store(account=account, tokens=tokens)
