"""Every problem of a report explained: what, where, what to do (plain)."""
from __future__ import annotations

import pytest
from frictionless import Schema, system, validate

from ckanext.sektoral.core import tables
from ckanext.sektoral.datafile import content, explain
from tests.badfiles.corpus import CASES, HEADER, ROWS, csv_bytes

BY_NAME = {c.name: c for c in CASES}


def _report(tmp_path, data: bytes, template: str, fmt: str = "csv"):
    path = tmp_path / "f"
    path.write_bytes(data)
    schema = tables.load(template)
    with system.use_context(trusted=True):
        report = validate(str(path), format=fmt,
                          schema=Schema.from_descriptor(schema)).to_dict()
    extra = content.extra_errors(str(path), fmt, schema)
    return content.compact(content.merge(report, extra)), schema


def _lines(tmp_path, name):
    case = BY_NAME[name]
    data = case.build()
    report, schema = _report(tmp_path, data, case.template,
                             "xlsx" if data[:2] == b"PK" else "csv")
    return explain.explain(report, schema)


def _texts(lines):
    return [line.msgid % line.params if line.params else line.msgid
            for line in lines]


@pytest.mark.parametrize("case", [c for c in CASES if c.outcome == "invalid"],
                         ids=lambda c: c.name)
def test_every_invalid_case_is_explained_briefly(tmp_path, case):
    lines = _lines(tmp_path, case.name)
    assert lines
    for text in _texts(lines):
        assert len(text) < 800
        assert "/tmp" not in text


def test_only_the_cause_of_a_title_row_is_named(tmp_path):
    lines = _lines(tmp_path, "title_rows")
    assert [line.key for line in lines] == ["header-row"]
    assert "row 3" in _texts(lines)[0]


def test_rows_of_totals_and_notes_are_not_also_type_errors(tmp_path):
    keys = [line.key for line in _lines(tmp_path, "totals_and_source")]
    assert keys == ["total-row", "note-row"]


def test_kemendagri_code_names_the_bps_code_from_the_code_list(tmp_path):
    [text] = _texts(_lines(tmp_path, "kemendagri_codes"))
    assert "Use the BPS code 8205, not the Kemendagri code 82.03" in text
    assert "Kabupaten Halmahera Utara" in text


def test_duplicate_names_the_first_row_and_the_key(tmp_path):
    [text] = _texts(_lines(tmp_path, "duplicates"))
    assert text.startswith("Row 4 repeats the region and year of row 2 "
                           "(kode_kabupaten_kota 8271, tahun 2023)")


def test_many_rows_of_one_kind_are_capped(tmp_path):
    rows = [HEADER] + [r[:4] + ["x%d" % n] + r[5:]
                       for n, r in enumerate(ROWS * 30)]
    report, schema = _report(tmp_path, csv_bytes(rows),
                             "kabupaten_kota_tahunan")
    lines = explain.explain(report, schema, per_kind=5)
    number_lines = [line for line in lines if line.key == "number"]
    assert len(number_lines) == 5
    more = [line for line in lines if line.plural]
    assert more and more[0].plural[2] == 55


def test_wide_file_is_one_line(tmp_path):
    lines = _lines(tmp_path, "columns_2000")
    assert [line.key for line in lines] == ["extra-columns"]
    assert lines[0].params["count"] == 1993


def test_huge_cell_is_cut(tmp_path):
    [line] = _lines(tmp_path, "huge_cell")
    assert len(line.params["value"]) <= explain.MAX_VALUE + 1


def test_record_error_without_report():
    lines = explain.explain(None, None, record_error={"message": [
        "'utf-8' codec can't decode byte 0x96 in position 3"]})
    assert [line.key for line in lines] == ["encoding"]
