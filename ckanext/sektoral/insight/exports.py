"""Downloads of one published dataset's validated data, and the
canonical CSV every export writes.

A download holds a statistic's whole series: the combined rows of its
releases (``insight/tabledata.combined_rows``, given as a
:data:`Canonical` table by :func:`canonical_rows`); ``csv_bytes``,
``xlsx_bytes`` and ``datapackage_zip`` write one data file
(:func:`read_canonical`), the ``table_*`` functions any canonical table.

**Canonical CSV** (public CSV, Data Package, cycle compilation): every
number in one declared form -- decimal point, no thousands separator, no
exponent (``1234.5``), whatever the OPD's file used (``1.234,5`` under a
``decimalChar ","`` template, or an XLSX mixing numeric cells with
``"83,6"`` text); the BPS symbols as :mod:`workflow.symbols` writes them
(``-``, ``...``, ``NA``, ``x``; ``–`` and ``…`` normalised); its Table
Schema (:func:`canonical_schema`) declares ``decimalChar "."`` and
``groupChar ""`` on every number field and the symbols in
``missingValues``, with their meaning in ``bpsSymbols``.

* CSV: the canonical CSV, UTF-8;
* XLSX: one ``Data`` sheet with typed values (numbers are numbers; a BPS
  symbol stays text) and a ``Metadata`` sheet;
* Data Package: a zip with ``datapackage.json`` (Frictionless), the
  canonical CSV under ``data/`` and its Table Schema
  (``tableschema.json``), built on the fly and checked with frictionless.

Every text cell goes through ``core.cells.neutralise`` (formula
injection). Everything is built in memory: the files are small tables.
"""
from __future__ import annotations

import csv
import decimal
import io
import json
import re
import zipfile
from typing import Any, Iterable, Iterator, Optional

from ckanext.sektoral.core import reader
from ckanext.sektoral.core.cells import neutralise
from ckanext.sektoral.core import symbols as bps

XLSX_MIMETYPE = ("application/vnd.openxmlformats-officedocument."
                 "spreadsheetml.sheet")

#: Number format keys of a Table Schema field that the canonical CSV
#: replaces by its own.
_NUMBER_KEYS = ("decimalChar", "groupChar", "bareNumber", "format")


def safe_name(text: str) -> str:
    """A lowercase file/package name (Data Package ``name`` pattern)."""
    name = re.sub(r"[^a-z0-9._-]+", "-", (text or "").lower()).strip("-.")
    return name or "data"


# -- the canonical form ----------------------------------------------------------

def canonical_missing_values(schema: dict[str, Any]) -> list[str]:
    """The schema's ``missingValues`` as the canonical CSV writes them."""
    out: list[str] = []
    for value in schema.get("missingValues", [""]):
        value = str(value)
        value = bps.canonical(value) or value
        if value not in out:
            out.append(value)
    return out


def canonical_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The Table Schema of the canonical CSV: same fields and constraints,
    numbers with ``decimalChar "."`` and ``groupChar ""``, column names
    neutralised as in the CSV header, canonical ``missingValues`` and the
    meaning of each BPS symbol (``bpsSymbols``)."""
    out = json.loads(json.dumps(schema))
    # a column name that a spreadsheet would run (only in data older than
    # the upload check) is neutralised here and in the CSV header alike
    renamed = {}
    for field in out.get("fields", []):
        if isinstance(field.get("name"), str):
            safe = neutralise(field["name"])
            if safe != field["name"]:
                renamed[field["name"]] = field["name"] = safe
    if renamed and "primaryKey" in out:
        keys = out["primaryKey"]
        out["primaryKey"] = ([renamed.get(k, k) for k in keys]
                             if isinstance(keys, list) else
                             renamed.get(keys, keys))
    for field in out.get("fields", []):
        if field.get("type") in ("number", "integer"):
            for key in _NUMBER_KEYS:
                field.pop(key, None)
        if field.get("type") == "number":
            field["decimalChar"] = "."
            field["groupChar"] = ""
        elif field.get("type") == "integer":
            field["groupChar"] = ""
    missing = canonical_missing_values(schema)
    out["missingValues"] = missing
    meanings = {sym: bps.LABELS_ID[sym] for sym in missing if sym in
                bps.LABELS_ID}
    if meanings:
        out["bpsSymbols"] = meanings
    return out


#: A parsed value as the canonical CSV writes it (``analysis/reader.py``).
canonical_cell = reader.canonical_cell

#: A canonical table: field names and (typed values, canonical cells) per
#: row. A missing cell keeps its BPS symbol (canonical) in the canonical
#: cell and is None in the typed values.
Canonical = tuple[list[str], Iterable[tuple[dict[str, Any], dict[str, str]]]]


def canonical_rows(schema: dict[str, Any],
                   rows: Iterable[reader.Row]) -> Canonical:
    """The canonical table of rows already read, under the fields of
    ``schema`` (a cell of a field its row's file lacks is empty)."""
    names = [f["name"] for f in schema.get("fields", [])]
    return names, ((row.values, {n: row.canonical(n) for n in names})
                   for row in rows)


def read_canonical(path: str, schema: dict[str, Any],
                   fmt: Optional[str] = None) -> Canonical:
    """The canonical table of the validated file read with its schema
    (:func:`core.reader.open_table`), row by row."""
    names = [f["name"] for f in schema.get("fields", [])]

    def rows() -> Iterator[tuple[dict[str, Any], dict[str, str]]]:
        with reader.open_table(path, schema, fmt) as table:
            yield from canonical_rows(schema, table.rows())[1]
    return names, rows()


def canonical_csv(header: list[str], rows: Any, *,
                  lineterminator: str = "\r\n") -> bytes:
    """CSV bytes (UTF-8) of a header and rows of canonical cells, every
    cell neutralised."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator=lineterminator)
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([neutralise(c) for c in row])
    return buf.getvalue().encode("utf-8")


def typed_cell(value: Any, cell: str) -> Any:
    """A spreadsheet cell of a parsed value (every XLSX export and the
    compilation): numbers as numbers, booleans as booleans, text as
    text, dates as ISO text; a missing value as its canonical cell (the
    BPS symbol, text) or an empty cell."""
    if value is None:
        return cell or None
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() \
            else float(value)
    if isinstance(value, (str, int, float, bool)):
        return value
    return canonical_cell(value)


def _typed_rows(table: Canonical) -> Iterator[list[Any]]:
    """Header and rows of typed values (numbers as numbers, BPS symbols as
    their canonical text) for the XLSX download."""
    names, rows = table
    yield list(names)
    for values, cells in rows:
        yield [typed_cell(values.get(n), cells[n]) for n in names]


def csv_bytes(path: str, schema: dict[str, Any],
              fmt: Optional[str] = None) -> bytes:
    """The canonical CSV of a validated data file."""
    return table_csv(read_canonical(path, schema, fmt))


def table_csv(table: Canonical) -> bytes:
    """The canonical CSV of a canonical table."""
    names, rows = table
    return canonical_csv(names, ([cells[n] for n in names]
                                 for _values, cells in rows))


def xlsx_bytes(path: str, schema: dict[str, Any], *,
               metadata: list[tuple[str, str]],
               fmt: Optional[str] = None) -> bytes:
    """The XLSX download of a validated data file."""
    return table_xlsx(read_canonical(path, schema, fmt), metadata=metadata)


def table_xlsx(table: Canonical, *, metadata: list[tuple[str, str]],
               data_sheet: str = "Data",
               metadata_sheet: str = "Metadata") -> bytes:
    """The XLSX download of a canonical table: its ``Data`` sheet and the
    ``metadata`` label/value rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = data_sheet
    for i, row in enumerate(_typed_rows(table)):
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
    """``datapackage.json`` of one dataset (validated with frictionless);
    ``schema`` is the canonical CSV's (:func:`canonical_schema`)."""
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
    """The Data Package of a validated data file."""
    return table_datapackage(pkg, schema, read_canonical(path, schema, fmt),
                             homepage=homepage)


def table_datapackage(pkg: dict[str, Any], schema: dict[str, Any],
                      table: Canonical, *, homepage: str) -> bytes:
    """The Data Package (zip) of a canonical table under ``schema``."""
    name = safe_name(pkg.get("name") or "data")
    csv_path = f"data/{name}.csv"
    canonical = canonical_schema(schema)
    descriptor = datapackage_descriptor(pkg, canonical, csv_path,
                                        homepage=homepage)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("datapackage.json",
                    json.dumps(descriptor, ensure_ascii=False, indent=2))
        zf.writestr("tableschema.json",
                    json.dumps(canonical, ensure_ascii=False, indent=2))
        zf.writestr(csv_path, table_csv(table))
    return out.getvalue()
