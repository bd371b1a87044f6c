"""Every staff role × every admin list, page and action, allowed or refused, walked from the admin's registry: a new
admin page or action fails here until its row below says who may use it (buyers' and partners' admins included,
the day they are registered). No role acts as a seller: no role holds a permission that is not a read or one of the
staff's own decisions, no admin action is a seller's act, and the seller's dashboard refuses staff accounts."""

import pytest
from allauth.account.models import EmailAddress
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.test import RequestFactory
from django.urls import reverse

from alibaba import outbox
from alibaba.models import InboundPush, OutboxAttempt
from buyers.models import Message
from catalog.services import reconciliation_record
from dxports.models import Event
from dxports.roles import PROGRAM_MANAGERS, REVIEWERS, ROLES, SUPPORT
from partners import services as partner_services
from partners.models import WebhookDelivery, WebhookEndpoint
from sellers import services
from sellers.models import SupplierAccount
from tests.brand.support import complete_profile
from tests.buyers.support import receive
from tests.catalog.factories import complete_product
from tests.partners.support import grant, issue_key
from tests.sellers.factories import StaffFactory, UserFactory, complete_seller

pytestmark = pytest.mark.django_db

R, S, M = REVIEWERS, SUPPORT, PROGRAM_MANAGERS
EVERYONE = {R, S, M}
SUPERUSER = "superuser"

# Who may read each admin's list and its rows' pages (a superuser may everything).
READ = {
    "auth.group": set(),
    "dxports.user": set(),
    "account.emailaddress": set(),
    "axes.accessattempt": set(),
    "axes.accesslog": set(),
    "axes.accessfailurelog": set(),
    "dxports.programfigures": {M},
    "sellers.seller": EVERYONE,
    "sellers.sellerevent": EVERYONE,
    "sellers.supplieraccount": EVERYONE,
    "sellers.sector": EVERYONE,
    "brand.companyprofile": EVERYONE,
    "brand.certificate": EVERYONE,
    "catalog.category": EVERYONE,
    "catalog.product": EVERYONE,
    "catalog.reconciliationrun": EVERYONE,
    "catalog.reconciliationfinding": EVERYONE,
    "buyers.inquiry": EVERYONE,
    "buyers.message": EVERYONE,
    "buyers.buyer": EVERYONE,
    "partners.partner": set(),
    "partners.apikey": set(),
    "partners.sellergrant": set(),
    "partners.webhookendpoint": set(),
    "partners.webhookdelivery": set(),
    "alibaba.outboxjob": EVERYONE,
    "alibaba.outboxattempt": EVERYONE,
    "alibaba.inboundpush": EVERYONE,
}
# Who may run each action of each admin; an admin's "delete selected" is for the superuser wherever the admin deletes.
ACTIONS = {
    ("sellers.seller", "start_review"): {R},
    ("sellers.seller", "approve"): {R},
    ("sellers.seller", "reject"): {R},
    ("sellers.seller", "suspend"): {R},
    ("sellers.seller", "reinstate"): {R},
    ("brand.companyprofile", "block"): {R},
    ("brand.companyprofile", "unblock"): {R},
    ("brand.companyprofile", "send_again"): {R},
    ("brand.certificate", "verify"): {R},
    ("brand.certificate", "refuse"): {R},
    ("brand.certificate", "unverify"): {R},
    ("catalog.product", "block"): {R},
    ("catalog.product", "unblock"): {R},
    ("catalog.product", "retry_sync"): {R},
    ("buyers.inquiry", "mark_spam"): {R},
    ("buyers.inquiry", "clear_spam"): {R},
    ("partners.apikey", "revoke"): set(),
    ("partners.apikey", "rotate"): set(),
    ("partners.webhookendpoint", "enable"): set(),
    ("partners.webhookendpoint", "disable"): set(),
    ("partners.webhookdelivery", "redeliver"): set(),
    ("alibaba.outboxjob", "retry_now"): {R},
    ("alibaba.inboundpush", "process_again"): {R},
    ("account.emailaddress", "make_verified"): set(),
    ("axes.accessattempt", "cleanup_expired_attempts"): set(),
}
# Rows only a superuser adds or edits in the admin; every other row changes through a service.
EDITED_BY_SUPERUSER = {
    "auth.group",
    "dxports.user",
    "sellers.sector",
    "account.emailaddress",
    "partners.partner",
    "partners.apikey",
}
# What the roles may do besides reading: the staff's own decisions. A seller's acts (publishing, replying to a
# buyer, quoting) are no permission at all.
DECISIONS = {
    "sellers.decide_seller",
    "brand.moderate_companyprofile",
    "catalog.moderate_product",
    "buyers.handle_spam",
    "alibaba.change_outboxjob",
    "alibaba.change_inboundpush",
}
SELLER_ACTS = ("publish", "delist", "reply", "quote", "submit", "invite", "upload")
# An admin whose page is not a row's: its list is the page.
PAGES_WITHOUT_ROWS = {"dxports.programfigures"}


def _label(model):
    return model._meta.label_lower


@pytest.fixture
def program(settings, tmp_path):
    """One row of every model the admin shows."""
    settings.SELLERS_PRIVATE_ROOT = tmp_path / "private"
    settings.BRAND_PRIVATE_ROOT = tmp_path / "private-certificates"
    seller = complete_seller()
    services.seller_submit(seller=seller, actor=seller.members.get().user)
    active = complete_seller(status="active")
    complete_profile(active, active.members.get().user, photos=1)
    SupplierAccount.objects.create(seller=seller, supplier_id="S-1")
    product = complete_product()
    reconciliation_record(
        report={"counts": {"sellers": 1, "missing": 1}, "missing": [{"product": product.pk}]},
        started_at=product.created_at,
    )
    with transaction.atomic():
        job = outbox.enqueue(kind="product.upsert", target=str(product.pk))
    OutboxAttempt.objects.create(job=job, version=1)
    InboundPush.objects.create(event_id="e-1", message_type="product.reviewed")
    settings.BUYERS_PRIVATE_ROOT = tmp_path / "private-inquiries"
    inquiry = receive(active)
    Message.objects.get_or_create(inquiry=inquiry, defaults={"content": "Hello", "sender": "buyer"})
    partner = partner_services.partner_create(name="Dhaka Chamber of Commerce", contact_email="api@dcci.example")
    issue_key(partner)
    grant(partner, active)
    endpoint = WebhookEndpoint.objects.create(partner=partner, url="https://dcci.example/hooks")
    WebhookDelivery.objects.create(endpoint=endpoint, event=Event.objects.first())
    EmailAddress.objects.create(user=seller.members.get().user, email="owner@example.com", verified=True)
    visit = {"user_agent": "test", "ip_address": "127.0.0.1", "username": "x@example.com", "path_info": "/"}
    AccessAttempt.objects.create(**visit, get_data="", post_data="", failures_since_start=1)
    AccessLog.objects.create(**visit)
    AccessFailureLog.objects.create(**visit)
    return seller


def _user(role):
    if role == SUPERUSER:
        return UserFactory(is_staff=True, is_superuser=True)
    return StaffFactory(groups=[role])


def _fingerprint(model, row):
    """The row as it is, and how many rows each admin shows: what an action that ran would have changed."""
    counts = tuple(each._default_manager.count() for each in admin.site._registry if each._meta.managed)
    return model._default_manager.filter(pk=row.pk).values().first(), counts


def _allowed(role, roles):
    return role == SUPERUSER or role in roles


def test_every_registered_admin_and_action_has_its_row():
    registered = {_label(model) for model in admin.site._registry}
    assert registered == set(READ), "say who may read each admin in READ"
    actions = {
        (_label(model), name)
        for model, model_admin in admin.site._registry.items()
        for _func, name, _description in model_admin._get_base_actions()
        if name != "delete_selected"
    }
    assert actions == set(ACTIONS), "say who may run each admin action in ACTIONS"


@pytest.mark.parametrize("role", [*ROLES, SUPERUSER])
def test_each_role_reads_and_acts_only_where_its_row_says(client, program, role):
    user = _user(role)
    client.force_login(user)
    request = RequestFactory().get("/admin/")
    request.user = user
    wrong = []
    for model, model_admin in admin.site._registry.items():
        label = _label(model)
        info = model._meta.app_label, model._meta.model_name
        readable = _allowed(role, READ[label])
        changelist = client.get(reverse("admin:{}_{}_changelist".format(*info)))
        if changelist.status_code != (200 if readable else 403):
            wrong.append((label, "list", changelist.status_code))
        if label not in PAGES_WITHOUT_ROWS:
            row = model._default_manager.first()
            assert row is not None, f"the program fixture has no {label}"
            page = client.get(reverse("admin:{}_{}_change".format(*info), args=[row.pk]))
            if page.status_code != (200 if readable else 403):
                wrong.append((label, "page", page.status_code))
        adds = role == SUPERUSER and label in EDITED_BY_SUPERUSER
        add = client.get(reverse("admin:{}_{}_add".format(*info))) if label not in PAGES_WITHOUT_ROWS else None
        if add is not None and add.status_code != (200 if adds else 403):
            wrong.append((label, "add", add.status_code))

        # Actions are offered on a list the role reads (any other list is refused whole).
        offered = set(model_admin.get_actions(request)) - {"delete_selected"} if readable else set()
        expected = {name for (owner, name), roles in ACTIONS.items() if owner == label and _allowed(role, roles)}
        if offered != expected:
            wrong.append((label, "actions offered", sorted(offered), sorted(expected)))
        if readable and label not in PAGES_WITHOUT_ROWS:
            row = model._default_manager.first()
            before = _fingerprint(model, row)
            for (owner, name), roles in ACTIONS.items():
                if owner != label or _allowed(role, roles):
                    continue
                # A forged post of an action not offered is refused by the admin, and changes nothing.
                response = client.post(
                    reverse("admin:{}_{}_changelist".format(*info)),
                    {"action": name, "_selected_action": [row.pk], "confirm": "1", "reason": "Forged."},
                    follow=True,
                )
                page = response.content.decode()
                if 'name="confirm"' in page or _fingerprint(model, row) != before:
                    wrong.append((label, name, "a forged post ran the action"))
    assert wrong == []


def test_no_role_holds_a_permission_beyond_reading_and_its_decisions():
    beyond = sorted(
        f"{permission.content_type.app_label}.{permission.codename} ({group.name})"
        for group in Group.objects.filter(name__in=ROLES).prefetch_related("permissions__content_type")
        for permission in group.permissions.all()
        if not permission.codename.startswith("view_")
        and f"{permission.content_type.app_label}.{permission.codename}" not in DECISIONS
    )
    assert beyond == []
    assert {group.name for group in Group.objects.filter(name__in=ROLES)} == set(ROLES)


def test_no_admin_action_or_roles_permission_is_a_sellers_act():
    names = [name for model_admin in admin.site._registry.values() for _f, name, _d in model_admin._get_base_actions()]
    held = Permission.objects.filter(group__name__in=ROLES).exclude(codename__startswith="view_")
    codenames = list(held.values_list("codename", flat=True))
    assert [name for name in [*names, *codenames] if any(act in name for act in SELLER_ACTS)] == []


@pytest.mark.parametrize("role", ROLES)
def test_no_role_uses_the_sellers_dashboard(client, role):
    client.force_login(StaffFactory(groups=[role]))

    response = client.get("/dashboard/")
    assert response.status_code == 302 and response["Location"] == "/admin/"
    started = client.post("/dashboard/start/", {"legal_name": "Staff Side Business Ltd."})
    assert started.status_code == 400 and "A program staff account cannot run a business" in started.content.decode()
    assert client.get("/dashboard/products/").status_code == 302
