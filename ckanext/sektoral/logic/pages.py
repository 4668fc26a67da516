"""Data of the Walidata pages, read in a fixed number of queries.

The workspace, the cycle page, the review queue and the approval inbox
list up to a few hundred items. Everything a row shows (title, OPD, stage,
due date, lateness, last note, the actions the viewer may take, and for
the review queue the completeness checklist) is read here with one query
per kind of thing, never one per item, so a page's query count does not
grow with the cycle (``tests/views/test_workspace.py`` counts them).

The callers (views) have already checked access with the actions' auth
functions; nothing here changes state.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Optional

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.sektoral import config
from ckanext.sektoral.logic import permissions, service
from ckanext.sektoral.model import Cycle, Item, Transition
from ckanext.sektoral.core import completeness, contracts, stages
from ckanext.sektoral.core.stages import Stage
from ckanext.sektoral import clock

#: Transitions offered on the Walidata pages, in the order shown.
PAGE_TRANSITIONS = stages.WALIDATA_TRANSITIONS


def open_cycles() -> list[Cycle]:
    return (model.Session.query(Cycle).filter(Cycle.status == "open")
            .order_by(Cycle.start_date.desc(), Cycle.code).all())


def cycle_overview(cycles: Iterable[Cycle],
                   on: Optional[dt.date] = None) -> list[dict[str, Any]]:
    """Per cycle: counts per stage, late items, the next step deadline
    (two queries in all)."""
    on = on or clock.today()
    cycles = list(cycles)
    if not cycles:
        return []
    counts: dict[str, dict[str, int]] = {c.id: {} for c in cycles}
    for cycle_id, stage, count in model.Session.query(
            Item.cycle_id, Item.stage, sa.func.count()).filter(
            Item.cycle_id.in_(counts)).group_by(Item.cycle_id, Item.stage):
        counts[cycle_id][stage] = count
    out = []
    for cycle in cycles:
        steps = service.cycle_schedule(cycle)
        per_stage = {s.value: counts[cycle.id].get(s.value, 0) for s in Stage}
        late = sum(n for stage, n in per_stage.items()
                   if (step := Stage(stage).step) and steps[step - 1].due < on)
        waiting_steps = sorted({step for s, n in per_stage.items()
                                if n and (step := Stage(s).step)})
        upcoming = [s for s in steps if s.step in waiting_steps and s.due >= on]
        out.append({
            "cycle": service.cycle_dict(cycle, on),
            "stages": per_stage,
            "total": sum(per_stage.values()),
            "late": late,
            "next_deadline": ({"step": upcoming[0].step,
                               "due": upcoming[0].due.isoformat()}
                              if upcoming else None),
        })
    return out


def _actor(user: Optional[str]) -> stages.Actor:
    # Walidata pages: the viewer acts in a position, never as a producer.
    return permissions.actor(user)


def allowed(actor: stages.Actor, stage: str,
            chain: stages.ApprovalChain) -> list[str]:
    """Transitions the actor may take on an item at ``stage`` (no query)."""
    table = stages.transitions(chain)
    current = Stage(stage)
    return [name for name in PAGE_TRANSITIONS
            if name in table and current in table[name].sources
            and stages.actor_may(actor, table[name], current, chain)]


class _PerStage:
    """What depends only on an item's stage (allowed steps, due date,
    working days left), computed once per stage for a whole page."""

    def __init__(self, user: Optional[str], steps: list[Any],
                 on: dt.date) -> None:
        self.actor = _actor(user)
        self.chain = config.approval_chain()
        self.steps, self.on = steps, on
        self._allowed: dict[str, list[str]] = {}
        self._status: dict[str, contracts.ItemStatus] = {}

    def allowed(self, stage: str) -> list[str]:
        if stage not in self._allowed:
            self._allowed[stage] = allowed(self.actor, stage, self.chain)
        return self._allowed[stage]

    def status(self, item: Item) -> contracts.ItemStatus:
        if item.stage not in self._status:
            self._status[item.stage] = service.item_status(
                item, self.steps, self.on)
        status = self._status[item.stage].copy()
        status.update({"version": item.version,
                       "times_returned": item.times_returned,
                       "stage_changed": item.stage_changed.isoformat(),
                       "template": item.template})
        return status


def item_rows(cycle: Cycle, user: Optional[str], *,
              org: Optional[str] = None,
              stage_filter: Optional[Iterable[str]] = None,
              late: Optional[bool] = None,
              on: Optional[dt.date] = None) -> list[dict[str, Any]]:
    """The data list of a cycle (filtered), one row per item."""
    on = on or clock.today()
    steps = service.cycle_schedule(cycle)
    query = model.Session.query(Item, model.Package.name, model.Package.title,
                                model.Group.name, model.Group.title).join(
        model.Package, model.Package.id == Item.package_id).join(
        model.Group, model.Group.id == Item.owner_org).filter(
        Item.cycle_id == cycle.id, model.Package.state != "deleted")
    if org:
        query = query.filter(sa.or_(model.Group.name == org,
                                    model.Group.id == org))
    stage_filter = [s for s in (stage_filter or []) if s]
    if stage_filter:
        query = query.filter(Item.stage.in_(stage_filter))
    rows = query.order_by(model.Group.title, model.Package.title).all()
    notes = last_notes([item.package_id for item, *_ in rows])
    per_stage = _PerStage(user, steps, on)
    out = []
    for item, name, title, org_name, org_title in rows:
        status = per_stage.status(item)
        if late is not None and status["late"] != late:
            continue
        out.append({
            "id": item.package_id, "name": name, "title": title,
            "org_name": org_name, "org_title": org_title,
            "status": status, "note": notes.get(item.package_id),
            "allowed": per_stage.allowed(item.stage),
        })
    return out


def cycle_orgs(cycle: Cycle) -> list[tuple[str, str]]:
    """(name, title) of the OPD with items in the cycle (one query)."""
    rows = model.Session.query(model.Group.name, model.Group.title).join(
        Item, Item.owner_org == model.Group.id).filter(
        Item.cycle_id == cycle.id).distinct().all()
    return sorted(((n, t) for n, t in rows), key=lambda o: o[1] or o[0])


def last_notes(package_ids: list[str]) -> dict[str, dict[str, Any]]:
    """The latest audit row with a note, per dataset (one query)."""
    if not package_ids:
        return {}
    latest = sa.select(
        Transition.package_id, sa.func.max(Transition.id).label("id")).where(
        Transition.package_id.in_(package_ids), Transition.note != "").group_by(
        Transition.package_id).subquery()
    rows = model.Session.query(Transition).join(
        latest, latest.c.id == Transition.id)
    return {row.package_id: {"note": row.note, "by": row.actor_name,
                             "transition": row.transition,
                             "created": row.created.isoformat()}
            for row in rows}


def queue(context: dict[str, Any], stage_values: list[str],
          lang: str) -> list[dict[str, Any]]:
    """Items of open cycles waiting at ``stage_values`` with their
    completeness checklist (review queue), in a fixed number of queries:
    the datasets come from the search index, their validation records in
    one query."""
    from ckanext.scheming.helpers import scheming_get_dataset_schema

    cycles = {c.id: c for c in open_cycles()}
    if not cycles:
        return []
    items = model.Session.query(Item).filter(
        Item.cycle_id.in_(cycles), Item.stage.in_(stage_values)).all()
    if not items:
        return []
    by_id = {item.package_id: item for item in items}
    found = tk.get_action("package_search")(
        {"user": context.get("user")},
        {"fq": "id:(%s)" % " OR ".join('"%s"' % i for i in by_id),
         "rows": len(by_id), "include_private": True, "sort": "title_string asc"})
    packages = found["results"]
    resource_ids = [r["id"] for p in packages for r in p.get("resources", [])
                    if completeness.is_data_resource(r)]
    validations = validation_infos(resource_ids)
    notes = last_notes(list(by_id))
    on = clock.today()
    per_cycle = {cycle_id: _PerStage(context.get("user"),
                                     service.cycle_schedule(cycle), on)
                 for cycle_id, cycle in cycles.items()}
    schemas: dict[str, Any] = {}
    out = []
    for package in packages:
        item = by_id.get(package["id"])
        if item is None:
            continue
        type_schema = schemas.setdefault(
            package["type"], scheming_get_dataset_schema(package["type"]) or {})
        result = completeness.evaluate(
            package, type_schema.get("dataset_fields") or [], validations,
            lang=lang,
            requires_data=bool(type_schema.get(completeness.REQUIRES_DATA_KEY)))
        cycle = cycles[item.cycle_id]
        out.append({
            "id": package["id"], "name": package["name"],
            "title": package["title"],
            "org_title": (package.get("organization") or {}).get("title", ""),
            "cycle": cycle.code,
            "status": per_cycle[item.cycle_id].status(item),
            "completeness": result.to_dict(),
            "resources": package.get("resources", []),
            "note": notes.get(package["id"]),
            "allowed": per_cycle[item.cycle_id].allowed(item.stage),
        })
    return out


def validation_infos(resource_ids: list[str]
                     ) -> dict[str, completeness.ValidationInfo]:
    """ckanext-validation's latest record of each resource (one query)."""
    if not resource_ids:
        return {}
    try:
        from ckanext.validation.model import Validation
    except ImportError:
        return {}
    rows = model.Session.query(Validation).filter(
        Validation.resource_id.in_(resource_ids)).order_by(Validation.created)
    out = {}
    for row in rows:  # later rows win
        status = completeness.normalize_status(row.status)
        out[row.resource_id] = completeness.ValidationInfo(
            status=status, error_count=completeness.error_count_from_report(
                row.report, status, row.error))
    return out


def approval_cycles(user: Optional[str]) -> list[dict[str, Any]]:
    """Open cycles whose draft report waits for this user (checker or
    approver), with the datasets it covers."""
    chain = config.approval_chain()
    actor = _actor(user)
    table = stages.transitions(chain)
    waiting: list[tuple[str, Stage]] = []
    for name in stages.APPROVAL_TRANSITIONS:
        if name in table:
            for stage in table[name].sources:
                if stages.actor_may(actor, table[name], stage, chain):
                    waiting.append((name, stage))
    out = []
    for cycle in open_cycles():
        for name, stage in waiting:
            rows = item_rows(cycle, user, stage_filter=[stage.value])
            if rows:
                out.append({"cycle": service.cycle_dict(cycle), "step": name,
                            "stage": stage.value, "items": rows})
    return out
