"""The inbox's database reads: a fixed number of queries per page.

Nothing here checks permissions: the action does, before calling these.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, Optional

from ckan import model

from ckanext.sektoral import config
from ckanext.sektoral.model import Cycle, Item, Transition
from ckanext.sektoral.core import contracts
from ckanext.sektoral.core import schedule as schedule_mod
from ckanext.sektoral.core.stages import SUBMITTABLE, Stage

#: Stages in which the OPD has to act (submit).
ACTIONABLE: frozenset[str] = frozenset(s.value for s in SUBMITTABLE)

#: Items not requested yet are the Walidata's business (step 1), not in
#: the inbox.
NOT_REQUESTED = Stage.PLANNED.value

#: Capacities of an OPD's producers in its CKAN organization (the one
#: definition, logic/permissions.py).
from ckanext.sektoral.logic.permissions import (  # noqa: E402,F401
    PRODUCER_CAPACITIES)


def producer_organizations(user_id: str) -> list[model.Group]:
    """Active organizations where the user is editor or admin (one query)."""
    if not user_id:
        return []
    return model.Session.query(model.Group).join(
        model.Member, model.Member.group_id == model.Group.id).filter(
        model.Member.table_name == "user",
        model.Member.table_id == user_id,
        model.Member.state == "active",
        model.Member.capacity.in_(PRODUCER_CAPACITIES),
        model.Group.is_organization.is_(True),
        model.Group.state == "active",
    ).all()


def _item_filter(query: Any, org_ids: Sequence[str],
                 cycle_id: Optional[str]) -> Any:
    query = query.filter(Item.owner_org.in_(list(org_ids)),
                         Item.stage != NOT_REQUESTED)
    if cycle_id:
        query = query.filter(Item.cycle_id == cycle_id)
    return query


def inbox_rows(org_ids: Sequence[str], cycle_id: Optional[str]) -> list[Any]:
    """Items of the organizations with what the inbox shows (one query)."""
    if not org_ids:
        return []
    query = model.Session.query(
        Item, Cycle,
        model.Package.name, model.Package.title,
        model.Group.id, model.Group.name, model.Group.title,
    ).join(Cycle, Cycle.id == Item.cycle_id).join(
        model.Package, model.Package.id == Item.package_id).join(
        model.Group, model.Group.id == Item.owner_org).filter(
        model.Package.state == "active")
    return _item_filter(query, org_ids, cycle_id).all()


def latest_return_notes(org_ids: Sequence[str],
                        cycle_id: Optional[str]) -> dict[str, Transition]:
    """The newest ``return`` transition of each item (one query)."""
    if not org_ids:
        return {}
    items = _item_filter(model.Session.query(Item.package_id), org_ids,
                         cycle_id)
    rows = model.Session.query(Transition).filter(
        Transition.transition == "return",
        Transition.package_id.in_(items.scalar_subquery()),
    ).distinct(Transition.package_id).order_by(
        Transition.package_id, Transition.id.desc())
    return {row.package_id: row for row in rows}


def item_dicts(rows: Iterable[Any], notes: dict[str, Transition],
               today: dt.date) -> list[contracts.InboxItem]:
    """Inbox entries, sorted: to act on first, then by due date, title.

    Deadlines come from each cycle's schedule, computed once per cycle;
    working days left once per distinct due date.
    """
    calendar = config.calendar()
    standards = config.time_standards()
    schedules: dict[str, list[schedule_mod.StepSchedule]] = {}
    left_cache: dict[dt.date, int] = {}

    def days_left(due: dt.date) -> int:
        if due not in left_cache:
            left_cache[due] = (
                calendar.working_days_between(today, due) if today <= due
                else -calendar.working_days_between(
                    due + dt.timedelta(days=1), today))
        return left_cache[due]

    out: list[contracts.InboxItem] = []
    for item, cycle, name, title, org_id, org_name, org_title in rows:
        if cycle.id not in schedules:
            starts = {int(k): dt.date.fromisoformat(v)
                      for k, v in (cycle.step_starts or {}).items()}
            schedules[cycle.id] = schedule_mod.cycle_schedule(
                cycle.start_date, starts, calendar, standards)
        stage = Stage(item.stage)
        due = (schedules[cycle.id][stage.step - 1].due if stage.step
               else None)
        note = notes.get(item.package_id)
        out.append({
            "id": item.package_id,
            "name": name,
            "title": title or name,
            "organization": {"id": org_id, "name": org_name,
                             "title": org_title or org_name},
            "cycle": cycle.code,
            "cycle_id": cycle.id,
            "cycle_title": cycle.title,
            "stage": stage.value,
            "step": stage.step,
            "version": item.version,
            "due": due.isoformat() if due else None,
            "working_days_left": days_left(due) if due else None,
            "late": schedule_mod.is_late(due, today),
            "times_returned": item.times_returned,
            "stage_changed": item.stage_changed.isoformat(),
            "actionable": stage.value in ACTIONABLE,
            "return_note": {
                "note": note.note, "actor_name": note.actor_name,
                "created": note.created.isoformat(),
            } if note is not None else None,
        })
    out.sort(key=lambda i: (not i["actionable"], i["due"] is None,
                            i["due"] or "", i["title"].lower()))
    return out


def distinct_cycles(org_ids: Sequence[str]) -> list[Cycle]:
    """Cycles that have items of these organizations, newest first."""
    if not org_ids:
        return []
    return model.Session.query(Cycle).filter(Cycle.id.in_(
        model.Session.query(Item.cycle_id).filter(
            Item.owner_org.in_(list(org_ids)),
            Item.stage != NOT_REQUESTED).scalar_subquery())
    ).order_by(Cycle.start_date.desc(), Cycle.code).all()
