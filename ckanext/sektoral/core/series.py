"""The one builder of series and pivots of a data file's measure.

Plain Python, no CKAN import. The public dataset page (its charts and
tables: ``insight/tabledata.py``) and the report (its chart series and its
region x year tables: ``documents/report.py``) build their figures here,
under the BPS rules of ``core/symbols.py`` (``-`` is nihil, 0; ``...``,
``NA``, ``x`` and empty cells are left out and make a total incomplete):

* :func:`is_additive`: whether a measure adds up over regions (a count:
  ton, jiwa, unit) or is a rate, index or percentage (its regions are
  averaged, unweighted);
* :class:`Grid`: the cells of one measure by (region, year), filled row by
  row, and its :meth:`Grid.by_year` and :meth:`Grid.by_region` series;
* :func:`year_series`: the per-year series of a stored analysis
  (``analysis/stats.py``'s ``by_year``);
* :func:`pivot`: a region x year table of canonical rows
  (``insight/exports.read_canonical``), symbols shown as written.
"""
from __future__ import annotations

from collections import OrderedDict
from decimal import Decimal
from typing import Any, Callable, Iterable, Optional

from ckanext.sektoral.core import contracts
from ckanext.sektoral.core.reader import json_number, json_value
from ckanext.sektoral.core import symbols as bps

#: Words of a unit, measure or title that make a measure non-additive.
NON_ADDITIVE_WORDS = ("persen", "%", "indeks", "index", "rasio", "ratio",
                      "skor", "rata", "laju", "prevalensi", "angka ",
                      "tingkat", "persentase", "kapita")
#: Marks of a per-unit rate, in the unit only ("rupiah/kg", "per 1000
#: penduduk"); titles say "Menurut Kabupaten/Kota".
RATE_UNIT_MARKS = ("/", "per ")

Key = tuple[Optional[str], Any]


def is_additive(unit: Optional[str], *texts: Optional[str]) -> bool:
    """False when the unit, or another text of the dataset (measure,
    title), names a rate, index or percentage."""
    unit_text = (unit or "").lower() + " "
    joined = " ".join(t for t in (unit, *texts) if t).lower() + " "
    return not (any(mark in unit_text for mark in RATE_UNIT_MARKS)
                or any(word in joined for word in NON_ADDITIVE_WORDS))


def aggregate(groups: list[bps.Tally], additive: bool) -> Optional[Decimal]:
    """Total of a year over its region groups: the sum of what exists
    (additive), else the unweighted mean of the regions' values; None when
    no value exists. Whether it is complete is the caller's business."""
    if additive:
        present = [t.sum for t in groups if t.sum is not None]
        return sum(present, Decimal(0)) if present else None
    per_region = [t.mean for t in groups if t.mean is not None]
    if not per_region:
        return None
    return sum(per_region, Decimal(0)) / len(per_region)


class Grid:
    """The cells of one measure by (region, year) under the BPS rules."""

    def __init__(self, has_region: bool, has_year: bool) -> None:
        self.has_region = has_region
        self.has_year = has_year
        self.tallies: dict[Key, bps.Tally] = {}
        self.symbols: dict[Key, set[str]] = {}

    def add(self, region: Any, year: Any, parsed: Any,
            symbol: Optional[str]) -> None:
        """One cell: its region and year (None when the file has none),
        its parsed value and the declared BPS symbol it holds."""
        key = (str(region) if self.has_region and region is not None
               else None, year if self.has_year else None)
        self.tallies.setdefault(key, bps.Tally()).add(parsed, symbol)
        if parsed is None and symbol:
            self.symbols.setdefault(key, set()).add(
                bps.canonical(symbol) or symbol)

    def years(self) -> list[Any]:
        return sorted({y for _, y in self.tallies if y is not None})

    def by_year(self, additive: bool) -> Optional[list[contracts.YearPoint]]:
        """Per year: ``value`` (sum, or unweighted mean of the regions),
        ``missing`` (cells left out) and ``complete``; None without a
        year column or a year."""
        years = self.years()
        if not (self.has_year and years):
            return None
        out: list[contracts.YearPoint] = []
        for y in years:
            total = bps.Tally()
            groups = [t for (_r, yy), t in self.tallies.items() if yy == y]
            for t in groups:
                total.merge(t)
            out.append({"year": json_value(y),
                        "value": json_number(aggregate(groups, additive)),
                        "missing": total.gaps, "complete": total.complete})
        return out

    def latest_year(self) -> Any:
        """The latest year in which a region has a value."""
        with_value = [y for (r, y), t in self.tallies.items()
                      if r is not None and t.count]
        return max(with_value, default=None,
                   key=lambda v: (v is not None, v))

    def by_region(self, additive: bool,
                  order: Callable[[set[str]], list[tuple[str, str]]]
                  ) -> tuple[Optional[list[contracts.RegionPoint]], Any]:
        """Per region, in the latest year that has any value: ``code``,
        ``name``, ``value`` (None and ``symbol`` the BPS symbol to show
        where no value exists; ``symbol`` ``-`` where every cell was
        nihil) and ``complete``; and that year. ``order`` gives (code,
        name) of the regions found, in code-list order. (None, None)
        without a region column."""
        if not self.has_region:
            return None, None
        latest = self.latest_year()
        regions = order({r for r, _ in self.tallies if r is not None})
        out: list[contracts.RegionPoint] = []
        for code, name in regions:
            if self.has_year:
                keys: list[Key] = [(code, latest)]
            else:
                keys = [k for k in self.tallies if k[0] == code]
            group = bps.Tally()
            for k in keys:
                if k in self.tallies:
                    group.merge(self.tallies[k])
            value = group.sum if additive else group.mean
            shown = "-" if group.only_nihil else None
            if value is None:
                found = set().union(*(self.symbols.get(k, set())
                                      for k in keys))
                shown = (next(iter(found)) if len(found) == 1 else
                         "x" if "x" in found else "...")
            out.append({"code": code, "name": name,
                        "value": json_number(value), "symbol": shown,
                        "complete": group.complete})
        return out, (json_value(latest) if self.has_year else None)


def year_series(analysis: dict[str, Any], additive: bool = True
                ) -> list[tuple[str, float, bool]]:
    """The first measure per year of a stored analysis, ``(year, value,
    complete)``: the sum over regions for a count, their unweighted mean
    for a rate, index or percentage (as on the public dataset page), of
    the values that exist (nihil counts as 0); ``complete`` is False when
    a value not available or confidential was left out. A year with no
    value is left out."""
    measures = analysis.get("measures") or []
    if not measures:
        return []
    points = []
    for year, values in sorted((analysis.get("by_year") or {}).items()):
        group = values.get(measures[0]) or {}
        total, count = group.get("sum"), group.get("count")
        if total is None or not count:
            continue
        points.append((year, total if additive else total / count,
                       not group.get("missing")))
    return points


def pivot(rows: Iterable[tuple[dict[str, Any], dict[str, str]]],
          schema: dict[str, Any], analysis: dict[str, Any], *,
          region_label: Callable[[str], str],
          number: Callable[[Any], str],
          max_rows: int, max_cols: int) -> dict[str, Any]:
    """A region x year table (or a year series) of the first measure of
    ``analysis`` from canonical rows ((typed values, canonical cells) per
    row): the sum of a cell's values, or its BPS symbol as written
    (``-``: nihil) when it has none; the last ``max_cols`` years and the
    first ``max_rows`` regions. ``{}`` without a measure."""
    measures = analysis.get("measures") or []
    if not measures:
        return {}
    measure = measures[0]
    region, year = analysis.get("region_field"), analysis.get("year_field")
    cells: dict[tuple[str, str], Any] = {}
    regions: "OrderedDict[str, None]" = OrderedDict()
    years: set[str] = set()
    for values, raw in rows:
        r = str(values.get(region)) if region else "Provinsi"
        y = str(values.get(year)) if year else ""
        regions[r] = None
        years.add(y)
        v = values.get(measure)
        key = (r, y)
        if v is None:  # a BPS symbol, shown as written ("-": nihil)
            cells.setdefault(key, bps.canonical(raw.get(measure))
                             or "...")
        else:
            prev = cells.get(key)
            num = float(v)
            cells[key] = num + prev if isinstance(prev, float) else num
    cols = sorted(years)[-max_cols:]
    body = []
    for r in list(regions)[:max_rows]:
        label = region_label(r) if region else r
        body.append([label] + [
            cells[(r, y)] if isinstance(cells.get((r, y)), str)
            else number(cells.get((r, y))) for y in cols])
    field: dict[str, Any] = next(
        (f for f in schema["fields"] if f["name"] == measure), {})
    return {"measure": field.get("title") or measure,
            "columns": [("Wilayah" if region else "")] +
            [c or "Nilai" for c in cols],
            "rows": body, "truncated": len(regions) > max_rows}
