"""The validated data of a published dataset: series and preview.

A statistic shows its data over all its releases: ``series_files(pkg,
released)`` lists the validated data files (data resources with a Table
Schema that ckanext-validation reported ``success`` for) of each release
(``logic/releases.releases``, oldest first); a dataset never released (an
unpublished item, read by the Walidata) shows its newest one
(``validated_resource``). ``read_series(files)`` reads them *with* their
schema through :mod:`ckanext.sektoral.core.reader` (so ``1.234,5`` is
1234.5 under ``decimalChar ","``), combines their rows into one table
(:mod:`ckanext.sektoral.core.combine`: a later release's row replaces an
earlier one with the same key, listed in ``revisions``) and returns the
chart series and a preview of it (``read_table``: of one file); the
result is cached per set of files (path, size, modification time,
schema).

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
  columns), BPS symbols in their canonical form;
* ``revisions``: the earlier values a later release revised,
  ``{"key", "period", "before", "after", "release"}``.

The structure (columns, region and year fields, measure) is the newest
file's.
"""
from __future__ import annotations

import json
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Optional, Sequence, Union

from ckanext.sektoral.core import contracts, tables
from ckanext.sektoral.core import codes, combine, reader, series, stats
from ckanext.sektoral.core.completeness import is_data_resource
from ckanext.sektoral.core import symbols as bps
from ckanext.sektoral.datafile import files as datafiles

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


def _is_validated(resource: dict[str, Any]) -> bool:
    """An uploaded data resource with a schema that passed validation."""
    return (is_data_resource(resource)
            and resource_schema(resource) is not None
            and (resource.get("validation_status") or "").lower()
            == "success" and resource.get("url_type") == "upload")


def _age(resource: dict[str, Any]) -> tuple[str, int]:
    return (resource.get("last_modified") or resource.get("created") or "",
            resource.get("position") or 0)


def validated_resource(pkg: dict[str, Any]) -> Optional[dict[str, Any]]:
    """The newest data resource with a schema that passed validation."""
    found = [r for r in pkg.get("resources") or [] if _is_validated(r)]
    return max(found, key=_age) if found else None


@dataclass(frozen=True)
class DataFile:
    """One validated data file of a dataset's series: its resource, the
    cycle code of the release it belongs to (None: never released), its
    local path (None: not stored), schema and table format."""

    resource: dict[str, Any]
    release: Optional[str]
    path: Optional[str]
    schema: dict[str, Any]
    format: Optional[str]

    @classmethod
    def of(cls, resource: dict[str, Any],
           release: Optional[str] = None) -> "DataFile":
        return cls(resource, release, datafiles.resource_path(resource),
                   resource_schema(resource) or {}, resource_format(resource))


def series_resources(pkg: dict[str, Any], released: list[dict[str, Any]]
                     ) -> list[tuple[dict[str, Any], Optional[str]]]:
    """The validated data resources that present a dataset, each with the
    cycle code of its release: those of each of its releases ``released``
    (``logic/releases.releases``, oldest first; the files of one release
    oldest first), else -- a dataset never released -- its newest one
    (release None); [] when there is none."""
    if not released:
        newest = validated_resource(pkg)
        return [(newest, None)] if newest else []
    found = {r["id"]: r for r in pkg.get("resources") or []
             if _is_validated(r)}
    return [(resource, release["cycle_code"])
            for release in released
            for resource in sorted((found[i] for i in release["resource_ids"]
                                    if i in found), key=_age)]


def series_files(pkg: dict[str, Any],
                 released: list[dict[str, Any]]) -> list[DataFile]:
    """The data files of :func:`series_resources`, to read."""
    return [DataFile.of(resource, release)
            for resource, release in series_resources(pkg, released)]


def combined_rows(files: Sequence[DataFile], *,
                  measure: Optional[str] = None,
                  period: Optional[str] = None
                  ) -> combine.Combined[reader.Row]:
    """The rows of ``files`` (stored: every path set) in one table, named
    by the key of the newest file's schema, with the revisions of
    ``measure``; raises :class:`reader.ReadError` for a file that cannot
    be read."""
    return combine.combine(
        ((f.release, reader.read_rows(str(f.path), f.schema, f.format))
         for f in files),
        combine.key_fields(files[-1].schema), measure=measure, period=period)


def resource_format(resource: dict[str, Any]) -> Optional[str]:
    """The table format of a resource (None: detect from the content)."""
    fmt = (resource.get("format") or "").strip().lower()
    return fmt if fmt in ("csv", "tsv", "xlsx", "xls") else None


def read_table(path: str, schema: dict[str, Any], *, fmt: Optional[str] = None,
               additive: bool = True,
               preview_rows: int = PREVIEW_ROWS) -> Table:
    """Series and preview of one data file (see the module docstring)."""
    return read_series([DataFile({}, None, path, schema, fmt)],
                       additive=additive, preview_rows=preview_rows)


def read_series(files: Sequence[DataFile], *, additive: bool = True,
                preview_rows: int = PREVIEW_ROWS) -> Table:
    """Series, preview and revisions of the combined rows of ``files``
    (oldest release first; see the module docstring)."""
    key: list[Any] = [additive, preview_rows]
    for f in files:
        try:
            st = os.stat(str(f.path))
        except OSError:
            return {"error": stats.ERROR_NOT_FOUND}
        key.append((f.path, st.st_size, st.st_mtime_ns, f.format, f.release,
                    json.dumps(f.schema, sort_keys=True)))
    cache_key = tuple(key)
    with _lock:
        if cache_key in _cache:
            _cache.move_to_end(cache_key)
            return _cache[cache_key]
    result = _read(files, additive, preview_rows)
    with _lock:
        _cache[cache_key] = result
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return result


def _read(files: Sequence[DataFile], additive: bool,
          preview_rows: int) -> Table:
    newest = files[-1]
    schema = newest.schema
    summary = stats.analyse(str(newest.path), schema, fmt=newest.format)
    if summary.get("error"):
        return {"error": summary["error"]}
    fields = {f["name"]: f for f in schema.get("fields", [])}
    region = summary.get("region_field")
    year = summary.get("year_field")
    measures = summary.get("measures") or []
    measure = measures[0] if measures else None
    columns = summary.get("columns") or []
    try:
        combined = combined_rows(files, measure=measure, period=year)
    except reader.ReadError as exc:
        return {"error": exc.message}

    grid = series.Grid(bool(region), bool(year))
    preview: list[list[Any]] = []
    types = {n: (fields.get(n) or {}).get("type") for n in columns}
    symbols: dict[str, dict[str, int]] = {n: {} for n in summary["fields"]}
    for row in combined.rows:
        values = row.values
        if len(preview) < preview_rows:
            preview.append([
                _preview_cell(values.get(name), row.labelled(name),
                              types.get(name), row.declared)
                for name in columns])
        for name, counts in symbols.items():
            found = row.symbol(name)
            if found is not None:
                counts[found] = counts.get(found, 0) + 1
        if measure is None:
            continue
        grid.add(values.get(region) if region else None,
                 values.get(year) if year else None,
                 values.get(measure), row.symbol(measure))

    result: contracts.ChartTable = {
        "rows": len(combined.rows),
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
        "symbols": {n: found for n, found in symbols.items() if found},
        "revisions": combined.revisions,
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
