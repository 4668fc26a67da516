"""Checks Frictionless does not make, and the compact report (plain)."""
from __future__ import annotations

import json

from ckanext.sektoral.core import tables
from ckanext.sektoral.datafile import content
from tests.badfiles.corpus import CASES, HEADER, ROWS, csv_bytes

BY_NAME = {c.name: c for c in CASES}


def _errors(tmp_path, name):
    case = BY_NAME[name]
    path = tmp_path / "f"
    path.write_bytes(case.build())
    fmt = "xlsx" if case.build()[:2] == b"PK" else "csv"
    return content.extra_errors(str(path), fmt, tables.load(case.template))


def test_valid_files_have_no_extra_error(tmp_path):
    assert _errors(tmp_path, "valid") == []
    assert _errors(tmp_path, "valid_xlsx_named_csv") == []


def test_header_only_has_no_rows(tmp_path):
    assert _errors(tmp_path, "header_only") == [{"type": "sektoral-no-rows"}]


def test_title_rows_and_merged_headers_name_the_header_row(tmp_path):
    assert _errors(tmp_path, "title_rows")[0]["rowNumber"] == 3
    assert _errors(tmp_path, "merged_headers")[0]["rowNumber"] == 2


def test_total_and_source_rows(tmp_path):
    found = [(e["type"], e["rowNumber"])
             for e in _errors(tmp_path, "totals_and_source")]
    assert found == [("sektoral-total-row", 4), ("sektoral-note-row", 5)]


def test_every_sheet_of_a_workbook_is_looked_at(tmp_path):
    [error] = _errors(tmp_path, "several_sheets")
    assert error["sheets"] == ["2022", "2023"] and not error["firstEmpty"]
    [error] = _errors(tmp_path, "data_on_sheet2")
    assert error["sheets"] == ["Data"] and error["firstEmpty"]


def test_dot_in_a_decimal_comma_file_is_ambiguous(tmp_path):
    found = _errors(tmp_path, "ambiguous_dot_in_decimal_comma")
    # 10.3 would be read as 103; 1.500 is a correctly grouped 1500
    assert [(e["rowNumber"], e["cell"], e["read"]) for e in found] == [
        (2, "10.3", "103")]


def test_grouped_looking_numbers_in_a_decimal_point_file(tmp_path):
    found = _errors(tmp_path, "ambiguous_group_in_decimal_point")
    assert [(e["rowNumber"], e["cell"], e["grouped"]) for e in found] == [
        (2, "1.500", "1500"), (3, "77.121", "77121")]


def test_real_fractions_are_not_ambiguous(tmp_path):
    rows = [HEADER] + [r[:4] + [v] + r[5:] for r, v in
                       zip(ROWS, ("0.125", "12.5"), strict=False)]
    path = tmp_path / "f.csv"
    path.write_bytes(csv_bytes(rows))
    assert content.extra_errors(
        str(path), "csv", tables.load("kabupaten_kota_tahunan")) == []


def test_compact_report_is_small_and_has_no_path():
    report = {"valid": False, "errors": ["No such file /srv/ckan/storage/x"],
              "tasks": [{"place": "/var/lib/ckan/resources/abc/def",
                         "labels": ["k%d" % i for i in range(2000)],
                         "errors": [{"type": "type-error", "cell": "A" * 10**6,
                                     "cells": ["A" * 10**6] * 3,
                                     "labels": ["x"] * 2000,
                                     "note": "in /var/lib/ckan/x/y"}] * 500}]}
    small = content.compact(report)
    text = json.dumps(small)
    assert len(text) < 100_000
    assert "/var/lib" not in text and "/srv/" not in text
    assert small["tasks"][0]["labelCount"] == 2000
    assert small["tasks"][0]["errorCounts"] == {"type-error": 500}


def test_merge_makes_the_report_invalid():
    report = {"valid": True, "stats": {"errors": 0},
              "tasks": [{"valid": True, "errors": [], "stats": {"errors": 0}}]}
    merged = content.merge(report, [{"type": "sektoral-no-rows"}])
    assert merged["valid"] is False and merged["stats"]["errors"] == 1
    assert merged["tasks"][0]["valid"] is False
