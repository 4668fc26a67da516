"""Descriptive statistics and plausibility flags of one data file.

Plain Python, no CKAN import. ``analyse(path, schema)`` reads a CSV or
XLSX file *with* its Frictionless Table Schema through the one reader,
:mod:`ckanext.sektoral.core.reader` (so ``1.234,56`` is
1234.56 under a ``decimalChar ","``/``groupChar "."`` field and the BPS
table symbols of ``missingValues`` mean what ``core/symbols.py`` says)
and returns a JSON-ready dict::

    {
      "rows": 12,                    # data rows (blank rows skipped)
      "format": "csv",
      "columns": [...],              # header labels as found
      "missing_columns": [...],      # schema fields absent from the header
      "extra_columns": [...],        # header labels not in the schema
      "region_field": "kode_kabupaten_kota" | None,
      "year_field": "tahun" | None,
      "measures": ["nilai"],         # numeric fields that are not codes
      "years": [2020, 2021],
      "fields": {name: {"type", "missing", "symbols": {sym: n},
                        # numeric fields only:
                        "count", "sum", "min", "max", "mean"}},
      "by_region": {"8201": {"nilai": {"sum", "count", "missing"}}} | None,
      "by_year": {"2020": {"nilai": {"sum", "count", "missing"}}} | None,
      "year_over_year": {"nilai": [{"region", "year", "previous_year",
                                    "value", "previous", "change",
                                    "change_pct"}]} | None,
      "flags": [{"kind", "field", "row", "value", "message", "params"}],
      "flags_truncated": 0,
    }

``missing`` of a field counts empty cells; ``symbols`` counts the
non-empty BPS symbols (``...``, ``-``, ``–``, ``NA``, ``x``) as written in
the raw cells (Frictionless turns them into None). The symbols mean what
``core/symbols.py`` says: ``-`` and ``–`` are nihil and count as 0 in
counts, sums, means and minima; ``...``, ``NA``, ``x`` and empty cells are
left out. In a group (``by_region``, ``by_year``) ``missing`` counts the
cells left out: a group with ``missing`` > 0 is incomplete (its ``sum``
covers only the values that exist), a group with no value has ``sum``
None (not 0). Year-over-year changes use complete groups only.

``year_over_year`` compares each year with the previous year present in
the file, per region when the schema has a region column, else for the
whole file (``region`` None). ``change_pct`` is None when the previous
value is 0 or missing.

Flag kinds: ``negative_count``, ``jump``, ``minimum``, ``maximum``,
``enum``, ``constraint`` (other constraints), ``required``,
``type_error``, ``row_shape`` (missing/extra cells), ``missing_column``.
``row`` is the row number in the file (header = 1); ``message`` is an
English msgid (marked with ``N_``) to translate with ``params``.

A file that cannot be read never raises: the result is
``{"error": msgid, "detail": ...}`` instead.
"""
from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal
from typing import Any, Optional

from ckanext.sektoral.core import codes, reader
from ckanext.sektoral.core.reader import json_number as _json_number
from ckanext.sektoral.core.reader import json_value as _json_value
from ckanext.sektoral.core import symbols as bps
from ckanext.sektoral.core.stages import N_

Result = dict[str, Any]

ERROR_NOT_FOUND = reader.ERROR_NOT_FOUND
ERROR_EMPTY = reader.ERROR_EMPTY
ERROR_BINARY = reader.ERROR_BINARY
ERROR_UNREADABLE = reader.ERROR_UNREADABLE
ERROR_SCHEMA = reader.ERROR_SCHEMA

MSG_NEGATIVE = N_(
    "%(field)s is negative (%(value)s) in row %(row)s, but it counts "
    "something.")
MSG_JUMP = N_(
    "%(field)s changed by %(change_pct)s%% from %(previous_year)s to "
    "%(year)s, more than %(threshold)s%%.")
MSG_JUMP_REGION = N_(
    "%(field)s of region %(region)s changed by %(change_pct)s%% from "
    "%(previous_year)s to %(year)s, more than %(threshold)s%%.")
MSG_MINIMUM = N_(
    "%(field)s is %(value)s in row %(row)s, below the minimum %(limit)s.")
MSG_MAXIMUM = N_(
    "%(field)s is %(value)s in row %(row)s, above the maximum %(limit)s.")
MSG_ENUM = N_(
    "%(field)s is %(value)s in row %(row)s, which is not an allowed value.")
MSG_CONSTRAINT = N_(
    "%(field)s is %(value)s in row %(row)s, which breaks the constraint "
    "%(constraint)s.")
MSG_REQUIRED = N_("%(field)s is required but has no value in row %(row)s.")
MSG_TYPE = N_(
    "%(field)s in row %(row)s is not a valid %(type)s: \"%(value)s\".")
MSG_ROW_SHAPE = N_(
    "Row %(row)s has a missing or extra cell (%(field)s).")
MSG_MISSING_COLUMN = N_("Column %(field)s of the schema is not in the file.")

#: Field name prefixes of region columns, finest level first.
REGION_PREFIXES: tuple[str, ...] = (
    "kode_desa", "kode_kelurahan", "kode_kecamatan", "kode_kabupaten")
NUMERIC_TYPES = reader.NUMERIC_TYPES
_CONSTRAINT_RE = re.compile(r'constraint "(\w+)"')


# -- helpers ------------------------------------------------------------------

def _to_decimal(value: Any) -> Optional[Decimal]:
    """A parsed value as a finite Decimal (None: not a number)."""
    return bps.value(value)


def _error(message: str, detail: Any = None, **extra: Any) -> Result:
    result: Result = {"error": message, "detail": detail}
    result.update(extra)
    return result


def _region_codes() -> set[str]:
    """Codes (BPS and Kemendagri) of the sub-province regions."""
    try:
        wilayah = codes.load("wilayah")
    except Exception:  # no code list: name-based detection only
        return set()
    found: set[str] = set()
    for code in wilayah:
        if code.extra.get("tingkat") == "provinsi":
            continue
        found.add(code.value)
        if code.extra.get("kode_bps"):
            found.add(code.extra["kode_bps"])
    return found


def find_region_field(fields: list[dict[str, Any]]) -> Optional[str]:
    """The region column of a table: the finest ``kode_*`` field, else a
    field whose codes are all region codes."""
    names = [f["name"] for f in fields]
    for prefix in REGION_PREFIXES:
        for name in names:
            if name.startswith(prefix):
                return name
    region_codes = None
    for f in fields:
        enum = (f.get("constraints") or {}).get("enum")
        if not enum:
            continue
        if region_codes is None:
            region_codes = _region_codes()
        if region_codes and all(str(v) in region_codes for v in enum):
            return f["name"]
    return None


def find_year_field(fields: list[dict[str, Any]]) -> Optional[str]:
    """The time column of a table: ``tahun``, else a year or integer field
    named after the year."""
    for f in fields:
        if f["name"] == "tahun":
            return f["name"]
    for f in fields:
        name = f["name"].lower()
        if f.get("type") in ("year", "integer") and (
                "tahun" in name or name == "year"):
            return f["name"]
    return None


def measure_fields(fields: list[dict[str, Any]],
                   region: Optional[str] = None,
                   year: Optional[str] = None) -> list[str]:
    """The measures of a table, in their order: its numeric fields that
    are neither the region nor the year (found when not given), nor codes
    (``kode_*`` or an ``enum``)."""
    year = year or find_year_field(fields)
    return [f["name"] for f in fields
            if f.get("type") in NUMERIC_TYPES
            and f["name"] not in (region, year)
            and not f["name"].startswith("kode_")
            and not (f.get("constraints") or {}).get("enum")]


def _is_count_like(field: dict[str, Any]) -> bool:
    minimum = (field.get("constraints") or {}).get("minimum")
    return field.get("type") == "integer" or (
        minimum is not None and _to_decimal(minimum) == 0)


# -- accumulators -------------------------------------------------------------

class _Numbers:
    """Running count/sum/min/max of Decimal values."""

    __slots__ = ("count", "total", "low", "high", "missing", "last_row")

    def __init__(self) -> None:
        self.count = 0
        self.total = Decimal(0)
        self.low: Optional[Decimal] = None
        self.high: Optional[Decimal] = None
        self.missing = 0
        self.last_row: Optional[int] = None

    def add(self, value: Optional[Decimal], row: int) -> None:
        self.last_row = row
        if value is None:
            self.missing += 1
            return
        self.count += 1
        self.total += value
        if self.low is None or value < self.low:
            self.low = value
        if self.high is None or value > self.high:
            self.high = value

    @property
    def value(self) -> Optional[Decimal]:
        """Sum, or None when nothing was counted (never 0 for "none")."""
        return self.total if self.count else None

    def stats(self) -> dict[str, Any]:
        mean = self.total / self.count if self.count else None
        return {
            "count": self.count,
            "sum": _json_number(self.value),
            "min": _json_number(self.low),
            "max": _json_number(self.high),
            "mean": _json_number(mean),
        }

    def group(self) -> dict[str, Any]:
        return {"sum": _json_number(self.value), "count": self.count,
                "missing": self.missing}


class _Flags:
    def __init__(self, limit: int) -> None:
        self.items: list[dict[str, Any]] = []
        self.truncated = 0
        self.limit = limit
        self._seen: set[tuple[Any, ...]] = set()

    def add(self, kind: str, field: Optional[str], row: Optional[int],
            value: Any, message: str, **params: Any) -> None:
        key = (kind, field, row)
        if key in self._seen:
            return
        self._seen.add(key)
        if len(self.items) >= self.limit:
            self.truncated += 1
            return
        value = _json_value(value)
        params = {k: _json_value(v) for k, v in params.items()}
        params.update(field=field, row=row, value=value)
        self.items.append({"kind": kind, "field": field, "row": row,
                           "value": value, "message": message,
                           "params": params})

    def has(self, kind: str, field: Optional[str], row: Optional[int]) -> bool:
        return (kind, field, row) in self._seen


# -- main ---------------------------------------------------------------------

def analyse(path: str, schema: dict, *, fmt: Optional[str] = None,
            jump_threshold_pct: float = 50.0,
            max_flags: int = 1000) -> Result:
    """Statistics and flags of the data file ``path`` read with ``schema``.

    :param path: CSV or XLSX file
    :param schema: Frictionless Table Schema descriptor
    :param fmt: ``csv``/``xlsx``/... (default: from the extension/content)
    :param jump_threshold_pct: flag year-over-year changes whose absolute
        percentage is strictly greater than this
    :param max_flags: keep at most this many flags (``flags_truncated``
        counts the rest)
    :returns: see the module docstring; ``{"error": msgid, "detail": ...}``
        when the file cannot be read
    """
    try:
        return _analyse(path, schema, fmt, jump_threshold_pct, max_flags)
    except reader.ReadError as exc:
        return _error(exc.message, exc.detail)
    except Exception as exc:  # never raise for a bad file
        return _error(ERROR_UNREADABLE, f"{type(exc).__name__}: {exc}")


def _analyse(path: str, schema: dict, fmt: Optional[str],
             threshold: float, max_flags: int) -> Result:
    flags = _Flags(max_flags)
    with reader.open_table(path, schema, fmt) as table:
        fmt = table.format
        declared_by_name = table.by_name
        labels = table.labels
        present = table.present
        missing_columns = table.missing
        extra_columns = table.extra
        for name in missing_columns:
            flags.add("missing_column", name, 1, None, MSG_MISSING_COLUMN)

        region = find_region_field(present)
        year = find_year_field(present)
        numeric = [f["name"] for f in present
                   if f.get("type") in NUMERIC_TYPES]
        measures = measure_fields(present, region, year)
        count_like = {n for n in measures
                      if _is_count_like(declared_by_name[n])}

        field_missing = {f["name"]: 0 for f in present}
        field_symbols: dict[str, dict[str, int]] = {
            f["name"]: {} for f in present}
        field_numbers = {n: _Numbers() for n in numeric}
        by_region: dict[str, dict[str, _Numbers]] = defaultdict(
            lambda: {m: _Numbers() for m in measures})
        by_year: dict[Any, dict[str, _Numbers]] = defaultdict(
            lambda: {m: _Numbers() for m in measures})
        cells_ry: dict[tuple[Any, Any], dict[str, _Numbers]] = \
            defaultdict(lambda: {m: _Numbers() for m in measures})
        years: set[Any] = set()
        rows = 0

        for row in table.rows():
            rows += 1
            number = row.row_number
            values = row.values
            _row_errors(row, values, declared_by_name, count_like, flags)

            for name in field_missing:
                cell = row.cell(name)
                key = row.symbol(name)
                if cell is None or (isinstance(cell, str) and cell == ""):
                    field_missing[name] += 1
                elif key is not None:
                    counts = field_symbols[name]
                    counts[key] = counts.get(key, 0) + 1

            for name in numeric:
                field_numbers[name].add(row.number(name), number)
            for name in count_like:
                v = _to_decimal(values.get(name))
                if v is not None and v < 0:
                    flags.add("negative_count", name, number,
                              values.get(name), MSG_NEGATIVE)

            region_key = values.get(region) if region else None
            year_key = values.get(year) if year else None
            if year_key is not None:
                years.add(year_key)
            for m in measures:
                v = row.number(m)
                if region_key is not None:
                    by_region[str(region_key)][m].add(v, number)
                if year_key is not None:
                    by_year[year_key][m].add(v, number)
                    if region is None or region_key is not None:
                        cells_ry[(region_key, year_key)][m].add(v, number)

    sorted_years = sorted(years)
    yoy = None
    if year:
        yoy = _year_over_year(cells_ry, sorted_years, measures,
                              threshold, flags)

    fields_out: dict[str, Any] = {}
    for f in present:
        name = f["name"]
        entry: dict[str, Any] = {
            "type": f.get("type", "string"),
            "missing": field_missing[name],
            "symbols": field_symbols[name],
        }
        if name in field_numbers:
            entry.update(field_numbers[name].stats())
        fields_out[name] = entry

    return {
        "rows": rows,
        "format": fmt,
        "columns": labels,
        "missing_columns": missing_columns,
        "extra_columns": extra_columns,
        "region_field": region,
        "year_field": year,
        "measures": measures,
        "years": [_json_value(y) for y in sorted_years],
        "fields": fields_out,
        "by_region": ({k: {m: n.group() for m, n in v.items()}
                       for k, v in sorted(by_region.items())}
                      if region else None),
        "by_year": ({str(k): {m: n.group() for m, n in v.items()}
                     for k, v in sorted(by_year.items())}
                    if year else None),
        "year_over_year": yoy,
        "flags": flags.items,
        "flags_truncated": flags.truncated,
    }


def _row_errors(row: Any, values: dict[str, Any],
                declared: dict[str, dict[str, Any]], count_like: set[str],
                flags: _Flags) -> None:
    """Flags of the Frictionless errors of one row."""
    number = row.row_number
    for err in row.errors:
        name: Optional[str] = getattr(err, "field_name", None)
        key = name or ""
        if err.type == "type-error":
            field = declared.get(key, {})
            flags.add("type_error", name, number, getattr(err, "cell", None),
                      MSG_TYPE, type=field.get("type", "string"))
        elif err.type == "constraint-error":
            match = _CONSTRAINT_RE.search(getattr(err, "note", "") or "")
            constraint = match.group(1) if match else "unknown"
            value = values.get(key)
            number_value = _to_decimal(value)
            limits = (declared.get(key, {}).get("constraints") or {})
            if constraint == "required":
                flags.add("required", name, number, None, MSG_REQUIRED)
            elif constraint == "minimum":
                if key in count_like and number_value is not None \
                        and number_value < 0:
                    flags.add("negative_count", name, number, value,
                              MSG_NEGATIVE)
                else:
                    flags.add("minimum", name, number, value, MSG_MINIMUM,
                              limit=limits.get("minimum"))
            elif constraint == "maximum":
                flags.add("maximum", name, number, value, MSG_MAXIMUM,
                          limit=limits.get("maximum"))
            elif constraint == "enum":
                flags.add("enum", name, number, value, MSG_ENUM)
            else:
                flags.add("constraint", name, number,
                          value if value is not None
                          else getattr(err, "cell", None),
                          MSG_CONSTRAINT, constraint=constraint)
        elif err.type in ("missing-cell", "extra-cell"):
            flags.add("row_shape", name, number, getattr(err, "cell", None),
                      MSG_ROW_SHAPE)


def _year_over_year(cells: dict[tuple[Any, Any], dict[str, Any]],
                    years: list[Any], measures: list[str],
                    threshold: float,
                    flags: _Flags) -> dict[str, list[dict[str, Any]]]:
    limit = Decimal(str(threshold))
    regions = sorted({r for r, _ in cells}, key=lambda r: (str(r)))
    out: dict[str, list[dict[str, Any]]] = {m: [] for m in measures}
    for m in measures:
        for reg in regions:
            for prev_year, cur_year in zip(years, years[1:], strict=False):
                cur = cells.get((reg, cur_year))
                prev = cells.get((reg, prev_year))
                value = cur[m].value if cur and not cur[m].missing \
                    else None
                previous = prev[m].value if prev and not prev[m].missing \
                    else None
                change = change_pct = None
                if value is not None and previous is not None:
                    change = value - previous
                    if previous != 0:
                        change_pct = change / abs(previous) * 100
                reg_key = str(reg) if reg is not None else None
                out[m].append({
                    "region": reg_key,
                    "year": _json_value(cur_year),
                    "previous_year": _json_value(prev_year),
                    "value": _json_number(value),
                    "previous": _json_number(previous),
                    "change": _json_number(change),
                    "change_pct": (float(round(change_pct, 4))
                                   if change_pct is not None else None),
                })
                if change_pct is not None and abs(change_pct) > limit:
                    row = cur[m].last_row if cur else None
                    flags.add(
                        "jump", m, row, value,
                        MSG_JUMP_REGION if reg_key is not None
                        else MSG_JUMP,
                        region=reg_key, year=cur_year,
                        previous_year=prev_year, previous=previous,
                        change_pct=float(round(change_pct, 2)),
                        threshold=threshold)
    return out
