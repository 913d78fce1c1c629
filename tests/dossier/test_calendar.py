"""Due dates on the hall's working calendar, on-time classification and the holiday table."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from motcua.dossier.calendar import (
    MORNING_WINDOWS,
    SATURDAY,
    Holiday,
    Outcome,
    Unit,
    WorkingCalendar,
    classify,
    default_holidays,
    on_time_rate,
)

HALL = ZoneInfo("Asia/Ho_Chi_Minh")
HOLIDAYS = frozenset(h.day for year in (2026, 2027) for h in default_holidays(year))
CALENDAR = WorkingCalendar(holidays=HOLIDAYS)


def hall(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=HALL)


def test_a_working_day_started_on_friday_afternoon_ends_on_monday_afternoon() -> None:
    # Friday 15:00–17:00 is 2 h; Monday gives the other 6 h: 4.5 h before lunch, 1.5 h after.
    assert CALENDAR.due_at(hall(2026, 11, 27, 15, 0), 1, Unit.WORKING_DAYS) == hall(2026, 11, 30, 15, 0)


def test_tet_2027_and_its_make_up_days_are_skipped() -> None:
    # Thursday 4 Feb 16:00–17:00 counts 1 h; 5–9 Feb is Tết, 10–11 Feb make up its weekend.
    assert CALENDAR.due_at(hall(2027, 2, 4, 16, 0), 1, "working_days") == hall(2027, 2, 12, 16, 0)
    assert not any(CALENDAR.is_working_day(date(2027, 2, day)) for day in range(5, 12))
    assert CALENDAR.is_working_day(date(2027, 2, 12))


def test_filing_after_hours_counts_from_next_working_morning() -> None:
    assert CALENDAR.due_at(hall(2026, 12, 1, 18, 45), 2, "working_hours") == hall(2026, 12, 2, 9, 0)


def test_filing_before_opening_counts_from_opening() -> None:
    assert CALENDAR.due_at(hall(2026, 12, 1, 5, 30), 2, "working_hours") == hall(2026, 12, 1, 9, 0)


def test_filing_on_a_saturday_counts_from_monday_morning() -> None:
    assert CALENDAR.due_at(hall(2026, 12, 5, 9, 0), 1, "working_hours") == hall(2026, 12, 7, 8, 0)


def test_filing_during_lunch_counts_from_the_afternoon_opening() -> None:
    assert CALENDAR.due_at(hall(2026, 12, 1, 12, 10), 2, "working_hours") == hall(2026, 12, 1, 15, 30)


def test_work_that_fills_the_afternoon_is_due_at_closing_not_next_morning() -> None:
    assert CALENDAR.due_at(hall(2026, 12, 1, 12, 10), 3.5, "working_hours") == hall(2026, 12, 1, 17, 0)


def test_working_time_is_split_across_lunch() -> None:
    assert CALENDAR.due_at(hall(2026, 12, 1, 11, 0), 1, "working_hours") == hall(2026, 12, 1, 14, 0)


def test_half_a_working_day_is_four_working_hours() -> None:
    # 09:00–11:30 is 2.5 h, 13:30–15:00 the other 1.5 h.
    assert CALENDAR.due_at(hall(2026, 12, 1, 9, 0), 0.5, "working_days") == hall(2026, 12, 1, 15, 0)


def test_a_calendar_day_procedure_ending_on_sunday_is_due_when_monday_closes() -> None:
    # Received Wednesday: day 1 is Thursday, day 4 a Sunday, so the deadline moves to Monday.
    assert CALENDAR.due_at(hall(2026, 12, 2, 10, 0), 4, "calendar_days") == hall(2026, 12, 7, 17, 0)


def test_a_calendar_day_procedure_is_due_when_the_last_day_closes() -> None:
    assert CALENDAR.due_at(hall(2026, 12, 1, 16, 59), 2, "calendar_days") == hall(2026, 12, 3, 17, 0)


def test_a_calendar_day_procedure_filed_after_hours_counts_from_the_next_working_day() -> None:
    # Filed on Friday evening, received on Monday: day 3 is Thursday.
    assert CALENDAR.due_at(hall(2026, 12, 4, 19, 0), 3, "calendar_days") == hall(2026, 12, 10, 17, 0)


def test_a_supplement_pause_moves_the_due_date_by_the_working_time_paused() -> None:
    due = CALENDAR.due_at(hall(2026, 12, 1, 9, 0), 3, "working_days")
    assert due == hall(2026, 12, 4, 9, 0)
    # Paused Wednesday 16:00 to Monday 08:00: 1 h + 8 h + 8 h + 1 h = 18 working hours.
    assert CALENDAR.working_time_between(hall(2026, 12, 2, 16, 0), hall(2026, 12, 7, 8, 0)) == timedelta(
        hours=18
    )
    moved = CALENDAR.extend_for_pause(due, hall(2026, 12, 2, 16, 0), hall(2026, 12, 7, 8, 0))
    # From Friday 09:00: 6 h left on Friday, 8 h on Monday, 4 h on Tuesday.
    assert moved == hall(2026, 12, 8, 11, 0)


def test_a_pause_outside_working_hours_does_not_move_the_due_date() -> None:
    due = hall(2026, 12, 4, 9, 0)
    assert CALENDAR.extend_for_pause(due, hall(2026, 12, 5, 8, 0), hall(2026, 12, 6, 20, 0)) == due


def test_a_pause_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValueError):
        CALENDAR.extend_for_pause(hall(2026, 12, 4, 9, 0), hall(2026, 12, 3, 9, 0), hall(2026, 12, 2, 9, 0))


def test_due_dates_are_in_hall_time_whatever_zone_the_receipt_is_in() -> None:
    received = datetime(2026, 12, 1, 0, 30, tzinfo=UTC)  # 07:30 in the hall
    due = CALENDAR.due_at(received, 1, "working_hours")
    assert due == hall(2026, 12, 1, 8, 30)
    assert due.utcoffset() == timedelta(hours=7)


def test_a_hall_open_on_saturday_morning_counts_it() -> None:
    calendar = WorkingCalendar(weekday_windows={SATURDAY: MORNING_WINDOWS})
    assert calendar.due_at(hall(2026, 12, 4, 16, 0), 2, "working_hours") == hall(2026, 12, 5, 8, 0)
    assert calendar.due_at(hall(2026, 12, 5, 11, 0), 1, "working_hours") == hall(2026, 12, 7, 7, 30)


def test_a_compensatory_working_saturday_is_a_full_working_day() -> None:
    calendar = WorkingCalendar(compensatory_working_days=frozenset({date(2026, 12, 5)}))
    assert calendar.due_at(hall(2026, 12, 4, 17, 0), 8, "working_hours") == hall(2026, 12, 5, 17, 0)


def test_instants_without_a_time_zone_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        CALENDAR.due_at(datetime(2026, 12, 1, 9, 0), 1, "working_days")


@pytest.mark.parametrize(
    ("amount", "unit"), [(0, "working_days"), (-1, "working_hours"), (1.5, "calendar_days"), (1, "weeks")]
)
def test_meaningless_processing_times_are_refused(amount: float, unit: str) -> None:
    with pytest.raises(ValueError):
        CALENDAR.due_at(hall(2026, 12, 1, 9, 0), amount, unit)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"windows": ((time(7), time(12)), (time(11), time(17)))},
        {"windows": ((time(17), time(7)),)},
        {"working_weekdays": frozenset(), "weekday_windows": {}},
        {"working_weekdays": frozenset({7})},
        {"hours_per_day": 0},
        {"time_zone": "Asia/Nowhere"},
        {
            "holidays": frozenset({date(2026, 12, 5)}),
            "compensatory_working_days": frozenset({date(2026, 12, 5)}),
        },
    ],
)
def test_inconsistent_calendars_are_refused(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        WorkingCalendar(**kwargs)


def test_completion_before_the_due_date_is_early() -> None:
    assert classify(hall(2026, 12, 3, 16, 0), hall(2026, 12, 4, 9, 0)) is Outcome.EARLY


def test_completion_late_on_the_due_date_is_on_time() -> None:
    assert classify(hall(2026, 12, 4, 23, 30), hall(2026, 12, 4, 9, 0)) is Outcome.ON_TIME


def test_classification_uses_the_hall_date_not_the_utc_date() -> None:
    due = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)  # Friday 09:00 in the hall
    # Saturday 06:30 in the hall is still Friday in UTC: late all the same.
    assert classify(datetime(2026, 12, 4, 23, 30, tzinfo=UTC), due) is Outcome.LATE
    # Friday 06:30 in the hall is Thursday in UTC: on time, not early.
    assert classify(datetime(2026, 12, 3, 23, 30, tzinfo=UTC), due) is Outcome.ON_TIME


def test_outcomes_compare_equal_to_their_stored_names() -> None:
    assert classify(hall(2026, 12, 5, 8, 0), hall(2026, 12, 4, 9, 0)) == "late"


def test_on_time_rate_counts_early_and_on_time_over_completed() -> None:
    assert on_time_rate(["early", "on_time", Outcome.LATE, "late"]) == 0.5
    assert on_time_rate([Outcome.EARLY, Outcome.ON_TIME]) == 1.0


def test_on_time_rate_of_nothing_completed_is_unknown() -> None:
    assert on_time_rate([]) is None


@pytest.mark.parametrize(
    ("year", "tet"),
    [
        (2025, date(2025, 1, 29)),
        (2026, date(2026, 2, 17)),
        (2027, date(2027, 2, 6)),
        (2028, date(2028, 1, 26)),
        # Years where the Vietnamese calendar (UTC+7) differs from the Chinese (UTC+8).
        (1985, date(1985, 1, 21)),
        (2007, date(2007, 2, 17)),
        (2030, date(2030, 2, 2)),
    ],
)
def test_tet_falls_on_the_vietnamese_lunar_new_year(year: int, tet: date) -> None:
    assert Holiday(tet, "Tết Nguyên đán (mùng 1)") in default_holidays(year)


def test_tet_is_five_days_from_the_last_day_of_the_lunar_year() -> None:
    tet_days = [h.day for h in default_holidays(2026) if h.name_vi.startswith("Tết Nguyên đán")]
    assert tet_days == [date(2026, 2, 16) + timedelta(days=n) for n in range(5)]


@pytest.mark.parametrize(
    ("year", "hung_kings"),
    [(2025, date(2025, 4, 7)), (2026, date(2026, 4, 26)), (2037, date(2037, 4, 24))],
)
def test_hung_kings_day_is_the_tenth_of_the_third_vietnamese_lunar_month(year: int, hung_kings: date) -> None:
    assert Holiday(hung_kings, "Giỗ Tổ Hùng Vương (10/3 Âm lịch)") in default_holidays(year)


def test_a_holiday_on_a_weekend_is_made_up_on_the_next_working_day() -> None:
    # Giỗ Tổ 2026 is a Sunday; 1/5/2027 a Saturday.
    assert Holiday(date(2026, 4, 27), "Nghỉ bù Giỗ Tổ Hùng Vương (10/3 Âm lịch)") in default_holidays(2026)
    assert Holiday(date(2027, 5, 3), "Nghỉ bù Ngày Quốc tế Lao động (1/5)") in default_holidays(2027)


def test_the_fixed_holidays_are_all_in_the_table() -> None:
    days = {h.day for h in default_holidays(2028)}
    assert {date(2028, 1, 1), date(2028, 4, 30), date(2028, 5, 1), date(2028, 9, 1), date(2028, 9, 2)} <= days
    assert date(2028, 11, 24) in days


def test_the_day_beside_national_day_can_be_the_third_of_september() -> None:
    days = {h.day for h in default_holidays(2027, national_day_extra=3)}
    assert date(2027, 9, 3) in days and date(2027, 9, 1) not in days
    with pytest.raises(ValueError):
        default_holidays(2027, national_day_extra=4)


def test_vietnamese_culture_day_is_a_holiday_from_2026_only() -> None:
    assert date(2025, 11, 24) not in {h.day for h in default_holidays(2025)}
    assert date(2026, 11, 24) in {h.day for h in default_holidays(2026)}
