"""Typed getters of the extension's options."""
import datetime as dt

import pytest

import ckan.plugins.toolkit as tk

from ckanext.sektoral import config
from ckanext.sektoral.core.stages import Position


@pytest.mark.usefixtures("with_plugins")
def test_defaults():
    assert config.time_standards() == (5, 60, 60, 15, 1, 1)
    chain = config.approval_chain()
    assert (chain.checker, chain.approver) == (Position.KABID, Position.KADIS)
    assert config.calendar().working_days_in_year(2026) == 240


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.ckan_config("ckanext.sektoral.calendar.extra_holidays",
                         "2026-04-13 2026-04-14")
@pytest.mark.ckan_config("ckanext.sektoral.calendar.extra_working_days",
                         "2026-02-16")
def test_calendar_adjustments():
    cal = config.calendar()
    assert not cal.is_working_day(dt.date(2026, 4, 13))
    assert cal.is_working_day(dt.date(2026, 2, 16))
    assert cal.working_days_in_year(2026) == 239


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.ckan_config("ckanext.sektoral.approval.checker", "")
@pytest.mark.ckan_config("ckanext.sektoral.approval.approver", "kabid")
def test_approval_without_checker():
    chain = config.approval_chain()
    assert chain.checker is None and chain.approver == Position.KABID


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.ckan_config("ckanext.sektoral.time_standards", "5 60 0")
def test_bad_time_standards_are_refused():
    with pytest.raises(tk.ValidationError):
        config.time_standards()
