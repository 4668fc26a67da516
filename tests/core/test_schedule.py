"""Step deadlines of a cycle, in working days."""
import datetime as dt

import pytest

from ckanext.sektoral.core.calendar import WorkingCalendar
from ckanext.sektoral.core.schedule import cycle_schedule, is_late

D = dt.date
CAL = WorkingCalendar()


def test_projected_schedule_chains_the_steps():
    steps = cycle_schedule(D(2026, 1, 5), {}, CAL)
    assert [st.step for st in steps] == [1, 2, 3, 4, 5, 6]
    assert steps[0].start == D(2026, 1, 5) and steps[0].started
    assert steps[0].due == D(2026, 1, 9)  # 5 working days Mon-Fri
    for prev, nxt in zip(steps, steps[1:], strict=False):
        assert nxt.start > prev.due
        assert CAL.working_days_between(prev.due, nxt.start) == 2
        assert not nxt.started
    for st, days in zip(steps, (5, 60, 60, 15, 1, 1), strict=False):
        assert CAL.working_days_between(st.start, st.due) == days
    # 142 working days in all: more than a semester.
    assert CAL.working_days_between(steps[0].start, steps[-1].due) == 142


def test_actual_start_moves_the_later_steps():
    late_start = D(2026, 2, 2)
    steps = cycle_schedule(D(2026, 1, 5), {2: late_start}, CAL)
    assert steps[1].start == late_start and steps[1].started
    assert steps[1].due == CAL.add_working_days(late_start, 60)
    assert steps[2].start > steps[1].due


def test_custom_standards_and_bad_standards():
    steps = cycle_schedule(D(2026, 1, 5), {}, CAL, (1, 1, 1, 1, 1, 1))
    assert steps[-1].due == D(2026, 1, 12)
    with pytest.raises(ValueError):
        cycle_schedule(D(2026, 1, 5), {}, CAL, (5, 60))
    with pytest.raises(ValueError):
        cycle_schedule(D(2026, 1, 5), {}, CAL, (5, 0, 60, 15, 1, 1))


def test_is_late():
    assert not is_late(D(2026, 1, 9), D(2026, 1, 9))
    assert is_late(D(2026, 1, 9), D(2026, 1, 10))
    assert not is_late(None, D(2026, 1, 10))
