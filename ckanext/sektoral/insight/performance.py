"""OPD performance per cycle, computed from the workflow tables.

The compliance record the SOP's warning asks for ("an ineffective process
hurts the OPD's performance"). Per OPD and per cycle, from
``sektoral_item`` and the append-only audit log ``sektoral_transition``,
in a fixed number of queries whatever the number of items (cycles, items
per OPD, first/count of each relevant transition per item, organizations):

* ``listed``: items of the OPD in the cycle's data list;
* ``requested``: items the Walidata sent a request for (``request``);
* ``submitted``: items the OPD submitted at least once (``submit``);
* ``on_time`` / ``late``: submitted items whose **first** submission
  (date in the portal's time zone) is on/before or after the due date of
  SOP step 2 (data collection) of the cycle
  (:func:`ckanext.sektoral.clock.submitted_on_time`, the rule the
  report's compliance annex uses too);
* ``not_submitted``: requested, never submitted; ``overdue``: of these,
  the ones past the step-2 due date today;
* ``returns``: how many times the Kasie returned the OPD's items
  (``return`` transitions); ``items_returned``: items returned at least
  once;
* ``accepted``: items the Kasie accepted (``accept``), whatever happened
  to them later;
* ``avg_working_days``: mean of the working days from an item's request
  to its first submission, both days counted, as the SOP counts a step
  (a submission on the day of the request took 1 working day; a request
  on a holiday counts from the next working day); ``None`` when nothing
  was submitted;
* ``on_time_pct``: ``on_time`` / ``requested`` in percent (``None`` with
  no request).
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Optional, cast

import sqlalchemy as sa

from ckan import model

from ckanext.sektoral import config
from ckanext.sektoral.logic import service
from ckanext.sektoral.model import Cycle, Item, Transition
from ckanext.sektoral.core import contracts
from ckanext.sektoral.core.schedule import is_late
from ckanext.sektoral import clock

#: Transitions the figures are computed from.
COUNTED = ("request", "submit", "return", "accept")
#: SOP step of data collection (the OPD's submission).
SUBMIT_STEP = 2
FIGURES = ("listed", "requested", "submitted", "on_time", "late",
           "not_submitted", "overdue", "returns", "items_returned",
           "accepted", "avg_working_days", "on_time_pct")


#: A naive UTC timestamp of the audit log as a date in the portal's
#: display time zone (WIT for Maluku Utara).
local_date = clock.local_date


def _empty() -> dict[str, Any]:
    entry: dict[str, Any] = {name: 0 for name in FIGURES}
    entry["avg_working_days"] = None
    entry["on_time_pct"] = None
    entry["_days"] = []
    return entry


def _finish(entry: dict[str, Any]) -> contracts.PerformanceFigures:
    days = entry.pop("_days")
    entry["avg_working_days"] = (round(sum(days) / len(days), 1)
                                 if days else None)
    entry["on_time_pct"] = (round(100.0 * entry["on_time"]
                                  / entry["requested"], 1)
                            if entry["requested"] else None)
    # keyed by FIGURES, which mypy cannot follow: the contract test
    # (tests/logic/test_contracts.py) holds them to PerformanceFigures
    return cast(contracts.PerformanceFigures, entry)


def performance(cycle_codes: Optional[list[str]] = None,
                owner_org: Optional[str] = None,
                on: Optional[dt.date] = None) -> contracts.Performance:
    """Figures per cycle and per OPD (see the module docstring).

    :param cycle_codes: restrict to these cycles (id or code); all when None
    :param owner_org: restrict to one organization id
    :param on: "today" for ``overdue`` (default: today in the portal's
        time zone)
    """
    on = on or clock.today()
    calendar = config.calendar()
    query = model.Session.query(Cycle)
    if cycle_codes:
        query = query.filter(sa.or_(Cycle.code.in_(cycle_codes),
                                    Cycle.id.in_(cycle_codes)))
    cycles = query.order_by(Cycle.start_date, Cycle.code).all()
    cycle_ids = [c.id for c in cycles]
    if not cycle_ids:
        return {"cycles": [], "organizations": []}

    listed = model.Session.query(
        Item.cycle_id, Item.owner_org, sa.func.count()).filter(
        Item.cycle_id.in_(cycle_ids))
    if owner_org:
        listed = listed.filter(Item.owner_org == owner_org)
    listed_rows = listed.group_by(Item.cycle_id, Item.owner_org).all()

    moves = model.Session.query(
        Item.cycle_id, Item.owner_org, Transition.package_id,
        Transition.transition, sa.func.min(Transition.created),
        sa.func.count(),
    ).join(Item, Item.package_id == Transition.package_id).filter(
        Transition.cycle_id.in_(cycle_ids),
        Item.cycle_id == Transition.cycle_id,
        Transition.transition.in_(COUNTED))
    if owner_org:
        moves = moves.filter(Item.owner_org == owner_org)
    move_rows = moves.group_by(Item.cycle_id, Item.owner_org,
                               Transition.package_id,
                               Transition.transition).all()

    org_ids = {r[1] for r in listed_rows} | {r[1] for r in move_rows}
    orgs = {o.id: o for o in model.Session.query(model.Group).filter(
        model.Group.id.in_(org_ids))} if org_ids else {}

    due = {c.id: service.cycle_schedule(c)[SUBMIT_STEP - 1].due
           for c in cycles}
    per: dict[tuple[str, str], dict[str, Any]] = {}
    for cycle_id, org_id, count in listed_rows:
        per.setdefault((cycle_id, org_id), _empty())["listed"] = count

    # item -> {transition: (first, count)}
    items: dict[tuple[str, str, str], dict[str, tuple[dt.datetime, int]]] = {}
    for cycle_id, org_id, package_id, name, first, count in move_rows:
        items.setdefault((cycle_id, org_id, package_id), {})[name] = (
            first, count)
    for (cycle_id, org_id, _pkg), moved in items.items():
        entry = per.setdefault((cycle_id, org_id), _empty())
        if "request" not in moved:
            continue  # never requested (cannot have been submitted)
        entry["requested"] += 1
        requested_on = local_date(moved["request"][0])
        if "submit" in moved:
            submitted_on = local_date(moved["submit"][0])
            entry["submitted"] += 1
            if clock.submitted_on_time(moved["submit"][0], due[cycle_id]):
                entry["on_time"] += 1
            else:
                entry["late"] += 1
            entry["_days"].append(max(calendar.working_days_between(
                requested_on, submitted_on), 0))
        else:
            entry["not_submitted"] += 1
            if is_late(due[cycle_id], on):
                entry["overdue"] += 1
        if "return" in moved:
            entry["returns"] += moved["return"][1]
            entry["items_returned"] += 1
        if "accept" in moved:
            entry["accepted"] += 1

    result_cycles: list[contracts.PerformanceCycle] = []
    all_orgs: dict[str, contracts.OrganizationRef] = {}
    for cycle in cycles:
        rows: list[contracts.PerformanceRow] = []
        totals = _empty()
        for (cycle_id, org_id), entry in per.items():
            if cycle_id != cycle.id:
                continue
            org = orgs.get(org_id)
            for name in FIGURES:
                if name not in ("avg_working_days", "on_time_pct"):
                    totals[name] += entry[name]
            totals["_days"].extend(entry["_days"])
            row: contracts.PerformanceRow = {
                **_finish(dict(entry, _days=list(entry["_days"]))),
                "id": org_id, "name": org.name if org else org_id,
                "title": org.title if org else org_id}
            rows.append(row)
            all_orgs[org_id] = {"id": org_id, "name": row["name"],
                                "title": row["title"]}
        rows.sort(key=lambda r: r["title"].lower())
        result_cycles.append({
            "id": cycle.id, "code": cycle.code, "title": cycle.title,
            "start_date": cycle.start_date.isoformat(),
            "status": cycle.status,
            "submit_due": due[cycle.id].isoformat(),
            "submit_due_passed": is_late(due[cycle.id], on),
            "organizations": rows,
            "totals": _finish(totals),
        })
    return {"cycles": result_cycles,
            "organizations": sorted(all_orgs.values(),
                                    key=lambda o: o["title"].lower())}
