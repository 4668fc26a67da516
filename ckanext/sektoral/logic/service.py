"""Workflow service: the CKAN-side of the SOP state machine.

Reads and writes the extension's tables, applies
:mod:`ckanext.sektoral.core.stages` rules and records every transition
in the append-only log. Actions call these functions after their auth
check; nothing here reads the request.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Iterator
from typing import Any, Callable, Optional

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import search

from ckanext.sektoral import config, signals
from ckanext.sektoral.logic import permissions, releases
from ckanext.sektoral.model import Cycle, Item, Transition
from ckanext.sektoral.core import contracts
from ckanext.sektoral.core import schedule as schedule_mod
from ckanext.sektoral.core import stages
from ckanext.sektoral.core.stages import PRODUCER, Stage
from ckanext.sektoral import clock

log = logging.getLogger(__name__)

#: Position recorded for a sysadmin acting without a Walidata position.
SYSADMIN = "sysadmin"


def today() -> dt.date:
    """Today in the portal's display time zone (WIT for Maluku Utara)."""
    return clock.today()


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


def cycle_dict(cycle: Cycle, on: Optional[dt.date] = None) -> contracts.Cycle:
    """The cycle with the start and due date of each step."""
    on = on or today()
    data = cycle.as_dict()
    return {**data, "steps": [{
        "step": s.step,
        "start": s.start.isoformat(),
        "due": s.due.isoformat(),
        "started": s.started,
        "late": schedule_mod.is_late(s.due, on),
    } for s in cycle_schedule(cycle)]}


# -- items ----------------------------------------------------------------------

def get_item(package_id: str) -> Optional[Item]:
    return model.Session.get(Item, package_id)


def item_status(item: Item, steps: list[schedule_mod.StepSchedule],
                on: dt.date) -> contracts.ItemStatus:
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


def item_info(package_id: str) -> Optional[contracts.ItemInfo]:
    """Workflow information shown with a dataset (None if not an item)."""
    row = model.Session.query(Item, Cycle).join(
        Cycle, Cycle.id == Item.cycle_id).filter(
        Item.package_id == package_id).first()
    if row is None:
        return None
    item, cycle = row
    info = item_status(item, cycle_schedule(cycle), today())
    return {**info, "cycle": cycle.code, "cycle_id": cycle.id}


def record(item: Item, name: str, from_stage: Optional[str], to_stage: str,
           user: model.User, position: str, note: str) -> Transition:
    """Append one row to the audit log (flushed, not committed)."""
    row = Transition(
        package_id=item.package_id, cycle_id=item.cycle_id, transition=name,
        from_stage=from_stage, to_stage=to_stage, actor_id=user.id,
        actor_name=user.name, position=position, note=note or "",
        created=clock.utcnow())
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


def require_item(package_id: str) -> Item:
    """The item of a dataset, or ObjectNotFound / ValidationError (not an
    item of a cycle)."""
    pkg = model.Package.get(package_id)
    if pkg is None or pkg.state == "deleted":
        raise tk.ObjectNotFound(tk._("Dataset not found"))
    item = get_item(pkg.id)
    if item is None:
        raise tk.ValidationError({"id": [tk._(
            "This dataset is not an item of a cycle's data list")]})
    return item


def check_transition(user: Optional[str], name: str,
                     package_id: str) -> tuple[Item, stages.Actor]:
    """Item and actor, or ObjectNotFound / ValidationError (not an item)."""
    item = require_item(package_id)
    # its OPD is read from the dataset, not from the copy on the item
    return item, permissions.actor(
        user, permissions.dataset_org(item.package_id))


def may_transition(user: Optional[str], name: str, package_id: str) -> bool:
    """Auth helper: does the user hold what ``name`` needs at the current
    stage? (Stage legality is the action's business, with its message.)"""
    try:
        item, actor = check_transition(user, name, package_id)
    except (tk.ObjectNotFound, tk.ValidationError):
        # Let the action report it (404 / not an item), to anyone who may
        # act on some item at all.
        if not user:
            return False
        return (permissions.is_sysadmin(user)
                or bool(permissions.positions_of(user))
                or _is_some_producer(user, package_id))
    chain = config.approval_chain()
    table = stages.transitions(chain)
    if name not in table:
        return False
    return stages.actor_may(actor, table[name], Stage(item.stage), chain)


def _message(err: stages.TransitionError) -> str:
    """A refusal of the rules, translated."""
    return tk._(err.message) % err.params if err.params else tk._(err.message)


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
        return _message(err)
    return tk._("You may not do this at the dataset's current stage")


def _is_some_producer(user: str, package_id: str) -> bool:
    return permissions.is_producer_of_dataset(user, package_id)


# -- the transition engine ------------------------------------------------------
#
# Every stage change of an item goes through :func:`move` (the six steps,
# bulk steps, publication of a cycle, reopen and withdrawal), inside one
# unit of work: :func:`atomic` around the moves, then :func:`settle` once
# committed, which reindexes the datasets and sends the one event
# (:data:`ckanext.sektoral.signals.transition`). Mail, analysis and the
# national portal push subscribe to it (``subscriptions.py``); nothing
# here imports them.
#
# ``context["defer_commit"]``: the caller owns the transaction. The moves
# run in a savepoint (a refusal undoes them and nothing else), nothing is
# committed, reindexed or sent; the moves wait in the context until the
# caller, having committed, calls :func:`after_commit`. A transaction the
# caller rolls back (or never commits) sends nothing.

#: Context key of the moves waiting for the caller's commit.
PENDING = "sektoral_pending_transitions"
#: Context key of other work waiting for the caller's commit (a job to
#: enqueue, replaced files to remove).
AFTER = "sektoral_after_commit"


def commit(context: dict[str, Any]) -> bool:
    """Commit, unless the caller defers it (``context["defer_commit"]``,
    as CKAN core actions do: then only flush); whether it committed."""
    if context.get("defer_commit"):
        model.Session.flush()
        return False
    model.Session.commit()
    return True


def when_committed(context: dict[str, Any], work: Callable[[], Any]) -> None:
    """Run ``work`` now (the action committed), or, with ``defer_commit``,
    keep it for :func:`after_commit`: what must not happen for a
    transaction that may still be rolled back (a job that reads the new
    row, removing the files a row no longer names)."""
    if context.get("defer_commit"):
        context.setdefault(AFTER, []).append(work)
    else:
        work()


def rules(chain: Optional[stages.ApprovalChain] = None
          ) -> dict[str, stages.Transition]:
    """Every transition the engine performs: the six steps' (under the
    approval chain) and those of a published dataset."""
    table = dict(stages.transitions(chain or config.approval_chain()))
    table.update(stages.after_publication())
    return table


def acting_user(context: dict[str, Any]) -> model.User:
    """The active user of the context, or NotAuthorized."""
    user = permissions.user_object(context.get("user"))
    if user is None:
        raise tk.NotAuthorized(tk._("You must be logged in"))
    return user


def move(user: model.User, name: str, package_id: str, note: str = "",
         version: Optional[int] = None) -> Transition:
    """Move one item by transition ``name`` and log it: the one
    conflict-checked stage change (flushed, never committed here).

    The rules of :mod:`~ckanext.sektoral.core.stages` refuse with
    NotAuthorized (the user may not) or ValidationError (``stage``: not
    from this stage, note missing). The item row is updated only if its
    version is the one read here, or ``version`` (the one the caller
    saw): else ValidationError ``version`` (a conflict), nothing
    changed. A submission passes the completeness gate first; a
    publication makes the dataset public (deferred commit).
    """
    item, actor = check_transition(user.name, name, package_id)
    chain = config.approval_chain()
    stage = Stage(item.stage)
    try:
        rule = stages.plan(stage, name, actor, note, chain, translate=tk._,
                           table=rules(chain))
    except stages.TransitionError as err:
        if err.code == "not_authorized":
            raise tk.NotAuthorized(_message(err)) from err
        raise tk.ValidationError({"stage": [_message(err)]}) from err
    expected = item.version if version is None else int(version)

    if name == "submit":
        _submit_gate({"user": user.name}, item.package_id)

    now = clock.utcnow()
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
    # the step the item enters; a final stage: the step it was done in
    _mark_step_started(item.cycle_id, rule.target.step or rule.step, today())
    if name == "publish":
        releases.release(item, user.name)
    return row


@contextlib.contextmanager
def atomic(context: dict[str, Any]) -> Iterator[None]:
    """All or nothing around moves: committed at the end, rolled back on
    any error. With ``defer_commit`` a savepoint instead (released at the
    end, rolled back on error), the transaction left to the caller."""
    if context.get("defer_commit"):
        savepoint = model.Session.begin_nested()
        try:
            yield
            model.Session.flush()
        except Exception:
            savepoint.rollback()
            raise
        savepoint.commit()
        return
    try:
        yield
        model.Session.commit()
    except Exception:
        model.Session.rollback()
        raise


def settle(context: dict[str, Any], name: str, rows: list[Transition],
           publication: Optional[contracts.PublicationRecord] = None,
           cycle: Optional[str] = None) -> list[contracts.TransitionRecord]:
    """After :func:`atomic`: the rows as dicts; once committed, the
    datasets reindexed and the one event sent (with ``defer_commit``:
    kept in the context for :func:`after_commit`)."""
    if context.get("defer_commit"):
        data = [row.as_dict() for row in rows]
        context.setdefault(PENDING, []).append(
            (name, data, publication, cycle))
        return [d.copy() for d in data]
    model.Session.expire_all()
    return committed(name, [row.as_dict() for row in rows], publication,
                     cycle)


def after_commit(context: dict[str, Any]) -> None:
    """For a caller that passed ``defer_commit``: once it committed its
    transaction, reindex the datasets moved with ``context`` and send
    their events (each batch once), then run the work kept by
    :func:`when_committed`."""
    pending = context.pop(PENDING, [])
    if pending:
        model.Session.expire_all()
    for name, rows, publication, cycle in pending:
        committed(name, rows, publication, cycle)
    for work in context.pop(AFTER, []):
        work()


def committed(name: str, rows: list[contracts.TransitionRecord],
              publication: Optional[contracts.PublicationRecord] = None,
              cycle: Optional[str] = None) -> list[contracts.TransitionRecord]:
    """Committed moves (audit rows as dicts): reindex their datasets, then
    send :data:`~ckanext.sektoral.signals.transition` once. A failing
    receiver is logged: the transition stands."""
    moved = list(dict.fromkeys(r["package_id"] for r in rows))
    # a released submission changed its statistic too
    for package_id in dict.fromkeys(moved + releases.statistic_ids(moved)):
        reindex(package_id)
    try:
        signals.transition.send(name, rows=[dict(r) for r in rows],
                                publication=publication, cycle=cycle)
    except Exception:
        log.exception("a receiver of the %s event failed", name)
    return rows


def transition(context: dict[str, Any], name: str, package_id: str,
               note: str = "", version: Optional[int] = None
               ) -> contracts.TransitionResult:
    """Perform one transition atomically; return the log row and status.

    Conflict-checked: the item row is updated only if its version is the
    one read here (or the ``version`` the caller saw); a concurrent
    transition makes this one fail with a conflict error, changing nothing.
    """
    return transition_many(context, name, [(package_id, version)], note)[0]


def transition_many(context: dict[str, Any], name: str,
                    targets: list[tuple[str, Optional[int]]],
                    note: str = "", cycle: Optional[str] = None
                    ) -> list[contracts.TransitionResult]:
    """The same transition on several items, all or nothing: one commit
    after every item moved; the first refusal rolls every move back. One
    event for the batch, once committed. ``name``: one of the six steps'
    transitions (reopen and withdraw add their public notice:
    :mod:`ckanext.sektoral.publication.service`). ``cycle``: the id of
    the cycle when the batch is the step for all of it (the event says
    so: its approval also approves the cycle's report)."""
    user = acting_user(context)
    if name in stages.after_publication():
        raise tk.ValidationError({"stage": [tk._(
            "Unknown transition: %(name)s") % {"name": name}]})
    moved: list[Transition] = []
    with atomic(context):
        for package_id, version in targets:
            try:
                moved.append(move(user, name, package_id, note, version))
            except tk.ValidationError as err:
                if len(targets) > 1:  # say which dataset stopped the batch
                    err.sektoral_dataset = package_id
                raise
    results = settle(context, name, moved, cycle=cycle)
    return [{**data, "status": item_info(data["package_id"])}
            for data in results]


def transition_sources(name: str) -> frozenset[Stage]:
    """Stages from which transition ``name`` starts (current chain)."""
    table = stages.transitions(config.approval_chain())
    if name not in table:
        raise tk.ValidationError({"transition": [tk._("Unknown step")]})
    return table[name].sources


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


def reindex(package_id: str) -> None:
    try:
        search.rebuild(package_id)
    except Exception:  # the index is not transactional; never undo a move
        log.exception("could not reindex %s after a transition", package_id)
