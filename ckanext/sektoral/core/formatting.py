"""The one formatter of dates and numbers for people (babel).

Plain Python, no CKAN import: the caller says which locale (the UI
language from :func:`ckanext.sektoral.lang.current`, or ``"id"`` for the
official Indonesian documents: letters, reports). Indonesian:
``1 Januari 2026`` and ``1.234,5``; English: ``January 1, 2026`` and
``1,234.5``. An unknown locale falls back to Indonesian.

Data files are never written here: the canonical CSV has its own number
form (``analysis/reader.canonical_cell``).
"""
from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal
from typing import Any, Optional, Union

Number = Union[int, float, Decimal]

#: The locale of the official documents and the fallback of every other.
DEFAULT_LOCALE = "id"


def _as_date(value: Any) -> dt.date:
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime):
        value = value.date()
    return value


@functools.lru_cache(maxsize=1024)
def _date(value: dt.date, fmt: str, locale: str) -> str:
    from babel.core import UnknownLocaleError
    from babel.dates import format_date

    try:
        return format_date(value, format=fmt, locale=locale)
    except (UnknownLocaleError, ValueError):
        return format_date(value, format=fmt, locale=DEFAULT_LOCALE)


def date(value: Any, locale: Optional[str] = None,
         fmt: str = "long") -> str:
    """A date (``date``, ``datetime`` or ISO text) for people: ``long``
    is ``1 Januari 2026`` in Indonesian, ``January 1, 2026`` in English;
    ``""`` for an empty value."""
    if not value:
        return ""
    return _date(_as_date(value), fmt, locale or DEFAULT_LOCALE)


def datetime(moment: dt.datetime, tzinfo: Any,
             locale: Optional[str] = None, fmt: str = "medium") -> str:
    """A moment (naive means UTC) in the time zone ``tzinfo``:
    ``25 Nov 2026 14.05.09`` in Indonesian."""
    from babel.core import UnknownLocaleError
    from babel.dates import format_datetime

    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    try:
        return format_datetime(moment, format=fmt, tzinfo=tzinfo,
                               locale=locale or DEFAULT_LOCALE)
    except (UnknownLocaleError, ValueError):
        return format_datetime(moment, format=fmt, tzinfo=tzinfo,
                               locale=DEFAULT_LOCALE)


def number(value: Optional[Number], locale: Optional[str] = None,
           decimals: Optional[int] = None, exact: bool = False) -> str:
    """``1234.5`` -> ``1.234,5`` (Indonesian), ``1,234.5`` (English);
    ``None`` -> ``""``.

    ``decimals`` fixes the number of decimals; by default up to 2 are
    shown (trailing zeros dropped), every decimal with ``exact`` (a data
    cell, shown as published).
    """
    from babel.numbers import format_decimal

    if value is None:
        return ""
    if exact and decimals is None:
        value = Decimal(repr(value)) if isinstance(value, float) else value
        pattern = "#,##0." + "#" * 15
    elif decimals is None:
        pattern = "#,##0.##"
    elif decimals == 0:
        pattern = "#,##0"
    else:
        pattern = "#,##0." + "0" * decimals
    try:
        return format_decimal(value, format=pattern,
                              locale=locale or DEFAULT_LOCALE)
    except Exception:  # unknown locale
        return format_decimal(value, format=pattern, locale=DEFAULT_LOCALE)
