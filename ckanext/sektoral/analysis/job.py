"""Step-3 analysis of one dataset as a background job, and its storage.

:func:`enqueue` puts :func:`run_analysis` on the documents queue; the job
reads every valid data file of the dataset from CKAN's storage (private
datasets: never through HTTP), runs :func:`ckanext.sektoral.core.stats.analyse`
with the configured jump threshold and stores one row per dataset in
``sektoral_analysis`` (replaced by each run). A dataset with no valid data
file is stored with status ``no_data``, never dropped.
"""
from __future__ import annotations

import logging
from typing import Any, Optional

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.sektoral.core import diff, reader
from ckanext.sektoral.core.stats import analyse
from ckanext.sektoral import config
from ckanext.sektoral.datafile import files as datafiles
from ckanext.sektoral.logic import releases
from ckanext.sektoral.logic.context import site_context
from ckanext.sektoral.model import Item
from ckanext.sektoral.model.documents import Analysis
from ckanext.sektoral import clock

log = logging.getLogger(__name__)

#: RQ queue of the documents jobs. CKAN's ``default`` queue: the one every
#: ``ckan jobs worker`` (and the demo's) listens to.
QUEUE = "default"


def compute(pkg: dict[str, Any], threshold: Optional[int] = None
            ) -> dict[str, Any]:
    """Analysis of every valid data file of a dataset dict."""
    threshold = config.analysis_jump_threshold() if threshold is None else threshold
    files = []
    for f in datafiles.data_files(pkg):
        result = analyse(f["path"], f["schema"], fmt=f["format"],
                         jump_threshold_pct=float(threshold))
        files.append({"resource_id": f["resource"]["id"],
                      "name": f["resource"].get("name") or
                      f["resource"]["id"], "analysis": result})
    return {"files": files, "threshold": threshold,
            "previous_release": _against_previous_release(pkg)}


def _against_previous_release(pkg: dict[str, Any]) -> Optional[dict[str, Any]]:
    """A later cycle's submission against its statistic's previous
    release: year over year from the released series to the new periods,
    and the released values it revises (history changed: flagged for the
    Walidata). None for a statistic's first item or without data."""
    item = model.Session.get(Item, pkg["id"])
    last = releases.previous_release(item) if item is not None else None
    if last is None:
        return None
    statistic = tk.get_action("package_show")(
        site_context(), {"id": item.statistic_id})
    before = datafiles.newest_data_file(statistic, last["resource_ids"])
    after = datafiles.newest_data_file(pkg)
    if before is None or after is None:
        return None
    old = diff.DataFile(before["path"], before["schema"], before["format"])
    new = diff.DataFile(after["path"], after["schema"], after["format"])
    try:
        changes = diff.data_changes(old, new)
        yoy = diff.period_changes(old, new)
    except reader.ReadError as exc:
        return {"release": last["cycle_code"], "error": exc.message}
    return {"release": last["cycle_code"],
            "new_periods": changes["new_periods"],
            "revised": changes["revised"], "removed": changes["removed"],
            "year_over_year": yoy}


def run_analysis(package_id: str) -> str:
    """Job: analyse one dataset and store the result; returns the status."""
    context = site_context()
    try:
        pkg = tk.get_action("package_show")(context, {"id": package_id})
    except tk.ObjectNotFound:
        return "not_found"
    threshold = config.analysis_jump_threshold()
    row = model.Session.get(Analysis, package_id) or Analysis(
        package_id=package_id)
    item = model.Session.get(Item, package_id)
    row.cycle_id = item.cycle_id if item else None
    try:
        result = compute(pkg, threshold)
        readable = [f for f in result["files"]
                    if "error" not in f["analysis"]]
        row.status = "ok" if readable else "no_data"
        row.error = ""
        row.result = result
    except Exception as exc:  # keep the previous result's row, report
        log.exception("analysis of %s failed", package_id)
        row.status = "failed"
        row.error = f"{type(exc).__name__}: {exc}"
    row.threshold = threshold
    row.created = clock.utcnow()
    model.Session.add(row)
    model.Session.commit()
    return row.status


def enqueue(package_id: str) -> Any:
    """Queue the analysis of a dataset (returns the RQ job)."""
    return tk.enqueue_job(run_analysis, [package_id],
                          title=f"sektoral: analysis {package_id}",
                          queue=QUEUE)


def on_transition(row: dict[str, Any]) -> None:
    """Analyse a dataset once the Kasie accepts it (called for each audit
    row of a committed transition, ``subscriptions.py``). Never raises
    (the transition stands)."""
    if row.get("transition") != "accept":
        return
    try:
        enqueue(row["package_id"])
    except Exception:
        log.exception("could not enqueue the analysis of %s",
                      row.get("package_id"))


def get(package_id: str) -> Optional[Analysis]:
    return model.Session.get(Analysis, package_id)
