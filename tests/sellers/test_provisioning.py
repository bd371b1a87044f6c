"""Approval → the Alibaba.com supplier account, through the outbox, against the real mock gateway in process."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from alibaba import outbox
from alibaba.client import AlibabaClient, Tokens
from alibaba.mock import MockGateway
from alibaba.models import OutboxAttempt, OutboxJob
from sellers.models import SellerStatus, SupplierAccount
from sellers.services import seller_approve, seller_supplier_account_store
from sellers.services import supplier_tokens_refresh_due as refresh_due_tokens
from tests.sellers.factories import StaffFactory, complete_seller

pytestmark = pytest.mark.django_db


@pytest.fixture
def gateway(use_gateway):
    """The mock gateway in process; every AlibabaClient.from_settings() talks to it through its WSGI transport."""
    gateway = MockGateway(seed=11, rate_limit_per_s=None, access_token_ttl_s=10 * 86400)
    use_gateway(gateway)
    yield gateway
    gateway.close()


@pytest.fixture
def approved(django_capture_on_commit_callbacks):
    seller = complete_seller(status=SellerStatus.SUBMITTED)
    seller_approve(seller=seller, actor=StaffFactory(), reason="All verified.")
    return seller


def _job(seller):
    return OutboxJob.objects.get(kind="supplier.provision", target=str(seller.pk))


def _run(job):
    """Let the job's backoff pass, then run it once as a worker would."""
    OutboxJob.objects.filter(pk=job.pk).update(next_attempt_at=timezone.now())
    return outbox.process(job.pk)


def test_approval_queues_the_provisioning_in_its_own_transaction(approved):
    job = _job(approved)
    assert job.status == OutboxJob.Status.PENDING
    approved.refresh_from_db()
    assert approved.status == SellerStatus.APPROVED


def test_the_supplier_account_is_created_and_the_seller_becomes_active(
    gateway, approved, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        attempt = _run(_job(approved))

    assert attempt.outcome == OutboxAttempt.Outcome.OK
    approved.refresh_from_db()
    assert approved.status == SellerStatus.ACTIVE
    account = SupplierAccount.objects.get(seller=approved)
    suppliers = gateway.state()["suppliers"]
    assert [s["seller_ref"] for s in suppliers] == [str(approved.public_id)]
    assert account.supplier_id == str(suppliers[0]["supplier_id"])
    assert account.access_token and account.access_expires_at > timezone.now() + datetime.timedelta(days=9)
    with connection.cursor() as cursor:
        cursor.execute("SELECT access_token, refresh_token FROM sellers_supplieraccount WHERE id = %s", [account.pk])
        raw_access, raw_refresh = cursor.fetchone()
    assert account.access_token not in raw_access and account.refresh_token not in raw_refresh  # encrypted at rest
    assert approved.events.filter(from_status="approved", to_status="active").exists()
    assert any("supplier account is ready" in mail.subject for mail in mailoutbox)


def test_isp_errors_then_a_ban_then_recovery_create_the_account_exactly_once(gateway, approved):
    job = _job(approved)

    gateway.configure(isp_error_rate=1.0)
    assert _run(job).outcome == OutboxAttempt.Outcome.TRANSIENT
    assert _run(job).outcome == OutboxAttempt.Outcome.TRANSIENT

    # The gateway bans our app key: the engine waits the ban out instead of failing the job.
    gateway.configure(isp_error_rate=0.0, rate_limit_per_s=0.001, rate_limit_burst=1, ban_seconds=1)
    with AlibabaClient.from_settings() as client:
        client.category_get(0)  # uses the only token of the bucket
    assert _run(job).outcome == OutboxAttempt.Outcome.RATE_LIMITED
    job.refresh_from_db()
    assert job.status == OutboxJob.Status.PENDING and job.next_attempt_at > timezone.now()

    # An answer lost after the gateway created the account: the retry finds the same account.
    gateway.configure(rate_limit_per_s=None, timeout_rate=1.0)
    assert _run(job).outcome == OutboxAttempt.Outcome.TIMEOUT
    approved.refresh_from_db()
    assert approved.status == SellerStatus.APPROVED and not SupplierAccount.objects.exists()

    gateway.configure(timeout_rate=0.0)
    assert _run(job).outcome == OutboxAttempt.Outcome.OK

    approved.refresh_from_db()
    assert approved.status == SellerStatus.ACTIVE
    assert len(gateway.state()["suppliers"]) == 1
    assert SupplierAccount.objects.count() == 1


def test_a_repeated_job_keeps_the_one_account(gateway, approved):
    _run(_job(approved))
    account = SupplierAccount.objects.get()
    from sellers.provisioning import provision_supplier

    # A duplicate delivery after success: the seller is active, nothing is created again.
    assert provision_supplier(_job(approved)) == {"skipped": "the seller is active"}
    assert len(gateway.state()["suppliers"]) == 1
    assert SupplierAccount.objects.get().supplier_id == account.supplier_id


def test_storing_the_same_account_again_changes_only_the_tokens(approved):
    # The client answers the supplier id as a number; the account keeps it as text.
    later = timezone.now() + datetime.timedelta(days=10)
    first = Tokens("access-1", "refresh-1", later, later, supplier_id=7001)
    seller_supplier_account_store(seller=approved, supplier_id=7001, tokens=first)
    second = Tokens("access-2", "refresh-2", later, later, supplier_id=7001)

    account = seller_supplier_account_store(seller=approved, supplier_id=7001, tokens=second)

    assert (account.supplier_id, account.access_token) == ("7001", "access-2")
    assert SupplierAccount.objects.count() == 1


def test_a_permanent_failure_is_shown_to_staff(gateway, approved, client):
    approved.members.all().delete()  # no contact e-mail: the gateway refuses the call (ISV)
    attempt = _run(_job(approved))

    assert attempt.outcome == OutboxAttempt.Outcome.REJECTED
    approved.refresh_from_db()
    assert approved.status == SellerStatus.APPROVED
    assert "could not be created" in approved.provisioning_error
    assert "contact_email" in approved.provisioning_error
    client.force_login(StaffFactory(is_superuser=True))
    page = client.get(f"/admin/sellers/seller/{approved.pk}/change/").content.decode()
    assert "could not be created" in page


def test_re_approving_a_seller_that_has_an_account_makes_it_active_at_once(gateway, approved):
    _run(_job(approved))
    approved.refresh_from_db()
    # Its licence expired, it uploaded the renewal and was approved again.
    from sellers.services import seller_transition

    seller_transition(seller=approved, to=SellerStatus.ACTION_NEEDED)
    seller_transition(seller=approved, to=SellerStatus.SUBMITTED)
    seller = seller_approve(seller=approved, actor=StaffFactory())

    assert seller.status == SellerStatus.ACTIVE
    assert len(gateway.state()["suppliers"]) == 1


def test_tokens_are_refreshed_before_they_expire(gateway, approved):
    _run(_job(approved))
    account = SupplierAccount.objects.get()
    old_token = account.access_token
    SupplierAccount.objects.filter(pk=account.pk).update(access_expires_at=timezone.now() + datetime.timedelta(days=1))

    assert refresh_due_tokens() == {"refreshed": 1, "failed": 0, "deferred": 0}

    account.refresh_from_db()
    assert account.access_token != old_token
    assert account.access_expires_at > timezone.now() + datetime.timedelta(days=9)
    with AlibabaClient.from_settings() as client:  # the new token works on the gateway
        client.product_list(account.access_token)
    assert refresh_due_tokens() == {"refreshed": 0, "failed": 0, "deferred": 0}  # not due any more


def test_a_refresh_during_gateway_trouble_is_deferred_and_a_dead_refresh_token_is_recorded(gateway, approved):
    _run(_job(approved))
    account = SupplierAccount.objects.get()
    SupplierAccount.objects.filter(pk=account.pk).update(access_expires_at=timezone.now() + datetime.timedelta(hours=1))

    gateway.configure(isp_error_rate=1.0)
    assert refresh_due_tokens()["deferred"] == 1

    gateway.configure(isp_error_rate=0.0, clock_offset_s=61 * 86400)  # the refresh token has expired too
    assert refresh_due_tokens()["failed"] == 1
    account.refresh_from_db()
    assert "refresh_token" in account.token_error
