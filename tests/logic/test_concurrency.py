"""Two transitions of the same dataset at the same time: exactly one wins,
the other gets a clear error and changes nothing (real PostgreSQL)."""
from __future__ import annotations

import threading

import pytest

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.sektoral.logic import service
from ckanext.sektoral.model import Item, Transition
from tests.factories import CycleFactory, ItemFactory, OpdFactory, positioned

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index")


@pytest.fixture
def submitted(app):
    users = positioned("staf", "kasie")
    CycleFactory(user=users["staf"], code="C-1", title="C",
                 start_date="2026-01-05")
    # Set-up shortcut: the item waits for the Kasie.
    item = ItemFactory(user=users["staf"], cycle="C-1", owner_org=OpdFactory(),
                       title="Item", stage="dikirim")
    return app, users["kasie"]["name"], item["id"]


def _race(app, calls):
    """Run the calls in threads released together; return their outcomes."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(i, fn):
        with app.flask_app.test_request_context():
            try:
                barrier.wait()
                outcomes[i] = ("ok", fn())
            except (tk.ValidationError, tk.NotAuthorized) as err:
                outcomes[i] = ("error", err)
            finally:
                model.Session.remove()

    threads = [threading.Thread(target=run, args=(i, fn))
               for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return outcomes


@pytest.mark.parametrize("round_", range(3))
def test_accept_and_return_at_once(submitted, round_):
    app, kasie, item_id = submitted
    version = model.Session.get(Item, item_id).version
    model.Session.remove()
    outcomes = _race(app, [
        lambda: service.transition({"user": kasie}, "accept", item_id,
                                   version=version),
        lambda: service.transition({"user": kasie}, "return", item_id,
                                   "Kurang lengkap", version=version),
    ])
    kinds = sorted(o[0] for o in outcomes)
    assert kinds == ["error", "ok"], outcomes
    error = next(o[1] for o in outcomes if o[0] == "error")
    assert "version" in error.error_dict or "stage" in error.error_dict
    winner = next(o[1] for o in outcomes if o[0] == "ok")
    item = model.Session.get(Item, item_id)
    assert item.stage == winner["to_stage"]
    assert item.version == version + 1
    moves = model.Session.query(Transition).filter(
        Transition.package_id == item_id,
        Transition.transition.in_(["accept", "return"])).count()
    assert moves == 1


def test_stale_version_is_a_conflict(submitted):
    app, kasie, item_id = submitted
    with app.flask_app.test_request_context():
        with pytest.raises(tk.ValidationError) as err:
            service.transition({"user": kasie}, "accept", item_id, version=99)
    assert "version" in err.value.error_dict
    assert model.Session.get(Item, item_id).stage == "dikirim"


def test_audit_log_rows_cannot_be_updated(submitted):
    import sqlalchemy as sa

    _app, _kasie, item_id = submitted
    with pytest.raises(sa.exc.DatabaseError):
        model.Session.execute(sa.text(
            "UPDATE sektoral_transition SET note = 'x' WHERE package_id = :id"),
            {"id": item_id})
    model.Session.rollback()
