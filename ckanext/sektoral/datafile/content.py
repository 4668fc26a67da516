"""Checks of a data file that Frictionless does not make, and a compact
report.

Plain Python (no CKAN): :func:`extra_errors` reads the stored file again
-- CSV with the standard library, XLSX with openpyxl, raw cell values and
the physical row numbers a spreadsheet shows -- and returns errors in the
shape of Frictionless report errors (``type`` starting ``sektoral-``,
``rowNumber``, ``fieldName``, ``cell``), which :mod:`.explain` explains
like the others:

``sektoral-no-rows``         a header and no data row (would score 100%)
``sektoral-other-sheets``    a workbook with data on other sheets than the
                             first (only the first is validated and read)
``sektoral-header-row``      the column names are not on row 1 (title
                             rows, a merged two-row header)
``sektoral-total-row``       a "Jumlah"/"Total" row among the data
``sektoral-note-row``        a "Sumber:"/"Catatan:" row among the data
``sektoral-ambiguous-number`` a number whose reading depends on the
                             convention: a dot in a decimal-comma file
                             (``10.3`` read as 103), a thousands-looking
                             ``1.500``/``77.121`` in a decimal-point file

:func:`compact` keeps a stored report small (a 1 MB cell or 2,000 columns
must not make a 50 MB report) and free of server paths.
"""
from __future__ import annotations

import csv
import os
import re
import sys
from typing import Any, Iterator, Optional

#: Errors of one kind kept in a report (the page shows fewer).
MAX_PER_TYPE = 100
#: Characters of a cell, label or note kept in a stored report.
MAX_TEXT = 200
#: Labels of a header kept in a stored report.
MAX_LABELS = 50
#: Rows searched for a header that is not on row 1.
HEADER_SEARCH_ROWS = 20

TOTAL_RE = re.compile(
    r"^\s*(jumlah|total|sub\s*-?\s*total|grand\s+total|rata-?\s*rata)\b",
    re.IGNORECASE)
NOTE_RE = re.compile(
    r"^\s*(sumber(\s+data)?|catatan|keterangan|ket\.|notes?|sources?)\b",
    re.IGNORECASE)
#: A dot used as thousands separator, digits only (``1.500``, ``12.345.678``)
#: with an optional decimal comma part.
_GROUPED_COMMA = re.compile(r"^[-+]?\d{1,3}(\.\d{3})+(,\d+)?$")
#: A value a decimal-point template reads as a fraction with exactly three
#: decimals although it looks like a grouped integer (``1.500``, ``77.121``).
_GROUP_LOOKING = re.compile(r"^[-+]?[1-9]\d{0,2}\.\d{3}$")
_PATH_RE = re.compile(r"(?:[A-Za-z]:)?(?:[/\\][\w.\-~+ ]+){2,}")


def _text(value: Any) -> str:
    if value is None:
        return ""
    return str(value).strip()


def _csv_rows(path: str) -> Iterator[list[Any]]:
    csv.field_size_limit(sys.maxsize)
    with open(path, encoding="utf-8-sig", errors="replace",
              newline="") as handle:
        sample = handle.read(65536)
        handle.seek(0)
        try:
            dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
        except csv.Error:
            dialect = csv.excel
        yield from csv.reader(handle, dialect)


def sheets(path: str) -> list[tuple[str, list[list[Any]]]]:
    """Every sheet of an XLSX workbook: (name, rows of raw values)."""
    import openpyxl

    # a file object: openpyxl refuses a path without .xlsx (stored files)
    with open(path, "rb") as handle:
        book = openpyxl.load_workbook(handle, read_only=True, data_only=True)
        try:
            return [(sheet.title, [list(row) for row in sheet.iter_rows(
                values_only=True)]) for sheet in book.worksheets]
        finally:
            book.close()


def _has_data(rows: list[list[Any]]) -> bool:
    return any(_text(v) for row in rows for v in row)


def _header_matches(row: list[Any], names: set[str]) -> int:
    return len({_text(v).lower() for v in row} & names)


def _field_options(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["name"]: f for f in schema.get("fields") or []
            if isinstance(f, dict) and f.get("name")}


def _ambiguous(value: str, field: dict[str, Any]) -> Optional[dict[str, Any]]:
    decimal = field.get("decimalChar", ".")
    group = field.get("groupChar", "")
    if decimal == "," and "." in value:
        if _GROUPED_COMMA.match(value):
            return None
        if not re.match(r"^[-+]?[\d.]+(,\d+)?$", value):
            return None  # not a number at all: Frictionless says so
        read = value.replace(".", "").replace(",", ".")
        return {"variant": "dot-in-decimal-comma", "read": read}
    if decimal == "." and group in ("", None) and _GROUP_LOOKING.match(value):
        return {"variant": "group-in-decimal-point", "read": value,
                "grouped": value.replace(".", "")}
    return None


def _row_errors(rows: list[list[Any]], schema: dict[str, Any]
                ) -> list[dict[str, Any]]:
    fields = _field_options(schema)
    names = set(fields)
    errors: list[dict[str, Any]] = []
    header = rows[0] if rows else []
    if rows and names and _header_matches(header, names) * 2 < len(names):
        for index, row in enumerate(rows[1:HEADER_SEARCH_ROWS], start=2):
            if _header_matches(row, names) * 2 >= len(names):
                return [{"type": "sektoral-header-row", "rowNumber": index,
                         "labels": [_text(v) for v in header][:MAX_LABELS]}]
    data = [(number, row) for number, row in enumerate(rows[1:], start=2)
            if any(_text(v) for v in row)]
    if not data:
        return [{"type": "sektoral-no-rows"}]
    columns = {_text(v).lower(): i for i, v in enumerate(header)
               if _text(v).lower() in names}
    missing = set(schema.get("missingValues") or [""])
    numeric = {name: index for name, index in columns.items()
               if fields[name].get("type") == "number"}
    for number, row in data:
        first = next((_text(v) for v in row if _text(v)), "")
        kind = ("sektoral-total-row" if TOTAL_RE.match(first) else
                "sektoral-note-row" if NOTE_RE.match(first) else None)
        if kind:
            errors.append({"type": kind, "rowNumber": number,
                           "cell": first[:MAX_TEXT]})
            continue
        for name, index in numeric.items():
            if index >= len(row) or not isinstance(row[index], str):
                continue  # a number cell of a workbook is unambiguous
            value = row[index].strip()
            if value in missing:
                continue
            found = _ambiguous(value, fields[name])
            if found:
                errors.append(dict(found, type="sektoral-ambiguous-number",
                                   rowNumber=number, fieldName=name,
                                   cell=value[:MAX_TEXT]))
    counts: dict[str, int] = {}
    kept = []
    for error in errors:
        counts[error["type"]] = counts.get(error["type"], 0) + 1
        if counts[error["type"]] <= MAX_PER_TYPE:
            kept.append(error)
    return kept


def extra_errors(path: str, fmt: str, schema: Optional[dict[str, Any]]
                 ) -> list[dict[str, Any]]:
    """The ``sektoral-*`` errors of a stored data file (see module doc)."""
    fmt = (fmt or "").lower()
    if fmt == "xlsx":
        found = sheets(path)
        if not found:
            return [{"type": "sektoral-no-rows"}]
        first_name, rows = found[0]
        others = [name for name, other in found[1:] if _has_data(other)]
        errors: list[dict[str, Any]] = []
        if others:
            errors.append({"type": "sektoral-other-sheets", "sheet": first_name,
                           "sheets": others,
                           "firstEmpty": not _has_data(rows)})
            if not _has_data(rows):
                return errors
    elif fmt == "csv":
        rows = list(_csv_rows(path))
        errors = []
    else:
        return []
    return errors + _row_errors(rows, schema or {})


def _short(value: Any) -> Any:
    if isinstance(value, str) and len(value) > MAX_TEXT:
        return value[:MAX_TEXT] + "\u2026"
    return value


def strip_paths(text: str) -> str:
    """``text`` with file system paths replaced by their last part."""
    return _PATH_RE.sub(lambda m: os.path.basename(
        m.group(0).replace("\\", "/")), text)


def _compact_error(error: Any) -> Any:
    if not isinstance(error, dict):
        return strip_paths(_short(str(error)))
    out = {}
    for key, value in error.items():
        if key == "labels":
            continue  # the whole header, once per error: kept in the task
        if key == "cells" and isinstance(value, list):
            if error.get("type") not in ("primary-key", "unique-error"):
                continue  # the whole row: thousands of cells in a wide file
            value = [_short(v) for v in value[:MAX_LABELS]]
        elif isinstance(value, str):
            value = _short(value)
            if key in ("message", "note", "description"):
                value = strip_paths(value)
        out[key] = value
    return out


def compact(report: dict[str, Any]) -> dict[str, Any]:
    """A report small enough to store and show, without server paths."""
    out = dict(report)
    out["errors"] = [_compact_error(e) for e in report.get("errors") or []]
    if "warnings" in report:
        out["warnings"] = [strip_paths(_short(str(w)))
                           for w in report.get("warnings") or []]
    tasks = []
    for task in report.get("tasks") or []:
        if not isinstance(task, dict):
            continue
        task = dict(task)
        if isinstance(task.get("place"), str):
            task["place"] = os.path.basename(task["place"]) \
                if task["place"].startswith("/") else task["place"]
        if isinstance(task.get("labels"), list):
            task.setdefault("labelCount", len(task["labels"]))
            task["labels"] = [_short(v) for v in task["labels"][:MAX_LABELS]]
        counts: dict[str, int] = {}
        errors = []
        for error in task.get("errors") or []:
            kind = str(error.get("type")) if isinstance(error, dict) else "?"
            counts[kind] = counts.get(kind, 0) + 1
            if counts[kind] <= MAX_PER_TYPE:
                errors.append(_compact_error(error))
        task["errors"] = errors
        # counted before the cap; kept when a compact report is compacted
        task["errorCounts"] = task.get("errorCounts") or counts
        tasks.append(task)
    out["tasks"] = tasks
    return out


def merge(report: dict[str, Any], extra: list[dict[str, Any]]
          ) -> dict[str, Any]:
    """``report`` with ``extra`` errors added to its first task (invalid
    then)."""
    if not extra:
        return report
    out = dict(report)
    tasks = [dict(t) for t in report.get("tasks") or [] if isinstance(t, dict)]
    if not tasks:
        tasks = [{"name": "data", "type": "table", "valid": False,
                  "errors": [], "stats": {}}]
    first = tasks[0]
    first["errors"] = list(extra) + list(first.get("errors") or [])
    first["valid"] = False
    stats = dict(first.get("stats") or {})
    stats["errors"] = int(stats.get("errors") or 0) + len(extra)
    first["stats"] = stats
    out["tasks"] = tasks
    out["valid"] = False
    total = dict(report.get("stats") or {})
    total["errors"] = int(total.get("errors") or 0) + len(extra)
    out["stats"] = total
    return out
