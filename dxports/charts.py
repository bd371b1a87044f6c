"""Charts drawn on the server as SVG: no script, no style attribute (the colours are classes of our stylesheet,
static/css/admin.css), readable at a laptop's width and printable. Each chart is drawn from a table shown beside
it, so that the numbers are always there to read."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH = 760
LABEL_WIDTH = 230
ROW = 18
GAP = 8
PLOT_HEIGHT = 200
MAX_SERIES = 6  # the stylesheet colours this many series

Series = Sequence[tuple[str, Sequence[float]]]


def _short(label: str) -> str:
    """A week's Monday as "2 Mar"; any other label as it is, cut to fit."""
    try:
        return date_format(date.fromisoformat(label), "j M")
    except ValueError:
        return label if len(label) <= 34 else label[:33] + "…"


def _value(number: float) -> str:
    return f"{number:,.0f}" if float(number).is_integer() else f"{number:,.1f}"


LEGEND_PER_ROW = 4
LEGEND_ROW = 18


def _legend_height(series: Series) -> int:
    return 0 if len(series) < 2 else LEGEND_ROW * -(-len(series) // LEGEND_PER_ROW) + 4


def _legend(series: Series, y: int) -> SafeString:
    """The series' names and colours, four to a line (a single series needs none: the title names it)."""
    if len(series) < 2:
        return SafeString("")
    slot = (WIDTH - 20) // LEGEND_PER_ROW
    return format_html_join(
        "",
        '<rect class="series-{}" x="{}" y="{}" width="12" height="12"></rect>'
        '<text class="chart-label" x="{}" y="{}">{}</text>',
        (
            (
                index % MAX_SERIES,
                10 + (index % LEGEND_PER_ROW) * slot,
                y + (index // LEGEND_PER_ROW) * LEGEND_ROW,
                28 + (index % LEGEND_PER_ROW) * slot,
                y + (index // LEGEND_PER_ROW) * LEGEND_ROW + 11,
                _short(name)[:26],
            )
            for index, (name, _values) in enumerate(series)
        ),
    )


def _svg(title: str, height: int, body: SafeString) -> str:
    return format_html(
        '<svg class="chart" role="img" aria-label="{}" viewBox="0 0 {} {}" xmlns="http://www.w3.org/2000/svg">'
        "<title>{}</title>{}</svg>",
        title,
        WIDTH,
        height,
        title,
        body,
    )


def bars(labels: Sequence[str], series: Series, *, title: str) -> str:
    """One horizontal bar per label and series, with its value at its end."""
    peak = max((value for _name, values in series for value in values), default=0) or 1
    per_label = ROW * len(series) + GAP
    plot = WIDTH - LABEL_WIDTH - 70
    legend_y = per_label * len(labels) + 4
    shapes = []
    for row, label in enumerate(labels):
        top = row * per_label
        shapes.append(
            format_html(
                '<text class="chart-label" x="{}" y="{}" text-anchor="end">{}</text>',
                LABEL_WIDTH - 8,
                top + ROW * len(series) / 2 + 5,
                _short(label),
            )
        )
        for index, (_name, values) in enumerate(series):
            width = round(plot * values[row] / peak, 1)
            y = top + index * ROW
            shapes.append(
                format_html(
                    '<rect class="series-{}" x="{}" y="{}" width="{}" height="{}"></rect>'
                    '<text class="chart-value" x="{}" y="{}">{}</text>',
                    index % MAX_SERIES,
                    LABEL_WIDTH,
                    y + 2,
                    width,
                    ROW - 4,
                    LABEL_WIDTH + width + 6,
                    y + ROW - 5,
                    _value(values[row]),
                )
            )
    body = format_html("{}{}", SafeString("".join(shapes)), _legend(series, legend_y))
    return _svg(title, legend_y + _legend_height(series), body)


def columns(labels: Sequence[str], series: Series, *, title: str) -> str:
    """The labels along the x-axis (weeks), one column per series at each, a scale on the left."""
    peak = max((value for _name, values in series for value in values), default=0) or 1
    left, top = 50, 10
    plot_width = WIDTH - left - 10
    slot = plot_width / max(len(labels), 1)
    column = max(min((slot - 6) / max(len(series), 1), 28), 2)
    every = max(1, round(len(labels) / 12))  # at most about twelve labels under the axis
    shapes = [
        format_html(
            '<line class="chart-axis" x1="{}" y1="{}" x2="{}" y2="{}"></line>'
            '<text class="chart-value" x="{}" y="{}" text-anchor="end">{}</text>'
            '<text class="chart-value" x="{}" y="{}" text-anchor="end">0</text>',
            left,
            top + PLOT_HEIGHT,
            WIDTH - 10,
            top + PLOT_HEIGHT,
            left - 6,
            top + 10,
            _value(peak),
            left - 6,
            top + PLOT_HEIGHT,
        )
    ]
    for position, label in enumerate(labels):
        x = left + position * slot + 3
        for index, (_name, values) in enumerate(series):
            height = round(PLOT_HEIGHT * values[position] / peak, 1)
            shapes.append(
                format_html(
                    '<rect class="series-{}" x="{}" y="{}" width="{}" height="{}"><title>{}: {}</title></rect>',
                    index % MAX_SERIES,
                    round(x + index * column, 1),
                    top + PLOT_HEIGHT - height,
                    round(column - 1, 1),
                    height,
                    _short(label),
                    _value(values[position]),
                )
            )
        if position % every == 0:
            shapes.append(
                format_html(
                    '<text class="chart-label" x="{}" y="{}" text-anchor="middle">{}</text>',
                    round(x + slot / 2, 1),
                    top + PLOT_HEIGHT + 16,
                    _short(label),
                )
            )
    legend_y = top + PLOT_HEIGHT + 28
    body = format_html("{}{}", SafeString("".join(shapes)), _legend(series, legend_y))
    return _svg(title, legend_y + _legend_height(series), body)
