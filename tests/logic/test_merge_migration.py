"""A portal that ran cycles before statistics existed (migration
``e2b7c9a4f618``): the same statistic published in two cycles as two
datasets becomes one statistic with two releases, and the old URL
redirects to it."""
from __future__ import annotations

import importlib.util
import pathlib

import pytest

from ckan import model
from ckan.tests import helpers

from ckanext.sektoral.logic import service
from ckanext.sektoral.model import Item, Release
from tests.factories import call_as
from tests.logic import test_recurring as recurring
from tests.logic.test_recurring import (
    METADATA, SECOND, STEPS, TITLE, _first_cycle, _upload,
)

people = recurring.people  # the fixture

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index", "clean_queues")

MIGRATION = (pathlib.Path(__file__).resolve().parents[2] / "ckanext" /
             "sektoral" / "migration" / "sektoral" / "versions" /
             "e2b7c9a4f618_merge_statistics.py")


def _migration():
    spec = importlib.util.spec_from_file_location("merge_statistics",
                                                  MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _old_model_second_cycle(users) -> dict:
    """The second cycle as the old model made it: a new dataset of the
    same statistic (no carry-over), published on its own."""
    call_as(users["staf"], "sektoral_cycle_create", code="2026-S1",
            title="Siklus Semester I 2026", start_date="2026-01-05")
    item = call_as(users["staf"], "sektoral_item_create", cycle="2026-S1",
                   owner_org="dinas-dukcapil", title=TITLE.upper() + " ",
                   template="kabupaten_kota_tahunan",
                   **dict(METADATA, tahun_akhir="2025"))
    call_as(users["staf"], "sektoral_request", id=item["id"])
    _upload(users, item["id"], SECOND)
    for name, role in STEPS:
        call_as(users[role], "sektoral_" + name, id=item["id"])
    return item


def test_same_statistic_in_two_cycles_becomes_one(people, app):
    statistic = _first_cycle(people)
    old = _old_model_second_cycle(people)
    anon = {"user": "", "ignore_auth": False}
    assert len(helpers.call_action("package_search", dict(anon))["results"]) == 2

    merge = _migration().merge_statistics
    assert merge(model.Session.connection()) == 1
    model.Session.commit()
    assert merge(model.Session.connection()) == 0  # idempotent
    model.Session.commit()
    for package_id in (statistic["id"], old["id"]):
        service.reindex(package_id)

    model.Session.expire_all()
    assert model.Session.get(Item, old["id"]).statistic_id == statistic["id"]
    assert model.Package.get(old["id"]).private is True
    found = helpers.call_action("package_search", dict(anon))["results"]
    assert [d["id"] for d in found] == [statistic["id"]]
    shown = helpers.call_action("package_show", dict(anon), id=statistic["id"])
    assert len(shown["resources"]) == 2
    assert shown["tahun_akhir"] == "2025"  # the newest release's metadata
    releases = model.Session.query(Release).filter(
        Release.statistic_id == statistic["id"]).all()
    assert len(releases) == 2
    history = call_as(people["staf"], "sektoral_history", id=statistic["id"])
    assert {r["cycle_code"] for r in history} == {"2025-S2", "2026-S1"}

    response = app.get(f"/dataset/{old['name']}", follow_redirects=False)
    assert response.status_code == 301
    assert response.headers["Location"].endswith(
        f"/dataset/{statistic['name']}")
    # a name that was never merged is not redirected
    response = app.get(f"/dataset/{statistic['name']}", follow_redirects=False)
    assert response.status_code == 200
