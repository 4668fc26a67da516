"""Actions of the insight area: public statistics and OPD performance.

Collected by plugin.py (names in ``__all__``); each calls
``tk.check_access`` with its own name first.
"""
from __future__ import annotations

from typing import Any, Optional

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Context, DataDict

from ckanext.sektoral.core import contracts
from ckanext.sektoral.insight import performance as performance_mod
from ckanext.sektoral.insight import notices, tabledata
from ckanext.sektoral.logic import releases, schema
from ckanext.sektoral.model import queries

__all__: list[str] = [
    "sektoral_performance",
    "sektoral_chart_data",
    "sektoral_public_cycle_list",
    "sektoral_public_cycle_show",
]

DATA_SEKTORAL = "data-sektoral"
PUBLIKASI = "publikasi"
#: Most datasets listed on one public cycle page.
MAX_CYCLE_DATASETS = 1000


def _quote(value: str) -> str:
    """A Lucene phrase of ``value``."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


@tk.validate_action_data(schema.sektoral_performance_schema)
@tk.side_effect_free
def sektoral_performance(context: Context,
                         data_dict: DataDict) -> contracts.Performance:
    """OPD performance per cycle: the SOP compliance record.

    Per OPD and per cycle: items listed, requested, submitted, submitted
    on time / late (first submission against the due date of SOP step 2),
    not submitted (and overdue), returns (times) and items returned,
    accepted, average working days from request to first submission,
    percentage on time. Computed from ``sektoral_item`` and the audit log
    in a fixed number of queries. Walidata positions only.

    :param cycle: id or code of one cycle, or several (list or
        space/comma separated); default: every cycle
    :type cycle: string or list
    :param owner_org: restrict to one OPD (organization id or name)
    :type owner_org: string

    :returns: ``{"cycles": [{"code", "title", "start_date", "status",
        "submit_due", "submit_due_passed", "totals": {figures},
        "organizations": [{"id", "name", "title", "listed", "requested",
        "submitted", "on_time", "late", "not_submitted", "overdue",
        "returns", "items_returned", "accepted", "avg_working_days",
        "on_time_pct"}]}], "organizations": [{"id", "name", "title"}]}``
    :rtype: dictionary

    Example::

        ckanapi action sektoral_performance cycle=2026-S1
    """
    tk.check_access("sektoral_performance", context, data_dict)
    codes = list(data_dict.get("cycle") or [])
    org_id: Optional[str] = None
    if data_dict.get("owner_org"):
        org = model.Group.get(data_dict["owner_org"])
        if org is None or not org.is_organization:
            raise tk.ValidationError({"owner_org": [
                tk._("Organization not found")]})
        org_id = org.id
    if codes:
        found = queries.cycle_refs(codes)
        unknown = [c for c in codes if c not in found]
        if unknown:
            raise tk.ValidationError({"cycle": [
                tk._("Cycle not found: %(codes)s")
                % {"codes": ", ".join(unknown)}]})
    return performance_mod.performance(codes or None, org_id)


@tk.validate_action_data(schema.sektoral_id_schema)
@tk.side_effect_free
def sektoral_chart_data(context: Context,
                        data_dict: DataDict) -> contracts.ChartData:
    """Chart series and a table preview of a dataset's validated data,
    over all its releases.

    For a ``data-sektoral`` dataset (the public sees published ones only):
    the statistic from its first release to its last -- the data files
    with a Table Schema that passed validation of each release (oldest
    first) read *with* their schema (Indonesian number formats; the BPS
    symbols as ``core/symbols.py`` defines them: ``-`` nihil, 0; ``...``,
    ``NA``, ``x`` left out, totals without them marked incomplete) and
    combined into one table: a row of a later release with the key of an
    earlier one (the schema's ``primaryKey``: region and year; else every
    field but the measures) replaces it, and a changed value is listed in
    ``revisions``. A dataset never released (an unpublished item) shows
    its newest validated data file. A withdrawn dataset has no series:
    ``available`` false, ``withdrawn`` true and its ``notice``
    (``/dataset/<id>/chart-data.json`` answers 410).

    :param id: id or name of the dataset
    :type id: string

    :returns: ``{"available": bool, "reason": msg (when not available),
        "resource_id", "resource_name" (the newest data file),
        "measure", "measure_title", "unit",
        "aggregation" ("sum" for additive units, "mean" for rates and
        indices), "by_year": [{"year", "value", "missing", "complete"}]
        | null, "by_region": [{"code", "name", "value", "symbol",
        "complete"}] | null, "region_year", "rows",
        "columns", "column_titles", "preview": [[cell, ...]] (typed; BPS
        symbols canonical), "preview_numbers" (number columns),
        "preview_truncated", "symbols",
        "releases": [{"cycle_code", "released"}] (oldest first; [] for a
        dataset never released), "revisions": [{"key": {field: cell},
        "period" (the year, or null), "before", "after" (the measure: a
        number, a BPS symbol or null), "release" (cycle code of the
        release that revised it)}]}``
    :rtype: dictionary

    Example::

        ckanapi action sektoral_chart_data id=jumlah-penduduk-menurut-kabupaten-kota
    """
    tk.check_access("sektoral_chart_data", context, data_dict)
    pkg = tk.get_action("package_show")(
        {"user": context.get("user"),
         "ignore_auth": context.get("ignore_auth", False)},
        {"id": data_dict["id"]})
    return chart_data_for(pkg)


def chart_data_for(pkg: dict[str, Any]) -> contracts.ChartData:
    """``sektoral_chart_data`` of a dataset already read (no auth)."""
    base: contracts.ChartBase = {"id": pkg["id"], "available": False,
                                 "unit": pkg.get("satuan") or ""}
    unavailable: contracts.ChartUnavailable
    if pkg.get("type") != DATA_SEKTORAL:
        unavailable = {**base, "reason": tk._(
            "Not a sectoral statistics dataset")}
        return unavailable
    notice = notices.withdrawal_notice(pkg["id"])
    if notice is not None:  # its data must no longer be used
        withdrawn: contracts.ChartWithdrawn = {
            **base, "withdrawn": True, "notice": notice,
            "reason": notices.withdrawal_text(notice)}
        return withdrawn
    released = releases.releases(pkg["id"])
    files = tabledata.series_files(pkg, released)
    if not files:
        unavailable = {**base, "reason": tk._(
            "No data file with a Table Schema has passed validation yet")}
        return unavailable
    if any(f.path is None for f in files):
        unavailable = {**base,
                       "reason": tk._("The data file could not be found.")}
        return unavailable
    data = tabledata.read_series(
        files, additive=tabledata.is_additive(
            pkg.get("satuan"), pkg.get("ukuran"), pkg.get("title")))
    if "error" in data:
        unavailable = {**base, "reason": tk._(data.get("error"))}
        return unavailable
    resource = files[-1].resource
    result: contracts.ChartAvailable = {
        **base, **data, "available": True, "resource_id": resource["id"],
        "resource_name": resource.get("name") or resource["id"],
        "releases": [{"cycle_code": r["cycle_code"],
                      "released": r["released"]} for r in released]}
    return result


@tk.validate_action_data(schema.sektoral_empty_schema)
@tk.side_effect_free
def sektoral_public_cycle_list(context: Context, data_dict: DataDict
                               ) -> list[contracts.PublicCycle]:
    """Cycles that published at least one dataset, newest first, with the
    number of public datasets (published, or reopened for a revision or
    withdrawn: those stay public with a notice). Public.

    :returns: ``[{"code", "title", "start_date", "published"}]``
    :rtype: list

    Example::

        ckanapi action sektoral_public_cycle_list
    """
    tk.check_access("sektoral_public_cycle_list", context, data_dict)
    counts = queries.public_counts()
    if not counts:
        return []
    cycles = queries.cycles_by_ids(list(counts))
    return [{"code": c.code, "title": c.title,
             "start_date": c.start_date.isoformat(),
             "published": counts[c.id]} for c in cycles]


@tk.validate_action_data(schema.sektoral_id_schema)
@tk.side_effect_free
def sektoral_public_cycle_show(context: Context, data_dict: DataDict
                               ) -> contracts.PublicCycleShow:
    """One cycle's public page: its public datasets and its report (the ``publikasi`` dataset whose
    ``kode_siklus`` is the cycle's code). Public; a cycle that published
    nothing is "not found".

    :param id: code (or id) of the cycle
    :type id: string

    :returns: ``{"code", "title", "start_date", "published", "datasets":
        [package dicts], "report": package dict | null}``
    :rtype: dictionary

    Example::

        ckanapi action sektoral_public_cycle_show id=2026-S1
    """
    tk.check_access("sektoral_public_cycle_show", context, data_dict)
    cycle = queries.cycle_by_ref(data_dict["id"])
    count = queries.public_counts().get(cycle.id, 0) if cycle else 0
    if cycle is None or not count:
        raise tk.ObjectNotFound(tk._("Cycle not found"))
    search_context = {"user": context.get("user")}
    found = tk.get_action("package_search")(dict(search_context), {
        "fq": "+dataset_type:%s +sektoral_release:%s" % (
            DATA_SEKTORAL, _quote(cycle.code)),
        "include_private": False,
        "sort": "title_string asc", "rows": MAX_CYCLE_DATASETS})
    reports = tk.get_action("package_search")(dict(search_context), {
        "fq": "+dataset_type:%s +kode_siklus:%s" % (PUBLIKASI,
                                                    _quote(cycle.code)),
        "sort": "metadata_modified desc", "rows": 1})
    return {
        "code": cycle.code, "title": cycle.title,
        "start_date": cycle.start_date.isoformat(),
        "published": count,
        "datasets": found["results"],
        "report": reports["results"][0] if reports["results"] else None,
    }
