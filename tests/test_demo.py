"""The demo data files (``demo/``) and the loader's plan, without CKAN."""
from __future__ import annotations

import collections
import json
import shutil

import pytest

from ckanext.sektoral import demo
from ckanext.sektoral.core.stages import ApprovalChain, Position, Stage

DEMO = demo.data()


def test_the_checkout_folder_holds_the_whole_demo():
    assert demo.DEFAULT_DATA_DIR.name == "demo"
    assert "site-packages" not in str(demo.DEFAULT_DATA_DIR)
    assert DEMO.cycle.code == "2026-S1"
    assert len(DEMO.items) == 36 and len(DEMO.orgs) == 13
    orgs = {o.name for o in DEMO.orgs}
    assert DEMO.walidata_org in orgs
    assert {i.org for i in DEMO.items} <= orgs
    assert {u.org for u in DEMO.users if u.org} <= orgs
    # every stage of the six steps has items; every item has a Stage
    counts = collections.Counter(Stage(i.stage) for i in DEMO.items)
    assert set(counts) == set(demo.SOP_STAGES)
    assert Stage.WITHDRAWN not in demo.SOP_STAGES
    assert {u.position for u in DEMO.users if u.position} == {
        p.value for p in Position}
    assert set(DEMO.regions) == {8201, 8202, 8203, 8204, 8205, 8206, 8207,
                                 8208, 8271, 8272}


def test_only_keeps_the_organizations_and_users_of_its_items():
    item = DEMO.items[0]
    small = DEMO.only([item])
    assert small.items == (item,)
    assert {o.name for o in small.orgs} == {DEMO.walidata_org, item.org}
    assert all(u.org in (None, DEMO.walidata_org, item.org)
               for u in small.users)


def test_another_folder_and_a_missing_one(tmp_path, monkeypatch):
    copy = tmp_path / "mine"
    shutil.copytree(demo.DEFAULT_DATA_DIR, copy)
    portal = json.loads((copy / "portal.json").read_text("utf-8"))
    portal["cycle"]["code"] = "2027-S1"
    (copy / "portal.json").write_text(json.dumps(portal), "utf-8")
    assert demo.data(copy).cycle.code == "2027-S1"
    monkeypatch.setenv(demo.DATA_ENV, str(copy))
    assert demo.data().cycle.code == "2027-S1"
    with pytest.raises(demo.DemoDataError, match=demo.DATA_ENV):
        demo.data(tmp_path / "nowhere")
    items = json.loads((copy / "items.json").read_text("utf-8"))
    items[0]["stage"] = "ditarik"  # not a stage the loader can reach
    (copy / "items.json").write_text(json.dumps(items), "utf-8")
    demo._read.cache_clear()
    with pytest.raises(demo.DemoDataError, match="ditarik"):
        demo.data(copy)


def _item(stage: Stage) -> demo.DemoItem:
    return next(i for i in DEMO.items if i.stage == stage.value)


def test_each_item_is_moved_by_the_transitions_and_users_the_sop_names():
    run = demo._Runner(DEMO, ApprovalChain())
    assert run.steps(_item(Stage.PLANNED)) == []
    assert run.steps(_item(Stage.REQUESTED)) == []
    assert run.steps(_item(Stage.RETURNED)) == ["submit", "return"]
    assert run.steps(_item(Stage.PUBLISHED)) == [
        "submit", "accept", "process", "draft", "check", "approve", "publish"]
    item = _item(Stage.SUBMITTED)
    assert run.actor("submit", item, Stage.REQUESTED) == run.producers[item.org]
    assert run.actor("accept", item, Stage.SUBMITTED) == "walidata-kasie"
    assert run.actor("check", item, Stage.IN_REPORT) == "walidata-kabid"
    assert run.actor("return_report", item, Stage.IN_REPORT) == "walidata-kabid"
    assert run.actor("return_report", item, Stage.CHECKED) == "walidata-kadis"
    assert run.actor("publish", item, Stage.APPROVED) == "walidata-staf"


def test_without_a_checker_checked_items_stop_at_the_draft_report():
    run = demo._Runner(DEMO, ApprovalChain(checker=None))
    assert run.steps(_item(Stage.CHECKED)) == [
        "submit", "accept", "process", "draft"]
    assert run.steps(_item(Stage.APPROVED)) == [
        "submit", "accept", "process", "draft", "approve"]
    item = _item(Stage.IN_REPORT)
    assert run.actor("return_report", item, Stage.IN_REPORT) == "walidata-kadis"
