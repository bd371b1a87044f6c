"""Every dashboard page, walked as a seller would (an active seller with listings, an import, inquiries; a new
seller filling in the onboarding), checked in a real browser: no serious or critical axe-core violation, in Bengali
on a phone and in English on a desktop; the page works with JavaScript off (its content is there, its forms submit);
and it weighs under 60 KB, photos aside, loaded with an empty cache over an emulated slow 3G link.

The pages are found by following the dashboard's own links (so a new page is covered without this test changing);
files (downloads, photos, CSV) are left out, as are links that act (logout) rather than show.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.test import Client

from sellers.models import SellerStatus
from tests.browser.support import DESKTOP, PHONE, SlowLink, axe_problems, dump
from tests.buyers.support import ask, go_live
from tests.catalog.import_support import csv_bytes, good_row, run_import, table
from tests.catalog.sync_support import (  # noqa: F401 - fixtures
    gateway_fixture,
    listing,
    real_leaf,
    supplier_fixture,
    sync_fixture,
)
from tests.sellers.factories import UserFactory, complete_seller

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WEIGHT_LIMIT = 60 * 1024
LINK = re.compile(r'href="(/(?:dashboard|accounts)/[^"#]*)"')
# Not pages: files, and the links that leave or act.
NOT_PAGES = re.compile(r"/(images|photos|certificates|documents|files)/[^/]+/|/(file|errors|export|template)/$|logout")

ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
SUBMIT = "button:not([type=button]):not([type=reset]), input[type=submit], input[type=image]"
OPENING_TAG = "f => f.outerHTML.slice(0, f.outerHTML.indexOf('>') + 1)"


def crawl(user, start="/dashboard/", *, leave_out=None, limit=60):
    """The dashboard's pages reachable by links from ``start`` for ``user`` (but those ``leave_out`` matches):
    [path], in the order found."""
    client = Client()
    client.force_login(user)
    seen, routes, queue, pages = set(), set(), [start], []
    while queue and len(pages) < limit:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        route = ID.sub("<id>", path)
        if route in routes:
            continue  # one product's page stands for every product's
        response = client.get(path)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        routes.add(route)
        pages.append(path)
        for link in LINK.findall(response.content.decode()):
            link = urlsplit(link.replace("&amp;", "&")).path
            wanted = not NOT_PAGES.search(link) and not (leave_out and leave_out.search(link))
            if link.startswith("/dashboard/") and wanted and link not in seen:
                queue.append(link)
    return pages


@pytest.fixture
def active_seller(gateway, sync, supplier, monkeypatch):
    """An active seller with a live listing, a draft, a finished import with a failed row and a buyer's inquiry."""
    from buyers import tasks as buyers_tasks
    from catalog import tasks as catalog_tasks

    monkeypatch.setattr(catalog_tasks.catalog_import_run, "delay", lambda *args: None)
    notify = buyers_tasks.buyers_notify_inquiry
    monkeypatch.setattr(notify, "apply_async", lambda args, **kwargs: notify.run(*args))
    go_live(sync, supplier, count=1)
    listing(supplier, images=0, title="Jute Table Runner, Natural")
    leaf = real_leaf(gateway)
    rows = [good_row("RJ-100", leaf), good_row("RJ-101", leaf, price_tiers="many")]
    run_import(seller=supplier, user=supplier.owner, content=csv_bytes(table(rows)))
    ask(sync, count=1, countries=["DE"])
    return supplier


def _check_pages(browser, user, paths):
    """Every check on every page; a list of problems, one line each, so that one run shows them all. The phone's
    page is behind the slow link, so its load is the one weighed; the weights are printed (``pytest -s``)."""
    problems = []
    phone = SlowLink(browser.page(viewport=PHONE, language="bn", user=user))  # Bengali weighs the most
    desktop = browser.page(viewport=DESKTOP, language="en", user=user)
    no_script = browser.page(viewport=PHONE, language="en", user=user, javascript=False)
    for path in paths:
        response, total, seconds, by_url = phone.goto(path)
        print(f"weight over slow 3G: {path} {total} bytes, loaded in {seconds:.1f} s")
        if total > WEIGHT_LIMIT:
            problems.append(f"{path}: {total} bytes over slow 3G (limit {WEIGHT_LIMIT}): {dump(by_url)}")
        for page in (phone.page, desktop):
            if page is desktop:
                response = page.goto(path)
            if response.status != 200:
                problems.append(f"{path}: answered {response.status}")
            problems += [f"{path} [{page.viewport_size['width']} px]: {p}" for p in axe_problems(page)]
            problems += [f"{path} [{page.viewport_size['width']} px]: {error}" for error in page.errors]
            page.errors.clear()
        problems += _works_without_javascript(no_script, path)
    return problems


def _works_without_javascript(page, path):
    """The page shows its content with JavaScript off, and each form that posts back to the page itself (the
    page's own edit form) submits and answers with a page, not an error; forms that act elsewhere (publish,
    delete, log out) are exercised by the journeys."""
    problems = []
    response = page.goto(path)
    main = page.locator("main")
    if response.status != 200 or not main.inner_text().strip():
        return [f"{path} without JavaScript: answered {response.status} with no content"]
    for form in page.locator("form").all():
        if not form.locator(SUBMIT).count():
            problems.append(f"{path} without JavaScript: a form cannot be sent: {form.evaluate(OPENING_TAG)}")
    own = page.locator("main form[method=post]:not([action]), main form[method=post][action='']").filter(
        has=page.locator(SUBMIT)
    )
    own = [form for form in own.all() if form.evaluate("f => f.checkValidity()")]
    if own:  # a form whose required fields are empty is held back by the browser, as it should be
        with page.expect_navigation():
            own[0].locator(SUBMIT).first.click()
        answer = page.evaluate("() => performance.getEntriesByType('navigation')[0].responseStatus")
        if answer >= 500 or answer == 403 or not page.locator("main").inner_text().strip():
            problems.append(f"{path} without JavaScript: its form answered {answer}")
    return problems


def test_every_page_of_an_active_sellers_dashboard(browser, active_seller):
    paths = crawl(active_seller.owner)
    assert {"/dashboard/", "/dashboard/products/", "/dashboard/inquiries/", "/dashboard/imports/"} <= set(paths)
    assert len(paths) >= 15, paths

    problems = _check_pages(browser, active_seller.owner, paths)

    assert problems == [], "\n".join(problems)


def test_every_page_of_the_onboarding(browser):
    owner = UserFactory()
    complete_seller(status=SellerStatus.DRAFT, owner=owner)
    # The sections an active seller uses are walked, with data, by the test above.
    paths = crawl(owner, leave_out=re.compile(r"^/dashboard/(products|imports|inquiries|company|partners)/"))
    assert {"/dashboard/profile/identifiers/", "/dashboard/documents/", "/dashboard/submit/"} <= set(paths)

    problems = (
        _check_pages(browser, owner, paths)
        + _check_pages(browser, UserFactory(), ["/dashboard/start/"])
        + _check_pages(browser, None, ["/", "/accounts/signup/", "/accounts/login/", "/accounts/password/reset/"])
    )

    assert problems == [], "\n".join(problems)
