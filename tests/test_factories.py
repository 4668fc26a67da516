"""The registered factories (tests/factories.py) build what they say, and
their fixtures are linked as in a real cycle."""
from __future__ import annotations

import pytest

from ckan import model
from ckan.tests import helpers

from ckanext.sektoral.model import Item, Transition

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index", "clean_queues")


def test_the_fixtures_make_one_world(item, cycle, opd, opd_editor, staf_user):
    row = model.Session.get(Item, item["id"])
    assert row.cycle_id == cycle["id"] and row.stage == "direncanakan"
    assert item["owner_org"] == opd["id"] and item["private"] is True
    assert cycle["created_by"] == staf_user["name"]
    (created,) = helpers.call_action("sektoral_history", id=item["id"])
    assert (created["actor_name"], created["position"]) == (
        staf_user["name"], "staf")
    members = helpers.call_action("member_list", id=opd["id"],
                                  object_type="user")
    assert (opd_editor["id"], "user", "Editor") in members


def test_positioned_users(staf_user, kasie_user, kabid_user, kadis_user,
                          pembina_user):
    held = {(p["user"], p["position"])
            for p in helpers.call_action("sektoral_position_list")}
    assert held == {(staf_user["name"], "staf"), (kasie_user["name"], "kasie"),
                    (kabid_user["name"], "kabid"), (kadis_user["name"], "kadis"),
                    (pembina_user["name"], "pembina")}


@pytest.mark.parametrize("item__stage", ["dikirim"])
def test_stage_is_a_set_up_shortcut(item):
    assert item["sektoral"]["stage"] == "dikirim"
    assert model.Session.query(Transition).filter(
        Transition.package_id == item["id"]).count() == 1  # its creation


def test_moves_go_through_the_transitions(item_factory, staf_user):
    item = item_factory(user=staf_user, moves=[("request", staf_user)])
    assert item["sektoral"]["stage"] == "diminta"
    rows = helpers.call_action("sektoral_history", id=item["id"])
    assert [r["transition"] for r in rows] == ["create", "request"]
