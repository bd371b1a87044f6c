"""The onboarding's decisions reach the seller's team by e-mail (once per decision and person) and in the
dashboard's notifications."""

import pytest
from django.core import mail as sent_mail

from dxports.models import OutgoingEmail
from sellers import services
from sellers.models import SellerStatus
from tests.sellers.factories import StaffFactory, complete_seller

pytestmark = pytest.mark.django_db


def test_a_decision_is_mailed_once_and_listed_among_the_notifications(client, django_capture_on_commit_callbacks):
    seller = complete_seller(status=SellerStatus.SUBMITTED)
    owner = seller.members.get().user
    reason = {"target": "bin", "code": "mismatch", "message": "The BIN differs from your Mushak-2.3."}
    with django_capture_on_commit_callbacks(execute=True):
        services.seller_request_changes(
            seller=seller, actor=StaffFactory(), reasons=[reason], note="Thank you, almost there."
        )

    (message,) = sent_mail.outbox
    assert "The BIN differs from your Mushak-2.3." in message.body
    event = seller.events.get(to_status=SellerStatus.CHANGES_REQUESTED)
    assert OutgoingEmail.objects.get().key == f"seller-event:{event.pk}:{owner.pk}"
    client.force_login(owner)
    page = client.get("/dashboard/notifications/").content.decode()
    assert "The reviewer asked for changes." in page and "Thank you, almost there." in page


def test_reinstatement_and_the_supplier_account_are_told_apart(client):
    seller = complete_seller(status=SellerStatus.ACTIVE)
    reviewer = StaffFactory()
    services.seller_suspend(seller=seller, actor=reviewer, reason="Buyers reported late shipments.")
    services.seller_reinstate(seller=seller, actor=reviewer, reason="The shipments were delivered.")
    client.force_login(seller.members.get().user)

    page = client.get("/dashboard/notifications/").content.decode()

    assert "Your business is suspended." in page and "Buyers reported late shipments." in page
    assert "Your business is active again in the export program." in page
    assert "supplier account is ready" not in page
