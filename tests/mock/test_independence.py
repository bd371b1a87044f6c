"""The mock is an outside system: it imports nothing of the project, and httpx only in its test transport."""

import ast
import sys
from pathlib import Path

import alibaba.mock

MOCK = Path(alibaba.mock.__file__).parent


def imported_packages(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_the_mock_imports_only_the_standard_library_and_its_server():
    for path in sorted(MOCK.rglob("*.py")):
        allowed = set(sys.stdlib_module_names) | {"waitress"} | ({"httpx"} if path.name == "transport.py" else set())
        assert imported_packages(path) <= allowed, path
