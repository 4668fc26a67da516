"""Every error of a validation report explained: what is wrong, where
(column and row as the spreadsheet numbers them) and what to do.

Plain Python: :func:`explain` turns a Frictionless report (ckanext-
validation's record, plus the ``sektoral-*`` errors of :mod:`.content`)
into :class:`Line` objects -- an English msgid marked with ``N_`` and its
parameters -- that the page translates (Indonesian by default, English
for the English UI). Errors that follow from another one are left out
(the type errors of a title row, of a total row); errors of one kind are
capped at ``per_kind`` lines plus one "and N more" line; values are cut to
a few dozen characters, so a 1 MB cell or a 2,000-column file gives a
short page. No raw Frictionless text and no server path is shown.
"""
from __future__ import annotations

import dataclasses
import json
import re
from typing import Any, Optional

from ckanext.sektoral.core import codes
from ckanext.sektoral.core.stages import N_

#: Characters of a value shown in a message.
MAX_VALUE = 40
#: Column names listed in one message.
MAX_NAMES = 10

CSV_UTF8 = "\"CSV UTF-8 (Comma delimited)\""

MSG = {
    "no-rows": N_(
        "The file has column names but no data rows. Enter the data from "
        "row 2 downwards (one row per region and year) and upload the file "
        "again."),
    "first-sheet-empty": N_(
        "The first sheet (\"%(sheet)s\") is empty and only the first sheet "
        "is read; the data is on the sheet(s) %(sheets)s. Move the data to "
        "the first sheet or delete the empty sheet, then upload the file "
        "again."),
    "other-sheets": N_(
        "Only the first sheet (\"%(sheet)s\") was read, but the sheet(s) "
        "%(sheets)s also hold data, which would be lost. Put all the data "
        "on the first sheet (one row per region and year, the year in the "
        "column tahun) or upload one file per sheet."),
    "header-row": N_(
        "The column names are on row %(row)s, but the header must be row 1. "
        "Delete the title rows above it and unmerge merged header cells, so "
        "that row 1 holds exactly the columns %(expected)s."),
    "header": N_(
        "Row 1 must hold the column names of the template: %(expected)s. "
        "Row 1 of the file holds: %(found)s. Copy the header from the "
        "template (the header must be row 1, without title rows)."),
    "extra-columns": N_(
        "The file has %(count)s column(s) that are not in the template "
        "(%(names)s). Delete them; the template has the columns "
        "%(expected)s."),
    "missing-columns": N_(
        "The column(s) %(names)s of the template are missing from row 1. "
        "Row 1 must hold the columns %(expected)s."),
    "total-row": N_(
        "Row %(row)s is a total or summary row (\"%(value)s\"). Delete it: "
        "only data rows belong in the file, the portal computes totals "
        "itself."),
    "note-row": N_(
        "Row %(row)s is a note (\"%(value)s\"), not data. Delete it and "
        "write the source or the note in the metadata of the dataset."),
    "dot-in-decimal-comma": N_(
        "Row %(row)s, column %(column)s: \"%(value)s\" is ambiguous. This "
        "template uses the decimal comma (1.234,5), where a dot separates "
        "thousands, so it would be read as %(read)s. Write the decimal with "
        "a comma (%(suggest)s)."),
    "group-in-decimal-point": N_(
        "Row %(row)s, column %(column)s: \"%(value)s\" is ambiguous. In this "
        "template the dot is the decimal mark, so it is read as %(value)s, "
        "but it looks like %(grouped)s with a thousands separator. Write "
        "numbers without thousands separators: %(grouped)s if that is "
        "meant, or %(padded)s if the decimal is meant."),
    "comma-in-decimal-point": N_(
        "Row %(row)s, column %(column)s: \"%(value)s\" uses a comma, but "
        "this template uses the dot as decimal mark and no thousands "
        "separator. Write %(suggest)s (or ask the Walidata for the template "
        "with Indonesian numbers)."),
    "kemendagri": N_(
        "Row %(row)s, column %(column)s: %(value)s is the Kemendagri code of "
        "%(region)s. Use the BPS code %(bps)s, not the Kemendagri code "
        "%(value)s."),
    "kemendagri-unknown": N_(
        "Row %(row)s, column %(column)s: \"%(value)s\" looks like a "
        "Kemendagri code with dots. This column takes the BPS code, digits "
        "only (for example 8271 for Kota Ternate)."),
    "integer": N_(
        "Row %(row)s, column %(column)s: \"%(value)s\" is not a whole number. "
        "Write digits only."),
    "number": N_(
        "Row %(row)s, column %(column)s: \"%(value)s\" is not a number. "
        "Write digits only; for a missing value use a BPS symbol (..., NA, "
        "x; - for nil)."),
    "year": N_(
        "Row %(row)s, column %(column)s: \"%(value)s\" is not a year. Write "
        "the year with four digits, e.g. 2024."),
    "type": N_(
        "Row %(row)s, column %(column)s: \"%(value)s\" is not of the type "
        "the template expects (%(type)s)."),
    "required": N_(
        "Row %(row)s, column %(column)s: the cell is empty, but the column "
        "is required."),
    "enum": N_(
        "Row %(row)s, column %(column)s: \"%(value)s\" is not in the code "
        "list of the template (allowed: %(allowed)s)."),
    "range": N_(
        "Row %(row)s, column %(column)s: \"%(value)s\" is outside the range "
        "the template allows (%(constraint)s)."),
    "constraint": N_(
        "Row %(row)s, column %(column)s: \"%(value)s\" does not meet the "
        "template's rule (%(constraint)s)."),
    "duplicate": N_(
        "Row %(row)s repeats the region and year of row %(first)s "
        "(%(key)s). Each region and year may appear only once: delete or "
        "merge the duplicate rows."),
    "missing-cell": N_(
        "Row %(row)s has fewer cells than the header: the column %(column)s "
        "is empty or missing."),
    "extra-cell": N_(
        "Row %(row)s has more cells than the header (\"%(value)s\" in "
        "column %(position)s). Delete the extra cells or check the "
        "separator."),
    "blank-row": N_(
        "Row %(row)s is empty. Delete empty rows between the data."),
    "encoding": N_(
        "The file cannot be read as UTF-8 text. In Excel choose File > Save "
        "As > \"CSV UTF-8 (Comma delimited)\" and upload that file."),
    "huge-cell": N_(
        "A cell of the file is far too long to be a data value. Each cell "
        "holds one value: check the file (a wrong separator or an "
        "unclosed quotation mark joins many cells into one), save it as "
        "\"CSV UTF-8 (Comma delimited)\" and upload it again."),
    "unreadable": N_(
        "The file could not be read as a table. Save it as \"CSV UTF-8 "
        "(Comma delimited)\" or as an Excel workbook (.xlsx) and upload it "
        "again."),
    "row-other": N_(
        "Row %(row)s: the data does not match the template (%(kind)s)."),
    "other": N_("The file does not match the template (%(kind)s)."),
}
#: The "N more" line (translated with ``ungettext`` where it is shown).
MORE = ("... and %(num)s more row with the same problem.",
        "... and %(num)s more rows with the same problem.")

#: Errors that follow from a problem with the header: dropped when it is
#: explained.
_HEADER_TYPES = {"missing-label", "incorrect-label", "blank-label",
                 "duplicate-label", "extra-label", "blank-header"}
_KEMENDAGRI = re.compile(r"^\d{2}(\.\d{1,4}){1,3}$")


@dataclasses.dataclass(frozen=True)
class Line:
    """One explained problem; ``plural``: (singular, plural, num)."""

    key: str
    msgid: str
    params: dict[str, Any] = dataclasses.field(default_factory=dict)
    row: Optional[int] = None
    column: Optional[str] = None
    plural: Optional[tuple[str, str, int]] = None


def value_text(value: Any) -> str:
    """A cell as shown in a message: cut to ``MAX_VALUE`` characters."""
    text = "" if value is None else str(value)
    text = " ".join(text.split())
    if len(text) > MAX_VALUE:
        return text[:MAX_VALUE] + "\u2026"
    return text


def _names(names: list[Any], total: Optional[int] = None) -> str:
    """Up to ``MAX_NAMES`` names, then "… (+N)" for the rest of ``total``."""
    total = max(total or 0, len(names))
    shown = [value_text(n) or "\u2205" for n in names[:MAX_NAMES]]
    if total > len(shown):
        shown.append("\u2026 (+%d)" % (total - len(shown)))
    return ", ".join(shown)


def _load(report: Any) -> dict[str, Any]:
    if isinstance(report, (str, bytes)):
        try:
            report = json.loads(report)
        except ValueError:
            return {}
    return report if isinstance(report, dict) else {}


def _fields(schema: Optional[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {f["name"]: f for f in (schema or {}).get("fields") or []
            if isinstance(f, dict) and f.get("name")}


def _kemendagri(value: str) -> Optional[tuple[str, str]]:
    """(region name, BPS code) of a Kemendagri code, None if unknown."""
    try:
        code = codes.load("wilayah").get(value)
    except Exception:  # code lists unavailable: the generic message
        return None
    if code is None or not code.extra.get("kode_bps"):
        return None
    return code.label("id"), code.extra["kode_bps"]


def _cell_value(raw: Any) -> str:
    if isinstance(raw, float):
        return ("%.4f" % raw).rstrip("0").rstrip(".")
    return value_text(raw)


def _constraint(note: str) -> tuple[str, str]:
    match = re.search(r'constraint "(\w+)"(?: is "(.*))?', note or "")
    if not match:
        return "", ""
    return match.group(1), (match.group(2) or "").rstrip('"')


def _type_line(error: dict[str, Any], field: dict[str, Any]) -> Line:
    row, column = error.get("rowNumber"), error.get("fieldName")
    raw = error.get("cell")
    value = _cell_value(raw)
    base = {"row": row, "column": column, "value": value}
    kind = field.get("type") or ""
    if kind == "integer" and isinstance(raw, str) and _KEMENDAGRI.match(
            raw.strip()):
        found = _kemendagri(raw.strip())
        if found:
            return Line("kemendagri", MSG["kemendagri"], dict(
                base, region=found[0], bps=found[1]), row, column)
        return Line("kemendagri-unknown", MSG["kemendagri-unknown"], base,
                    row, column)
    if kind == "integer" and isinstance(raw, float) and _KEMENDAGRI.match(
            value):
        found = _kemendagri("%.2f" % raw)
        if found:
            return Line("kemendagri", MSG["kemendagri"], dict(
                base, value="%.2f" % raw, region=found[0], bps=found[1]),
                row, column)
    if kind == "number" and isinstance(raw, str) and "," in raw \
            and field.get("decimalChar", ".") == ".":
        suggest = raw.strip().replace(".", "").replace(",", ".")
        return Line("comma-in-decimal-point", MSG["comma-in-decimal-point"],
                    dict(base, suggest=value_text(suggest)), row, column)
    if kind in ("integer", "number", "year"):
        return Line(kind, MSG[kind], base, row, column)
    return Line("type", MSG["type"], dict(base, type=kind or "?"), row, column)


def _constraint_line(error: dict[str, Any], field: dict[str, Any]) -> Line:
    row, column = error.get("rowNumber"), error.get("fieldName")
    base = {"row": row, "column": column,
            "value": _cell_value(error.get("cell"))}
    name, detail = _constraint(error.get("note", ""))
    if name == "required":
        return Line("required", MSG["required"], base, row, column)
    if name == "enum":
        allowed = (field.get("constraints") or {}).get("enum") or []
        return Line("enum", MSG["enum"], dict(base, allowed=_names(allowed)),
                    row, column)
    if name in ("minimum", "maximum", "minLength", "maxLength",
                "exclusiveMinimum", "exclusiveMaximum"):
        return Line("range", MSG["range"], dict(
            base, constraint="%s %s" % (name, value_text(detail))), row, column)
    return Line("constraint", MSG["constraint"], dict(
        base, constraint=value_text(name or "?")), row, column)


def _header_lines(errors: list[dict[str, Any]], labels: list[Any],
                  fields: dict[str, dict[str, Any]],
                  label_count: int) -> list[Line]:
    expected = _names(list(fields)) if fields else ""
    extra = [labels[e["fieldNumber"] - 1]
             if isinstance(e.get("fieldNumber"), int)
             and 0 < e["fieldNumber"] <= len(labels) else e.get("label")
             for e in errors if e.get("type") == "extra-label"]
    extra_count = max(len(extra), label_count - len(fields)) if extra else 0
    wrong = [e for e in errors if e.get("type") in (
        "incorrect-label", "blank-label", "duplicate-label")]
    missing = [e.get("fieldName") for e in errors
               if e.get("type") == "missing-label"]
    if wrong or (missing and extra):
        return [Line("header", MSG["header"], {
            "expected": expected, "found": _names(labels)}, 1)]
    lines = []
    if extra:
        lines.append(Line("extra-columns", MSG["extra-columns"], {
            "count": extra_count, "names": _names(extra, extra_count),
            "expected": expected}, 1))
    if missing:
        lines.append(Line("missing-columns", MSG["missing-columns"], {
            "names": _names(missing), "expected": expected}, 1))
    return lines


def _source_line(error: Any) -> Line:
    text = json.dumps(error) if isinstance(error, dict) else str(error)
    lowered = text.lower()
    if "field larger than field limit" in lowered:
        return Line("huge-cell", MSG["huge-cell"])
    if "codec can't decode" in lowered or "encoding" in lowered:
        return Line("encoding", MSG["encoding"])
    return Line("unreadable", MSG["unreadable"])


def _sektoral_line(error: dict[str, Any]) -> Line:
    kind = error["type"][len("sektoral-"):]
    row = error.get("rowNumber")
    if kind == "no-rows":
        return Line(kind, MSG[kind])
    if kind == "other-sheets":
        key = "first-sheet-empty" if error.get("firstEmpty") else kind
        return Line(key, MSG[key], {
            "sheet": value_text(error.get("sheet")),
            "sheets": _names(["\"%s\"" % s for s in error.get("sheets") or []])})
    if kind == "header-row":
        return Line(kind, MSG[kind], {"row": row, "expected": ""}, row)
    if kind in ("total-row", "note-row"):
        return Line(kind, MSG[kind], {
            "row": row, "value": value_text(error.get("cell"))}, row)
    if kind == "ambiguous-number":
        variant = error.get("variant")
        value = value_text(error.get("cell"))
        params = {"row": row, "column": error.get("fieldName"),
                  "value": value}
        if variant == "dot-in-decimal-comma":
            params.update(read=value_text(error.get("read")),
                          suggest=value.replace(".", ","))
        else:
            params.update(grouped=value_text(error.get("grouped")),
                          padded=value + "0")
            variant = "group-in-decimal-point"
        return Line(variant, MSG[variant], params, row,
                    error.get("fieldName"))
    return Line("other", MSG["other"], {"kind": value_text(error["type"])})


def _duplicate_line(error: dict[str, Any], schema: dict[str, Any]) -> Line:
    row = error.get("rowNumber")
    match = re.search(r'row at position "?(\d+)', error.get("note") or "")
    key = (schema or {}).get("primaryKey") or []
    if isinstance(key, str):
        key = [key]
    cells = error.get("cells") or []
    names = list(_fields(schema))
    values = []
    for name in key:
        if name in names and names.index(name) < len(cells):
            values.append("%s %s" % (name, value_text(
                cells[names.index(name)])))
        else:
            values.append(name)
    return Line("duplicate", MSG["duplicate"], {
        "row": row, "first": match.group(1) if match else "?",
        "key": ", ".join(values)}, row)


def _errors(report: dict[str, Any]) -> tuple[list[Any], list[Any], int]:
    found: list[Any] = list(report.get("errors") or [])
    labels: list[Any] = []
    count = 0
    for task in report.get("tasks") or []:
        if isinstance(task, dict):
            found += task.get("errors") or []
            if not labels:
                labels = list(task.get("labels") or [])
                count = int(task.get("labelCount") or len(labels))
    return found, labels, count


def explain(report: Any, schema: Optional[dict[str, Any]] = None,
            per_kind: int = 10, record_error: Any = None) -> list[Line]:
    """The explained problems of a report, most fundamental first.

    :param report: the report (dict or JSON text)
    :param schema: the resource's Table Schema (labels, code lists, key)
    :param per_kind: lines shown per kind of problem (then "N more")
    :param record_error: ckanext-validation's ``error`` of a record whose
        report could not be made (``{"message": [...]}``)
    """
    data = _load(report)
    errors, labels, label_count = _errors(data)
    if not errors and isinstance(record_error, dict):
        errors = list(record_error.get("message") or [])
    fields = _fields(schema)
    dicts = [e for e in errors if isinstance(e, dict)]
    types = {e.get("type") for e in dicts}
    lines: list[Line] = []
    # problems that make every other error a consequence
    for kind in ("sektoral-no-rows", "sektoral-header-row"):
        if kind in types:
            error = next(e for e in dicts if e.get("type") == kind)
            line = _sektoral_line(error)
            if kind == "sektoral-header-row":
                line.params["expected"] = _names(list(fields))
            sheets = [e for e in dicts if e.get("type") == "sektoral-other-sheets"]
            return [_sektoral_line(e) for e in sheets] + [line]
    empty_first = [e for e in dicts if e.get("type") == "sektoral-other-sheets"
                   and e.get("firstEmpty")]
    if empty_first:  # nothing else of the first sheet is worth saying
        return [_sektoral_line(empty_first[0])]
    skip_rows = {e.get("rowNumber") for e in dicts if e.get("type") in (
        "sektoral-total-row", "sektoral-note-row")}
    header = [e for e in dicts if e.get("type") in _HEADER_TYPES]
    header_lines = _header_lines(header, labels, fields, label_count) \
        if header else []
    for error in errors:
        if not isinstance(error, dict):
            lines.append(_source_line(error))
            continue
        kind = error.get("type") or ""
        if kind in _HEADER_TYPES:
            continue
        if kind.startswith("sektoral-"):
            lines.append(_sektoral_line(error))
            continue
        if error.get("rowNumber") in skip_rows:
            continue
        field = fields.get(error.get("fieldName") or "", {})
        if kind == "type-error":
            lines.append(_type_line(error, field))
        elif kind == "constraint-error":
            lines.append(_constraint_line(error, field))
        elif kind in ("primary-key", "unique-error"):
            lines.append(_duplicate_line(error, schema or {}))
        elif kind == "missing-cell":
            lines.append(Line("missing-cell", MSG["missing-cell"], {
                "row": error.get("rowNumber"),
                "column": error.get("fieldName")}, error.get("rowNumber")))
        elif kind == "extra-cell":
            lines.append(Line("extra-cell", MSG["extra-cell"], {
                "row": error.get("rowNumber"),
                "value": value_text(error.get("cell")),
                "position": error.get("fieldNumber")},
                error.get("rowNumber")))
        elif kind == "blank-row":
            lines.append(Line("blank-row", MSG["blank-row"], {
                "row": error.get("rowNumber")}, error.get("rowNumber")))
        elif kind in ("encoding-error", "source-error", "format-error",
                      "scheme-error", "io-error", "general-error",
                      "task-error", "step-error", "resource-error"):
            lines.append(_source_line(error))
        elif error.get("rowNumber"):
            lines.append(Line("row-other", MSG["row-other"], {
                "row": error.get("rowNumber"), "kind": value_text(kind)},
                error.get("rowNumber")))
        else:
            lines.append(Line("other", MSG["other"], {
                "kind": value_text(kind or "?")}))
    return _cap(header_lines + lines, per_kind)


def _cap(lines: list[Line], per_kind: int) -> list[Line]:
    """At most ``per_kind`` lines of each key, then one "N more" line;
    problems without a row are shown once."""
    seen: dict[str, int] = {}
    out: list[Line] = []
    more: dict[str, int] = {}
    position: dict[str, int] = {}
    for line in lines:
        count = seen.get(line.key, 0) + 1
        seen[line.key] = count
        if line.row is None and count > 1:
            continue
        if count <= per_kind:
            out.append(line)
            position[line.key] = len(out)
        else:
            more[line.key] = more.get(line.key, 0) + 1
    for key in sorted(more, key=lambda k: -position[k]):
        num = more[key]
        out.insert(position[key], Line(
            "more", MORE[1], {"num": num}, plural=(MORE[0], MORE[1], num)))
    return out

