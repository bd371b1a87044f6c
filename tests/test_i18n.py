"""The Bengali (bn) translation: the pages speak Bengali, and the committed catalogue is complete and compiled.

The ``.mo`` is committed next to the ``.po`` (a fresh machine has no msgfmt), so a test checks that the two agree:
a ``.po`` edited without ``compilemessages`` fails here instead of silently showing English.
"""

import gettext
import re
import shutil
from collections import Counter
from pathlib import Path

import allauth
import django
import pytest
from django.conf import settings
from django.core.management import call_command

from tests.sellers.factories import OwnerFactory

pytestmark = pytest.mark.django_db

LC_MESSAGES = settings.BASE_DIR / "locale" / "bn" / "LC_MESSAGES"
PO = LC_MESSAGES / "django.po"
MO = LC_MESSAGES / "django.mo"

# Placeholders and markup that a translation must keep exactly: %(name)s, %d, %.1f, %%, {name}, HTML tags.
PLACEHOLDER = re.compile(
    r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdfir]|%[-#0 +]*\d*(?:\.\d+)?[sdfir]|%%|\{\w*\}|</?[a-zA-Z][^>]*>"
)
ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}


def _unquote(text):
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), text
    return re.sub(r"\\(.)", lambda m: ESCAPES[m.group(1)], text[1:-1])


def parse_po(path):
    """The entries of a .po file: dicts with flags, msgctxt, msgid, msgid_plural and msgstr ({index or None: text})."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry = {"flags": set(), "msgctxt": None, "msgid": None, "msgid_plural": None, "msgstr": {}, "obsolete": False}
        field = None
        for line in filter(None, (line.strip() for line in block.splitlines())):
            if line.startswith("#~"):
                entry["obsolete"] = True
            elif line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif match := re.match(r"msgstr\[(\d+)\] (.*)", line):
                field = ("msgstr", int(match.group(1)))
                entry["msgstr"][field[1]] = _unquote(match.group(2))
            elif match := re.match(r"(msgctxt|msgid_plural|msgid|msgstr) (.*)", line):
                name = match.group(1)
                field = ("msgstr", None) if name == "msgstr" else (name, None)
                if name == "msgstr":
                    entry["msgstr"][None] = _unquote(match.group(2))
                else:
                    entry[name] = _unquote(match.group(2))
            else:  # a continuation line
                if field[0] == "msgstr":
                    entry["msgstr"][field[1]] += _unquote(line)
                else:
                    entry[field[0]] += _unquote(line)
        if entry["msgid"] is not None:
            entries.append(entry)
    return entries


def _newline_edges(text):
    return text.startswith("\n"), text.endswith("\n")


@pytest.fixture(scope="module")
def po_entries():
    entries = parse_po(PO)
    assert entries[0]["msgid"] == "", "the .po starts with its header"
    return entries


@pytest.fixture
def owner_client(client, settings, tmp_path):
    settings.SELLERS_PRIVATE_ROOT = tmp_path / "private"
    owner = OwnerFactory(seller__legal_name="Rupsha Jute Crafts Ltd.").user
    client.force_login(owner)
    return client


def test_the_landing_page_speaks_bengali_to_a_browser_that_asks_for_it(client):
    response = client.get("/", headers={"accept-language": "bn"})

    assert response.status_code == 200
    assert response["Content-Language"] == "bn"
    html = response.content.decode()
    assert '<html lang="bn">' in html
    assert "আপনার বাংলাদেশি পণ্য পৌঁছে দিন বিশ্বজুড়ে ক্রেতাদের কাছে" in html
    assert "আপনার ব্যবসা নিবন্ধন করুন" in html  # "Sign up your business"
    assert "Take your Bangladeshi products to buyers worldwide" not in html


def test_the_landing_page_stays_english_by_default(client):
    response = client.get("/", headers={"accept-language": "en"})

    html = response.content.decode()
    assert "Take your Bangladeshi products to buyers worldwide" in html
    assert "আপনার বাংলাদেশি পণ্য" not in html


def test_the_dashboard_speaks_bengali_once_the_seller_chose_it(owner_client):
    owner_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "bn"

    response = owner_client.get("/dashboard/", headers={"accept-language": "en"})

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="bn">' in html
    assert "আপনার অনবোর্ডিং" in html  # "Your onboarding"
    assert "ড্যাশবোর্ড" in html  # the "Dashboard" link
    assert "লগ আউট" in html  # "Log out"
    assert "Your onboarding" not in html


def test_the_language_switcher_sets_bengali(client):
    response = client.post("/i18n/setlang/", {"language": "bn", "next": "/"})

    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "bn"
    assert "আপনার বাংলাদেশি পণ্য" in client.get("/").content.decode()


def test_the_po_header_is_bengali(po_entries):
    header = po_entries[0]["msgstr"][None]

    assert "Language: bn\n" in header
    assert "Content-Type: text/plain; charset=UTF-8\n" in header
    assert "Plural-Forms: nplurals=2; plural=(n != 1);\n" in header
    assert "fuzzy" not in po_entries[0]["flags"]


def test_every_message_is_translated(po_entries):
    untranslated = [
        entry["msgid"]
        for entry in po_entries[1:]
        if not entry["msgstr"] or any(not text.strip() for text in entry["msgstr"].values())
    ]
    fuzzy = [entry["msgid"] for entry in po_entries[1:] if "fuzzy" in entry["flags"]]
    obsolete = [entry["msgid"] for entry in po_entries if entry["obsolete"]]

    assert len(po_entries) > 1
    assert untranslated == [], f"{len(untranslated)} untranslated: {untranslated[:10]}"
    assert fuzzy == [], f"{len(fuzzy)} fuzzy: {fuzzy[:10]}"
    assert obsolete == []


def test_plural_messages_have_both_bengali_forms(po_entries):
    for entry in po_entries[1:]:
        if entry["msgid_plural"] is not None:
            assert sorted(entry["msgstr"]) == [0, 1], entry["msgid"]


def test_translations_keep_every_placeholder(po_entries):
    wrong = []
    for entry in po_entries[1:]:
        for index, text in entry["msgstr"].items():
            source = entry["msgid_plural"] if index and entry["msgid_plural"] is not None else entry["msgid"]
            same_placeholders = Counter(PLACEHOLDER.findall(text)) == Counter(PLACEHOLDER.findall(source))
            if not same_placeholders or _newline_edges(source) != _newline_edges(text):
                wrong.append((entry["msgid"], text))
    assert wrong == []


def test_the_committed_mo_is_compiled_from_the_po(po_entries):
    with MO.open("rb") as mo_file:
        catalog = gettext.GNUTranslations(mo_file)

    stale = []
    for entry in po_entries[1:]:
        msgid = entry["msgid"] if entry["msgctxt"] is None else f"{entry['msgctxt']}\x04{entry['msgid']}"
        if entry["msgid_plural"] is None:
            if catalog.gettext(msgid) != entry["msgstr"][None]:
                stale.append(entry["msgid"])
        elif [catalog.ngettext(msgid, entry["msgid_plural"], n) for n in (1, 2)] != [
            entry["msgstr"][0],
            entry["msgstr"][1],
        ]:
            stale.append(entry["msgid"])
    assert stale == [], f"run compilemessages: {len(stale)} messages differ from the .po, e.g. {stale[:5]}"


# Where people's strings come from: our apps and templates, and the parts of other packages that sellers and staff
# read on our pages and in our e-mails: allauth (which ships no Bengali), Django's form errors, password rules, time
# spans, CSRF page and admin (whose own Bengali is incomplete). Theirs may be translated by their own catalogue.
DJANGO = Path(django.__file__).parent
OWN_SOURCES = ["alibaba", "brand", "buyers", "catalog", "dxports", "partners", "sellers", "templates"]
OTHER_SOURCES = {
    Path(allauth.__file__).parent: ["account", "templates/account", "templates/allauth"],
    DJANGO: [
        "contrib/auth/password_validation.py",
        "contrib/auth/forms.py",
        "contrib/admin",
        "forms",
        "core/validators.py",
        "core/paginator.py",
        "db/models/fields",
        "utils/timesince.py",
        "views/csrf.py",
        "views/templates/csrf_403.html",
    ],
}
OTHER_CATALOGUES = [
    DJANGO / "conf" / "locale" / "bn" / "LC_MESSAGES" / "django.mo",
    DJANGO / "contrib" / "admin" / "locale" / "bn" / "LC_MESSAGES" / "django.mo",
    DJANGO / "contrib" / "auth" / "locale" / "bn" / "LC_MESSAGES" / "django.mo",
]


def _extracted_messages(root):
    """Every msgid that makemessages finds in our sources and in ``OTHER_SOURCES``, extracted from a copy under
    ``root`` so that the committed catalogue is never rewritten."""
    source = root / "src"
    for name in OWN_SOURCES:
        shutil.copytree(settings.BASE_DIR / name, source / name, ignore=shutil.ignore_patterns("mock", "__pycache__"))
    skipped = shutil.ignore_patterns("__pycache__", "tests", "migrations", "locale", "static", "tests.py")
    for package, parts in OTHER_SOURCES.items():
        for part in parts:
            origin, copy = package / part, source / "other" / package.name / part
            if origin.is_dir():
                shutil.copytree(origin, copy, ignore=skipped)
            else:
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(origin, copy)
    (source / "locale").mkdir()
    return source


def _translated_by_the_package(entry, catalogues):
    msgid = entry["msgid"] if entry["msgctxt"] is None else f"{entry['msgctxt']}\x04{entry['msgid']}"
    for catalogue in catalogues:
        if entry["msgid_plural"] is None:
            if catalogue.gettext(msgid) != msgid:
                return True
        elif catalogue.ngettext(msgid, entry["msgid_plural"], 1) != msgid:
            return True
    return False


@pytest.mark.slow  # runs xgettext over the whole project: after merging branches that add strings, run it alone
def test_every_string_people_see_has_a_bengali_translation(tmp_path, settings, monkeypatch):
    if not all(shutil.which(tool) for tool in ("xgettext", "msguniq", "msgmerge")):
        pytest.skip("GNU gettext is not installed")
    source = _extracted_messages(tmp_path)
    monkeypatch.chdir(source)
    settings.LOCALE_PATHS = [source / "locale"]

    call_command("makemessages", locale=["bn"], verbosity=0)

    extracted = parse_po(source / "locale" / "bn" / "LC_MESSAGES" / "django.po")[1:]
    committed = {(entry["msgctxt"], entry["msgid"]): entry for entry in parse_po(PO)}
    catalogues = []
    for path in OTHER_CATALOGUES:
        with path.open("rb") as mo_file:
            catalogues.append(gettext.GNUTranslations(mo_file))
    missing = []
    for entry in extracted:
        ours = committed.get((entry["msgctxt"], entry["msgid"]))
        if ours is None and _translated_by_the_package(entry, catalogues):
            continue
        if ours is None or "fuzzy" in ours["flags"] or not all(text.strip() for text in ours["msgstr"].values()):
            missing.append(entry["msgid"] if entry["msgctxt"] is None else f"{entry['msgctxt']}|{entry['msgid']}")
        elif entry["msgid_plural"] is not None and ours["msgid_plural"] != entry["msgid_plural"]:
            missing.append(entry["msgid_plural"])
    assert len(extracted) > 1000
    assert missing == [], f"{len(missing)} strings have no Bengali translation in {PO.name}: {missing[:20]}"
