"""Workflow service: the CKAN-side of the SOP state machine.

Reads and writes the extension's tables, applies
:mod:`ckanext.sektoral.workflow.stages` rules and records every transition
in the append-only log. Actions call these functions after their auth
check; nothing here reads the request.
"""
from __future__ import annotations

import datetime as dt
import logging
from typing import Any, Optional

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.sektoral import config, notify
from ckanext.sektoral.logic import permissions
from ckanext.sektoral.model import Cycle, Item, Transition
from ckanext.sektoral.workflow import schedule as schedule_mod
from ckanext.sektoral.workflow import stages
from ckanext.sektoral.workflow.stages import PRODUCER, Stage

log = logging.getLogger(__name__)

#: Position recorded for a sysadmin acting without a Walidata position.
SYSADMIN = "sysadmin"


def today() -> dt.date:
    """Today in the portal's display time zone (WIT for Maluku Utara)."""
    import pytz

    tz = pytz.timezone(tk.config.get("ckan.display_timezone") or "UTC")
    return dt.datetime.now(tz).date()


# -- cycles -------------------------------------------------------------------

def get_cycle(id_or_code: str) -> Cycle:
    cycle = model.Session.query(Cycle).filter(
        sa.or_(Cycle.id == id_or_code, Cycle.code == id_or_code)).first()
    if cycle is None:
        raise tk.ObjectNotFound(tk._("Cycle not found"))
    return cycle


def cycle_schedule(cycle: Cycle) -> list[schedule_mod.StepSchedule]:
    starts = {int(k): dt.date.fromisoformat(v)
              for k, v in (cycle.step_starts or {}).items()}
    return schedule_mod.cycle_schedule(
        cycle.start_date, starts, config.calendar(), config.time_standards())


def cycle_dict(cycle: Cycle, on: Optional[dt.date] = None) -> dict[str, Any]:
    """The cycle with the start and due date of each step."""
    on = on or today()
    data = cycle.as_dict()
    data["steps"] = [{
        "step": s.step,
        "start": s.start.isoformat(),
        "due": s.due.isoformat(),
        "started": s.started,
        "late": schedule_mod.is_late(s.due, on),
    } for s in cycle_schedule(cycle)]
    return data


# -- items ----------------------------------------------------------------------

def get_item(package_id: str) -> Optional[Item]:
    return model.Session.get(Item, package_id)


def item_status(item: Item, steps: list[schedule_mod.StepSchedule],
                on: dt.date) -> dict[str, Any]:
    """Stage, current step, due date and lateness of one item."""
    stage = Stage(item.stage)
    due = steps[stage.step - 1].due if stage.step else None
    calendar = config.calendar()
    left = None
    if due is not None:
        left = (calendar.working_days_between(on, due) if on <= due
                else -calendar.working_days_between(due + dt.timedelta(days=1), on))
    return {
        "stage": stage.value,
        "step": stage.step,
        "version": item.version,
        "due": due.isoformat() if due else None,
        "working_days_left": left,
        "late": schedule_mod.is_late(due, on),
        "times_returned": item.times_returned,
        "stage_changed": item.stage_changed.isoformat(),
        "template": item.template,
    }


def item_info(package_id: str) -> Optional[dict[str, Any]]:
    """Workflow information shown with a dataset (None if not an item)."""
    row = model.Session.query(Item, Cycle).join(
        Cycle, Cycle.id == Item.cycle_id).filter(
        Item.package_id == package_id).first()
    if row is None:
        return None
    item, cycle = row
    info = item_status(item, cycle_schedule(cycle), today())
    info["cycle"] = cycle.code
    info["cycle_id"] = cycle.id
    return info


def record(item: Item, name: str, from_stage: Optional[str], to_stage: str,
           user: model.User, position: str, note: str) -> Transition:
    """Append one row to the audit log (flushed, not committed)."""
    row = Transition(
        package_id=item.package_id, cycle_id=item.cycle_id, transition=name,
        from_stage=from_stage, to_stage=to_stage, actor_id=user.id,
        actor_name=user.name, position=position, note=note or "",
        created=dt.datetime.utcnow())
    model.Session.add(row)
    return row


def _mark_step_started(cycle_id: str, step: Optional[int],
                       on: dt.date) -> None:
    """Record the actual start of ``step`` the first time an item enters it."""
    if not step or step == 1:
        return
    model.Session.execute(sa.text(
        "UPDATE sektoral_cycle SET step_starts = step_starts "
        "|| jsonb_build_object(CAST(:k AS text), CAST(:d AS text)) "
        "WHERE id = :id AND NOT step_starts ? CAST(:k AS text)"),
        {"k": str(step), "d": on.isoformat(), "id": cycle_id})


def position_used(actor: stages.Actor, transition: stages.Transition,
                  stage: Stage, chain: stages.ApprovalChain) -> str:
    """Capacity in which the actor performs the transition (for the log)."""
    needed = stages.required_actor(transition, stage, chain)
    if needed == PRODUCER:
        return PRODUCER if actor.producer else SYSADMIN
    return needed if actor.holds(stages.Position(needed)) else SYSADMIN


def check_transition(user: Optional[str], name: str,
                     package_id: str) -> tuple[Item, stages.Actor]:
    """Item and actor, or ObjectNotFound / ValidationError (not an item)."""
    pkg = model.Package.get(package_id)
    if pkg is None or pkg.state == "deleted":
        raise tk.ObjectNotFound(tk._("Dataset not found"))
    item = get_item(pkg.id)
    if item is None:
        raise tk.ValidationError({"id": [tk._(
            "This dataset is not an item of a cycle's data list")]})
    # its OPD is read from the dataset, not from the copy on the item
    return item, permissions.actor(user, pkg.owner_org)


def may_transition(user: Optional[str], name: str, package_id: str) -> bool:
    """Auth helper: does the user hold what ``name`` needs at the current
    stage? (Stage legality is the action's business, with its message.)"""
    try:
        item, actor = check_transition(user, name, package_id)
    except (tk.ObjectNotFound, tk.ValidationError):
        # Let the action report it (404 / not an item), to anyone who may
        # act on some item at all.
        return bool(user) and (permissions.is_sysadmin(user)
                               or bool(permissions.positions_of(user))
                               or _is_some_producer(user, package_id))
    chain = config.approval_chain()
    table = stages.transitions(chain)
    if name not in table:
        return False
    return stages.actor_may(actor, table[name], Stage(item.stage), chain)


def refusal(user: Optional[str], name: str, package_id: str) -> str:
    """Why ``user`` may not perform ``name`` on the dataset, translated:
    the stage it is at and who may act (at this stage, or the steps open
    at it), never a bare "not at this stage" when the role is what is
    wrong."""
    try:
        item, actor = check_transition(user, name, package_id)
    except (tk.ObjectNotFound, tk.ValidationError) as error:
        return str(error)
    chain = config.approval_chain()
    try:
        stages.plan(Stage(item.stage), name, actor, "-", chain,
                    translate=tk._)
    except stages.TransitionError as err:
        return (tk._(err.message) % err.params if err.params
                else tk._(err.message))
    return tk._("You may not do this at the dataset's current stage")


def _is_some_producer(user: str, package_id: str) -> bool:
    return permissions.is_producer_of_dataset(user, package_id)


def transition(context: dict[str, Any], name: str, package_id: str,
               note: str = "", version: Optional[int] = None) -> dict[str, Any]:
    """Perform one transition atomically; return the log row and status.

    Conflict-checked: the item row is updated only if its version is the
    one read here (or the ``version`` the caller saw); a concurrent
    transition makes this one fail with a conflict error, changing nothing.
    """
    return transition_many(context, name, [(package_id, version)], note)[0]


def transition_many(context: dict[str, Any], name: str,
                    targets: list[tuple[str, Optional[int]]],
                    note: str = "") -> list[dict[str, Any]]:
    """The same transition on several items, all or nothing: one commit
    after every item moved; the first refusal rolls every move back."""
    user = permissions.user_object(context.get("user"))
    if user is None:
        raise tk.NotAuthorized(tk._("You must be logged in"))
    moved: list[tuple[str, Transition]] = []
    try:
        for package_id, version in targets:
            try:
                moved.append(_apply(context, user, name, package_id, note,
                                    version))
            except tk.ValidationError as err:
                if len(targets) > 1:  # say which dataset stopped the batch
                    err.sektoral_dataset = package_id  # type: ignore[attr-defined]
                raise
        model.Session.commit()
    except Exception:
        model.Session.rollback()
        raise
    model.Session.expire_all()
    results = []
    for package_id, row in moved:
        reindex(package_id)
        data = row.as_dict()
        data["status"] = item_info(package_id)
        notify.on_transition(data)  # background mail; never raises
        from ckanext.sektoral.analysis import job as analysis_job
        analysis_job.on_transition(data)  # analysis on accept; never raises
        results.append(data)
    return results


def _apply(context: dict[str, Any], user: model.User, name: str,
           package_id: str, note: str,
           version: Optional[int]) -> tuple[str, Transition]:
    """Move one item and log it (flushed, not committed)."""
    item, actor = check_transition(user.name, name, package_id)
    chain = config.approval_chain()
    stage = Stage(item.stage)
    try:
        rule = stages.plan(stage, name, actor, note, chain, translate=tk._)
    except stages.TransitionError as err:
        message = tk._(err.message) % err.params if err.params else tk._(err.message)
        if err.code == "not_authorized":
            raise tk.NotAuthorized(message)
        raise tk.ValidationError({"stage": [message]})
    expected = item.version if version is None else int(version)

    if name == "submit":
        _submit_gate(context, item.package_id)

    on = today()
    now = dt.datetime.utcnow()
    values: dict[str, Any] = {
        "stage": rule.target.value, "version": Item.version + 1,
        "stage_changed": now,
    }
    if name == "return":
        values["times_returned"] = Item.times_returned + 1
    if name == "submit" and item.first_submitted is None:
        values["first_submitted"] = now
    result = model.Session.execute(
        sa.update(Item).where(Item.package_id == item.package_id,
                              Item.version == expected).values(**values)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise tk.ValidationError({"version": [tk._(
            "Conflict: someone else changed this dataset's stage at the "
            "same time. Reload and try again.")]})
    row = record(item, name, stage.value, rule.target.value, user,
                 position_used(actor, rule, stage, chain), note)
    _mark_step_started(item.cycle_id, rule.target.step, on)
    if name == "publish":
        _make_public(item.package_id)
    return item.package_id, row


def transition_sources(name: str) -> frozenset[Stage]:
    """Stages from which transition ``name`` starts (current chain)."""
    table = stages.transitions(config.approval_chain())
    if name not in table:
        raise tk.ValidationError({"transition": [tk._("Unknown step")]})
    return table[name].sources


def approve_report(cycle_id: str, user: Optional[str]) -> None:
    """Record the cycle's current draft report version as approved (when
    the documents area is installed and a version exists)."""
    try:
        from ckanext.sektoral.documents import report
    except ImportError:
        return
    approve = getattr(report, "approve_current", None)
    if approve is not None:
        approve(cycle_id, user)


def _submit_gate(context: dict[str, Any], package_id: str) -> None:
    report = tk.get_action("sektoral_completeness")(
        {"user": context.get("user"), "ignore_auth": True},
        {"id": package_id})
    if not report["complete"]:
        missing = [f["label"] for f in report["fields"] if not f["present"]]
        problems = [r["name"] or r["id"] for r in report["resources"]
                    if not r["ok"]]
        parts = []
        if missing:
            parts.append(tk._("missing metadata: %(fields)s")
                         % {"fields": ", ".join(missing)})
        if not report.get("has_data_resource", True):
            parts.append(tk._("no data file"))
        if problems:
            parts.append(tk._("data files not validated successfully: "
                              "%(files)s") % {"files": ", ".join(problems)})
        raise tk.ValidationError({
            "completeness": [tk._("The submission is incomplete (%(score)s%%): "
                                  "%(problems)s") % {
                "score": report["score"], "problems": "; ".join(parts)}],
            "report": report,
        })


def _make_public(package_id: str) -> None:
    """Publication: the only way an item becomes public (deferred commit)."""
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    tk.get_action("package_patch")(
        {"user": site_user["name"], "ignore_auth": True,
         "defer_commit": True, "sektoral_publication": True},
        {"id": package_id, "private": False})


def reindex(package_id: str) -> None:
    from ckan.lib.search import rebuild

    try:
        rebuild(package_id)
    except Exception:  # the index is not transactional; never undo a move
        log.exception("could not reindex %s after a transition", package_id)
