"""A statistic's data over all its releases, as one table.

Plain Python, no CKAN import. A statistic is released once per cycle
(``logic/releases.py``), each release with its own data file(s); the
public page's chart and preview (``insight/tabledata.py``) and its
exports (``insight/exports.py``) present the statistic from its first
release to its last:

* :func:`key_fields`: what names a row: the schema's ``primaryKey``
  (region and year in the templates of ``core/tables.py``), else every
  field but the measures (``core/stats.py``);
* :func:`combine`: the rows of the releases, oldest first, in one table.
  A row of a later release with the key of an earlier row replaces it (in
  its place: the table stays in the order rows first appeared); where its
  measure changed, the change is a revision ``{"key", "period",
  "before", "after", "release"}`` (``release``: the release that revised
  it). A release of several files reads them in their order, a later file
  replacing an earlier one's rows without a revision (none of them was
  ever shown alone).

A row is anything with the reader's typed ``values`` and ``canonical``
cells (:class:`ckanext.sektoral.core.reader.Row`): keys and changes are
compared on canonical cells, so ``1.234,5`` and ``1234.5`` are one value.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, Iterable, Optional, Protocol, Sequence
from typing import TypeVar

from ckanext.sektoral.core import stats
from ckanext.sektoral.core.reader import json_number, json_value


class Cells(Protocol):
    """A data row as the reader gives it."""

    @property
    def values(self) -> dict[str, Any]: ...

    def canonical(self, name: str) -> str: ...


R = TypeVar("R", bound=Cells)
Key = tuple[str, ...]


@dataclass
class Combined(Generic[R]):
    """The combined table: its rows and the revisions of earlier values."""

    rows: list[R] = field(default_factory=list)
    revisions: list[dict[str, Any]] = field(default_factory=list)


def key_fields(schema: dict[str, Any]) -> list[str]:
    """The fields that name a row of ``schema``: its ``primaryKey`` when
    it declares one of its fields, else every field but the measures."""
    names = [f["name"] for f in schema.get("fields", [])]
    primary = schema.get("primaryKey")
    if isinstance(primary, str):
        primary = [primary]
    if primary and all(name in names for name in primary):
        return list(primary)
    measures = set(stats.measure_fields(schema.get("fields", [])))
    return [name for name in names if name not in measures]


def shown(row: Cells, measure: str) -> Any:
    """The measure of a row as a revision lists it: its number, else the
    BPS symbol it holds (canonical), None for an empty cell."""
    value = row.values.get(measure)
    if value is not None:
        return json_number(value)
    return row.canonical(measure) or None


def combine(releases: Iterable[tuple[Optional[str], Iterable[R]]],
            key: Sequence[str], *, measure: Optional[str] = None,
            period: Optional[str] = None) -> Combined[R]:
    """One table of the rows of ``releases`` ((release, rows) per data
    file, oldest release first; consecutive files may share a release),
    each row named by its cells of ``key``. A revision is a changed
    ``measure`` (none without one); its ``period`` is the row's value of
    ``period`` (the year field; None without one)."""
    table: dict[Key, tuple[Optional[str], list[R]]] = {}
    revisions: list[dict[str, Any]] = []
    for release, rows in releases:
        found: dict[Key, list[R]] = {}
        for row in rows:
            found.setdefault(tuple(row.canonical(n) for n in key),
                             []).append(row)
        for name, later in found.items():
            earlier = table.get(name)
            if earlier is not None and measure and earlier[0] != release:
                revisions.extend(
                    _revision(dict(zip(key, name, strict=True)), old, new,
                              measure, period, release)
                    for old, new in zip(earlier[1], later, strict=False)
                    if old.canonical(measure) != new.canonical(measure))
            table[name] = (release, later)
    return Combined([row for _release, rows in table.values()
                     for row in rows], revisions)


def _revision(key: dict[str, str], old: Cells, new: Cells, measure: str,
              period: Optional[str], release: Optional[str]
              ) -> dict[str, Any]:
    return {"key": key,
            "period": json_value(new.values.get(period)) if period else None,
            "before": shown(old, measure), "after": shown(new, measure),
            "release": release}
