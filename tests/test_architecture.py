"""The rules of DESIGN.md §2, checked from the source, so that a new violation fails `make test`.

1. Dependencies point one way: partners → buyers → catalog → brand → sellers → alibaba → dxports. A module imports
   only its own app and the apps below it; dxports' shared pieces import no app (its settings, urls and
   wsgi/asgi/celery entry points see everything).
2. Another app is used only through its front doors (``FRONT_DOORS``): its services, selectors and errors, never its
   models, views, forms or handlers. ``alibaba`` is the infrastructure below the domains; its front doors are the
   client, the outbox, the pushes and the shared gateway pieces.
3. The mock gateway (alibaba/mock) stands apart: it imports nothing of the project (tests/mock/test_independence.py).
4. A template of an app links only to its own pages and those of the apps below it.
"""

import ast
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["dxports", "alibaba", "sellers", "brand", "catalog", "buyers", "partners"]  # bottom to top
FRONT_DOORS = {
    "alibaba": {"client", "errors", "gateway", "outbox", "pushes", "reconcile"},
    "sellers": {"services", "selectors", "errors"},
    "brand": {"services", "selectors", "errors", "rules"},
    "catalog": {"services", "selectors", "errors", "rules"},
    "buyers": {"services", "selectors", "errors"},
    "partners": {"services", "selectors", "errors"},
}
# The project's wiring sees every app; nothing else in dxports may.
WIRING = {"dxports/settings.py", "dxports/urls.py", "dxports/wsgi.py", "dxports/asgi.py", "dxports/celery.py"}


def _rank(app):
    return LAYERS.index(app)


def _imports(path):
    """``(line, module)`` of every import in ``path``, including those inside functions."""
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                # ``from catalog import services`` imports the module catalog.services
                yield node.lineno, f"{node.module}.{alias.name}" if node.module in LAYERS else node.module


def _sources(root):
    for app in LAYERS:
        for path in sorted((root / app).rglob("*.py")):
            relative = path.relative_to(root)
            if "migrations" in relative.parts or relative.parts[:2] == ("alibaba", "mock"):
                continue
            yield app, relative, path


def import_violations(root):
    found = []
    for app, relative, path in _sources(root):
        if str(relative) in WIRING:
            continue
        for line, module in _imports(path):
            parts = module.split(".")
            target = parts[0]
            if target not in LAYERS or target == app:
                continue
            where = f"{relative}:{line} imports {module}"
            if app == "dxports":
                found.append(f"{where}: dxports' shared pieces import no app")
            elif _rank(target) > _rank(app):
                found.append(f"{where}: {app} is below {target} (DESIGN.md §2)")
            elif target != "dxports" and (len(parts) < 2 or parts[1] not in FRONT_DOORS[target]):
                doors = ", ".join(sorted(FRONT_DOORS[target]))
                found.append(f"{where}: use the front doors of {target} ({doors})")
    return found


URL_NAME = re.compile(r"""\{%\s*url\s+['"](?P<namespace>[\w-]+):""")
NAMESPACES = {
    "sellers": "sellers",
    "brand": "brand",
    "catalog": "catalog",
    "catalog_imports": "catalog",
    "buyers": "buyers",
}
NAMESPACES |= {"partners": "partners"}


def template_violations(root):
    found = []
    for app in LAYERS[1:]:
        for path in sorted((root / "templates" / app).rglob("*.html")):
            for number, text in enumerate(path.read_text().splitlines(), start=1):
                for match in URL_NAME.finditer(text):
                    owner = NAMESPACES.get(match["namespace"])
                    if owner is not None and _rank(owner) > _rank(app):
                        found.append(
                            f"{path.relative_to(root)}:{number} links to {match['namespace']}: "
                            f"{app} is below {owner} (add a dashboard section from {owner} instead)"
                        )
    return found


def test_dependencies_point_one_way_and_through_front_doors():
    assert import_violations(ROOT) == []


def test_templates_link_only_to_their_app_and_below():
    assert template_violations(ROOT) == []


@pytest.fixture
def planted(tmp_path):
    """A copy of the apps' sources and templates, to plant violations in."""
    for name in [*LAYERS, "templates"]:
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


@pytest.mark.parametrize(
    ("where", "source", "complaint"),
    [
        ("sellers/planted.py", "from catalog import services\n", "sellers is below catalog"),
        ("catalog/planted.py", "def f():\n    from sellers.models import Seller\n", "use the front doors of sellers"),
        ("catalog/planted.py", "import alibaba.models\n", "use the front doors of alibaba"),
        ("dxports/planted.py", "from sellers import selectors\n", "dxports' shared pieces import no app"),
    ],
)
def test_a_planted_import_violation_is_found(planted, where, source, complaint):
    (planted / where).write_text(source)
    found = import_violations(planted)
    assert len(found) == 1 and complaint in found[0] and where in found[0], found


def test_a_planted_template_violation_is_found(planted):
    (planted / "templates" / "sellers" / "planted.html").write_text("<a href=\"{% url 'catalog:list' %}\">x</a>")
    found = template_violations(planted)
    assert len(found) == 1 and "sellers is below catalog" in found[0], found
