"""Indonesian working-day calendar for the SOP's time standards.

Working days are Monday to Friday minus Indonesian national holidays
(``holidays`` category ``public``) and *cuti bersama* (category
``government``), adjusted by dates a deployment adds (``extra_holidays``:
e.g. a regional holiday or a new decree) or removes (``extra_working_days``:
e.g. a cancelled cuti bersama). Plain Python: no CKAN import here.

Counting convention (used for every SOP deadline): a step of ``n`` working
days that starts on date ``S`` is due on the ``n``-th working day counted
from ``S`` itself when ``S`` is a working day, or from the next working day
otherwise. A one-day step started on a Monday is due that Monday.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Iterable

import holidays as holidays_lib

CATEGORIES = ("public", "government")


@lru_cache(maxsize=64)
def _national_holidays(year: int, language: str) -> dict[dt.date, str]:
    data = holidays_lib.country_holidays(
        "ID", years=year, categories=CATEGORIES, language=language
    )
    return dict(data.items())


class WorkingCalendar:
    """Working days of an Indonesian government office."""

    def __init__(
        self,
        extra_holidays: Iterable[dt.date] = (),
        extra_working_days: Iterable[dt.date] = (),
        language: str = "id",
    ) -> None:
        self.extra_holidays = frozenset(extra_holidays)
        self.extra_working_days = frozenset(extra_working_days)
        self.language = language

    def holiday_name(self, day: dt.date) -> str | None:
        """Name of the holiday on ``day`` (None on an ordinary day)."""
        if day in self.extra_working_days:
            return None
        if day in self.extra_holidays:
            return _national_holidays(day.year, self.language).get(
                day, "Libur daerah"
            )
        return _national_holidays(day.year, self.language).get(day)

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.extra_working_days:
            return True
        if day.weekday() >= 5 or day in self.extra_holidays:
            return False
        return day not in _national_holidays(day.year, self.language)

    def next_working_day(self, day: dt.date) -> dt.date:
        """``day`` itself when it is a working day, else the next one."""
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """Due date of a step of ``days`` working days starting on ``start``."""
        if days < 1:
            raise ValueError("a time standard is at least one working day")
        day = self.next_working_day(start)
        remaining = days - 1
        while remaining:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in ``[start, end]``; negative when ``end < start``.

        ``working_days_between(today, deadline)`` is the number of working
        days left including today; ``-working_days_between(deadline + 1,
        today)`` counts how late an item is.
        """
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        day = start
        while day <= end:
            if self.is_working_day(day):
                count += 1
            day += dt.timedelta(days=1)
        return count

    def working_days_in_year(self, year: int) -> int:
        return self.working_days_between(
            dt.date(year, 1, 1), dt.date(year, 12, 31)
        )
