"""The ``supplier.provision`` outbox kind: create the approved seller's Alibaba.com supplier account.

``seller_approve`` enqueues the job in the approval's transaction; the outbox engine (alibaba/outbox.py) calls
``provision_supplier`` outside any transaction, retries transient gateway errors with backoff and hands permanent
ones to ``provisioning_failed``, which shows them to staff on the seller in admin.

Safe to repeat: the gateway's supplier/create is idempotent by ``seller_ref`` (our seller's public id) and answers a
fresh authorization code each time, so a run that died after creating the account but before storing the tokens
simply creates (finds) it again; within an attempt it is an ``outbox.step`` tried again at once on a transient
error, and the job is marked as having written first, so it is never given up on once the account may exist.
"""

import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from alibaba.outbox import OutboxJob

logger = logging.getLogger("dxports.sellers")

KIND = "supplier.provision"


def register() -> None:
    from alibaba import outbox

    outbox.register(KIND, provision_supplier, on_failure=provisioning_failed)


def provision_supplier(job: "OutboxJob") -> dict[str, Any]:
    from alibaba import outbox
    from alibaba.gateway import shared_client
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
    client = shared_client()
    account = outbox.step(
        job,
        lambda: client.supplier_create(
            seller_ref=str(seller.public_id),
            company_name=seller.legal_name[:128],
            contact_email=owner.user.email if owner else "",
            country="BD",
        ),
        writes=True,
    )
    # An authorization code is exchanged once: repeated only when the gateway shows it never took the first try.
    tokens = outbox.step(job, lambda: client.token_create(account.code), repeatable=False)
    services.seller_supplier_account_store(seller=seller, supplier_id=account.supplier_id, tokens=tokens)
    return {"supplier_id": account.supplier_id}


def provisioning_failed(job: "OutboxJob", error: BaseException) -> None:
    from sellers import services
    from sellers.models import Seller

    seller = Seller.objects.filter(pk=job.target).first()
    if seller is None:
        return
    message = getattr(error, "message", "") or str(error) or job.last_error_message
    services.seller_provisioning_failed(
        seller=seller, message=f"The Alibaba.com supplier account could not be created: {message}"
    )
