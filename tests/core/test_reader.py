"""Tests of ``ckanext.sektoral.core.reader``, the one reader of a data
file with its Table Schema (plain pytest, no CKAN)."""
from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from ckanext.sektoral.core import tables
from ckanext.sektoral.core import reader, stats
from ckanext.sektoral.insight import exports, tabledata

SCHEMA_ID = tables.load("kabupaten_kota_tahunan_angka_id")
P = "82,Provinsi Maluku Utara,"
HEADER = ("kode_provinsi,nama_provinsi,kode_kabupaten_kota,"
          "nama_kabupaten_kota,nilai,satuan,tahun\n")
CSV = (HEADER
       + P + '8271,Kota Ternate,"1.234,5",ton,2023\n'
       + P + "8272,Kota Tidore Kepulauan,\u2013,ton,2023\n"
       + P + "8271,Kota Ternate,x,ton,2024\n"
       + ",,,,,,\n"
       + P + "8272,Kota Tidore Kepulauan, ... ,ton,2024\n").encode("utf-8")


def _rows(source, schema=SCHEMA_ID, fmt=None):
    return reader.read_rows(source, schema, fmt)


def test_path_and_bytes_read_the_same(tmp_path: Path):
    path = tmp_path / "data.csv"
    path.write_bytes(CSV)
    by_path, by_bytes = _rows(str(path)), _rows(CSV)
    assert [r.values for r in by_path] == [r.values for r in by_bytes]
    assert [r.row_number for r in by_path] == [2, 3, 4, 6]  # blank skipped


def test_numbers_symbols_and_canonical_cells():
    rows = _rows(CSV)
    assert rows[0].values["nilai"] == Decimal("1234.5")
    assert rows[0].values["kode_kabupaten_kota"] == 8271
    assert [r.symbol("nilai") for r in rows] == [None, "\u2013", "x", "..."]
    assert [r.number("nilai") for r in rows] == [Decimal("1234.5"), 0,
                                                 None, None]
    assert [r.canonical("nilai") for r in rows] == ["1234.5", "-", "x",
                                                    "..."]
    assert rows[0].canonical("tahun") == "2023"


def test_header_in_any_order_with_missing_and_extra_columns():
    data = ("catatan,nilai,tahun,kode_kabupaten_kota\n"
            "a,\"2,5\",2023,8271\n").encode("utf-8")
    with reader.open_table(data, SCHEMA_ID) as table:
        assert table.labels == ["catatan", "nilai", "tahun",
                                "kode_kabupaten_kota"]
        assert table.extra == ["catatan"]
        assert "nama_provinsi" in table.missing
        assert [f["name"] for f in table.present] == [
            "kode_kabupaten_kota", "nilai", "tahun"]
        (row,) = list(table.rows())
    assert row.values["nilai"] == Decimal("2.5")
    assert row.cell("catatan") is None  # no schema field


def test_only_declared_symbols_mean_something():
    schema = {"fields": [{"name": "tahun", "type": "year"},
                         {"name": "nilai", "type": "string"}],
              "missingValues": ["", "n.a."]}
    rows = _rows(b"tahun,nilai\n2023,-\n2024,n.a.\n", schema)
    # "-" is not declared here: plain text, no nihil
    assert rows[0].values["nilai"] == "-"
    assert rows[0].symbol("nilai") is None
    assert rows[0].number("nilai") is None
    # a declared missing value that is no BPS symbol: missing, as written
    assert rows[1].values["nilai"] is None
    assert rows[1].symbol("nilai") is None
    assert rows[1].missing_text("nilai") == "n.a."
    assert rows[1].canonical("nilai") == "n.a."


def test_xlsx_numeric_cells_and_decimal_comma_text(tmp_path: Path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER.strip().split(","))
    ws.append([82, "Provinsi Maluku Utara", 8271, "Kota Ternate", 83.6,
               "persen", 2023])
    ws.append([82, "Provinsi Maluku Utara", 8272, "Kota Tidore Kepulauan",
               "83,6", "persen", 2023])
    path = tmp_path / "upload"  # stored uploads have no extension
    wb.save(path)
    with reader.open_table(str(path), SCHEMA_ID) as table:
        assert table.format == "xlsx"
        rows = list(table.rows())
    assert [r.values["nilai"] for r in rows] == [Decimal("83.6")] * 2


@pytest.mark.parametrize("content, fmt, message", [
    (b"", None, reader.ERROR_EMPTY),
    (b"a,b\x00\n", None, reader.ERROR_BINARY),
    (b"a,b\n1,2\n", "xlsx", reader.ERROR_BINARY),
])
def test_unreadable_files_raise_read_error(content, fmt, message):
    with pytest.raises(reader.ReadError) as err:
        reader.open_table(content, SCHEMA_ID, fmt)
    assert err.value.message == message


def test_missing_file_and_bad_schema(tmp_path: Path):
    with pytest.raises(reader.ReadError) as err:
        reader.open_table(str(tmp_path / "none.csv"), SCHEMA_ID)
    assert err.value.message == reader.ERROR_NOT_FOUND
    with pytest.raises(reader.ReadError) as err:
        reader.open_table(CSV, {"fields": [{"name": 1, "type": "nope"}]})
    assert err.value.message == reader.ERROR_SCHEMA


def test_sniff_prefers_the_declared_format_then_the_extension(tmp_path):
    tsv = tmp_path / "data.tsv"
    tsv.write_bytes(b"a\tb\n")
    assert reader.sniff(str(tsv)) == "tsv"
    assert reader.sniff(str(tsv), "csv") == "csv"
    assert reader.sniff(b"PK\x03\x04rest") == "xlsx"
    assert reader.sniff(b"\xd0\xcf\x11\xe0rest") == "xls"


def test_every_reader_reads_the_same_values(tmp_path: Path):
    """The statistics, the public page's series, the canonical CSV and the
    compilation all read through the one reader: same numbers, same
    symbols."""
    path = tmp_path / "data.csv"
    path.write_bytes(CSV)
    summary = stats.analyse(str(path), SCHEMA_ID)
    assert summary["fields"]["nilai"]["symbols"] == {"\u2013": 1, "x": 1,
                                                     "...": 1}
    assert summary["by_year"]["2023"]["nilai"] == {
        "sum": 1234.5, "count": 2, "missing": 0}
    series = tabledata.read_table(str(path), SCHEMA_ID)
    assert [(p["year"], p["value"], p["complete"])
            for p in series["by_year"]] == [(2023, 1234.5, True),
                                            (2024, None, False)]
    text = exports.csv_bytes(str(path), SCHEMA_ID).decode("utf-8")
    assert [line.split(",")[4] for line in text.splitlines()[1:]] == [
        "1234.5", "-", "x", "..."]


def test_typed_cells_of_every_xlsx_export():
    """The compilation's XLSX wrote ``True`` and ``2026-01-05 10:00:00``
    as text where the public XLSX download wrote a boolean and ISO text;
    both now use ``exports.typed_cell`` (the download's rule: a typed
    value stays typed, a date is written as the canonical CSV writes
    it)."""
    assert exports.typed_cell(True, "true") is True
    assert exports.typed_cell(dt.datetime(2026, 1, 5, 10), "x") == \
        "2026-01-05T10:00:00"
    assert exports.typed_cell(Decimal("2.50"), "2.5") == 2.5
    assert exports.typed_cell(Decimal("3"), "3") == 3
    assert exports.typed_cell(None, "...") == "..."
    assert exports.typed_cell(None, "") is None


def test_compilation_xlsx_uses_the_typed_cells(tmp_path: Path):
    from ckanext.sektoral.documents import compile as compile_mod

    schema = {"fields": [{"name": "ok", "type": "boolean"},
                         {"name": "nilai", "type": "number"}],
              "missingValues": ["", "-"]}
    path = tmp_path / "data.csv"
    path.write_bytes(b"ok,nilai\ntrue,1.5\nfalse,-\n")

    class Cycle:
        code, title = "C-1", "Uji"

    ds = {"pkg": {"name": "uji", "title": "Uji"},
          "files": [{"path": str(path), "schema": schema, "format": "csv"}],
          "metadata": {k: "" for k, _l in compile_mod.METADATA_FIELDS}}
    wb = openpyxl.load_workbook(io.BytesIO(
        compile_mod.combined_xlsx(Cycle(), [ds])))
    rows = list(wb["Uji"].iter_rows(values_only=True))
    assert rows == [("ok", "nilai"), (True, 1.5), (False, "-")]
