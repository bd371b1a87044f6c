"""The machinery of an app's rules: every problem at once, each with how to fix it, and a score out of 100.

An app states its rules as a table of ``Rule`` rows by code (``catalog.rules.RULES``, ``brand.rules.RULES``) and
subclasses ``Problem`` with ``rules`` set to that table; its checks yield problems, and ``score`` turns them into
0 to 100. Two kinds of rule (``Rule.blocking``): blocking, what the gateway would refuse (the thing is not sent),
and advice, what buyers reward (it lowers the score only). The rules themselves stay with their app.
"""

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, TypedDict, TypeVar

from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Rule:
    blocking: bool
    weight: int  # points the score loses for each problem of this rule
    message: StrOrPromise
    fix: StrOrPromise


class ProblemData(TypedDict):
    """A problem as the API and the dashboard (and its scripts) read it."""

    field: str
    code: str
    blocking: bool
    message: str
    fix: str


@dataclass(frozen=True)
class Problem:
    """One problem. ``field`` names the field it is about, ``code`` its rule in the app's table (``rules``);
    ``message`` and ``fix`` are translated, with ``params`` filled in, when read."""

    rules: ClassVar[Mapping[str, Rule]] = {}

    field: str
    code: str
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def rule(self) -> Rule:
        return self.rules[self.code]

    @property
    def blocking(self) -> bool:
        return self.rule.blocking

    @property
    def message(self) -> str:
        return str(self.rule.message) % self.params if self.params else str(self.rule.message)

    @property
    def fix(self) -> str:
        return str(self.rule.fix) % self.params if self.params else str(self.rule.fix)

    def as_dict(self) -> ProblemData:
        return {
            "field": self.field,
            "code": self.code,
            "blocking": self.blocking,
            "message": self.message,
            "fix": self.fix,
        }


P = TypeVar("P", bound=Problem)


def blocking_first(problems: Sequence[P]) -> list[P]:
    """``problems`` with the blocking ones first, each kind in its order."""
    return sorted(problems, key=lambda problem: not problem.blocking)


def blocking_problems(problems: Sequence[P]) -> list[P]:
    return [problem for problem in problems if problem.blocking]


def score(problems: Sequence[Problem], *, blocked_cap: int) -> int:
    """0 to 100 for ``problems``: 100 when nothing can be improved; at most ``blocked_cap`` while a blocking problem
    remains (the app's ``BLOCKED_SCORE_CAP``)."""
    points = max(0, 100 - sum(problem.rule.weight for problem in problems))
    if blocking_problems(problems):
        points = min(points, blocked_cap)
    return points


def unprintable_shown(text: str, *, allowed: str = "") -> str:
    """The characters of ``text`` outside printable ASCII (and ``allowed``), sorted and shown as a person can read
    them (the first ten; a space or control character by its repr); empty when there is none."""
    bad = sorted({char for char in text if char not in allowed and not " " <= char <= "~"})
    return ", ".join(repr(char) if not char.isprintable() or char.isspace() else char for char in bad[:10])
