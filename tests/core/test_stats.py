"""Tests of ``ckanext.sektoral.core.stats`` (plain pytest, no CKAN).

Fixtures are small files written to ``tmp_path`` in the shape of the
shipped Table Schema templates (``tables.load``).
"""
from __future__ import annotations

import copy
import csv
import json
from pathlib import Path
from typing import Any, Optional

import openpyxl
import pytest

from ckanext.sektoral.core import tables
from ckanext.sektoral.core import stats
from ckanext.sektoral.core.stats import analyse

PROV = ["82", "Provinsi Maluku Utara"]
HALBAR = ["8201", "Kabupaten Halmahera Barat"]
HALTENG = ["8202", "Kabupaten Halmahera Tengah"]
TERNATE = ["8271", "Kota Ternate"]


def header(name: str) -> list[str]:
    return [f["name"] for f in tables.load(name)["fields"]]


def kab_row(region: list[str], nilai: str, tahun: Any,
            satuan: str = "jiwa") -> list[str]:
    return PROV + region + [nilai, satuan, str(tahun)]


def write_csv(path: Path, head: list[str], rows: list[list[Any]]) -> str:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(head)
        writer.writerows(rows)
    return str(path)


def write_xlsx(path: Path, head: list[str], rows: list[list[Any]]) -> str:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(head)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return str(path)


def flags_of(result: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [f for f in result["flags"] if f["kind"] == kind]


def with_field(schema: dict[str, Any], name: str,
               **changes: Any) -> dict[str, Any]:
    schema = copy.deepcopy(schema)
    for field in schema["fields"]:
        if field["name"] == name:
            for key, value in changes.items():
                if value is None:
                    field.pop(key, None)
                else:
                    field[key] = value
    return schema


def yoy_entry(result: dict[str, Any], region: Optional[str],
              year: int, measure: str = "nilai") -> dict[str, Any]:
    [entry] = [e for e in result["year_over_year"][measure]
               if e["region"] == region and e["year"] == year]
    return entry


# -- plain CSV ----------------------------------------------------------------

@pytest.fixture
def plain(tmp_path: Path) -> dict[str, Any]:
    path = write_csv(tmp_path / "data.csv", header("kabupaten_kota_tahunan"), [
        kab_row(HALBAR, "100", 2020),
        kab_row(HALBAR, "120", 2021),
        kab_row(HALBAR, "90", 2022),
        kab_row(HALTENG, "200", 2020),
        kab_row(HALTENG, "0", 2021),
        kab_row(HALTENG, "50.5", 2022),
    ])
    return analyse(path, tables.load("kabupaten_kota_tahunan"))


def test_plain_counts_and_field_stats(plain: dict[str, Any]) -> None:
    assert "error" not in plain
    assert plain["rows"] == 6
    assert plain["format"] == "csv"
    assert plain["region_field"] == "kode_kabupaten_kota"
    assert plain["year_field"] == "tahun"
    assert plain["measures"] == ["nilai"]
    assert plain["years"] == [2020, 2021, 2022]
    assert plain["missing_columns"] == [] and plain["extra_columns"] == []
    nilai = plain["fields"]["nilai"]
    assert nilai["count"] == 6
    assert nilai["sum"] == pytest.approx(560.5)
    assert nilai["min"] == 0
    assert nilai["max"] == 200
    assert nilai["mean"] == pytest.approx(560.5 / 6)
    assert nilai["missing"] == 0 and nilai["symbols"] == {}
    assert "sum" not in plain["fields"]["satuan"]


def test_plain_breakdowns(plain: dict[str, Any]) -> None:
    assert plain["by_region"] == {
        "8201": {"nilai": {"sum": 310, "count": 3, "missing": 0}},
        "8202": {"nilai": {"sum": 250.5, "count": 3, "missing": 0}},
    }
    assert plain["by_year"] == {
        "2020": {"nilai": {"sum": 300, "count": 2, "missing": 0}},
        "2021": {"nilai": {"sum": 120, "count": 2, "missing": 0}},
        "2022": {"nilai": {"sum": 140.5, "count": 2, "missing": 0}},
    }


def test_plain_year_over_year(plain: dict[str, Any]) -> None:
    assert len(plain["year_over_year"]["nilai"]) == 4
    assert yoy_entry(plain, "8201", 2021) == {
        "region": "8201", "year": 2021, "previous_year": 2020,
        "value": 120, "previous": 100, "change": 20, "change_pct": 20.0,
    }
    e = yoy_entry(plain, "8201", 2022)
    assert e["change"] == -30 and e["change_pct"] == pytest.approx(-25.0)
    e = yoy_entry(plain, "8202", 2021)
    assert e["change"] == -200 and e["change_pct"] == -100.0
    # previous value 0: change known, percent undefined
    e = yoy_entry(plain, "8202", 2022)
    assert e["previous"] == 0 and e["change"] == 50.5
    assert e["change_pct"] is None


def test_plain_flags_and_json(plain: dict[str, Any]) -> None:
    # -100 % (8202, 2021) is beyond the default 50 %; -25 % and 20 % not
    jumps = flags_of(plain, "jump")
    assert [(f["row"], f["params"]["region"], f["params"]["change_pct"])
            for f in jumps] == [(6, "8202", -100.0)]
    assert jumps[0]["message"] == stats.MSG_JUMP_REGION
    assert jumps[0]["params"]["previous_year"] == 2020
    assert [f["kind"] for f in plain["flags"]] == ["jump"]
    assert json.loads(json.dumps(plain)) == plain


def test_province_time_series_is_province_wide(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", header("provinsi_runtun_waktu"), [
        PROV + ["10", "ton", "2019"],
        PROV + ["15", "ton", "2020"],
        PROV + ["...", "ton", "2021"],
        PROV + ["30", "ton", "2022"],
    ])
    result = analyse(path, tables.load("provinsi_runtun_waktu"))
    assert result["region_field"] is None and result["by_region"] is None
    assert result["by_year"]["2021"]["nilai"] == {
        "sum": None, "count": 0, "missing": 1}
    entries = result["year_over_year"]["nilai"]
    assert [(e["region"], e["year"], e["change_pct"]) for e in entries] == [
        (None, 2020, 50.0), (None, 2021, None), (None, 2022, None)]
    assert flags_of(result, "jump") == []  # exactly 50 % is not beyond


# -- Indonesian numbers and BPS symbols ---------------------------------------

def test_indonesian_numbers_and_bps_symbols(tmp_path: Path) -> None:
    name = "kabupaten_kota_tahunan_angka_id"
    path = write_csv(tmp_path / "id.csv", header(name), [
        kab_row(HALBAR, "1.234,56", 2020),
        kab_row(HALBAR, "2.000", 2021),
        kab_row(HALTENG, "...", 2020),
        kab_row(HALTENG, "-", 2021),
        kab_row(TERNATE, "\u2013", 2020),
        kab_row(TERNATE, "NA", 2021),
        kab_row(TERNATE, "x", 2022),
        kab_row(TERNATE, "-", 2023),
        kab_row(TERNATE, "", 2024),
    ])
    result = analyse(path, tables.load(name))
    nilai = result["fields"]["nilai"]
    assert result["rows"] == 9
    assert nilai["symbols"] == {"...": 1, "-": 2, "\u2013": 1, "NA": 1,
                                "x": 1}
    assert nilai["missing"] == 1
    # "-" and "\u2013" are nihil: 0 in counts, sums, means and minima;
    # "...", "NA", "x" and the empty cell are left out (never 0).
    assert nilai["count"] == 5
    assert nilai["sum"] == pytest.approx(3234.56)
    assert nilai["mean"] == pytest.approx(646.912)
    assert nilai["min"] == 0
    # Halmahera Tengah: "..." left out, "-" is 0: an incomplete sum of 0.
    assert result["by_region"]["8202"]["nilai"] == {
        "sum": 0, "count": 1, "missing": 1}
    assert result["by_region"]["8271"]["nilai"] == {
        "sum": 0, "count": 2, "missing": 3}
    # 2020: 1234.56 + 0 (Ternate's nihil), Halmahera Tengah's "..." left
    # out and the total marked incomplete (missing 1).
    assert result["by_year"]["2020"]["nilai"] == {
        "sum": pytest.approx(1234.56), "count": 2, "missing": 1}
    assert result["by_year"]["2023"]["nilai"] == {
        "sum": 0, "count": 1, "missing": 0}
    e = yoy_entry(result, "8201", 2021)
    assert e["change"] == pytest.approx(765.44)
    assert e["change_pct"] == pytest.approx(62.001, abs=1e-3)
    # an incomplete year is never compared
    assert yoy_entry(result, "8202", 2021)["change_pct"] is None
    assert [f["kind"] for f in result["flags"]] == ["jump"]


def test_rice_production_with_nihil_keeps_its_yearly_totals(
        tmp_path: Path) -> None:
    """A region with no harvest ("-") does not make the total vanish."""
    name = "kabupaten_kota_tahunan"
    path = write_csv(tmp_path / "padi.csv", header(name), [
        kab_row(HALBAR, "1500", 2022),
        kab_row(TERNATE, "-", 2022),
        kab_row(HALBAR, "1600", 2023),
        kab_row(TERNATE, "\u2013", 2023),
    ])
    result = analyse(path, tables.load(name))
    assert result["by_year"]["2022"]["nilai"] == {
        "sum": 1500, "count": 2, "missing": 0}
    assert result["by_year"]["2023"]["nilai"] == {
        "sum": 1600, "count": 2, "missing": 0}


# -- XLSX ---------------------------------------------------------------------

def test_xlsx(tmp_path: Path) -> None:
    head = header("kabupaten_kota_tahunan")
    path = write_xlsx(tmp_path / "data.xlsx", head, [
        [82, "Provinsi Maluku Utara", 8201, "Kabupaten Halmahera Barat",
         1500.25, "ton", 2023],
        [82, "Provinsi Maluku Utara", 8201, "Kabupaten Halmahera Barat",
         "...", "ton", 2024],
        [82, "Provinsi Maluku Utara", 8271, "Kota Ternate",
         250, "ton", 2023],
        [82, "Provinsi Maluku Utara", 8271, "Kota Ternate",
         300, "ton", 2024],
    ])
    result = analyse(path, tables.load("kabupaten_kota_tahunan"))
    assert "error" not in result
    assert result["format"] == "xlsx"
    assert result["rows"] == 4
    nilai = result["fields"]["nilai"]
    assert nilai["count"] == 3
    assert nilai["sum"] == pytest.approx(2050.25)
    assert nilai["symbols"] == {"...": 1}
    assert result["by_region"]["8271"]["nilai"]["sum"] == 550
    assert yoy_entry(result, "8271", 2024)["change_pct"] == 20.0
    assert yoy_entry(result, "8201", 2024)["value"] is None
    assert result["flags"] == []


def test_xlsx_without_extension_is_sniffed(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "data.xlsx", header("provinsi_runtun_waktu"),
                      [[82, "Provinsi Maluku Utara", 5, "ton", 2024]])
    upload = tmp_path / "upload"
    Path(path).rename(upload)
    result = analyse(str(upload), tables.load("provinsi_runtun_waktu"))
    assert result["format"] == "xlsx" and result["rows"] == 1


# -- flags --------------------------------------------------------------------

def test_negative_value_in_integer_field(tmp_path: Path) -> None:
    schema = with_field(tables.load("kabupaten_kota_tahunan"), "nilai",
                        type="integer")
    path = write_csv(tmp_path / "n.csv", header("kabupaten_kota_tahunan"), [
        kab_row(HALBAR, "12", 2023),
        kab_row(HALTENG, "-3", 2023),
    ])
    result = analyse(path, schema)
    [flag] = flags_of(result, "negative_count")
    assert flag["field"] == "nilai" and flag["row"] == 3
    assert flag["value"] == -3
    assert flag["message"] == stats.MSG_NEGATIVE
    assert flag["params"] == {"field": "nilai", "row": 3, "value": -3}
    assert result["fields"]["nilai"]["sum"] == 9  # reported, still counted


def test_negative_value_with_minimum_zero_is_one_flag(tmp_path: Path) -> None:
    schema = with_field(tables.load("kabupaten_kota_tahunan"), "nilai",
                        constraints={"minimum": 0})
    path = write_csv(tmp_path / "n.csv", header("kabupaten_kota_tahunan"), [
        kab_row(HALBAR, "-0.5", 2023),
    ])
    result = analyse(path, schema)
    assert [(f["kind"], f["row"]) for f in result["flags"]] == [
        ("negative_count", 2)]


def test_negative_value_in_plain_number_field_is_fine(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "n.csv", header("kabupaten_kota_tahunan"), [
        kab_row(HALBAR, "-4.5", 2023),  # e.g. a growth rate
    ])
    result = analyse(path, tables.load("kabupaten_kota_tahunan"))
    assert result["flags"] == []


@pytest.mark.parametrize("current, flagged", [
    ("150", False),      # +50 %: at the threshold, not beyond
    ("150.01", True),    # just beyond
    ("50", False),       # -50 %
    ("49.99", True),     # just beyond, downwards
])
def test_jump_threshold_boundary(tmp_path: Path, current: str,
                                 flagged: bool) -> None:
    path = write_csv(tmp_path / "j.csv", header("kabupaten_kota_tahunan"), [
        kab_row(HALBAR, "100", 2022),
        kab_row(HALBAR, current, 2023),
    ])
    result = analyse(path, tables.load("kabupaten_kota_tahunan"),
                     jump_threshold_pct=50)
    jumps = flags_of(result, "jump")
    assert bool(jumps) is flagged
    if flagged:
        [flag] = jumps
        assert flag["row"] == 3 and flag["field"] == "nilai"
        assert flag["params"]["threshold"] == 50
        assert flag["params"]["region"] == "8201"
        assert flag["params"]["year"] == 2023


def test_jump_threshold_is_configurable(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "j.csv", header("kabupaten_kota_tahunan"), [
        kab_row(HALBAR, "100", 2022),
        kab_row(HALBAR, "125", 2023),
    ])
    schema = tables.load("kabupaten_kota_tahunan")
    assert flags_of(analyse(path, schema), "jump") == []
    assert len(flags_of(analyse(path, schema, jump_threshold_pct=20.0),
                        "jump")) == 1


def test_constraint_violations(tmp_path: Path) -> None:
    schema = with_field(tables.load("kabupaten_kota_tahunan"), "nilai",
                        constraints={"maximum": 1000})
    path = write_csv(tmp_path / "c.csv", header("kabupaten_kota_tahunan"), [
        PROV + ["9999", "Kabupaten Halmahera Barat", "10", "jiwa", "2023"],
        kab_row(HALBAR, "1500", 2023),
        kab_row(HALBAR, "1000", 2024),
    ])
    result = analyse(path, schema)
    kinds = {(f["kind"], f["field"], f["row"]): f for f in result["flags"]}
    enum = kinds[("enum", "kode_kabupaten_kota", 2)]
    assert enum["value"] == 9999 and enum["message"] == stats.MSG_ENUM
    maximum = kinds[("maximum", "nilai", 3)]
    assert maximum["value"] == 1500
    assert maximum["params"]["limit"] == 1000
    assert ("maximum", "nilai", 4) not in kinds  # equal to the limit is fine
    # the values still count: they are in the file
    assert result["fields"]["nilai"]["sum"] == 2510


def test_type_errors_are_flags_not_crashes(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", header("kabupaten_kota_tahunan"), [
        kab_row(HALBAR, "12", 2023),
        kab_row(HALBAR, "dua belas", 2024),
        kab_row(HALBAR, "1.234*", "2025"),  # BPS provisional suffix
        PROV + HALTENG + ["5", "jiwa", "duaribu"],
    ])
    result = analyse(path, tables.load("kabupaten_kota_tahunan"))
    errors = [(f["field"], f["row"], f["value"])
              for f in flags_of(result, "type_error")]
    assert errors == [("nilai", 3, "dua belas"), ("nilai", 4, "1.234*"),
                      ("tahun", 5, "duaribu")]
    assert result["rows"] == 4
    assert result["fields"]["nilai"]["count"] == 2
    assert "2024" in result["by_year"]
    assert result["by_year"]["2024"]["nilai"]["sum"] is None


def test_missing_and_extra_columns(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "m.csv", ["nilai", "catatan", "tahun"], [
        ["5", "ok", "2023"],
    ])
    result = analyse(path, tables.load("kabupaten_kota_tahunan"))
    assert "kode_kabupaten_kota" in result["missing_columns"]
    assert result["extra_columns"] == ["catatan"]
    assert result["region_field"] is None
    assert result["fields"]["nilai"]["sum"] == 5
    assert {f["field"] for f in flags_of(result, "missing_column")} == set(
        result["missing_columns"])


def test_header_only_file_has_no_rows(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "h.csv", header("kabupaten_kota_tahunan"), [])
    result = analyse(path, tables.load("kabupaten_kota_tahunan"))
    assert result["rows"] == 0
    assert result["fields"]["nilai"]["sum"] is None
    assert result["fields"]["nilai"]["mean"] is None


# -- unreadable files ---------------------------------------------------------

def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    result = analyse(str(path), tables.load("kabupaten_kota_tahunan"))
    assert result["error"] == stats.ERROR_EMPTY
    (tmp_path / "blank.csv").write_bytes(b"\n\n  \n")
    assert analyse(str(tmp_path / "blank.csv"), {})["error"] == \
        stats.ERROR_EMPTY


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(bytes(range(256)) * 4)
    result = analyse(str(path), tables.load("kabupaten_kota_tahunan"))
    assert result["error"] == stats.ERROR_BINARY


def test_binary_file_named_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "data.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    result = analyse(str(path), tables.load("kabupaten_kota_tahunan"))
    assert result["error"] == stats.ERROR_BINARY


def test_corrupt_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "data.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"garbage" * 50)
    result = analyse(str(path), tables.load("kabupaten_kota_tahunan"))
    assert result["error"] in (stats.ERROR_UNREADABLE, stats.ERROR_BINARY)
    assert result["detail"]


def test_missing_file_and_bad_schema(tmp_path: Path) -> None:
    schema = tables.load("kabupaten_kota_tahunan")
    assert analyse(str(tmp_path / "nope.csv"), schema)["error"] == \
        stats.ERROR_NOT_FOUND
    path = write_csv(tmp_path / "d.csv", ["a"], [["1"]])
    assert analyse(path, {"fields": [{"name": "a", "type": "nope"}]})[
        "error"] == stats.ERROR_SCHEMA
