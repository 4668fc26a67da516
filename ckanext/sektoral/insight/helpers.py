"""Template helpers of the insight area (public charts, JSON-LD, performance).

The decisions live here; the templates only show what these return.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any, Optional

from markupsafe import Markup

import ckan.plugins.toolkit as tk

from ckanext.sektoral import clock, lang
from ckanext.sektoral.insight import dcat, notices, tabledata
from ckanext.sektoral.insight.action import chart_data_for
from ckanext.sektoral.logic import releases

from ckanext.sektoral.core import formatting
from ckanext.sektoral.core import charts, contracts
from ckanext.sektoral.core.completeness import is_data_resource
from ckanext.sektoral.core import symbols as bps

log = logging.getLogger(__name__)

__all__: list[str] = [
    "sektoral_number",
    "sektoral_dataset_chart",
    "sektoral_data_downloads",
    "sektoral_dataset_releases",
    "sektoral_jsonld",
    "sektoral_performance_view",
]

#: Formats of the per-dataset downloads: (key, label, mimetype).
DOWNLOADS = (("csv", "CSV", "text/csv"),
             ("xlsx", "XLSX", "application/vnd.openxmlformats-"
                              "officedocument.spreadsheetml.sheet"),
             ("datapackage", "Data Package", "application/zip"))


def _locale() -> str:
    return lang.current()


def sektoral_number(value: Any, decimals: Optional[int] = None,
                    exact: bool = False) -> str:
    """A number in the UI language's format (``1.234,5`` in Indonesian);
    "" for None (a missing value is never shown as 0); text (a BPS
    symbol) as it is. ``exact``: every decimal (a data cell)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value
    return formatting.number(value, _locale(), decimals, exact=exact)


def symbol_text(symbol: Optional[str]) -> Optional[str]:
    """What a page shows for a BPS symbol (None: no symbol): ``-`` for
    nihil, the symbol and its meaning for the others, never a number."""
    if not symbol:
        return None
    kind = bps.kind(symbol)
    if kind == bps.NIHIL:
        return "-"
    if kind == bps.CONFIDENTIAL:
        return tk._("x (confidential)")
    return tk._("%(symbol)s (not available)") % {"symbol": symbol}


def _is_public_data(pkg: dict[str, Any]) -> bool:
    return bool(pkg) and pkg.get("type") == "data-sektoral" \
        and not pkg.get("private")


def sektoral_dataset_chart(pkg: dict[str, Any]) -> Optional[dict[str, Any]]:
    """Charts (inline SVG) and table preview of a published data-sektoral
    dataset's validated data file; None when there is nothing to show."""
    if not _is_public_data(pkg):
        return None
    try:
        # one of the ChartData shapes, read by key below
        data: dict[str, Any] = dict(chart_data_for(pkg))
    except Exception:  # a broken file must never break the dataset page
        log.exception("chart data of %s", pkg.get("id"))
        return None
    if not data.get("available"):
        return {"available": False, "reason": data.get("reason"),
                "withdrawn": bool(data.get("withdrawn"))}
    locale = _locale()
    missing = tk._("not available")
    unit = data.get("unit") or ""
    measure = data.get("measure_title") or data.get("measure") or ""
    value_label = f"{measure} ({unit})" if unit else measure
    view: dict[str, Any] = {"available": True, "data": data,
                            "value_label": value_label,
                            "missing_text": missing,
                            "legend": tk._(bps.LEGEND)}
    region_notes = [symbol_text(r.get("symbol"))
                    for r in data.get("by_region") or []]
    year_notes = [None if r.get("complete", True) or r["value"] is None
                  else tk._("incomplete total")
                  for r in data.get("by_year") or []]
    view["region_rows"] = [
        {"label": r["name"], "text": charts.shown(r["value"], locale, missing,
                                                  note)}
        for r, note in zip(data.get("by_region") or [], region_notes, strict=False)]
    view["year_rows"] = [
        {"label": r["year"], "text": charts.shown(r["value"], locale, missing,
                                                  note)}
        for r, note in zip(data.get("by_year") or [], year_notes, strict=False)]
    view["revision_rows"] = _revision_rows(data)
    if data.get("by_region"):
        labels = [r["name"] for r in data["by_region"]]
        values = [r["value"] for r in data["by_region"]]
        year = data.get("region_year")
        title = (tk._("%(measure)s by regency/city, %(year)s")
                 % {"measure": pkg.get("title") or measure, "year": year}
                 if year is not None else
                 tk._("%(measure)s by regency/city")
                 % {"measure": pkg.get("title") or measure})
        view["region_title"] = title
        view["region_svg"] = Markup(charts.bar_chart(
            labels, values, title=title, value_label=value_label,
            category_label=tk._("Regency/city"),
            chart_id=f"sektoral-chart-region-{pkg['id'][:8]}",
            locale=locale, missing_text=missing, notes=region_notes))
    if data.get("by_year") and len(data["by_year"]) >= 1:
        labels = [str(r["year"]) for r in data["by_year"]]
        values = [r["value"] for r in data["by_year"]]
        if data.get("region_field"):
            basis = (tk._("total of the regencies/cities")
                     if data.get("aggregation") == "sum" else
                     tk._("unweighted mean of the regencies/cities"))
            title = tk._("%(measure)s by year (%(basis)s)") % {
                "measure": pkg.get("title") or measure, "basis": basis}
        else:
            title = tk._("%(measure)s by year") % {
                "measure": pkg.get("title") or measure}
        view["year_title"] = title
        view["year_svg"] = Markup(charts.line_chart(
            labels, [(measure, values)], title=title,
            value_label=value_label, category_label=tk._("Year"),
            chart_id=f"sektoral-chart-year-{pkg['id'][:8]}",
            locale=locale, missing_text=missing, notes=year_notes))
    return view


def _revision_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The revisions of a chart's data as the page lists them: the
    period, the region (its name; None without a region field), the value
    before and after, and the release that revised it."""
    names = {r["code"]: r["name"] for r in data.get("by_region") or []}
    region = data.get("region_field")

    def text(value: Any) -> str:
        if isinstance(value, str):
            return symbol_text(value) or value
        return sektoral_number(value, exact=True) if value is not None \
            else tk._("not available")

    return [{"period": r["period"],
             "region": names.get(r["key"].get(region), r["key"].get(region))
             if region else None,
             "before": text(r["before"]), "after": text(r["after"]),
             "release": r["release"]}
            for r in data.get("revisions") or []]


def sektoral_data_downloads(pkg: dict[str, Any]) -> list[dict[str, str]]:
    """Links to the CSV, XLSX and Data Package downloads of a published
    dataset's validated data, its series over all its releases (empty
    when there is none)."""
    if not _is_public_data(pkg) or not tabledata.series_resources(
            pkg, releases.releases(pkg["id"])):
        return []
    if _withdrawal(pkg) is not None:  # its data is no longer served
        return []
    return [{"format": key, "label": label, "mimetype": mimetype,
             "url": tk.url_for("sektoral_public.download", id=pkg["name"],
                               fmt=key)}
            for key, label, mimetype in DOWNLOADS]


def sektoral_dataset_releases(pkg: dict[str, Any]) -> list[dict[str, Any]]:
    """The releases of a published statistic for its "Rilis" section,
    newest first: ``cycle_code``, ``cycle_title``, ``released`` (the
    portal's date), ``current`` (the newest), ``files`` (its resources:
    ``id``, ``name``, ``format``, ``url``; ``url`` None for a data file of
    a withdrawn dataset, which is no longer served); [] for a dataset
    that is not public or was never released."""
    if not _is_public_data(pkg):
        return []
    released = releases.releases(pkg["id"])
    if not released:
        return []
    withdrawn = _withdrawal(pkg) is not None
    resources = {r["id"]: r for r in pkg.get("resources") or []}
    out = []
    for n, release in enumerate(reversed(released)):
        files = [resources[i] for i in release["resource_ids"]
                 if i in resources]
        out.append({
            "cycle_code": release["cycle_code"],
            "cycle_title": release["cycle_title"],
            "released": clock.local_date(
                dt.datetime.fromisoformat(release["released"])),
            "current": n == 0,
            "files": [{"id": r["id"], "name": r.get("name") or r["id"],
                       "format": r.get("format") or "",
                       "url": None if withdrawn and is_data_resource(r)
                       else r.get("url")} for r in files]})
    return out


def jsonld_document(pkg: dict[str, Any], *, with_context: bool = True
                    ) -> dict[str, Any]:
    """The JSON-LD dict of a dataset (absolute URLs)."""
    resource = tabledata.validated_resource(pkg) \
        if _is_public_data(pkg) else None
    schema = tabledata.resource_schema(resource) if resource else None
    downloads = {
        d["mimetype"]: tk.url_for("sektoral_public.download", id=pkg["name"],
                                  fmt=d["format"], _external=True)
        for d in (sektoral_data_downloads(pkg) if resource else [])}
    notice = _withdrawal(pkg) if _is_public_data(pkg) else None
    withdrawal = (dict(notice, text=notices.withdrawal_text(notice))
                  if notice is not None else None)
    return dcat.dataset_jsonld(
        pkg, dataset_url=tk.url_for("dataset.read", id=pkg["name"],
                                    _external=True),
        download_urls=downloads,
        variables=(schema or {}).get("fields"), with_context=with_context,
        withdrawal=withdrawal)


def _withdrawal(pkg: dict[str, Any]) -> Optional[contracts.WithdrawalNotice]:
    return notices.withdrawal_notice(pkg["id"])


def script_json(document: Any) -> Markup:
    """JSON safe inside ``<script type="application/ld+json">``."""
    text = json.dumps(document, ensure_ascii=False, indent=1)
    text = (text.replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("&", "\\u0026"))
    return Markup(text)


def sektoral_jsonld(pkg: dict[str, Any]) -> Optional[Markup]:
    """DCAT-compatible JSON-LD of a public dataset for the page head
    (None for private datasets: nothing to tell harvesters)."""
    if not pkg or pkg.get("private"):
        return None
    try:
        return script_json(jsonld_document(pkg))
    except Exception:  # never break the page for its metadata block
        log.exception("JSON-LD of %s", pkg.get("id"))
        return None


def sektoral_performance_view(result: dict[str, Any],
                              cycle_code: Optional[str] = None
                              ) -> dict[str, Any]:
    """Charts of the performance page: on-time share per OPD in the
    selected cycle (bars) and, across cycles, the on-time share and the
    average working days to submit (lines)."""
    locale = _locale()
    missing = tk._("not available")
    cycles = result.get("cycles") or []
    selected = next((c for c in cycles if c["code"] == cycle_code),
                    cycles[-1] if cycles else None)
    view: dict[str, Any] = {"selected": selected}
    if selected and selected["organizations"]:
        title = tk._("Items submitted on time (%%), cycle %(cycle)s") % {
            "cycle": selected["code"]}
        view["org_title"] = title
        view["org_svg"] = Markup(charts.bar_chart(
            [o["title"] for o in selected["organizations"]],
            [o["on_time_pct"] for o in selected["organizations"]],
            title=title, value_label=tk._("Submitted on time (%)"),
            category_label=tk._("OPD"), chart_id="sektoral-chart-opd",
            locale=locale, missing_text=missing))
    if cycles:
        labels = [c["code"] for c in cycles]
        title = tk._("Submitted on time across cycles (%)")
        view["cycle_title"] = title
        view["cycle_svg"] = Markup(charts.line_chart(
            labels, [(tk._("Submitted on time (%)"),
                      [c["totals"]["on_time_pct"] for c in cycles])],
            title=title, value_label=tk._("Submitted on time (%)"),
            category_label=tk._("Cycle"), chart_id="sektoral-chart-cycles",
            locale=locale, missing_text=missing))
        title = tk._("Average working days to submit, across cycles")
        view["days_title"] = title
        view["days_svg"] = Markup(charts.line_chart(
            labels, [(tk._("Average working days to submit"),
                      [c["totals"]["avg_working_days"] for c in cycles])],
            title=title, value_label=tk._("Working days"),
            category_label=tk._("Cycle"), chart_id="sektoral-chart-days",
            locale=locale, missing_text=missing))
    return view
