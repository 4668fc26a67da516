"""The validated data file of a published dataset: series and preview.

``validated_resource(pkg)`` picks the data file to show (a data resource
with a Table Schema that ckanext-validation reported ``success`` for);
``read_table(path, schema)`` reads it *with* its schema through
:mod:`ckanext.sektoral.core.reader` (so ``1.234,5``
is 1234.5 under ``decimalChar ","``) and returns the chart series and a
preview; the result is
cached per file (path, size, modification time, schema).

Series (the BPS symbols count as ``core/symbols.py`` says: ``-`` is
nihil, 0; ``...``, ``NA``, ``x`` and empty cells are left out):

* ``by_year``: the measure per year, over all regions: the **sum** for an
  additive unit (ton, jiwa, unit), the **unweighted mean** of the regions
  for a rate, index or percentage (``aggregation`` says which), of the
  values that exist; ``missing`` counts the cells left out and
  ``complete`` is False when there are any (the total is then marked
  incomplete wherever it is shown); ``value`` is None only when no value
  exists;
* ``by_region``: the measure per kabupaten/kota in the latest year that
  has any value (``region_year``), in the order of the code list, with
  its name; ``value`` None and ``symbol`` the BPS symbol to show (``x``,
  ``NA``, ``...``) where no value exists, ``symbol`` ``-`` (value 0) where
  every cell was nihil;
* ``preview``: the first rows, typed (numbers as numbers, to be shown in
  the reader's number format; ``preview_numbers`` lists the number
  columns), BPS symbols in their canonical form.
"""
from __future__ import annotations

import json
import os
import threading
from collections import OrderedDict
from decimal import Decimal
from typing import Any, Optional, Union

from ckanext.sektoral.core import contracts, tables
from ckanext.sektoral.core import codes, reader, series, stats
from ckanext.sektoral.core.completeness import is_data_resource
from ckanext.sektoral.core import symbols as bps

#: The additivity rule lives with the series (``analysis/series.py``).
NON_ADDITIVE_WORDS = series.NON_ADDITIVE_WORDS
RATE_UNIT_MARKS = series.RATE_UNIT_MARKS
is_additive = series.is_additive
PREVIEW_ROWS = 20
_CACHE_SIZE = 64
#: What :func:`read_table` returns: the table, or why it could not be read.
Table = Union[contracts.ChartTable, contracts.TableError]
_cache: "OrderedDict[tuple[Any, ...], Table]" = OrderedDict()
_lock = threading.Lock()


resource_schema = tables.resource_schema


def validated_resource(pkg: dict[str, Any]) -> Optional[dict[str, Any]]:
    """The newest data resource with a schema that passed validation."""
    found = [r for r in pkg.get("resources") or []
             if is_data_resource(r) and resource_schema(r) is not None
             and (r.get("validation_status") or "").lower() == "success"
             and r.get("url_type") == "upload"]
    if not found:
        return None
    return max(found, key=lambda r: (r.get("last_modified") or r.get("created")
                                     or "", r.get("position") or 0))




def resource_format(resource: dict[str, Any]) -> Optional[str]:
    """The table format of a resource (None: detect from the content)."""
    fmt = (resource.get("format") or "").strip().lower()
    return fmt if fmt in ("csv", "tsv", "xlsx", "xls") else None


def read_table(path: str, schema: dict[str, Any], *, fmt: Optional[str] = None,
               additive: bool = True,
               preview_rows: int = PREVIEW_ROWS) -> Table:
    """Series and preview of one data file (see the module docstring)."""
    try:
        st = os.stat(path)
    except OSError:
        return {"error": stats.ERROR_NOT_FOUND}
    key = (path, st.st_size, st.st_mtime_ns, fmt, additive, preview_rows,
           json.dumps(schema, sort_keys=True))
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    result = _read(path, schema, fmt, additive, preview_rows)
    with _lock:
        _cache[key] = result
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return result


def _read(path: str, schema: dict[str, Any], fmt: Optional[str],
          additive: bool, preview_rows: int) -> Table:
    summary = stats.analyse(path, schema, fmt=fmt)
    if summary.get("error"):
        return {"error": summary["error"]}
    fields = {f["name"]: f for f in schema.get("fields", [])}
    region = summary.get("region_field")
    year = summary.get("year_field")
    measures = summary.get("measures") or []
    measure = measures[0] if measures else None
    columns = summary.get("columns") or []

    grid = series.Grid(bool(region), bool(year))
    preview: list[list[Any]] = []
    types = {n: (fields.get(n) or {}).get("type") for n in columns}
    with reader.open_table(path, schema, summary.get("format")) as table:
        for row in table.rows():
            values = row.values
            if len(preview) < preview_rows:
                preview.append([
                    _preview_cell(values.get(name), cell, types.get(name),
                                  table.declared)
                    for name, cell in zip(columns, row.raw, strict=False)])
            if measure is None:
                continue
            grid.add(values.get(region) if region else None,
                     values.get(year) if year else None,
                     values.get(measure), row.symbol(measure))

    result: contracts.ChartTable = {
        "rows": summary["rows"],
        "columns": columns,
        "column_titles": [fields.get(c, {}).get("title") or c
                          for c in columns],
        "preview": preview,
        "preview_numbers": [i for i, c in enumerate(columns)
                            if (fields.get(c) or {}).get("type") == "number"],
        "preview_truncated": summary["rows"] > len(preview),
        "region_field": region,
        "year_field": year,
        "measure": measure,
        "measure_title": (fields.get(measure, {}).get("title") or measure)
        if measure else None,
        "aggregation": "sum" if additive else "mean",
        "by_year": None,
        "by_region": None,
        "region_year": None,
        "symbols": {n: f["symbols"] for n, f in summary["fields"].items()
                    if f.get("symbols")},
    }
    if measure is None:
        return result
    result["by_year"] = grid.by_year(additive)
    if region:
        result["by_region"], result["region_year"] = grid.by_region(
            additive, _region_order)
    return result


def _preview_cell(value: Any, cell: Any, ftype: Optional[str],
                  declared: set[str]) -> Any:
    """A preview cell: the typed value (a number for a numeric column,
    shown in the reader's number format), a BPS symbol in its canonical
    form, or the text as written."""
    if value is None:
        if bps.symbol(cell) in declared:
            return bps.canonical(cell)
        return "" if cell is None else _cell(cell)
    if ftype in ("number", "integer") and isinstance(value, (Decimal, int)) \
            and not isinstance(value, bool):
        return reader.json_number(value)
    return _cell(value)


def _cell(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, Decimal):
        return reader.json_number(value)
    return str(value)


def _region_order(found: set[str]) -> list[tuple[str, str]]:
    """(code, name) of the regions found, in code-list order; BPS or
    Kemendagri codes; unknown codes last, named by themselves."""
    names: dict[str, tuple[int, str]] = {}
    try:
        for i, code in enumerate(codes.load("wilayah")):
            names[code.value] = (i, code.label("id"))
            if code.extra.get("kode_bps"):
                names[code.extra["kode_bps"]] = (i, code.label("id"))
    except Exception:  # no code list: codes only
        pass
    return sorted(((c, names.get(c, (10**6, c))[1]) for c in found),
                  key=lambda item: (names.get(item[0], (10**6, ""))[0],
                                    item[0]))
