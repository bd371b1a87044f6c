"""The browser tests: Debian's chromium driven by Playwright (the Python package; its own browser builds are never
downloaded) against pytest-django's live server, one browser for the whole session.

Without /usr/bin/chromium the whole folder is skipped, with one line saying what to install.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")

NO_CHROMIUM = "browser tests: no chromium at /usr/bin/chromium (apt install chromium fonts-beng)"

if not CHROMIUM.exists():
    # pytest.skip() cannot skip a folder from its conftest: its modules are left uncollected, and said so once.
    collect_ignore_glob = ["test_*.py"]

    def pytest_terminal_summary(terminalreporter):
        terminalreporter.write_line(f"SKIPPED {NO_CHROMIUM}")


from tests.browser.support import Browser  # noqa: E402

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def migrated_rows(django_db_setup):
    """What the migrations wrote (sectors, staff groups…) as serialized when the test database was made: read here,
    before Playwright starts, from this thread's connection. Serialized rollback puts it back before each
    transactional test, but only through the connection object that holds it, and once Playwright's loop runs in
    the thread Django may hand the test another one: ``_migrated_rows_back`` makes sure."""
    from django.db import connection

    return getattr(connection, "_test_serialized_contents", None)


@pytest.fixture(autouse=True)
def _migrated_rows_back(request, migrated_rows):
    """Before each browser test, the migrations' rows are there. The connection the test uses is given the
    serialized rows, so that the flush after the test leaves ``post_migrate``'s rows out as serialized rollback
    expects; and if the last flush took them (another connection object ran it), the tables are emptied and the
    rows put back, as serialized rollback would have done."""
    if "django_db" not in request.keywords or not migrated_rows:
        return
    from django.core.management import call_command
    from django.db import connection

    from sellers.models import Sector

    connection._test_serialized_contents = migrated_rows
    if not Sector.objects.exists():
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
        connection.creation.deserialize_db_from_string(migrated_rows)


@pytest.fixture(scope="session")
def chromium(migrated_rows):
    """One browser for the session. Playwright's sync API keeps an asyncio loop in this thread while it runs, and
    Django takes every ORM call made here for one made from async code: nothing in the suite is async, so Django's
    guard is lifted until the browser stops."""
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def browser(chromium, live_server, settings, tmp_path):
    """Contexts (one per viewport, language and JavaScript setting) on the live server; closed after the test."""
    settings.SELLERS_PRIVATE_ROOT = tmp_path / "private"
    settings.BRAND_PRIVATE_ROOT = tmp_path / "private-brand"
    settings.BUYERS_PRIVATE_ROOT = tmp_path / "private-inquiries"
    opened = Browser(chromium, live_server.url)
    yield opened
    opened.close()
