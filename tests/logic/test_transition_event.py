"""The transition engine's one event: sent once per committed unit of
work with the audit rows, never for a refused, conflicting or rolled-back
transition; its receivers (mail, analysis, national portal push) are
connected by the plugin's ISignal, never at import time."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from typing import Any

import pytest

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import jobs
from ckan.tests import helpers

from ckanext.sektoral import notify, signals, subscriptions
from ckanext.sektoral.analysis import job as analysis_job
from ckanext.sektoral.logic import service
from ckanext.sektoral.model import Item, Transition
from tests.factories import (CycleFactory, ItemFactory, OpdEditorFactory,
                             OpdFactory, positioned)

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index", "clean_queues")

CONTACT = "kontak@dinas.example"


@pytest.fixture
def world():
    users = positioned("staf", "kasie")
    org = OpdFactory(kontak_email=CONTACT)
    users["editor"] = OpdEditorFactory(organization=org)
    CycleFactory(user=users["staf"], code="E-1", title="Event",
                 start_date="2026-01-05")
    return {"users": users, "org": org}


def _item(world: dict[str, Any], stage: str = "direncanakan",
          title: str = "Jumlah Penduduk") -> str:
    return ItemFactory(user=world["users"]["staf"], cycle="E-1",
                       owner_org=world["org"], title=title,
                       stage=stage)["id"]


def _as(world: dict[str, Any], role: str) -> dict[str, Any]:
    return {"user": world["users"][role]["name"]}


def _mail_jobs() -> int:
    return len(jobs.get_queue(notify.QUEUE).jobs)


def _audit(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k != "status"}


# -- one event per committed unit of work ----------------------------------

def test_one_event_per_transition_with_its_audit_row(world, events):
    item_id = _item(world)
    row = helpers.call_action("sektoral_request", _as(world, "staf"),
                              id=item_id)
    assert len(events) == 1
    sender, kwargs = events[0]
    assert sender == "request"
    assert kwargs["rows"] == [_audit(row)]
    assert kwargs["publication"] is None
    (sent,) = kwargs["rows"]
    stored = model.Session.get(Transition, sent["id"])
    assert (sent["package_id"], sent["from_stage"], sent["to_stage"],
            sent["actor_name"], sent["position"]) == (
        item_id, "direncanakan", "diminta", world["users"]["staf"]["name"],
        "staf")
    assert stored.as_dict() == sent
    # plain data: no ORM object leaks to the receivers
    assert all(isinstance(v, (str, int, type(None))) for v in sent.values())


def test_a_batch_sends_one_event_with_every_row(world, events):
    ids = [_item(world, title=f"Data {n}") for n in range(3)]
    result = helpers.call_action("sektoral_bulk_transition",
                                 _as(world, "staf"), transition="request",
                                 ids=ids)
    assert result["count"] == 3
    assert len(events) == 1
    sender, kwargs = events[0]
    assert sender == "request"
    assert sorted(r["package_id"] for r in kwargs["rows"]) == sorted(ids)
    assert kwargs["rows"] == [_audit(r) for r in result["results"]]
    assert _mail_jobs() == 3  # one mail per transition, as before


def test_a_refused_transition_sends_nothing(world, events):
    item_id = _item(world)
    logged = model.Session.query(Transition).count()  # its creation
    with pytest.raises(tk.NotAuthorized):  # the Kasie sends no request
        service.transition(_as(world, "kasie"), "request", item_id)
    with pytest.raises(tk.ValidationError) as err:  # wrong stage
        service.transition(_as(world, "kasie"), "accept", item_id)
    assert "stage" in err.value.error_dict
    assert events == []
    assert _mail_jobs() == 0
    assert model.Session.query(Transition).count() == logged


def test_a_conflicting_transition_sends_nothing(world, events):
    item_id = _item(world)
    stale = model.Session.get(Item, item_id).version
    service.transition(_as(world, "staf"), "request", item_id,
                       version=stale)
    assert len(events) == 1 and _mail_jobs() == 1
    item_id_2 = _item(world, stage="dikirim", title="Data lain")
    stale = model.Session.get(Item, item_id_2).version - 1
    with pytest.raises(tk.ValidationError) as err:
        service.transition(_as(world, "kasie"), "accept", item_id_2,
                           version=stale)
    assert "version" in err.value.error_dict
    assert len(events) == 1  # still only the first one
    assert _mail_jobs() == 1
    assert len(jobs.get_queue(analysis_job.QUEUE).jobs) == 0
    assert model.Session.get(Item, item_id_2).stage == "dikirim"


def test_a_batch_stopped_half_way_sends_nothing(world, events):
    ids = [_item(world, title=f"Data {n}") for n in range(3)]
    helpers.call_action("sektoral_request", _as(world, "staf"), id=ids[2])
    events.clear()
    queued = _mail_jobs()
    with pytest.raises(tk.ValidationError):
        helpers.call_action("sektoral_bulk_transition", _as(world, "staf"),
                            transition="request", ids=ids)
    assert events == []
    assert _mail_jobs() == queued


def test_accept_enqueues_the_analysis_and_the_mail(world):
    item_id = _item(world, stage="dikirim")
    helpers.call_action("sektoral_accept", _as(world, "kasie"), id=item_id)
    (analysis,) = jobs.get_queue(analysis_job.QUEUE).jobs
    assert analysis.args == [item_id]
    assert _mail_jobs() == 1


def test_a_failing_receiver_does_not_undo_the_transition(world, events):
    def broken(sender: str, **kwargs: Any) -> None:
        raise RuntimeError("receiver down")

    signals.transition.connect(broken)
    try:
        item_id = _item(world)
        row = service.transition(_as(world, "staf"), "request", item_id)
    finally:
        signals.transition.disconnect(broken)
    assert row["to_stage"] == "diminta"
    model.Session.remove()
    assert service.get_item(item_id).stage == "diminta"


# -- defer_commit -----------------------------------------------------------------

def test_defer_commit_sends_nothing_until_the_caller_commits(world, events):
    item_id = _item(world)
    context = dict(_as(world, "staf"), defer_commit=True)
    row = service.transition(context, "request", item_id)
    assert row["to_stage"] == "diminta"
    assert events == [] and _mail_jobs() == 0
    model.Session.commit()  # the caller's commit
    assert events == []
    service.after_commit(context)
    assert len(events) == 1 and events[0][1]["rows"] == [_audit(row)]
    assert _mail_jobs() == 1
    service.after_commit(context)  # once only
    assert len(events) == 1


def test_defer_commit_rolled_back_sends_nothing(world, events):
    item_id = _item(world)
    logged = model.Session.query(Transition).count()  # its creation
    context = dict(_as(world, "staf"), defer_commit=True)
    service.transition(context, "request", item_id)
    model.Session.rollback()  # the caller gives up
    assert events == [] and _mail_jobs() == 0
    model.Session.remove()
    assert service.get_item(item_id).stage == "direncanakan"
    assert model.Session.query(Transition).count() == logged


def test_defer_commit_refusal_undoes_only_the_moves(world, events):
    ids = [_item(world, title=f"Data {n}") for n in range(2)]
    helpers.call_action("sektoral_request", _as(world, "staf"), id=ids[1])
    events.clear()
    before = model.Session.query(Transition).count()
    context = dict(_as(world, "staf"), defer_commit=True)
    with pytest.raises(tk.ValidationError):
        service.transition_many(context, "request",
                                [(i, None) for i in ids])
    model.Session.commit()  # the caller's own work would be kept
    assert model.Session.query(Transition).count() == before
    assert service.get_item(ids[0]).stage == "direncanakan"
    service.after_commit(context)
    assert events == []


# -- the receivers ---------------------------------------------------------------

def test_receivers_are_connected_by_the_plugin():
    plugin = p.get_plugin("sektoral")
    mapping = plugin.get_signal_subscriptions()
    assert list(mapping) == [signals.transition]
    connected = {name: set(signals.transition.receivers_for(name))
                 for name in ("request", "accept", "publish", "reopen",
                              "withdraw")}
    assert subscriptions.mail in connected["request"]
    assert subscriptions.analyse in connected["accept"]
    assert subscriptions.analyse not in connected["request"]
    for name in subscriptions.PUSHED_ON:
        assert subscriptions.push in connected[name]
    assert subscriptions.push not in connected["accept"]
    approvals = set(signals.transition.receivers_for("approve"))
    assert subscriptions.approve_report in approvals
    assert subscriptions.approve_report not in connected["publish"]
    # the old import-time receiver of sektoral_publish is gone
    assert not [r for r in tk.signals.action_succeeded.receivers_for(
        "sektoral_publish") if getattr(r, "__module__", "").startswith(
        "ckanext.sektoral")]


def test_importing_the_package_connects_nothing():
    """Without the plugin loaded, importing every module that used to
    connect a receiver (or that sends the event) connects nothing."""
    code = textwrap.dedent("""
        import ckan.plugins.toolkit as tk
        import ckanext.sektoral.plugin
        import ckanext.sektoral.subscriptions
        import ckanext.sektoral.publication.action
        import ckanext.sektoral.publication.remote
        import ckanext.sektoral.logic.service
        import ckanext.sektoral.notify
        import ckanext.sektoral.analysis.job
        from ckanext.sektoral import signals
        assert not signals.transition.receivers, signals.transition.receivers
        mine = [r for r in tk.signals.action_succeeded.receivers_for(
            "sektoral_publish")]
        assert not mine, mine
        print("ok")
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True,
                            text=True, timeout=120,
                            env=dict(os.environ, CKAN_INI=""))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("ok")


@pytest.mark.parametrize("module", [
    "ckanext.sektoral.logic.service", "ckanext.sektoral.notify",
    "ckanext.sektoral.publication.service",
    "ckanext.sektoral.publication.remote",
    "ckanext.sektoral.publication.action", "ckanext.sektoral.subscriptions",
    "ckanext.sektoral.analysis.job"])
def test_each_module_imports_alone(module):
    """No import cycle left between the engine and its subscribers: each
    module imports first, in a fresh interpreter."""
    result = subprocess.run([sys.executable, "-c", f"import {module}"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_the_engine_imports_no_subscriber():
    code = textwrap.dedent("""
        import sys
        import ckanext.sektoral.logic.service
        bad = [m for m in sys.modules if m.startswith((
            "ckanext.sektoral.notify", "ckanext.sektoral.analysis",
            "ckanext.sektoral.publication", "ckanext.sektoral.subscriptions"))]
        assert not bad, bad
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_reopen_and_withdraw_only_through_publication(world, events):
    """The engine knows them (publication moves through it), but the
    workflow entry refuses them as before: their notice is publication's."""
    item_id = _item(world, stage="dipublikasikan")
    for name in ("reopen", "withdraw"):
        with pytest.raises(tk.ValidationError) as err:
            service.transition(_as(world, "staf"), name, item_id, "x")
        assert "stage" in err.value.error_dict
    assert events == []
    assert service.get_item(item_id).stage == "dipublikasikan"


def test_the_report_is_approved_only_with_a_whole_cycle(monkeypatch):
    """The approval of a cycle's batch approves its current draft report,
    by the approver; a single item's approval does not."""
    from ckanext.sektoral.documents import report

    calls: list[tuple[str, str]] = []
    monkeypatch.setattr(report, "approve_current",
                        lambda cycle, user: calls.append((cycle, user)))
    rows = [{"package_id": "p1", "actor_name": "kadis"}]
    subscriptions.approve_report("approve", rows=rows, cycle=None)
    assert calls == []
    subscriptions.approve_report("approve", rows=rows, cycle="c1")
    assert calls == [("c1", "kadis")]
