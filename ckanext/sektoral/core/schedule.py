"""Deadlines of a cycle's six SOP steps, in working days.

Plain Python. A step's deadline is computed from its *actual* start when
it has started (the first transition of the cycle into that step), else
from its projected start: the working day after the previous step's
deadline. Step 1 starts on the cycle's start date.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence

from .calendar import WorkingCalendar

#: The SOP's time standards, in working days, for steps 1..6.
DEFAULT_TIME_STANDARDS: tuple[int, ...] = (5, 60, 60, 15, 1, 1)


@dataclasses.dataclass(frozen=True)
class StepSchedule:
    step: int
    start: dt.date
    due: dt.date
    started: bool  # True when ``start`` is the actual start


def cycle_schedule(
    start_date: dt.date,
    actual_starts: Mapping[int, dt.date],
    calendar: WorkingCalendar,
    standards: Sequence[int] = DEFAULT_TIME_STANDARDS,
) -> list[StepSchedule]:
    """Start and due date of every step of a cycle."""
    if len(standards) != 6 or any(n < 1 for n in standards):
        raise ValueError("six time standards of at least one working day")
    result: list[StepSchedule] = []
    previous_due: dt.date | None = None
    for step, days in enumerate(standards, start=1):
        if step in actual_starts:
            start, started = actual_starts[step], True
        elif step == 1:
            start, started = start_date, True
        else:
            assert previous_due is not None
            start = calendar.next_working_day(previous_due + dt.timedelta(days=1))
            started = False
        due = calendar.add_working_days(start, days)
        result.append(StepSchedule(step, start, due, started))
        previous_due = due
    return result


def is_late(due: dt.date | None, today: dt.date) -> bool:
    """An item is late once the day after its due date has begun."""
    return due is not None and today > due


def local_date(moment: dt.datetime, tz: dt.tzinfo) -> dt.date:
    """The date of ``moment`` (naive means UTC, as timestamps are stored)
    in the time zone ``tz``."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(tz).date()


def submitted_on_time(submitted: dt.datetime, due: dt.date,
                      tz: dt.tzinfo) -> bool:
    """The one "submitted on time" rule (the performance page and the
    report's compliance annex): a submission is on time when its date in
    the installation's time zone ``tz`` is the due date or earlier. The
    due date is a local working day, so a submission at 08:30 WIT on the
    day after it (23:30 UTC on the due date) is late."""
    return local_date(submitted, tz) <= due
