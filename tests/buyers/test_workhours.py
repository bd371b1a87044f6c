"""Working-time arithmetic (buyers/workhours.py): Asia/Dhaka, a daily window, weekly off-days (Friday by default) and
holidays; across weekends, holidays and midnight."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from buyers.workhours import DHAKA, Calendar, add_working_time, working_seconds

HOUR = 3600
# 2026-03-05 is a Thursday; 03-06 Friday (off by default); 03-07 Saturday; 03-08 Sunday.
THURSDAY = date(2026, 3, 5)


def dhaka(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=DHAKA)


def test_inside_one_working_day_is_plain_time():
    assert working_seconds(dhaka(THURSDAY, 10), dhaka(THURSDAY, 13, 30), Calendar()) == 3.5 * HOUR


def test_time_before_and_after_the_window_does_not_count():
    assert working_seconds(dhaka(THURSDAY, 6), dhaka(THURSDAY, 22), Calendar()) == 9 * HOUR


def test_friday_is_off_by_default_so_thursday_evening_to_saturday_morning_is_one_hour_plus_one():
    start, end = dhaka(THURSDAY, 17), dhaka(THURSDAY + timedelta(days=2), 10)
    assert working_seconds(start, end, Calendar()) == 2 * HOUR


def test_a_week_has_six_working_days_of_nine_hours():
    start = dhaka(THURSDAY, 0)
    assert working_seconds(start, start + timedelta(days=7), Calendar()) == 6 * 9 * HOUR


def test_weekly_off_days_are_the_sellers_own():
    saturday_and_friday_off = Calendar(off_days=frozenset({4, 5}))
    start = dhaka(THURSDAY, 0)
    assert working_seconds(start, start + timedelta(days=7), saturday_and_friday_off) == 5 * 9 * HOUR


def test_a_holiday_counts_nothing():
    holiday = THURSDAY + timedelta(days=3)  # Sunday
    calendar = Calendar(holidays=frozenset({holiday}))
    assert working_seconds(dhaka(holiday, 8), dhaka(holiday, 20), calendar) == 0
    # Saturday 17:00 → Monday 10:00 skips the Sunday holiday.
    assert working_seconds(
        dhaka(holiday - timedelta(days=1), 17), dhaka(holiday + timedelta(days=1), 10), calendar
    ) == (2 * HOUR)


def test_across_midnight_with_a_day_that_ends_at_midnight():
    late = Calendar(day_starts_at=time(20, 0), day_ends_at=time(0, 0))
    assert working_seconds(dhaka(THURSDAY, 23), dhaka(THURSDAY + timedelta(days=2), 21), late) == 2 * HOUR


def test_times_in_utc_are_read_in_dhaka():
    # 03:00 UTC is 09:00 in Dhaka (UTC+6, no daylight saving).
    start = datetime(2026, 3, 5, 3, 0, tzinfo=UTC)
    assert working_seconds(start, start + timedelta(hours=2), Calendar()) == 2 * HOUR


def test_nothing_when_the_end_is_not_after_the_start():
    assert working_seconds(dhaka(THURSDAY, 12), dhaka(THURSDAY, 11), Calendar()) == 0


def test_naive_times_are_refused():
    with pytest.raises(ValueError):
        working_seconds(datetime(2026, 3, 5, 9), dhaka(THURSDAY, 11), Calendar())  # noqa: DTZ001 - the point


def test_adding_working_time_skips_nights_weekends_and_holidays():
    calendar = Calendar(holidays=frozenset({THURSDAY + timedelta(days=2)}))  # Saturday a holiday too
    # Thursday 15:00 + 12 working hours: 3 h Thursday, Friday off, Saturday holiday, 9 h Sunday → Sunday 18:00.
    assert add_working_time(dhaka(THURSDAY, 15), timedelta(hours=12), calendar) == dhaka(
        THURSDAY + timedelta(days=3), 18
    )


def test_adding_from_outside_the_window_starts_when_it_opens():
    assert add_working_time(dhaka(THURSDAY, 22), timedelta(hours=1), Calendar()) == dhaka(
        THURSDAY + timedelta(days=2), 10
    )


def test_adding_is_the_inverse_of_counting():
    calendar = Calendar(holidays=frozenset({date(2026, 3, 17), date(2026, 3, 26)}))
    start = dhaka(THURSDAY, 16, 45)
    for hours in (0.5, 9, 12, 30, 100):
        end = add_working_time(start, timedelta(hours=hours), calendar)
        assert working_seconds(start, end, calendar) == hours * HOUR


def test_a_calendar_without_working_days_never_reaches_the_amount():
    assert add_working_time(dhaka(THURSDAY, 9), timedelta(hours=1), Calendar(off_days=frozenset(range(7)))) is None


@pytest.mark.parametrize("starts, ends", [(time(18), time(9)), (time(9), time(9))])
def test_a_day_that_ends_before_it_starts_is_refused(starts, ends):
    with pytest.raises(ValueError):
        Calendar(day_starts_at=starts, day_ends_at=ends)
