"""The small chart of the figures page, drawn on the server as SVG geometry (no script, no outside file): one bar
per day of the last 30 for the inquiries received, the part answered within 24 hours drawn over it."""

from dataclasses import dataclass

WIDTH, HEIGHT, GAP = 300, 80, 2


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    received_y: float
    received_height: float
    answered_y: float
    answered_height: float
    label: str


def bars(days):
    """SVG bars for ``days`` (``selectors.Day``), scaled to the busiest day, in a ``WIDTH`` × ``HEIGHT`` box."""
    if not days:
        return []
    top = max(day.received for day in days) or 1
    step = WIDTH / len(days)
    result = []
    for index, day in enumerate(days):
        received = HEIGHT * day.received / top
        answered = HEIGHT * day.answered_in_time / top
        result.append(
            Bar(
                x=round(index * step, 2),
                width=round(step - GAP, 2),
                received_y=round(HEIGHT - received, 2),
                received_height=round(received, 2),
                answered_y=round(HEIGHT - answered, 2),
                answered_height=round(answered, 2),
                label=f"{day.day.isoformat()}: {day.answered_in_time}/{day.received}",
            )
        )
    return result
