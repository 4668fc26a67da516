"""Cycle compilation (SOP step 3 output).

* a Frictionless Data Package (zip): ``datapackage.json``, each accepted
  dataset's data as canonical CSV (``.`` decimals, no thousands
  separator, declared ``decimalChar "."``/``groupChar ""``: see
  ``insight/exports.py``) with its Table Schema, and the metadata as
  ``metadata.csv``;
  ``frictionless validate`` accepts it;
* one combined XLSX: a ``Metadata`` sheet, then a sheet per data file.

BPS symbols stay what they are (``core/symbols.py``): written as the
symbol, declared in ``missingValues`` with their meaning in
``bpsSymbols`` (``-`` nihil, the others no figure). Cell values that a spreadsheet
would read as a formula are neutralised (:func:`excel.neutralise`).
"""
from __future__ import annotations

import io
import json
import logging
import re
import zipfile
from typing import Any, Iterator

from ckan import model

from ckanext.sektoral.datafile import files as datafiles
from ckanext.sektoral.documents import store
from ckanext.sektoral.documents.excel import neutralise
from ckanext.sektoral.insight import exports
from ckanext.sektoral.model import Cycle
from ckanext.sektoral.model.documents import Document
from ckanext.sektoral import clock
from ckanext.sektoral.core import stages as wf_stages

#: Stages of datasets accepted by the Kasie (step 3 onwards), as stored.
ACCEPTED = tuple(s.value for s in wf_stages.ordered(wf_stages.ACCEPTED_STAGES))

METADATA_FIELDS = (
    ("name", "Nama"), ("title", "Judul"), ("organization", "Produsen Data"),
    ("urusan_pemerintahan", "Urusan"), ("satuan", "Satuan"),
    ("level_penyajian", "Level Penyajian"),
    ("frekuensi_penerbitan", "Frekuensi"), ("tahun_awal", "Tahun Awal"),
    ("tahun_akhir", "Tahun Akhir"), ("konsep", "Konsep"),
    ("definisi", "Definisi"), ("cara_pengumpulan_data", "Cara Pengumpulan"),
    ("stage", "Tahap"),
)


# -- reading -------------------------------------------------------------------

#: The canonical CSV (one number form, declared in its schema) is the
#: public downloads' too: one writer for every export.
canonical_schema = exports.canonical_schema
read_table = exports.read_canonical


# -- gathering -------------------------------------------------------------------

def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-") or "data"


def metadata_row(item: Any, pkg: dict[str, Any]) -> dict[str, str]:
    org = (pkg.get("organization") or {}).get("title") or ""
    row = {}
    for key, _label in METADATA_FIELDS:
        if key == "organization":
            row[key] = org
        elif key == "stage":
            row[key] = item.stage
        elif key in ("urusan_pemerintahan",):
            code = pkg.get(key) or ""
            row[key] = f"{code} {store.code_label('urusan_pemerintahan', code)}".strip()
        elif key == "level_penyajian":
            row[key] = store.code_label("level_penyajian", pkg.get(key))
        elif key == "frekuensi_penerbitan":
            row[key] = store.code_label("frekuensi", pkg.get(key))
        else:
            row[key] = str(pkg.get(key) or "")
    return row


def gather(cycle_id: str) -> list[dict[str, Any]]:
    """Accepted datasets with their valid data files."""
    found = []
    for item, pkg in store.cycle_items(cycle_id, stages=ACCEPTED):
        found.append({"item": item, "pkg": pkg,
                      "files": datafiles.data_files(pkg),
                      "metadata": metadata_row(item, pkg)})
    return found


# -- outputs -------------------------------------------------------------------

def _csv_bytes(header: list[str], rows: Iterator[list[str]]) -> bytes:
    return exports.canonical_csv(header, rows, lineterminator="\n")


def data_package(cycle: Any, datasets: list[dict[str, Any]]) -> bytes:
    """The Data Package as zip bytes."""
    resources = []
    members: dict[str, bytes] = {}
    used: set[str] = set()
    for ds in datasets:
        pkg = ds["pkg"]
        for n, f in enumerate(ds["files"], start=1):
            name = _slug(pkg["name"]) + (f"-{n}" if n > 1 else "")
            while name in used:
                name += "-x"
            used.add(name)
            names, rows = read_table(f["path"], f["schema"], f["format"])
            path = f"data/{name}.csv"
            members[path] = _csv_bytes(
                names, ([cells[n] for n in names] for _v, cells in rows))
            resources.append({
                "name": name, "path": path, "profile": "tabular-data-resource",
                "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
                "title": pkg.get("title") or name,
                "description": pkg.get("notes") or "",
                "schema": canonical_schema(f["schema"]),
                "sektoral": ds["metadata"],
            })
    meta_names = [k for k, _l in METADATA_FIELDS]
    members["metadata.csv"] = _csv_bytes(
        meta_names, ([ds["metadata"][k] for k in meta_names]
                     for ds in datasets))
    resources.append({
        "name": "metadata", "path": "metadata.csv",
        "profile": "tabular-data-resource", "format": "csv",
        "mediatype": "text/csv", "encoding": "utf-8",
        "title": "Metadata data statistik sektoral",
        "schema": {"fields": [{"name": k, "title": label, "type": "string"}
                              for k, label in METADATA_FIELDS]},
    })
    descriptor = {
        "profile": "tabular-data-package",
        "name": _slug(f"sektoral-{cycle.code}"),
        "title": f"Kompilasi Data Statistik Sektoral {cycle.title}",
        "created": clock.utcnow().replace(microsecond=0).isoformat()
        + "Z",
        "resources": resources,
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("datapackage.json",
                    json.dumps(descriptor, ensure_ascii=False, indent=2))
        for path, content in members.items():
            zf.writestr(path, content)
    return buf.getvalue()


_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(text: str, used: set[str]) -> str:
    base = _BAD_SHEET.sub(" ", text).strip()[:28] or "Data"
    title, n = base, 1
    while title.lower() in used:
        n += 1
        title = f"{base[:26]} {n}"
    used.add(title.lower())
    return title


def combined_xlsx(cycle: Any, datasets: list[dict[str, Any]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    used = {"metadata"}
    meta = wb.create_sheet("Metadata")
    meta.append([label for _k, label in METADATA_FIELDS] + ["Lembar"])
    sheets = []
    for ds in datasets:
        for f in ds["files"]:
            title = _sheet_title(ds["pkg"].get("title") or ds["pkg"]["name"],
                                 used)
            sheets.append((title, ds, f))
        meta.append([neutralise(ds["metadata"][k])
                     for k, _l in METADATA_FIELDS]
                    + [", ".join(t for t, d, _f in sheets if d is ds)])
    for title, _ds, f in sheets:
        ws = wb.create_sheet(title)
        names, rows = read_table(f["path"], f["schema"], f["format"])
        ws.append([neutralise(n) for n in names])
        for values, cells in rows:
            out = [neutralise(exports.typed_cell(values.get(n), cells[n]))
                   for n in names]
            ws.append(out)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# -- job ---------------------------------------------------------------------------

def render(cycle: Any) -> dict[str, bytes]:
    datasets = gather(cycle.id)
    return {"zip": data_package(cycle, datasets),
            "xlsx": combined_xlsx(cycle, datasets)}


KIND = "compilation"


def new(cycle: Any, user_name: str) -> Any:
    """Record a pending compilation (flushed: the caller commits, then
    enqueues the job that renders it)."""
    row = Document(cycle_id=cycle.id, kind=KIND, status="pending",
                   created_by=user_name, created=clock.utcnow(),
                   files={})
    model.Session.add(row)
    model.Session.flush()
    return row


def run_compilation(document_id: str) -> str:
    """Job: build the Data Package and the XLSX; returns the status. A
    failure is recorded on the row; the previous compilation stays."""
    row = model.Session.get(Document, document_id)
    if row is None:
        return "not_found"
    cycle = model.Session.get(Cycle, row.cycle_id)
    try:
        outputs = render(cycle)
        stamp = clock.utcnow().strftime("%Y%m%d%H%M%S%f")
        base = f"{cycle.id}/compilation/{stamp}"
        name = f"kompilasi-{_slug(cycle.code)}"
        row.files = {ext: store.write_atomic(f"{base}/{name}.{ext}", content)
                     for ext, content in outputs.items()}
        row.status, row.error = "ok", ""
    except Exception as exc:
        logging.getLogger(__name__).exception("compilation failed")
        model.Session.rollback()
        row = model.Session.get(Document, document_id)
        row.status, row.error = "failed", f"{type(exc).__name__}: {exc}"
    model.Session.add(row)
    model.Session.commit()
    return row.status


def current(cycle_id: str) -> Any:
    return model.Session.query(Document).filter(
        Document.cycle_id == cycle_id, Document.kind == KIND,
        Document.status == "ok").order_by(Document.created.desc()).first()
