"""The one date/number formatter (``ckanext.sektoral.core.formatting``, babel)
and the one locale fallback (``ckanext.sektoral.lang``)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ckanext.sektoral import lang

from ckanext.sektoral.core import formatting
from ckanext.sektoral.documents import store
from ckanext.sektoral.core import charts

#: The month names of the hand-written copy ``store.date_id`` used.
MONTHS_ID = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli",
             "Agustus", "September", "Oktober", "November", "Desember")


def test_indonesian_and_english_dates():
    assert formatting.date(dt.date(2026, 1, 1)) == "1 Januari 2026"
    assert formatting.date(dt.date(2026, 1, 1), "id") == "1 Januari 2026"
    assert formatting.date("2026-03-17T10:00:00", "en") == "March 17, 2026"
    assert formatting.date(dt.datetime(2026, 12, 1, 9), "id") == \
        "1 Desember 2026"
    assert formatting.date(None) == formatting.date("") == ""
    assert formatting.date(dt.date(2026, 1, 1), "xx-nope") == \
        "1 Januari 2026"


@pytest.mark.parametrize("month", range(1, 13))
def test_official_dates_as_the_hand_written_copy_wrote_them(month):
    day = dt.date(2026, month, 17)
    assert store.date_id(day) == f"17 {MONTHS_ID[month - 1]} 2026"
    assert store.date_id(day.isoformat()) == store.date_id(day)


def test_indonesian_and_english_numbers():
    assert formatting.number(1234.5) == "1.234,5"
    assert formatting.number(1234.5, "en") == "1,234.5"
    assert formatting.number(1234567, "id") == "1.234.567"
    assert formatting.number(Decimal("0.5"), "id", decimals=2) == "0,50"
    assert formatting.number(1234.0, "id") == "1.234"
    assert formatting.number(Decimal("1.23456"), "id", exact=True) == \
        "1,23456"
    assert formatting.number(None) == ""
    assert formatting.number(1234.5, "xx-nope") == "1.234,5"
    # the charts' name is the same function
    assert charts.format_number is formatting.number


def test_the_report_shows_numbers_as_the_public_page():
    """The report's tables wrote a fraction with two fixed decimals
    (``1.234,50``, a hand-written copy) where the public page, its chart
    and data table write ``1.234,5``; one formatter now, the page's rule:
    the same figure reads the same in the portal and in the PDF."""
    from ckanext.sektoral.documents import report

    assert not hasattr(report, "_num")
    assert charts.shown(1234.5, "id", "") == formatting.number(1234.5) == \
        "1.234,5"


def test_datetime_in_a_time_zone():
    import pytz

    wit = pytz.timezone("Asia/Jayapura")
    text = formatting.datetime(dt.datetime(2026, 11, 25, 5, 5, 9), wit, "id")
    assert text == "25 Nov 2026 14.05.09"


def test_language_outside_a_request_is_the_installation_default():
    assert lang.current() == lang.default() == "id"


@pytest.mark.ckan_config("ckan.locale_default", "en")
def test_language_default_follows_the_configuration():
    """Outside a request every copy but one fell back to
    ``ckan.locale_default``; the template helpers' copy said "id"
    whatever the installation's default: the configuration wins."""
    assert lang.current() == "en"


@pytest.mark.parametrize("code", ["id", "en"])
def test_language_of_the_request(app, code):
    with app.flask_app.test_request_context(
            environ_overrides={"CKAN_LANG": code}):
        assert lang.current() == code


def _hand_written(value: float, decimals: int) -> str:
    """The copy ``demo.angka_id`` had (Python's format, separators
    swapped)."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


@pytest.mark.parametrize("value", [0.0, 7.0, 12.5, 1234.5, 83.62, 1500.0,
                                   98765.4321, 1234567.891])
@pytest.mark.parametrize("decimals", [0, 1, 2])
def test_fixed_decimals_as_the_demo_data_writes_them(value, decimals):
    from ckanext.sektoral import demo

    assert demo.angka_id(value, decimals) == _hand_written(value, decimals)
