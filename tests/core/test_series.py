"""The one series/pivot builder (``ckanext.sektoral.core.series``):
the public page's series and the report's chart series and tables."""
from __future__ import annotations

from decimal import Decimal

import pytest

from ckanext.sektoral.core import formatting, tables
from ckanext.sektoral.core import series, stats
from ckanext.sektoral.insight import exports, tabledata

HEADER = ("kode_provinsi,nama_provinsi,kode_kabupaten_kota,"
          "nama_kabupaten_kota,nilai,satuan,tahun\n")
P = "82,Provinsi Maluku Utara,"
CSV = (HEADER
       + P + '8271,Kota Ternate,"1.500",ton,2023\n'
       + P + "8272,Kota Tidore Kepulauan,-,ton,2023\n"
       + P + '8271,Kota Ternate,"1.600,5",ton,2024\n'
       + P + "8272,Kota Tidore Kepulauan,x,ton,2024\n")
SCHEMA = tables.load("kabupaten_kota_tahunan_angka_id")


@pytest.fixture
def csv_file(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text(CSV, encoding="utf-8")
    return str(path)


def test_additivity():
    assert series.is_additive("ton", "Produksi", "Produksi Padi")
    assert not series.is_additive("persen")
    assert not series.is_additive("rupiah/kg")
    assert not series.is_additive("jiwa", "Indeks Pembangunan Manusia")
    assert tabledata.is_additive is series.is_additive


def test_grid_by_year_and_by_region():
    grid = series.Grid(True, True)
    grid.add(8271, 2023, Decimal(1500), None)
    grid.add(8272, 2023, None, "\u2013")
    grid.add(8271, 2024, Decimal("1600.5"), None)
    grid.add(8272, 2024, None, "x")
    assert grid.by_year(True) == [
        {"year": 2023, "value": 1500, "missing": 0, "complete": True},
        {"year": 2024, "value": 1600.5, "missing": 1, "complete": False}]
    # a rate: the unweighted mean of the regions (nihil counts as 0)
    assert grid.by_year(False)[0]["value"] == 750
    rows, year = grid.by_region(True, lambda found: [(c, c)
                                                     for c in sorted(found)])
    assert year == 2024
    assert rows == [
        {"code": "8271", "name": "8271", "value": 1600.5, "symbol": None,
         "complete": True},
        {"code": "8272", "name": "8272", "value": None, "symbol": "x",
         "complete": False}]


def test_grid_without_region_or_year():
    grid = series.Grid(False, False)
    grid.add(None, None, Decimal(2), None)
    assert grid.by_year(True) is None
    assert grid.by_region(True, lambda found: []) == (None, None)


def test_year_series_of_a_stored_analysis(csv_file):
    analysis = stats.analyse(csv_file, SCHEMA)
    assert series.year_series(analysis) == [
        ("2023", 1500, True), ("2024", 1600.5, False)]
    assert series.year_series(analysis, additive=False) == [
        ("2023", 750, True), ("2024", 1600.5, False)]
    assert series.year_series({"measures": []}) == []


def test_the_page_and_the_report_series_agree(csv_file):
    """The public page (``tabledata``) and the report's chart series
    (``year_series`` of the stored analysis) give the same totals and
    completeness, both built here."""
    page = tabledata.read_table(csv_file, SCHEMA)
    report = series.year_series(stats.analyse(csv_file, SCHEMA))
    assert [(str(p["year"]), p["value"], p["complete"])
            for p in page["by_year"]] == report


def test_pivot_of_canonical_rows(csv_file):
    analysis = stats.analyse(csv_file, SCHEMA)
    _names, rows = exports.read_canonical(csv_file, SCHEMA)
    table = series.pivot(rows, SCHEMA, analysis,
                         region_label=lambda code: f"R{code}",
                         number=formatting.number, max_rows=40, max_cols=8)
    assert table == {
        "measure": "Nilai", "columns": ["Wilayah", "2023", "2024"],
        "rows": [["R8271", "1.500", "1.600,5"], ["R8272", "-", "x"]],
        "truncated": False}
    assert series.pivot(iter(()), SCHEMA, {"measures": []},
                        region_label=str, number=str, max_rows=1,
                        max_cols=1) == {}


def test_the_report_tables_and_charts_come_from_the_series_module(csv_file):
    """The report's region x year tables and chart series are the series
    module's (no copy of their own)."""
    from ckanext.sektoral.documents import report, store
    from ckanext.sektoral.documents.report import charts, content

    analysis = stats.analyse(csv_file, SCHEMA)
    _names, rows = exports.read_canonical(csv_file, SCHEMA)
    assert content._pivot(csv_file, SCHEMA, None, analysis) == series.pivot(
        rows, SCHEMA, analysis, region_label=store.region_label,
        number=formatting.number, max_rows=report.MAX_TABLE_ROWS,
        max_cols=report.MAX_TABLE_COLS)
    assert charts.year_series is series.year_series
    assert report.year_series is series.year_series
