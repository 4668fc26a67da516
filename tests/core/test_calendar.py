"""Working-day calendar: known dates, no CKAN app needed."""
import datetime as dt

import pytest

from ckanext.sektoral.core.calendar import WorkingCalendar

D = dt.date


@pytest.mark.parametrize("year, expected", [(2025, 237), (2026, 240), (2027, 242)])
def test_working_days_per_year(year, expected):
    assert WorkingCalendar().working_days_in_year(year) == expected


@pytest.mark.parametrize("day, working", [
    (D(2026, 1, 1), False),    # Tahun Baru
    (D(2026, 1, 2), True),     # ordinary Friday
    (D(2026, 1, 3), False),    # Saturday
    (D(2026, 8, 17), False),   # Hari Kemerdekaan
    (D(2026, 2, 16), False),   # cuti bersama Tahun Baru Imlek
    (D(2026, 11, 25), True),   # ordinary Wednesday
])
def test_is_working_day(day, working):
    assert WorkingCalendar().is_working_day(day) is working


def test_holiday_names_are_indonesian():
    assert "Kemerdekaan" in WorkingCalendar().holiday_name(D(2026, 8, 17))
    assert WorkingCalendar().holiday_name(D(2026, 8, 18)) is None


def test_one_day_step_is_due_the_same_working_day():
    cal = WorkingCalendar()
    assert cal.add_working_days(D(2026, 11, 23), 1) == D(2026, 11, 23)
    # Started on a Saturday: due the next Monday.
    assert cal.add_working_days(D(2026, 11, 21), 1) == D(2026, 11, 23)


def test_five_days_skip_weekend_and_holiday():
    cal = WorkingCalendar()
    # Mon 10 Aug 2026 + 5 working days, 17 Aug is a holiday: 10-14 Aug.
    assert cal.add_working_days(D(2026, 8, 10), 5) == D(2026, 8, 14)
    # Thu 13 Aug: 13, 14, 18, 19, 20 (17 Aug is Independence Day).
    assert cal.add_working_days(D(2026, 8, 13), 5) == D(2026, 8, 20)


def test_deadline_and_count_agree():
    cal = WorkingCalendar()
    start = D(2026, 1, 5)
    for n in (1, 5, 15, 60):
        due = cal.add_working_days(start, n)
        assert cal.working_days_between(start, due) == n


def test_working_days_between_is_signed():
    cal = WorkingCalendar()
    assert cal.working_days_between(D(2026, 11, 23), D(2026, 11, 27)) == 5
    assert cal.working_days_between(D(2026, 11, 27), D(2026, 11, 23)) == -5


def test_deployment_adjustments():
    regional = D(2026, 4, 13)  # a Monday made a regional holiday
    cancelled = D(2026, 2, 16)  # cuti bersama cancelled by decree
    assert WorkingCalendar().is_working_day(regional)
    cal = WorkingCalendar(extra_holidays=[regional], extra_working_days=[cancelled])
    assert not cal.is_working_day(regional)
    assert cal.holiday_name(regional) == "Libur daerah"
    assert cal.is_working_day(cancelled)
    assert cal.working_days_in_year(2026) == 240


def test_zero_day_step_is_refused():
    with pytest.raises(ValueError):
        WorkingCalendar().add_working_days(D(2026, 1, 5), 0)
