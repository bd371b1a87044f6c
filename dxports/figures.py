"""The program figures page (the admin's, for program managers): registered providers, one per domain, each
answering for what it knows, so that the page needs no import of any app and an app added later (buyers) brings its
own section by registering it.

A domain registers, in its ``AppConfig.ready``:

- the filters it understands (``register_filter``: sellers the division, district and sector; catalog the
  category); the page offers them all and hands every provider the ``Scope`` with the values chosen, and each applies
  those it knows;
- steps of the funnel (``register_funnel``): for the sellers who signed up in each week of the range, how many
  reached the step by the range's end; the page puts the steps side by side with the conversion between them;
- sections (``register_section``): tables, each drawn as a chart where it has numbers to draw, and links to what
  needs attention.

Every provider runs a fixed number of aggregate queries, whatever the number of sellers (its docstring says how
many); ``figures(scope)`` therefore does too.
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django_stubs_ext import StrOrPromise

from dxports import charts

Cell = int | float | str | None


@dataclass(frozen=True)
class Link:
    """A cell (or a line) that leads to the rows behind a figure."""

    text: str
    url: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Scope:
    """What the page asks for: the Dhaka days ``date_from`` to ``date_to`` (both included), the filters chosen
    (key → value, only those given) and the moment the figures are read at."""

    date_from: date
    date_to: date
    filters: Mapping[str, str] = field(default_factory=dict)
    now: datetime = field(default_factory=timezone.now)

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.date_from, time.min))

    @property
    def end(self) -> datetime:
        """The first moment after the range."""
        return timezone.make_aware(datetime.combine(self.date_to + timedelta(days=1), time.min))

    @property
    def weeks(self) -> list[date]:
        """The Mondays of the weeks the range touches."""
        first = self.date_from - timedelta(days=self.date_from.weekday())
        return [first + timedelta(weeks=n) for n in range((self.date_to - first).days // 7 + 1)]

    def get(self, key: str) -> str:
        return self.filters.get(key, "")


@dataclass
class Table:
    """A table of figures; ``chart`` draws it (``"bars"``: one bar per row; ``"columns"``: the rows along the
    x-axis, one column per series) from the label in column 0 and the numbers in ``chart_columns``."""

    title: StrOrPromise
    columns: Sequence[StrOrPromise]
    rows: list[list[Cell | Link]]
    chart: str = ""
    chart_columns: Sequence[int] = (1,)
    note: StrOrPromise = ""

    @property
    def svg(self) -> str:
        if not self.chart or not self.rows:
            return ""
        labels = [str(row[0]) for row in self.rows]
        series = [
            (str(self.columns[index]), [_number(row[index]) for row in self.rows]) for index in self.chart_columns
        ]
        draw = charts.bars if self.chart == "bars" else charts.columns
        return draw(labels, series, title=str(self.title))


@dataclass
class Section:
    key: str
    title: StrOrPromise
    tables: list[Table] = field(default_factory=list)
    attention: list[Link] = field(default_factory=list)  # what needs a person, with where to act
    note: StrOrPromise = ""


@dataclass(frozen=True)
class FunnelStep:
    key: str
    label: StrOrPromise
    by_week: Mapping[date, int]  # signup week (its Monday) → sellers of that week who reached the step


@dataclass(frozen=True)
class Filter:
    key: str
    label: StrOrPromise
    choices: Callable[[], Sequence[tuple[Any, Any]]]  # (value, label) or grouped; once per page, one query at most
    order: int


SectionProvider = Callable[[Scope], Section]
FunnelProvider = Callable[[Scope], list[FunnelStep]]

_filters: dict[str, Filter] = {}
_sections: dict[str, tuple[int, SectionProvider]] = {}
_funnel: dict[str, tuple[int, FunnelProvider]] = {}


def register_filter(
    *, key: str, label: StrOrPromise, choices: Callable[[], Sequence[tuple[Any, Any]]], order: int
) -> None:
    _filters[key] = Filter(key, label, choices, order)


def register_section(*, key: str, order: int, build: SectionProvider) -> None:
    """``build(scope)`` returns the section; sections show by ``order`` after the funnel."""
    _sections[key] = (order, build)


def register_funnel(*, key: str, order: int, steps: FunnelProvider) -> None:
    """``steps(scope)`` returns the provider's steps of the funnel, in order; providers are placed by ``order``."""
    _funnel[key] = (order, steps)


def filters() -> list[Filter]:
    return sorted(_filters.values(), key=lambda each: (each.order, each.key))


def figures(scope: Scope) -> list[Section]:
    """Every section for ``scope``: the funnel first, then the registered sections by order."""
    with _without_jit():
        steps = [step for _order, provider in sorted(_funnel.values(), key=_first) for step in provider(scope)]
        sections = [funnel_section(scope, steps)] if steps else []
        return sections + [build(scope) for _order, build in sorted(_sections.values(), key=_first)]


@contextlib.contextmanager
def _without_jit() -> Iterator[None]:
    """PostgreSQL compiles these large aggregates just in time, which costs more than it saves here (tens of
    milliseconds a query, a quarter of the page at 100,000 sellers): off while they run, on again after."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET jit")


def _first(item: tuple[int, Any]) -> int:
    return item[0]


def percent(part: int | None, whole: int | None) -> str:
    """``part`` of ``whole`` as a whole percentage, or a dash when there is no whole."""
    if not whole:
        return "—"
    return f"{round(100 * (part or 0) / whole)}%"


def funnel_section(scope: Scope, steps: Sequence[FunnelStep]) -> Section:
    """The funnel: for each signup week, the sellers at each step and the conversion from the step before; the
    range's totals first, drawn as bars."""
    totals = [sum(step.by_week.values()) for step in steps]
    total_rows: list[list[Cell | Link]] = [
        [str(step.label), totals[index], percent(totals[index], totals[index - 1]) if index else "—"]
        for index, step in enumerate(steps)
    ]
    columns: list[StrOrPromise] = [_("Signup week (Monday)")]
    for index, step in enumerate(steps):
        columns.append(step.label)
        if index:
            columns.append(_("%(step)s, %% of the step before") % {"step": step.label})
    week_rows: list[list[Cell | Link]] = []
    for week in scope.weeks:
        row: list[Cell | Link] = [week.isoformat()]
        for index, step in enumerate(steps):
            reached = step.by_week.get(week, 0)
            row.append(reached)
            if index:
                row.append(percent(reached, steps[index - 1].by_week.get(week, 0)))
        week_rows.append(row)
    return Section(
        key="funnel",
        title=_("The funnel"),
        note=_(
            "Sellers who signed up in the range, and how many of them reached each step by its last day; each "
            "conversion is of the step before."
        ),
        tables=[
            Table(
                _("Sellers at each step"),
                [_("Step"), _("Sellers"), _("Of the step before")],
                total_rows,
                chart="bars",
            ),
            Table(
                _("By signup week"),
                columns,
                week_rows,
                chart="columns",
                # Signed up, then every other step's count (their conversions are the columns between).
                chart_columns=[1, *range(2, len(columns), 2)],
            ),
        ],
    )


# Export ------------------------------------------------------------------------------------------------------------


def _number(value: Cell | Link) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def _plain(value: Cell | Link) -> Cell:
    return str(value) if isinstance(value, Link) else value


def _rows_of(sections: Iterable[Section]) -> Iterable[tuple[Section, Table]]:
    for section in sections:
        for table in section.tables:
            yield section, table


def as_csv(scope: Scope, sections: Iterable[Section]) -> str:
    """Every table, one after the other, each under its section's and its own title."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Program figures"), scope.date_from.isoformat(), scope.date_to.isoformat()])
    writer.writerows([key, value] for key, value in scope.filters.items())
    for section, table in _rows_of(sections):
        writer.writerow([])
        writer.writerow([f"{section.title}: {table.title}"])
        writer.writerow([str(column) for column in table.columns])
        writer.writerows([_plain(cell) for cell in row] for row in table.rows)
    return out.getvalue()


def as_xlsx(scope: Scope, sections: Iterable[Section]) -> bytes:
    """One sheet per section, its tables one under the other; numbers stay numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has its first sheet
    sheet.title = str(_("Range"))
    sheet.append([str(_("From")), scope.date_from])
    sheet.append([str(_("To")), scope.date_to])
    for key, value in scope.filters.items():
        sheet.append([key, value])
    for section in sections:
        sheet = book.create_sheet(_sheet_title(str(section.title)))
        for table in section.tables:
            sheet.append([str(table.title)])
            sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
            sheet.append([str(column) for column in table.columns])
            for row in table.rows:
                sheet.append([_plain(cell) for cell in row])
            sheet.append([])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_title(title: str) -> str:
    # Excel's rules: at most 31 characters, none of []:*?/\
    return "".join(" " if char in "[]:*?/\\" else char for char in title)[:31]
