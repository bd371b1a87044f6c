"""Every HTML page carries a strict Content-Security-Policy, and no template of ours needs an exception to it."""

import re

import pytest
from django.conf import settings
from django.test import Client

from sellers.models import SellerStatus
from tests.pages import site_paths
from tests.sellers.factories import OwnerFactory

pytestmark = pytest.mark.django_db

# The policy of every page (docs/security.md): scripts, styles, images, fonts and fetches from our origin only; no
# inline script, style or handler; no plugins or frames; forms post to us only; nobody may frame us.
POLICY = (
    "default-src 'none'; base-uri 'none'; connect-src 'self'; font-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; img-src 'self'; script-src 'self'; style-src 'self'"
)
# The narrowest exceptions, by page: Swagger UI's stylesheet draws its icons from data: URLs; the seller's review page
# previews PDFs in frames of our own origin.
EXCEPTIONS = {
    "api-docs": POLICY.replace("img-src 'self'", "img-src 'self' data:"),
    "admin:sellers_seller_change": POLICY + "; frame-src 'self'",
}


def parse_policy(header):
    """{directive: {source, …}}: a policy compared whatever the order of its directives and sources."""
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: set(sources) for name, *sources in directives}


@pytest.fixture
def clients(db):
    """An anonymous visitor, and a superuser who owns an active seller (so that dashboard and admin pages render)."""
    user = OwnerFactory(seller__status=SellerStatus.ACTIVE, user__is_staff=True, user__is_superuser=True).user
    staff = Client()
    staff.force_login(user)
    return {"anonymous": Client(), "staff owner": staff}


def test_every_html_page_has_the_policy(clients):
    rendered, changelists, wrong = set(), set(), []
    for path, name in site_paths():
        if name.endswith("_changelist"):
            changelists.add(path)
        for who, client in clients.items():
            response = client.get(path)
            if response.streaming:  # a file: read it, so that the test client closes it
                b"".join(response.streaming_content)
            if not response.get("Content-Type", "").startswith("text/html"):
                continue
            if response.status_code == 200:
                rendered.add(path)
            # An exception belongs to the page itself, not to the redirect to the login page.
            expected = parse_policy(EXCEPTIONS.get(name, POLICY) if response.status_code == 200 else POLICY)
            if parse_policy(response.get("Content-Security-Policy", "")) != expected:
                wrong.append((name, path, who, response.status_code, response.get("Content-Security-Policy")))

    assert wrong == []
    # The walk really rendered pages of every kind, not only redirects and 404s.
    assert {"/", "/accounts/login/", "/dashboard/", "/dashboard/team/", "/admin/", "/api/docs/"} <= rendered
    assert changelists and changelists <= rendered  # every admin list


def test_the_policy_in_the_settings_is_the_one_documented():
    response = Client().get("/")
    assert parse_policy(response["Content-Security-Policy"]) == parse_policy(POLICY)
    assert POLICY in (settings.BASE_DIR / "docs" / "security.md").read_text()


def test_the_api_docs_load_their_script_from_our_origin(client):
    page = client.get("/api/docs/").content.decode()
    scripts = re.findall(r"<script\b[^>]*>", page)
    assert scripts and all('src="/' in tag for tag in scripts)
    init = re.search(r'<script src="(/api/docs/\?[^"]*script[^"]*)"', page).group(1).replace("&amp;", "&")
    response = client.get(init)
    assert response.status_code == 200 and "SwaggerUIBundle" in response.content.decode()


# What a strict policy refuses: inline script, inline event handlers, javascript: URLs, inline styles.
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
JAVASCRIPT_URL = re.compile(r"javascript:", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.I)


def _our_files(*suffixes):
    roots = [settings.BASE_DIR / "templates"] + [settings.BASE_DIR / app for app in ("dxports", "sellers", "catalog")]
    roots += [settings.BASE_DIR / app for app in ("alibaba", "buyers", "partners")]
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.suffix in suffixes and "migrations" not in path.parts:
                yield path


def test_no_template_of_ours_has_inline_script_or_handlers():
    offenders = []
    for path in _our_files(".html", ".py"):
        text = path.read_text(encoding="utf-8")
        for name, pattern in [("script", INLINE_SCRIPT), ("handler", HANDLER), ("javascript: URL", JAVASCRIPT_URL)]:
            if path.suffix == ".py" and name == "handler":
                continue  # Python has no markup but strings; a handler in a format_html string is caught below
            if pattern.search(text):
                offenders.append((str(path.relative_to(settings.BASE_DIR)), name))
        if path.suffix == ".py" and re.search(r"""["'][^"']*<[a-z][^>]*\son[a-z]+=""", text):
            offenders.append((str(path.relative_to(settings.BASE_DIR)), "handler"))
    assert offenders == []


def test_no_page_template_of_ours_has_inline_style():
    # E-mails are the exception: mail readers ignore stylesheets, and no Content-Security-Policy applies to them.
    offenders = [
        str(path.relative_to(settings.BASE_DIR))
        for path in _our_files(".html")
        if "email" not in path.parts and INLINE_STYLE.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
