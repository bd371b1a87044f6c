"""Every write of the sellers domain: one function per use case, keyword-only, one transaction each.

The seller's status changes only in ``seller_transition``, which locks the row, checks ``models.TRANSITIONS``,
writes the audit row and the new state together. E-mails go out after commit (``sellers.emails``); the gateway is
reached only through the outbox (``supplier.provision``, handled in ``sellers.provisioning``).

Modules by subject: ``onboarding`` (the state machine, the file, submission, decisions, expiry), ``team``
(invitations and members), ``claims`` (sellers created on their owner's behalf by an organisation, and the record of
organisations' access), ``supplier`` (the Alibaba.com supplier account, its tokens, and a seller's session with
the gateway for the domains above it). Callers use this package's names, not its modules.
"""

from sellers.services.claims import (
    seller_access_record,
    seller_account_claim,
    seller_claim_resend,
    seller_create_on_behalf,
    seller_product_deleted_record,
)
from sellers.services.common import seller_checklist
from sellers.services.milestones import seller_milestone_reached
from sellers.services.onboarding import (
    MACHINE,
    seller_approve,
    seller_create,
    seller_document_upload,
    seller_expiry_check,
    seller_reinstate,
    seller_reject,
    seller_request_changes,
    seller_start_review,
    seller_submit,
    seller_suspend,
    seller_transition,
    seller_update_profile,
)
from sellers.services.supplier import (
    SupplierSession,
    seller_provisioning_failed,
    seller_supplier_account_store,
    seller_supplier_token_failed,
    seller_supplier_tokens_store,
    supplier_access_token_refresh,
    supplier_tokens_refresh_due,
)
from sellers.services.team import (
    seller_invitation_accept,
    seller_invitation_revoke,
    seller_invite,
    seller_member_remove,
)

__all__ = [
    "MACHINE",
    "SupplierSession",
    "seller_access_record",
    "seller_account_claim",
    "seller_claim_resend",
    "seller_create_on_behalf",
    "seller_product_deleted_record",
    "seller_approve",
    "seller_checklist",
    "seller_create",
    "seller_document_upload",
    "seller_expiry_check",
    "seller_invitation_accept",
    "seller_invitation_revoke",
    "seller_invite",
    "seller_member_remove",
    "seller_milestone_reached",
    "seller_provisioning_failed",
    "seller_reinstate",
    "seller_reject",
    "seller_request_changes",
    "seller_start_review",
    "seller_submit",
    "seller_supplier_account_store",
    "seller_supplier_token_failed",
    "seller_supplier_tokens_store",
    "seller_suspend",
    "seller_transition",
    "seller_update_profile",
    "supplier_access_token_refresh",
    "supplier_tokens_refresh_due",
]
