"""Downloads of one published dataset's validated data file.

* CSV: the cells as published (the OPD's number format and the BPS symbols
  kept as written, so ``...`` stays "not available", never 0), UTF-8;
* XLSX: one ``Data`` sheet with typed values (numbers are numbers; a BPS
  symbol stays text) and a ``Metadata`` sheet;
* Data Package: a zip with ``datapackage.json`` (Frictionless), the CSV
  under ``data/`` and the Table Schema (``tableschema.json``), built on the
  fly and checked with frictionless.

Every text cell goes through ``documents.excel.neutralise`` (formula
injection). Everything is built in memory: the files are small tables.
"""
from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from typing import Any, Optional

from ckanext.sektoral.documents.excel import neutralise

XLSX_MIMETYPE = ("application/vnd.openxmlformats-officedocument."
                 "spreadsheetml.sheet")


def safe_name(text: str) -> str:
    """A lowercase file/package name (Data Package ``name`` pattern)."""
    name = re.sub(r"[^a-z0-9._-]+", "-", (text or "").lower()).strip("-.")
    return name or "data"


def _rows(path: str, schema: dict[str, Any], typed: bool,
          fmt: Optional[str] = None):
    """Header and rows of the file read with its schema: raw cells, or
    parsed values with BPS symbols back as written (typed)."""
    from frictionless import Detector, Resource, Schema

    missing = [str(v) for v in schema.get("missingValues", [""])]
    resource: Any = Resource(path=path, schema=Schema.from_descriptor(schema),
                             format=fmt or _format(path),
                             detector=Detector(schema_sync=True))
    with resource:
        labels = list(resource.header.labels if resource.header else [])
        yield labels
        for row in resource.row_stream:
            if any(e.type == "blank-row" for e in row.errors):
                continue
            raw = list(row.cells)[:len(labels)]
            if not typed:
                yield ["" if v is None else v for v in raw]
                continue
            values = row.to_dict()
            out = []
            for i, name in enumerate(labels):
                cell = raw[i] if i < len(raw) else None
                value = values.get(name)
                if value is None and isinstance(cell, str) and cell in missing:
                    value = cell or None
                out.append(_plain(value))
            yield out


def _format(path: str) -> str:
    """csv or xlsx from the content (stored uploads have no extension)."""
    with open(path, "rb") as f:
        head = f.read(8)
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    return "csv"


def _plain(value: Any) -> Any:
    from decimal import Decimal

    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() \
            else float(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def csv_bytes(path: str, schema: dict[str, Any],
              fmt: Optional[str] = None) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in _rows(path, schema, typed=False, fmt=fmt):
        writer.writerow([neutralise(v if isinstance(v, str) else str(v))
                         for v in row])
    return out.getvalue().encode("utf-8")


def xlsx_bytes(path: str, schema: dict[str, Any], *,
               metadata: list[tuple[str, str]],
               data_sheet: str = "Data",
               metadata_sheet: str = "Metadata",
               fmt: Optional[str] = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = data_sheet
    for i, row in enumerate(_rows(path, schema, typed=True, fmt=fmt)):
        ws.append([neutralise(v) for v in row])
        if i == 0:
            for cell in ws[1]:
                cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    meta = wb.create_sheet(metadata_sheet)
    for label, value in metadata:
        meta.append([neutralise(label), neutralise(value)])
    for cell in meta["A"]:
        cell.font = Font(bold=True)
    meta.column_dimensions["A"].width = 32
    meta.column_dimensions["B"].width = 90
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def datapackage_descriptor(pkg: dict[str, Any], schema: dict[str, Any],
                           csv_path: str, *, homepage: str,
                           resource_title: Optional[str] = None
                           ) -> dict[str, Any]:
    """``datapackage.json`` of one dataset (validated with frictionless)."""
    from frictionless import Package

    name = safe_name(pkg.get("name") or pkg.get("id") or "data")
    descriptor: dict[str, Any] = {
        "name": name,
        "title": pkg.get("title") or name,
        "description": pkg.get("notes") or "",
        "homepage": homepage,
        "id": pkg.get("id"),
        "version": (pkg.get("metadata_modified") or "")[:10] or None,
        "keywords": [t["name"] for t in pkg.get("tags") or []],
        "sources": [{"title": (pkg.get("organization") or {}).get("title")
                     or "", "path": homepage}],
        "resources": [{
            "name": name,
            "title": resource_title or pkg.get("title") or name,
            "path": csv_path,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": "tableschema.json",
        }],
    }
    if pkg.get("license_id"):
        licence = {"name": pkg["license_id"]}
        if pkg.get("license_url"):
            licence["path"] = pkg["license_url"]
        if pkg.get("license_title"):
            licence["title"] = pkg["license_title"]
        descriptor["licenses"] = [licence]
    sdi = {key: pkg[key] for key in (
        "satuan", "definisi", "konsep", "klasifikasi", "ukuran",
        "frekuensi_penerbitan", "level_penyajian", "cakupan", "kode_wilayah",
        "tahun_awal", "tahun_akhir", "urusan_pemerintahan", "status_angka")
        if pkg.get(key) not in (None, "", [])}
    if sdi:
        descriptor["sektoral"] = sdi
    descriptor = {k: v for k, v in descriptor.items() if v not in (None, [])}
    # Frictionless checks the descriptor (names, licences, resources).
    report = Package.validate_descriptor(dict(
        descriptor, resources=[dict(descriptor["resources"][0],
                                    schema=schema)]))
    if not report.valid:
        raise ValueError("invalid data package: " + "; ".join(
            str(m[0]) for m in report.flatten(["message"])))
    return descriptor


def datapackage_zip(pkg: dict[str, Any], path: str, schema: dict[str, Any],
                    *, homepage: str, fmt: Optional[str] = None) -> bytes:
    name = safe_name(pkg.get("name") or "data")
    csv_path = f"data/{name}.csv"
    descriptor = datapackage_descriptor(pkg, schema, csv_path,
                                        homepage=homepage)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("datapackage.json",
                    json.dumps(descriptor, ensure_ascii=False, indent=2))
        zf.writestr("tableschema.json",
                    json.dumps(schema, ensure_ascii=False, indent=2))
        zf.writestr(csv_path, csv_bytes(path, schema, fmt))
    return out.getvalue()
