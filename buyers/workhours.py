"""Working-time arithmetic for response times and reminders: pure functions of aware datetimes and a calendar.

A ``Calendar`` is a seller's working week in a time zone (Asia/Dhaka for every seller today): a daily window
``[day_starts_at, day_ends_at)`` of local wall time on every day that is neither a weekly off-day nor a holiday.
``day_ends_at`` of midnight means "to the end of the day". Times outside the windows do not count, so an inquiry
that arrives on a Friday evening has waited no working time until Saturday's window opens.

Alibaba.com counts response time in plain hours; the seller's working hours are the fairer figure the dashboard
shows beside it, and the clock reminders run on.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DHAKA = ZoneInfo("Asia/Dhaka")
FRIDAY = 4  # date.weekday(): Monday is 0
DEFAULT_OFF_DAYS = frozenset({FRIDAY})
DEFAULT_DAY_STARTS_AT = time(9, 0)
DEFAULT_DAY_ENDS_AT = time(18, 0)
# Looking further ahead than this for working time means the calendar has none (every day off): give up.
HORIZON_DAYS = 3 * 366


@dataclass(frozen=True)
class Calendar:
    tz: ZoneInfo = DHAKA
    day_starts_at: time = DEFAULT_DAY_STARTS_AT
    day_ends_at: time = DEFAULT_DAY_ENDS_AT
    off_days: frozenset[int] = DEFAULT_OFF_DAYS
    holidays: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if self.day_ends_at != time(0) and self.day_ends_at <= self.day_starts_at:
            raise ValueError("the working day must end after it starts")
        if not set(self.off_days) <= set(range(7)):
            raise ValueError("off days are weekday numbers, 0 (Monday) to 6 (Sunday)")

    def is_working_day(self, day: date) -> bool:
        return day.weekday() not in self.off_days and day not in self.holidays

    def window(self, day: date) -> tuple[datetime, datetime] | None:
        """The working window of ``day`` as aware datetimes, or ``None`` on a day off."""
        if not self.is_working_day(day):
            return None
        start = datetime.combine(day, self.day_starts_at, tzinfo=self.tz)
        if self.day_ends_at == time(0):
            end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=self.tz)
        else:
            end = datetime.combine(day, self.day_ends_at, tzinfo=self.tz)
        return start, end


def _require_aware(*values: datetime) -> None:
    for value in values:
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("working time is computed from aware datetimes only")


def _windows_from(calendar: Calendar, start: datetime) -> Iterator[tuple[datetime, datetime]]:
    """The working windows from ``start``'s local day on, clipped to begin no earlier than ``start``."""
    day = start.astimezone(calendar.tz).date()
    for offset in range(HORIZON_DAYS):
        window = calendar.window(day + timedelta(days=offset))
        if window is None:
            continue
        opens, closes = window
        if closes <= start:
            continue
        yield max(opens, start), closes


def working_seconds(start: datetime, end: datetime, calendar: Calendar) -> int:
    """Whole seconds of working time in ``[start, end)``; 0 when ``end`` is not after ``start``."""
    _require_aware(start, end)
    if end <= start:
        return 0
    total = timedelta()
    for opens, closes in _windows_from(calendar, start):
        if opens >= end:
            break
        total += min(closes, end) - opens
    return int(total.total_seconds())


def add_working_time(start: datetime, amount: timedelta, calendar: Calendar) -> datetime | None:
    """The moment when ``amount`` of working time has passed since ``start`` (an aware datetime in ``calendar``'s
    zone), or ``None`` when the calendar has no working time within ``HORIZON_DAYS``. A zero amount is ``start``
    itself, even outside the windows."""
    _require_aware(start)
    if amount <= timedelta():
        return start.astimezone(calendar.tz)
    left = amount
    for opens, closes in _windows_from(calendar, start):
        if closes - opens >= left:
            return opens + left
        left -= closes - opens
    return None


def calendar_of(
    *,
    day_starts_at: time,
    day_ends_at: time,
    off_days: Iterable[int],
    holidays: Iterable[date],
    tz: ZoneInfo = DHAKA,
) -> Calendar:
    return Calendar(
        tz=tz,
        day_starts_at=day_starts_at,
        day_ends_at=day_ends_at,
        off_days=frozenset(int(day) for day in off_days),
        holidays=frozenset(holidays),
    )
