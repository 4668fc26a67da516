"""XLSX templates from the shipped Table Schemas, and cell neutralising.

Plain pytest: ``pytest -p no:ckan tests/documents``.
"""
from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from frictionless import Schema
from frictionless.resources import TableResource
from openpyxl.utils.cell import range_to_tuple
from openpyxl.worksheet.cell_range import MultiCellRange

from ckanext.sektoral.core import tables
from ckanext.sektoral.documents import excel
from ckanext.sektoral.documents.excel import neutralise, neutralise_row

NAMES = tables.template_names()


def _open(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def _workbook(name: str, **kwargs: Any) -> tuple[dict, openpyxl.Workbook]:
    schema = tables.load(name)
    return schema, _open(excel.template_workbook(schema, **kwargs))


def _validations(ws: Any) -> dict[str, Any]:
    """Data validation of each column letter (by its sqref)."""
    out = {}
    for dv in ws.data_validations.dataValidation:
        for rng in MultiCellRange(str(dv.sqref)).ranges:
            out[rng.coord.split(":")[0].rstrip("0123456789")] = (dv, rng)
    return out


def _listed(wb: openpyxl.Workbook, formula: str) -> list[Any]:
    """Values of a list validation: inline ``"a,b"`` or a sheet range."""
    if formula.startswith('"'):
        return formula.strip('"').split(",")
    sheet, (min_col, min_row, max_col, max_row) = range_to_tuple(formula)
    return [c.value for row in wb[sheet].iter_rows(
        min_row=min_row, max_row=max_row, min_col=min_col, max_col=max_col)
        for c in row]


def _value(field: dict, i: int) -> Any:
    """A valid value of ``field`` for data row ``i`` (0-based)."""
    cons = field.get("constraints", {})
    if "enum" in cons:
        return cons["enum"][i % len(cons["enum"])]
    ftype = field["type"]
    if ftype == "integer":
        return cons.get("minimum", 0) + 10 + i
    if ftype == "number":
        return 1234.5 + i
    if ftype == "year":
        return 2021 + i
    return f"teks {i}"


def _fill(data: bytes, rows: list[dict[str, Any]], path: Path) -> Path:
    wb = _open(data)
    ws = wb[excel.DATA_SHEET]
    header = [c.value for c in ws[1]]
    for r, row in enumerate(rows, start=2):
        for c, name in enumerate(header, start=1):
            ws.cell(row=r, column=c, value=row.get(name))
    wb.save(path)
    return path


def _resource(schema: dict, path: Path) -> TableResource:
    # frictionless refuses absolute paths as unsafe: use a base path.
    return TableResource(path=path.name, basepath=str(path.parent),
                         format="xlsx",
                    schema=Schema.from_descriptor(schema))


def _validate(schema: dict, path: Path) -> Any:
    return _resource(schema, path).validate()


# --- template structure ---------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_data_sheet_is_first_with_field_names_header(name: str) -> None:
    schema, wb = _workbook(name, title="Jumlah Penduduk", unit="jiwa")
    assert wb.sheetnames[0] == excel.DATA_SHEET
    assert excel.GUIDE_SHEET in wb.sheetnames
    ws = wb[excel.DATA_SHEET]
    names = [f["name"] for f in schema["fields"]]
    assert [c.value for c in ws[1]] == names
    assert ws.max_row == 1  # no styled empty cells below the header
    assert ws.freeze_panes == "A2"
    assert all(c.font.b for c in ws[1])
    for col in range(1, len(names) + 1):
        letter = openpyxl.utils.get_column_letter(col)
        assert ws.column_dimensions[letter].width >= 10


@pytest.mark.parametrize("name", NAMES)
def test_enum_columns_have_list_validation(name: str) -> None:
    schema, wb = _workbook(name)
    ws = wb[excel.DATA_SHEET]
    validations = _validations(ws)
    for col, field in enumerate(schema["fields"], start=1):
        letter = openpyxl.utils.get_column_letter(col)
        dv, rng = validations[letter]
        assert rng.min_row == 2 and rng.max_row >= 1001
        assert rng.min_col == rng.max_col == col
        assert dv.showInputMessage and dv.promptTitle
        assert field["description"][:40] in dv.prompt
        enum = field.get("constraints", {}).get("enum")
        if enum is not None:
            assert dv.type == "list"
            listed = _listed(wb, dv.formula1)
            assert [str(v) for v in enum] == [str(v) for v in listed][
                :len(enum)]
        elif field["type"] in ("integer", "year"):
            assert dv.type in ("whole", "custom")
        elif field["type"] == "number":
            assert dv.type in ("decimal", "custom")


@pytest.mark.parametrize("name", NAMES)
def test_number_formats(name: str) -> None:
    schema, wb = _workbook(name)
    ws = wb[excel.DATA_SHEET]
    expected = {"integer": "0", "year": "0", "number": "#,##0.##",
                "string": "@"}
    for col, field in enumerate(schema["fields"], start=1):
        letter = openpyxl.utils.get_column_letter(col)
        assert ws.column_dimensions[letter].number_format == \
            expected[field["type"]]


@pytest.mark.parametrize("name", NAMES)
def test_petunjuk_lists_every_field(name: str) -> None:
    schema, wb = _workbook(name, title="Jumlah Penduduk", unit="jiwa",
                           notes="Sumber: Dinas Kependudukan")
    rows = list(wb[excel.GUIDE_SHEET].iter_rows(values_only=True))
    texts = [" ".join(str(v) for v in r if v is not None) for r in rows]
    assert any("Jumlah Penduduk" in t for t in texts)
    assert any("jiwa" in t for t in texts)
    assert any("Sumber: Dinas Kependudukan" in t for t in texts)
    by_name = {r[0]: r for r in rows if r[0] is not None}
    for field in schema["fields"]:
        row = by_name[field["name"]]
        assert row[1] == field["title"]
        assert row[2] == field["description"]
        assert row[3] == excel.TYPE_LABELS[field["type"]]
        required = field.get("constraints", {}).get("required", False)
        assert row[6] == ("Ya" if required else "Tidak")
        for value in field.get("constraints", {}).get("enum", []):
            assert str(value) in row[5]
    assert by_name["nilai"][4] == "jiwa"
    # The BPS symbols with their meaning, and the "never 0" rule.
    meanings = {r[0]: r[1] for r in rows}
    assert meanings["..."] == "data tidak tersedia"
    assert meanings["-"] == "nihil (nol)"
    assert meanings["NA"] == "data tidak tersedia"
    assert meanings["x"] == "data dirahasiakan"
    assert any("JANGAN mengetik 0" in t or "Jangan mengetik 0" in t
               for t in texts)


def test_long_enum_goes_to_hidden_kode_sheet() -> None:
    values = [f"Kecamatan Nomor {i}, Halmahera" for i in range(40)]
    schema = {"fields": [
        {"name": "nama", "type": "string", "title": "Nama",
         "description": "Nama kecamatan.",
         "constraints": {"required": True, "enum": values}},
        {"name": "=formula", "type": "string"},
    ], "missingValues": [""]}
    wb = _open(excel.template_workbook(schema))
    assert wb.sheetnames[0] == excel.DATA_SHEET
    kode = wb[excel.CODES_SHEET]
    assert kode.sheet_state == "hidden"
    assert [c.value for c in kode["A"]] == ["nama"] + values
    dv, _ = _validations(wb[excel.DATA_SHEET])["A"]
    assert dv.type == "list"
    assert range_to_tuple(dv.formula1) == (excel.CODES_SHEET, (1, 2, 1, 41))
    assert _listed(wb, dv.formula1) == values
    # Schema text is written as text, never as a formula.
    assert wb[excel.DATA_SHEET]["B1"].data_type == "s"
    assert wb[excel.DATA_SHEET]["B1"].value == "=formula"


def test_optional_number_accepts_bps_symbols_in_excel_validation() -> None:
    schema, wb = _workbook("provinsi_runtun_waktu")
    names = [f["name"] for f in schema["fields"]]
    letter = openpyxl.utils.get_column_letter(names.index("nilai") + 1)
    dv, _ = _validations(wb[excel.DATA_SHEET])[letter]
    assert dv.type == "custom"
    assert "ISNUMBER" in dv.formula1
    for symbol in ("...", "-", "NA", "x"):
        assert f'"{symbol}"' in dv.formula1


def test_empty_schema_is_refused() -> None:
    with pytest.raises(ValueError):
        excel.template_workbook({"fields": []})


# --- round trip through frictionless --------------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_filled_template_validates(name: str, tmp_path: Path) -> None:
    schema = tables.load(name)
    data = excel.template_workbook(schema, title="Uji", unit="jiwa")
    rows = [{f["name"]: _value(f, i) for f in schema["fields"]}
            for i in range(3)]
    path = _fill(data, rows, tmp_path / "isi.xlsx")
    report = _validate(schema, path)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type",
                                         "note"])
    assert report.task.stats["rows"] == 3
    read = _resource(schema, path).read_rows()
    assert [r["nilai"] for r in read] == [Decimal("1234.5"),
                                          Decimal("1235.5"),
                                          Decimal("1236.5")]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("symbol", ["...", "-", "NA", "x"])
def test_bps_symbol_in_number_column_is_missing_not_zero(
        name: str, symbol: str, tmp_path: Path) -> None:
    schema = tables.load(name)
    rows = [{f["name"]: _value(f, i) for f in schema["fields"]}
            for i in range(3)]
    rows[1]["nilai"] = symbol
    path = _fill(excel.template_workbook(schema), rows, tmp_path / "b.xlsx")
    report = _validate(schema, path)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type"])
    read = _resource(schema, path).read_rows()
    assert read[1]["nilai"] is None
    assert read[0]["nilai"] == Decimal("1234.5")


def test_wrong_enum_value_is_an_error(tmp_path: Path) -> None:
    schema = tables.load("kabupaten_kota_tahunan")
    rows = [{f["name"]: _value(f, i) for f in schema["fields"]}
            for i in range(3)]
    rows[0]["kode_kabupaten_kota"] = 8299
    rows[2]["nilai"] = "abc"
    path = _fill(excel.template_workbook(schema), rows, tmp_path / "e.xlsx")
    report = _validate(schema, path)
    assert not report.valid
    errors = report.flatten(["rowNumber", "fieldName", "type"])
    assert [2, "kode_kabupaten_kota", "constraint-error"] in errors
    assert [4, "nilai", "type-error"] in errors


# --- neutralise ------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    ("=SUM(A1)", "'=SUM(A1)"),
    ("=1+1", "'=1+1"),
    ("@x", "'@x"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("+A1", "'+A1"),
    ("-A1", "'-A1"),
    ("-1+1", "'-1+1"),
    ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
    ("-12,5*", "'-12,5*"),
    ("\tx", "'\tx"),
    ("\rx", "'\rx"),
    ("\t-3", "'\t-3"),
    ("  =1+1", "'  =1+1"),
    ("\n=1+1", "'\n=1+1"),
    # Left alone: BPS nil symbols, plain numbers, text, non-strings.
    ("-", "-"),
    (" - ", " - "),
    ("\u2013", "\u2013"),
    ("...", "..."),
    ("NA", "NA"),
    ("x", "x"),
    ("+1", "+1"),
    ("-3", "-3"),
    ("-12,5", "-12,5"),
    ("-12.5", "-12.5"),
    ("-1.234,56", "-1.234,56"),
    ("-1.5e3", "-1.5e3"),
    ("Kota Ternate", "Kota Ternate"),
    ("a=b", "a=b"),
    ("", ""),
    (None, None),
    (0, 0),
    (-3, -3),
    (-12.5, -12.5),
    (Decimal("-1.5"), Decimal("-1.5")),
    (True, True),
])
def test_neutralise(value: Any, expected: Any) -> None:
    assert neutralise(value) == expected


def test_neutralise_row() -> None:
    assert neutralise_row(["=SUM(A1)", "-", -3, None, "-12,5", "@x"]) == [
        "'=SUM(A1)", "-", -3, None, "-12,5", "'@x"]
    assert neutralise_row(("+A1",)) == ["'+A1"]
    assert neutralise_row({"a": "=1", "b": "..."}) == {"a": "'=1",
                                                       "b": "..."}
    with pytest.raises(TypeError):
        neutralise_row("=1")
