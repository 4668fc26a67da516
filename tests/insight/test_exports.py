"""Every export writes the canonical CSV: one number form (decimal point,
no grouping), declared in its Table Schema; round-tripped through
frictionless, every value equals the validated source's."""
from __future__ import annotations

import csv
import io
import json
import types
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from frictionless import Detector, Package, Resource, Schema

from ckanext.sektoral.core import tables
from ckanext.sektoral.documents import compile as compile_mod
from ckanext.sektoral.insight import exports
from ckanext.sektoral.core import symbols

NAMES = ["kode_provinsi", "nama_provinsi", "kode_kabupaten_kota",
         "nama_kabupaten_kota", "nilai", "satuan", "tahun"]
P = [82, "Provinsi Maluku Utara"]
TERNATE = [8271, "Kota Ternate"]
TIDORE = [8272, "Kota Tidore Kepulauan"]

#: (template, rows as written in the OPD's file); an XLSX mixes numeric
#: cells with decimal-comma text, as Excel does with pasted figures.
CASES = {
    "csv-angka-id": ("kabupaten_kota_tahunan_angka_id", "csv", [
        TERNATE + ["1.234,5", "ton", 2021], TIDORE + ["83,6", "ton", 2021],
        TERNATE + ["-", "ton", 2022], TIDORE + ["\u2013", "ton", 2022],
        TERNATE + ["...", "ton", 2023], TIDORE + ["\u2026", "ton", 2023],
        TERNATE + ["NA", "ton", 2024], TIDORE + ["x", "ton", 2024],
        TERNATE + ["1.000.000", "ton", 2025], TIDORE + ["-2,25", "ton", 2025],
    ]),
    "xlsx-mixed-marks": ("kabupaten_kota_tahunan_angka_id", "xlsx", [
        TERNATE + [78.4, "persen", 2021], TIDORE + ["83,6", "persen", 2021],
        TERNATE + [1500, "persen", 2022], TIDORE + ["1.500,25", "persen", 2022],
        TERNATE + ["-", "persen", 2023], TIDORE + ["x", "persen", 2023],
    ]),
    "csv-plain": ("kabupaten_kota_tahunan", "csv", [
        TERNATE + ["1234.5", "ton", 2021], TIDORE + ["0.125", "ton", 2021],
        TERNATE + ["-", "ton", 2022], TIDORE + ["NA", "ton", 2022],
    ]),
}


def _write(tmp_path: Path, case: str) -> tuple[str, dict[str, Any], str]:
    template, fmt, rows = CASES[case]
    schema = tables.load(template)
    path = tmp_path / f"{case}.{fmt}"
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(NAMES)
        for row in rows:
            writer.writerow(P + row)
        path.write_text(buf.getvalue(), encoding="utf-8")
    else:
        from openpyxl import Workbook
        wb = Workbook()
        ws = wb.active
        ws.append(NAMES)
        for row in rows:
            ws.append(P + row)
        wb.save(path)
    return str(path), schema, fmt


def _source(path: str, schema: dict[str, Any], fmt: str) -> list[dict]:
    """The validated source: typed values, a BPS symbol as its canonical
    form."""
    here, name = str(Path(path).parent), Path(path).name
    resource = Resource(path=name, basepath=here,
                        schema=Schema.from_descriptor(schema),
                        format=fmt, detector=Detector(schema_sync=True))
    report = resource.validate()
    assert report.valid, report.flatten(["rowNumber", "message"])
    out = []
    with Resource(path=path, schema=Schema.from_descriptor(schema),
                  format=fmt, detector=Detector(schema_sync=True)) as r:
        for row in r.row_stream:
            values = row.to_dict()
            for name, cell in zip(NAMES, row.cells, strict=False):
                if values.get(name) is None and symbols.symbol(cell):
                    values[name] = symbols.canonical(cell)
            out.append(values)
    return out


def _read_back(csv_path: Path, schema: dict[str, Any]) -> list[dict]:
    """The export read by any frictionless user with its declared schema
    (a missing value back as the symbol written)."""
    resource = Resource(path=csv_path.name, basepath=str(csv_path.parent),
                        schema=Schema.from_descriptor(schema))
    report = resource.validate()
    assert report.valid, report.flatten(["rowNumber", "message"])
    text = csv_path.read_text(encoding="utf-8")
    raw = list(csv.DictReader(io.StringIO(text)))
    rows = Resource(path=csv_path.name, basepath=str(csv_path.parent),
                    schema=Schema.from_descriptor(schema)).read_rows()
    out = []
    for row, cells in zip(rows, raw, strict=False):
        values = dict(row)
        for name in NAMES:
            if values[name] is None and cells[name]:
                values[name] = cells[name]
        out.append(values)
    return out


def _equal(got: list[dict], expected: list[dict]) -> None:
    assert len(got) == len(expected)
    for a, b in zip(got, expected, strict=True):
        for name in NAMES:
            x, y = a[name], b[name]
            if isinstance(y, (Decimal, int)) and not isinstance(y, bool):
                assert isinstance(x, (Decimal, int)), (name, x, y)
                assert Decimal(x) == Decimal(y), (name, x, y)
            else:
                assert x == y, (name, x, y)


def _assert_canonical_schema(schema: dict[str, Any]) -> None:
    nilai = next(f for f in schema["fields"] if f["name"] == "nilai")
    assert nilai["decimalChar"] == "." and nilai["groupChar"] == ""
    assert schema["missingValues"] == ["", "...", "-", "NA", "x"]
    assert schema["bpsSymbols"]["-"].startswith("nihil")


def _numbers_in_one_form(text: str) -> None:
    for row in list(csv.DictReader(io.StringIO(text))):
        cell = row["nilai"]
        if cell in symbols.CANONICAL_MISSING_VALUES:
            continue
        assert "," not in cell and cell.count(".") <= 1, cell
        Decimal(cell)  # a plain decimal-point number


@pytest.mark.parametrize("case", sorted(CASES))
def test_public_csv_round_trips(case, tmp_path):
    path, schema, fmt = _write(tmp_path, case)
    body = exports.csv_bytes(path, schema, fmt)
    out = tmp_path / "export.csv"
    out.write_bytes(body)
    _numbers_in_one_form(body.decode("utf-8"))
    canonical = exports.canonical_schema(schema)
    _assert_canonical_schema(canonical)
    _equal(_read_back(out, canonical), _source(path, schema, fmt))


@pytest.mark.parametrize("case", sorted(CASES))
def test_public_data_package_round_trips(case, tmp_path):
    path, schema, fmt = _write(tmp_path, case)
    pkg = {"name": "produksi-uji", "title": "Produksi Uji", "id": "x1",
           "notes": "", "tags": []}
    body = exports.datapackage_zip(pkg, path, schema,
                                   homepage="http://test/dataset/x", fmt=fmt)
    target = tmp_path / "dp"
    zipfile.ZipFile(io.BytesIO(body)).extractall(target)
    descriptor = json.loads((target / "datapackage.json").read_text())
    declared = json.loads((target / "tableschema.json").read_text())
    _assert_canonical_schema(declared)
    package = Package(str(target / "datapackage.json"))
    report = package.validate()
    assert report.valid, report.flatten(["rowNumber", "message"])
    csv_path = target / descriptor["resources"][0]["path"]
    _numbers_in_one_form(csv_path.read_text(encoding="utf-8"))
    _equal(_read_back(csv_path, declared), _source(path, schema, fmt))


def test_compilation_round_trips(tmp_path):
    datasets, sources = [], {}
    for case in sorted(CASES):
        path, schema, fmt = _write(tmp_path, case)
        sources[case] = _source(path, schema, fmt)
        datasets.append({
            "pkg": {"name": case, "title": case, "notes": ""},
            "files": [{"path": path, "schema": schema, "format": fmt}],
            "metadata": {k: case if k in ("name", "title") else ""
                         for k, _l in compile_mod.METADATA_FIELDS}})
    cycle = types.SimpleNamespace(code="UJI-1", title="Uji")
    body = compile_mod.data_package(cycle, datasets)
    target = tmp_path / "kompilasi"
    zipfile.ZipFile(io.BytesIO(body)).extractall(target)
    package = Package(str(target / "datapackage.json"))
    report = package.validate()
    assert report.valid, report.flatten(["rowNumber", "message"])
    descriptor = json.loads((target / "datapackage.json").read_text())
    for resource in descriptor["resources"]:
        if resource["name"] == "metadata":
            continue
        _assert_canonical_schema(resource["schema"])
        csv_path = target / resource["path"]
        _numbers_in_one_form(csv_path.read_text(encoding="utf-8"))
        _equal(_read_back(csv_path, resource["schema"]),
               sources[resource["name"]])


def test_xlsx_download_has_the_same_typed_values(tmp_path):
    from openpyxl import load_workbook

    path, schema, fmt = _write(tmp_path, "xlsx-mixed-marks")
    wb = load_workbook(io.BytesIO(exports.xlsx_bytes(
        path, schema, metadata=[("Judul", "Uji")], fmt=fmt)))
    rows = list(wb["Data"].iter_rows(values_only=True))
    got = [dict(zip(NAMES, r, strict=False)) for r in rows[1:]]
    for row in got:
        if isinstance(row["nilai"], float):
            row["nilai"] = Decimal(repr(row["nilai"]))
    _equal(got, _source(path, schema, fmt))
