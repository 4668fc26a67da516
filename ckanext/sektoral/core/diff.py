"""What a submission changes in its statistic's last release.

Plain Python, no CKAN import. The Kasie reviewing a later cycle's
submission sees what the OPD changed (``sektoral_submission_diff``):

* **metadata** (:func:`field_changes`): every field of the dataset
  type's schema, compared as it is displayed -- a code by its label (with
  its code where the form shows it), a list of codes joined, the tags by
  name, the licence by its title -- so a value stored differently but
  shown the same is no change;
* **data** (:func:`data_changes`): both data files read through the one
  reader (``core/reader.py``) with their Table Schema; rows are matched
  by period (the time field as ``core/stats.py`` finds it: ``tahun``) and
  key (the other dimensions: the schema's ``primaryKey`` without the
  period, else every column that is neither period nor measure), and
  their measure (the first one, ``nilai``) is compared as the canonical
  CSV writes it (``1.234,5`` and ``1234.5`` are the same value, ``–`` and
  ``-`` the same symbol). A period only the submission has is new; a
  changed value of a period the release had is a revision (``before``
  None: a row the release lacked); a row of the release that the
  submission lacks is removed.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any, Optional

from ckanext.sektoral.core import codes, contracts, reader, stats
from ckanext.sektoral.core.completeness import is_present, label_text
from ckanext.sektoral.core.reader import Source, json_value

#: Fields shown from another key of the dataset than their own.
_SHOWN_AS = {"tag_string": "tags", "license_id": "license_title"}


# -- metadata ---------------------------------------------------------------------

def _code_text(field: Mapping[str, Any], value: Any, lang: str) -> str:
    text = str(value).strip()
    list_name = field.get("sektoral_codes")
    if list_name:
        label = codes.load(list_name).label(text, lang)
        if field.get("sektoral_choice_label") == "code" and label != text:
            return f"{text} {label}"
        return label
    for choice in field.get("choices") or []:
        if str(choice.get("value")) == text:
            return label_text(choice.get("label"), lang, text)
    return text


def displayed(field: Mapping[str, Any], pkg: Mapping[str, Any],
              lang: str) -> Optional[str]:
    """A field of a dataset as its page shows it (None: empty)."""
    name = field["field_name"]
    if name == "tag_string":
        tags = sorted(str(t.get("display_name") or t.get("name") or "")
                      for t in pkg.get("tags") or [])
        return ", ".join(t for t in tags if t) or None
    value = pkg.get(_SHOWN_AS.get(name, name))
    if name == "license_id" and not is_present(value):
        value = pkg.get(name)
    values = value if isinstance(value, (list, tuple)) else [value]
    shown = [_code_text(field, v, lang) for v in values if is_present(v)]
    return ", ".join(shown) or None


def field_changes(fields: Sequence[Mapping[str, Any]],
                  before: Optional[Mapping[str, Any]],
                  after: Mapping[str, Any], lang: str,
                  skip: frozenset[str] = frozenset()) -> list[contracts.FieldChange]:
    """The fields (of ``fields``, the schema's dataset fields, but those
    named in ``skip``) whose displayed value differs: ``{"field",
    "label", "before", "after"}`` in schema order. Without ``before``
    (nothing released yet) every filled-in field is new."""
    out: list[contracts.FieldChange] = []
    for field in fields:
        name = field["field_name"]
        if name in skip:
            continue
        old = displayed(field, before, lang) if before is not None else None
        new = displayed(field, after, lang)
        if old != new:
            out.append({"field": name,
                        "label": label_text(field.get("label"), lang, name),
                        "before": old, "after": new})
    return out


# -- data -------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class DataFile:
    """One data file to compare: its path (or bytes), its Table Schema and
    its declared format (None: from the file)."""

    source: Source
    schema: dict[str, Any]
    fmt: Optional[str] = None


#: (period, key) -> (key as a dict, value, the value as compared)
Cells = dict[tuple[Any, tuple[tuple[str, str], ...]],
             tuple[dict[str, Any], Any, str]]


def key_fields(fields: list[dict[str, Any]], schema: Mapping[str, Any],
               period: Optional[str], measures: list[str]) -> list[str]:
    """The dimensions of a table besides its period: the schema's
    ``primaryKey`` without the period, else every column that is neither
    the period nor a measure."""
    names = [f["name"] for f in fields]
    primary = schema.get("primaryKey") or []
    if isinstance(primary, str):
        primary = [primary]
    if primary and all(k in names for k in primary):
        return [k for k in primary if k != period]
    return [n for n in names if n != period and n not in measures]


def read_cells(data: DataFile) -> Cells:
    """The measure of every row of a data file by (period, key); the
    first row of a (period, key) counts. Raises
    :class:`reader.ReadError` when the file is no table."""
    cells: Cells = {}
    with reader.open_table(data.source, data.schema, data.fmt) as table:
        present = table.present
        region = stats.find_region_field(present)
        period = stats.find_year_field(present)
        measures = stats.measure_fields(present, region, period)
        if not measures:
            return cells
        measure = measures[0]
        keys = key_fields(present, data.schema, period, measures)
        for row in table.rows():
            key = {k: json_value(row.values.get(k)) for k in keys}
            at = (json_value(row.values.get(period)) if period else None,
                  tuple((k, row.canonical(k)) for k in keys))
            if at in cells:
                continue
            number = row.values.get(measure)
            shown = (json_value(number) if number is not None
                     else row.missing_text(measure))
            cells[at] = (key, shown, row.canonical(measure))
    return cells


def _period_order(value: Any) -> tuple[bool, str]:
    return (value is None, str(value))


def data_changes(before: Optional[DataFile],
                 after: DataFile) -> contracts.DataChanges:
    """``{"new_periods": [...], "revised": [{"key", "period", "before",
    "after"}], "removed": [{"key", "period", "before"}]}`` of ``after``
    against ``before`` (None: nothing released, every period is new).
    Raises :class:`reader.ReadError` when a file is no table."""
    new = read_cells(after)
    old = read_cells(before) if before is not None else {}
    old_periods = {p for p, _ in old}
    new_periods = sorted({p for p, _ in new if p not in old_periods},
                         key=_period_order)
    revised = [{"key": key, "period": at[0],
                "before": old[at][1] if at in old else None, "after": value}
               for at, (key, value, compared) in new.items()
               if at[0] in old_periods
               and (at not in old or old[at][2] != compared)]
    removed = [{"key": key, "period": at[0], "before": value}
               for at, (key, value, _compared) in old.items()
               if at not in new]
    # by period, each period's rows in the order of the file
    return {"new_periods": [p for p in new_periods if p is not None],
            "revised": sorted(revised, key=lambda r: _period_order(
                r["period"])),
            "removed": sorted(removed, key=lambda r: _period_order(
                r["period"]))}


def period_changes(before: DataFile, after: DataFile) -> list[dict[str, Any]]:
    """Year-over-year across releases: for each key, each period of
    ``after`` that ``before`` lacks against that key's latest earlier
    period of ``before`` (``{"key", "period", "before_period", "before",
    "after", "change_pct"}``; ``change_pct`` None when a value is missing
    or the earlier one is 0). Raises :class:`reader.ReadError`."""
    new = read_cells(after)
    old = read_cells(before)
    by_key: dict[Any, list[tuple[Any, Any]]] = {}
    for (period, key), (_keydict, value, _compared) in old.items():
        by_key.setdefault(key, []).append((period, value))
    out = []
    for (period, key), (keydict, value, _compared) in new.items():
        if (period, key) in old or period is None:
            continue
        earlier = [(p, v) for p, v in by_key.get(key, [])
                   if p is not None and str(p) < str(period)]
        if not earlier:
            continue
        before_period, before_value = max(earlier, key=lambda pv: str(pv[0]))
        out.append({"key": keydict, "period": period,
                    "before_period": before_period, "before": before_value,
                    "after": value,
                    "change_pct": _change_pct(before_value, value)})
    return sorted(out, key=lambda r: (_period_order(r["period"]),
                                      str(sorted(r["key"].items()))))


def _change_pct(before: Any, after: Any) -> Optional[float]:
    if not isinstance(before, (int, float)) or not isinstance(
            after, (int, float)) or isinstance(before, bool) or before == 0:
        return None
    return round((after - before) / abs(before) * 100, 1)
