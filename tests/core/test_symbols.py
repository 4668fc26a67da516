"""The one definition of the BPS table symbols (plain Python)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from ckanext.sektoral.core import tables
from ckanext.sektoral.documents import excel
from ckanext.sektoral.core import symbols


@pytest.mark.parametrize("cell,kind,shown", [
    ("-", symbols.NIHIL, "-"), ("\u2013", symbols.NIHIL, "-"),
    (" - ", symbols.NIHIL, "-"),
    ("...", symbols.NOT_AVAILABLE, "..."),
    ("\u2026", symbols.NOT_AVAILABLE, "..."),
    ("NA", symbols.NOT_AVAILABLE, "NA"),
    ("x", symbols.CONFIDENTIAL, "x"),
    ("", symbols.NOT_AVAILABLE, None), (None, symbols.NOT_AVAILABLE, None),
    ("12", None, None), ("X", None, None), ("n/a", None, None)])
def test_each_symbol_has_one_meaning(cell, kind, shown):
    assert symbols.kind(cell) == kind
    assert symbols.canonical(cell) == shown


def test_nihil_counts_as_zero_the_others_are_left_out():
    assert symbols.value(None, "-") == Decimal(0)
    assert symbols.value(None, "\u2013") == Decimal(0)
    for cell in ("...", "\u2026", "NA", "x", "", None):
        assert symbols.value(None, cell) is None
    assert symbols.value(Decimal("12.5"), "12,5") == Decimal("12.5")
    assert symbols.value(7, None) == Decimal(7)


def test_tally_marks_a_total_without_some_values_incomplete():
    t = symbols.tally([(Decimal(10), "10"), (None, "-"), (None, "\u2013")])
    assert (t.sum, t.count, t.complete) == (Decimal(10), 3, True)
    t = symbols.tally([(Decimal(10), "10"), (None, "x"), (None, "...")])
    assert (t.sum, t.count, t.gaps, t.complete) == (Decimal(10), 1, 2,
                                                    False)
    assert t.mean == Decimal(10)
    t = symbols.tally([(None, "NA"), (None, "x")])
    assert t.sum is None and not t.complete  # no value: never 0
    t = symbols.tally([(None, "-")])
    assert t.sum == 0 and t.complete


def test_display_never_shows_a_missing_value_as_a_number():
    assert symbols.display(None, "\u2013") == "-"
    assert symbols.display(None, "x") == "x"
    assert symbols.display(None, "") == "..."
    assert symbols.display(Decimal(0), "0") is None


def test_templates_and_excel_use_the_same_definition():
    for name in tables.template_names():
        assert tables.load(name)["missingValues"] == symbols.MISSING_VALUES
    assert excel.BPS_SYMBOLS == symbols.LABELS_ID
    assert excel.BPS_SYMBOLS["-"].startswith("nihil")
    assert excel.BPS_SYMBOLS["NA"] == "data tidak tersedia"
