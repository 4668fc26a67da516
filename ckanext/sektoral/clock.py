"""The one clock of the extension, in the installation's time zone.

Every "now" and "today" of the extension comes from here, so that a test
freezes time in one place (the ``frozen_clock`` fixture of
``tests/conftest.py`` sets :data:`_frozen`):

* :func:`now`: the current moment, aware, in the installation's time zone;
* :func:`utcnow`: the same moment as a naive UTC datetime, as CKAN and
  the extension's tables store timestamps;
* :func:`today`: the date in the installation's time zone (a deadline is
  a local working day: in Maluku Utara a day begins at 00:00 WIT, 15:00
  UTC the day before);
* :func:`local_date`: the installation's date of a stored (naive UTC)
  timestamp;
* :func:`submitted_on_time`: the one "submitted on time" rule.

The time zone is CKAN's ``ckan.display_timezone`` (``UTC`` when unset or
``server``); outside a CKAN application it is UTC.
"""
from __future__ import annotations

import datetime as dt
from typing import Optional

from ckanext.sektoral.core import schedule

#: A fixed moment (aware) that replaces the real clock; tests only, through
#: the ``frozen_clock`` fixture.
_frozen: Optional[dt.datetime] = None


def timezone() -> dt.tzinfo:
    """The installation's time zone (``ckan.display_timezone``)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        from ckan.plugins import toolkit as tk
        name = tk.config.get("ckan.display_timezone") or "UTC"
    except Exception:  # no CKAN configuration loaded
        name = "UTC"
    if name == "server":  # CKAN's value for the server's local time zone
        return dt.datetime.now().astimezone().tzinfo or dt.timezone.utc
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return dt.timezone.utc


def _utc() -> dt.datetime:
    if _frozen is not None:
        return _frozen.astimezone(dt.timezone.utc)
    return dt.datetime.now(dt.timezone.utc)


def now() -> dt.datetime:
    """The current moment, aware, in the installation's time zone."""
    return _utc().astimezone(timezone())


def utcnow() -> dt.datetime:
    """The current moment as a naive UTC datetime (stored timestamps)."""
    return _utc().replace(tzinfo=None)


def today() -> dt.date:
    """Today in the installation's time zone."""
    return now().date()


def local_date(moment: dt.datetime) -> dt.date:
    """The installation's date of a timestamp (naive means UTC)."""
    return schedule.local_date(moment, timezone())


def submitted_on_time(submitted: dt.datetime, due: dt.date) -> bool:
    """Whether a submission at ``submitted`` (naive means UTC) met the due
    date ``due`` (:func:`workflow.schedule.submitted_on_time` in the
    installation's time zone)."""
    return schedule.submitted_on_time(submitted, due, timezone())
