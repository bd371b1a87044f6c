"""The program figures page: checked against values worked out by hand on a small program whose every step happened
on a known day, its filters, its exports, its fixed number of queries, and who may read it."""

import csv
import io
from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone, translation
from openpyxl import load_workbook

from alibaba.client import Tokens
from alibaba.models import OutboxJob
from buyers import services as buyers_services
from catalog import services as catalog_services
from catalog.models import Product, ProductStatus
from dxports.figures import Scope, figures
from sellers import services
from sellers.models import ReviewDecision, SellerMilestones, SellerStatus
from tests.buyers.support import receive
from tests.catalog.factories import CategoryFactory, LeafFactory, complete_product
from tests.sellers.factories import StaffFactory, complete_seller

pytestmark = pytest.mark.django_db

PAGE = "/admin/dxports/programfigures/"
RANGE = {"date_from": "2026-03-01", "date_to": "2026-03-31"}
S = SellerStatus
P = ProductStatus


@pytest.fixture(autouse=True)
def _english():
    """The figures are read in English here, whatever language an earlier request left active."""
    with translation.override("en"):
        yield


@pytest.fixture
def manager(db):
    return StaffFactory(groups=["Program managers"])


@pytest.fixture
def program(time_machine, settings, tmp_path):
    """Four sellers and their steps, on known days (Dhaka time, noon):

    - Abdul (Khulna, signed up Mon 2 March): submitted 3 March, approved 5 March (2 days), supplier account 6 March,
      a listing live 10 March, another rejected by Alibaba.com 12 March, a third whose sync failed; an inquiry from
      Germany about the live listing 15 March, answered three hours later, another from the USA 18 March, waiting;
    - Bilkis (Khulna, signed up Wed 4 March): submitted 4 March, changes requested 5 March (1 day: the BIN),
      submitted again 6 March, rejected 9 March (3 days);
    - Chandan (Dhaka, signed up Tue 10 March): submitted 11 March, still waiting on 20 March (9 days);
    - Dipa (Dhaka, signed up Thu 12 March): a draft.

    The figures are read on Fri 20 March.
    """
    settings.SELLERS_PRIVATE_ROOT = tmp_path / "private"
    reviewer = StaffFactory(groups=["Reviewers"])

    def at(day):
        time_machine.move_to(f"2026-03-{day:02d} 12:00+06:00", tick=False)

    at(2)
    abdul = complete_seller(legal_name="Abdul Jute Ltd.")
    at(4)
    bilkis = complete_seller(legal_name="Bilkis Kantha Ltd.")
    services.seller_submit(seller=bilkis, actor=bilkis.members.get().user)
    at(3)
    services.seller_submit(seller=abdul, actor=abdul.members.get().user)
    at(5)
    services.seller_approve(seller=abdul, actor=reviewer)
    services.seller_request_changes(
        seller=bilkis,
        actor=reviewer,
        reasons=[{"target": "bin", "code": "mismatch", "message": "The BIN differs from the certificate."}],
    )
    at(6)
    tokens = Tokens("access", "refresh", timezone.now() + timedelta(days=10), timezone.now() + timedelta(days=60), 1)
    services.seller_supplier_account_store(seller=abdul, supplier_id=1, tokens=tokens)
    services.seller_update_profile(seller=bilkis, actor=bilkis.members.get().user, data={"bin": "0099999999999"})
    services.seller_submit(seller=bilkis, actor=bilkis.members.get().user)
    at(9)
    services.seller_reject(seller=bilkis, actor=reviewer, reason="The licence belongs to another business.")
    at(10)
    chandan = complete_seller(legal_name="Chandan Leather Ltd.", division="dhaka", district="dhaka")
    jute = CategoryFactory(name="Jute & Jute Goods", level=1, is_leaf=False)
    bags = CategoryFactory(name="Jute Bags & Sacks", level=2, is_leaf=False, parent=jute)
    shopping = LeafFactory(name="Jute Shopping Bags", level=3, parent=bags)
    live, rejected, failing = (
        complete_product(seller=abdul, status=status, gateway_product_id=gateway_id, synced_version=1)
        for status, gateway_id in ((P.UNDER_REVIEW, 1), (P.UNDER_REVIEW, 2), (P.PUBLISHING, None))
    )
    Product.objects.filter(pk__in=[live.pk, rejected.pk, failing.pk]).update(category=shopping)
    catalog_services.product_review_record(product=live, gateway_product_id=1, approved=True)
    at(11)
    services.seller_submit(seller=chandan, actor=chandan.members.get().user)
    at(12)
    complete_seller(legal_name="Dipa Ceramics", division="dhaka", district="gazipur")
    catalog_services.product_review_record(
        product=rejected, gateway_product_id=2, approved=False, reason="Price is unrealistic"
    )
    catalog_services.product_sync_failed(product=failing, reason="InvalidParameter: subject must be ASCII.")
    OutboxJob.objects.create(kind="product.upsert", target="999", status=OutboxJob.Status.FAILED)
    at(15)
    settings.BUYERS_PRIVATE_ROOT = tmp_path / "inquiries"
    asked = receive(abdul, country="DE", product_id=1, custom_code=str(live.public_id))
    time_machine.shift(timedelta(hours=3))
    buyers_services.inquiry_reply(inquiry=asked, actor=abdul.members.get().user, content="Yes: US$2.40 FOB.")
    at(18)
    receive(abdul, country="US", product_id=1, custom_code=str(live.public_id))
    at(20)
    return {"jute": jute, "bags": bags}


def _section(sections, key):
    return next(section for section in sections if section.key == key)


def _table(section, title_start):
    return next(table for table in section.tables if str(table.title).startswith(title_start))


def _cells(table):
    return [[str(cell) if cell is not None else None for cell in row] for row in table.rows]


def _scope(**filters):
    today = timezone.localdate()
    return Scope(today.replace(day=1), today.replace(day=31), filters)


def test_the_funnel_by_signup_week_with_its_conversions(program):
    funnel = _section(figures(_scope()), "funnel")

    assert _cells(_table(funnel, "Sellers at each step")) == [
        ["Signed up", "4", "—"],
        ["Submitted", "3", "75%"],
        ["Approved", "1", "33%"],
        ["Supplier account ready", "1", "100%"],
        ["First listing live", "1", "100%"],
        ["First inquiry", "1", "100%"],
        ["First reply", "1", "100%"],
    ]
    weeks = {row[0]: row[1:] for row in _cells(_table(funnel, "By signup week"))}
    assert list(weeks) == ["2026-02-23", "2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23", "2026-03-30"]
    # signed up, submitted (%), approved (%), supplier account (%), first live (%), first inquiry (%), first reply (%)
    assert weeks["2026-03-02"] == ["2", "2", "100%", "1", "50%", "1", "100%", "1", "100%", "1", "100%", "1", "100%"]
    assert weeks["2026-03-09"] == ["2", "1", "50%", "0", "0%", "0", "—", "0", "—", "0", "—", "0", "—"]
    assert weeks["2026-02-23"] == ["0", "0", "—", "0", "—", "0", "—", "0", "—", "0", "—", "0", "—"]


def test_the_review_figures(program):
    review = _section(figures(_scope()), "review")

    waiting = _cells(_table(review, "Submissions waiting"))
    assert [row[:2] for row in waiting] == [
        ["Less than a day", "0"],
        ["1 to 3 days", "0"],
        ["3 to 7 days", "0"],
        ["More than a week", "1"],
    ]
    assert waiting[3][2] == "see them" and review.tables[0].rows[3][2].url.endswith("?waiting=gt7")
    assert _cells(_table(review, "Decisions taken")) == [
        ["Approved", "1"],
        ["Changes requested", "1"],
        ["Rejected", "1"],
    ]
    # From submission to decision: 1, 2 and 3 days; the 90th percentile lies between the last two.
    assert _cells(_table(review, "Time from submission")) == [["Median", "2.0 days"], ["90th percentile", "2.8 days"]]
    rounds = _table(review, "Changes requested before")
    assert _cells(rounds) == [["None", "1"], ["1 round", "1"], ["2 rounds", "0"], ["3 rounds or more", "0"]]
    assert rounds.note == "On average 0.5 rounds per seller."
    assert _cells(_table(review, "Reasons given most often")) == [["BIN: Does not match the documents", "1"]]


def test_the_listing_figures(program):
    catalog = _section(figures(_scope()), "catalog")

    assert _cells(_table(catalog, "Listings live now, by category")) == [["Jute & Jute Goods", "1", "1"]]
    assert _table(catalog, "Listings live now, by category").columns[2] == "Khulna"
    assert _cells(_table(catalog, "Listings live now, by division")) == [["Khulna", "1"]]
    rejected = _table(catalog, "Rejected by Alibaba.com")
    assert _cells(rejected) == [
        ["Rejected by Alibaba.com: Price is unrealistic. Edit the product and publish it again.", "1"]
    ]
    assert rejected.note == "1 rejections in all."
    attention = {link.text: link.url for link in catalog.attention}
    assert attention["1 listings whose sync failed (the seller must act)"].endswith("?sync_attention=failed")
    assert attention["0 listings stuck on their way to Alibaba.com"].endswith("?sync_attention=stuck")


def test_the_buyers_figures(program):
    buyers = _section(figures(_scope()), "buyers")

    assert _cells(_table(buyers, "Inquiries by the buyer's country")) == [
        ["Germany", "1"],
        ["United States of America", "1"],
    ]
    assert _cells(_table(buyers, "Inquiries by category")) == [["Jute & Jute Goods", "2"]]
    # Both count for the rate (one answered, one waiting more than a day); one was answered within it, in 3 hours.
    assert _cells(_table(buyers, "Answers")) == [
        ["Answered within a day", "50%"],
        ["Median time to the first answer", "3.0 hours"],
    ]
    (waiting,) = buyers.attention
    assert waiting.text == "1 sellers have inquiries waiting for an answer" and waiting.url.endswith("?waiting=yes")


def test_the_queues(program):
    queues = _section(figures(_scope()), "queues")

    jobs = {row[0]: row[1:] for row in _cells(_table(queues, "Outbox jobs"))}
    assert jobs["failed (needs a person)"] == ["1", "0", "0", "0", "1"]  # failed 8 days ago
    assert {link.text for link in queues.attention} >= {"1 outbox jobs failed (need a person)", "0 pushes failed"}


def test_the_filters_narrow_every_figure(program):
    dhaka = figures(_scope(division="dhaka"))
    funnel = _cells(_table(_section(dhaka, "funnel"), "Sellers at each step"))
    assert [row[1] for row in funnel] == ["2", "1", "0", "0", "0", "0", "0"]
    assert _cells(_table(_section(dhaka, "review"), "Decisions taken")) == [
        ["Approved", "0"],
        ["Changes requested", "0"],
        ["Rejected", "0"],
    ]
    assert _table(_section(dhaka, "catalog"), "Listings live now, by category").rows == []

    jute = figures(_scope(category=str(program["jute"].pk)))
    assert [row[1] for row in _cells(_table(_section(jute, "funnel"), "Sellers at each step"))][-3:] == ["1"] * 3
    other = CategoryFactory(name="Leather", level=1, is_leaf=False)
    leather = figures(_scope(category=str(other.pk)))
    assert [row[1] for row in _cells(_table(_section(leather, "funnel"), "Sellers at each step"))][-3:] == ["0"] * 3
    assert _cells(_table(_section(figures(_scope(sector="leather")), "funnel"), "Sellers at each step"))[0][1] == "0"
    assert _cells(_table(_section(figures(_scope(sector="jute")), "funnel"), "Sellers at each step"))[0][1] == "4"


def test_the_page_draws_each_chart_beside_its_table_and_exports_them(client, program, manager):
    client.force_login(manager)

    page = client.get(PAGE, RANGE).content.decode()
    assert page.count('<svg class="chart"') >= 8 and "<script" not in page.split('id="content-main"')[1]
    assert "Supplier account ready" in page and "Jute &amp; Jute Goods" in page
    assert "?attention=failed" in page and "sync_attention=failed" in page

    exported = client.get(PAGE, {**RANGE, "division": "khulna", "export": "csv"})
    assert exported["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="program-figures-2026-03-01-2026-03-31.csv"' in exported["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(exported.content.decode())))
    assert ["division", "khulna"] in rows and ["Signed up", "2", "—"] in rows

    workbook = client.get(PAGE, {**RANGE, "export": "xlsx"})
    book = load_workbook(io.BytesIO(workbook.content))
    funnel = book["The funnel"]
    values = [[cell.value for cell in row][:3] for row in funnel.iter_rows()]
    assert ["Signed up", 4, "—"] in values  # numbers stay numbers


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"date_from": "2026-03-31", "date_to": "2026-03-01"}, "The end of the range is before its start."),
        ({"date_from": "2020-01-01", "date_to": "2026-03-01"}, "Choose a range of two years at most."),
        ({"date_from": "yesterday", "date_to": "2026-03-01"}, "Enter a valid date."),
        ({**RANGE, "division": "atlantis"}, "Select a valid choice."),
    ],
)
def test_bad_input_is_named_and_never_a_500(client, manager, data, message):
    client.force_login(manager)

    response = client.get(PAGE, data)

    assert response.status_code == 400 and message in response.content.decode()


def test_a_program_manager_reads_the_figures_and_other_roles_do_not(client, manager):
    client.force_login(manager)
    assert client.get(PAGE).status_code == 200
    for role in ("Reviewers", "Support"):
        client.force_login(StaffFactory(groups=[role]))
        assert client.get(PAGE).status_code == 403
        assert client.get(PAGE, {**RANGE, "export": "csv"}).status_code == 403


@pytest.mark.parametrize("sellers", [1, 12])
def test_the_page_runs_the_same_queries_whatever_the_number_of_sellers(
    client, manager, sellers, time_machine, django_assert_num_queries
):
    time_machine.move_to("2026-03-10 12:00+06:00", tick=False)
    for _ in range(sellers):
        seller = complete_seller(status=S.ACTIVE)
        complete_product(seller=seller, status=P.LIVE)
    time_machine.shift(timedelta(days=1))
    client.force_login(manager)

    # session, user, user and group permissions; the filters' choices (sectors, categories); the funnel (sellers'
    # sign-ups and their milestones, first listing live); review (waiting, decisions and their times, rounds,
    # reasons); company profiles (certifications, jobs, the sectors' names); listings (syncs failed, stuck, the
    # category tree, live by category and division, rejections, their reasons); queues (jobs and pushes by state and
    # age, jobs failed, stuck, overdue; those done and processed); buyers (the funnel's steps, by country, the
    # category tree, by category, answers, sellers waiting); on PostgreSQL, its JIT turned off and on again
    with django_assert_num_queries(35 + 2 * (connection.vendor == "postgresql")):
        response = client.get(PAGE, RANGE)

    assert response.status_code == 200


def test_the_company_profiles_figures(settings, tmp_path):
    from tests.brand.support import add_certificate, complete_profile

    settings.BRAND_PRIVATE_ROOT = tmp_path / "certificates"
    settings.SELLERS_PRIVATE_ROOT = tmp_path / "private"
    khulna = complete_seller(status=S.ACTIVE)  # Khulna, jute
    dhaka = complete_seller(status=S.ACTIVE, division="dhaka", district="dhaka")
    complete_profile(khulna, khulna.members.get().user, photos=1, employees=85)  # an OEKO-TEX certificate
    profile = complete_profile(dhaka, dhaka.members.get().user, photos=1, employees=40)
    add_certificate(profile, dhaka.members.get().user, type="GOTS")

    section = _section(figures(_scope()), "company_profiles")
    assert _cells(_table(section, "Sellers holding each certification")) == [
        ["OEKO-TEX", "2"],
        ["GOTS (Global Organic Textile Standard)", "1"],
    ]
    assert _cells(_table(section, "People employed")) == [
        ["Khulna — Jute and jute goods", "85", "1"],
        ["Dhaka — Jute and jute goods", "40", "1"],
    ]
    dhaka_only = _section(figures(_scope(division="dhaka")), "company_profiles")
    assert _cells(_table(dhaka_only, "People employed")) == [["Dhaka — Jute and jute goods", "40", "1"]]


def _kept():
    milestones = {
        row.seller.legal_name: {step: getattr(row, step) for step in ("signed_up_at", *SellerMilestones.STEPS)}
        for row in SellerMilestones.objects.select_related("seller")
    }
    decisions = sorted(
        (row.seller.legal_name, row.decision, row.decided_at, row.submitted_at, row.changes_before)
        for row in ReviewDecision.objects.select_related("seller")
    )
    return milestones, decisions


def test_the_services_keep_each_sellers_first_steps_and_every_decision(program):
    milestones, decisions = _kept()

    def noon(day, hours=0):
        return datetime(2026, 3, day, 12 + hours, tzinfo=ZoneInfo("Asia/Dhaka"))

    assert milestones["Abdul Jute Ltd."] == {
        "signed_up_at": noon(2),
        "submitted_at": noon(3),
        "approved_at": noon(5),
        "ready_at": noon(6),
        "first_live_at": noon(10),
        "first_inquiry_at": noon(15),
        "first_reply_at": noon(15, hours=3),
    }
    # Bilkis submitted twice: the first time is kept.
    assert milestones["Bilkis Kantha Ltd."]["submitted_at"] == noon(4)
    assert "Dipa Ceramics" not in milestones  # a draft has reached no step
    assert decisions == [
        ("Abdul Jute Ltd.", S.APPROVED, noon(5), noon(3), 0),
        ("Bilkis Kantha Ltd.", S.CHANGES_REQUESTED, noon(5), noon(4), 0),
        ("Bilkis Kantha Ltd.", S.REJECTED, noon(9), noon(6), 1),
    ]


def test_the_migrations_work_out_the_same_from_the_history(program):
    from importlib import import_module

    from django.apps import apps

    kept = _kept()
    SellerMilestones.objects.all().delete()
    ReviewDecision.objects.all().delete()

    editor = SimpleNamespace(connection=connection)  # what the backfills use of a schema editor
    for migration in (
        "sellers.migrations.0008_figures_milestones_backfill",
        "catalog.migrations.0012_first_listing_live_milestones",
        "buyers.migrations.0004_first_inquiry_and_reply_milestones",
    ):
        import_module(migration).backfill(apps, editor)
        import_module(migration).backfill(apps, editor)  # again: nothing changes

    assert _kept() == kept
