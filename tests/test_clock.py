"""The one clock (``ckanext.sektoral.clock``), its frozen-clock fixture
and the one "submitted on time" rule."""
from __future__ import annotations

import datetime as dt

import pytest
import pytz

from ckanext.sektoral import clock
from ckanext.sektoral.core import schedule

WIT = pytz.timezone("Asia/Jayapura")
DUE = dt.date(2026, 10, 6)


def test_frozen_clock_freezes_now_today_and_utcnow(frozen_clock):
    frozen_clock.set(dt.datetime(2026, 10, 5, 23, 30))  # naive = UTC
    assert clock.utcnow() == dt.datetime(2026, 10, 5, 23, 30)
    assert clock.utcnow().tzinfo is None
    # 08:30 WIT: the installation's day has begun (test.ini: Asia/Jayapura)
    assert clock.today() == dt.date(2026, 10, 6)
    assert clock.now().utcoffset() == dt.timedelta(hours=9)
    assert (clock.now().hour, clock.now().minute) == (8, 30)
    frozen_clock.tick(hours=1)
    assert clock.utcnow() == dt.datetime(2026, 10, 6, 0, 30)


def test_frozen_clock_set_today_is_noon_in_the_installation(frozen_clock):
    frozen_clock.set_today(dt.date(2026, 3, 2))
    assert clock.today() == dt.date(2026, 3, 2)
    assert clock.utcnow() == dt.datetime(2026, 3, 2, 3, 0)


def test_the_default_frozen_day(frozen_clock):
    assert clock.today() == dt.date(2026, 3, 2)


def test_service_and_store_today_follow_the_clock(frozen_clock):
    from ckanext.sektoral.documents import store
    from ckanext.sektoral.logic import service

    frozen_clock.set_today(dt.date(2027, 1, 4))
    assert service.today() == store.today() == dt.date(2027, 1, 4)


def test_local_date_of_a_stored_timestamp():
    assert clock.local_date(dt.datetime(2026, 10, 5, 23, 30)) == DUE
    assert clock.local_date(dt.datetime(2026, 10, 5, 14, 59)) == \
        dt.date(2026, 10, 5)


@pytest.mark.parametrize("submitted, on_time", [
    # 08:30 WIT on the due date = 23:30 UTC the day before: on time
    (dt.datetime(2026, 10, 5, 23, 30), True),
    # 23:59 WIT on the due date
    (dt.datetime(2026, 10, 6, 14, 59), True),
    # 00:00 WIT the day after
    (dt.datetime(2026, 10, 6, 15, 0), False),
    # 08:30 WIT the day after = 23:30 UTC on the due date: late (the
    # report's annex compared UTC dates and said on time)
    (dt.datetime(2026, 10, 6, 23, 30), False),
])
def test_submitted_on_time_in_the_installation_time_zone(submitted, on_time):
    assert clock.submitted_on_time(submitted, DUE) is on_time
    assert schedule.submitted_on_time(submitted, DUE, WIT) is on_time
    aware = pytz.utc.localize(submitted)
    assert schedule.submitted_on_time(aware, DUE, WIT) is on_time
