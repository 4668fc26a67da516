"""The write matrix: every core action that can change an item's
``private``, ``state``, ``owner_org`` or resources, called over the Action
API by each role with hostile spellings of each field, on items in every
stage before publication.

After each call: the item is still private and in its stage (only the
publication step makes it public, only the workflow moves its stage); it
is still in its OPD unless Walidata staff (or a sysadmin) moved it, and
the cycle's record of the item follows the move; it is deleted only by
the staff while it is still planned; nobody outside its OPD and the
Walidata changes its files.
"""
from __future__ import annotations

import copy
from typing import Any

import pytest

from ckan import model
from ckan.tests import helpers

from ckanext.sektoral.model import Item
from tests.factories import call_as, put_at_stage
from tests.inbox.helpers import cycle, headers, item, people

STAGES = ("direncanakan", "diminta", "dikirim", "dikembalikan", "diterima",
          "diolah", "dalam_laporan", "diperiksa", "disetujui")
ROLES = ("anonymous", "producer", "other", "nobody", "kasie", "staf",
         "sysadmin")

#: Spellings of "public" that CKAN's boolean_validator stores as False.
PUBLIC = [False, "false", "False", "on", "off", "no", "0", "", "true ",
          " 1 ", 0, None, "f", "n"]
#: Spellings of another state.
STATES = ["deleted", "draft", " deleted", "DELETED", "pending"]


def _calls(w: dict[str, Any], pkg: dict[str, Any],
           res: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    other = w["other_org"]
    out: list[tuple[str, dict[str, Any]]] = []
    for value in PUBLIC:
        out.append(("package_patch", {"id": pkg["id"], "private": value}))
    # package_revise and package_update go through the same guarded
    # package_update: a few spellings each
    for value in (False, "on", "true ", " 1 ", 0):
        out.append(("package_revise", {"match": {"id": pkg["id"]},
                                       "update": {"private": value}}))
    for value in (False, "on", " 1 "):
        full = copy.deepcopy(pkg)
        full["private"] = value
        out.append(("package_update", full))
    for state in STATES:
        out.append(("package_patch", {"id": pkg["id"], "state": state}))
        out.append(("package_revise", {"match": {"id": pkg["id"]},
                                       "update": {"state": state}}))
    for org in (other["id"], other["name"], " " + other["name"]):
        out.append(("package_patch", {"id": pkg["id"], "owner_org": org}))
    out += [
        ("package_revise", {"match": {"id": pkg["id"]},
                            "update": {"owner_org": other["id"]}}),
        ("package_owner_org_update", {"id": pkg["id"],
                                      "organization_id": other["id"]}),
        ("bulk_update_public", {"datasets": [pkg["id"]],
                                "org_id": w["org"]["id"]}),
        ("bulk_update_private", {"datasets": [pkg["id"]],
                                 "org_id": w["org"]["id"]}),
        ("bulk_update_delete", {"datasets": [pkg["id"]],
                                "org_id": w["org"]["id"]}),
        ("package_delete", {"id": pkg["id"]}),
        ("package_delete", {"id": pkg["name"]}),
        ("resource_create", {"package_id": pkg["id"], "name": "sisipan.csv",
                             "url": "http://data.example/sisipan.csv"}),
        ("resource_patch", {"id": res["id"],
                            "url": "http://data.example/ganti.csv"}),
        ("resource_update", {"id": res["id"], "package_id": pkg["id"],
                             "url": "http://data.example/ganti.csv"}),
        ("resource_delete", {"id": res["id"]}),
        ("package_resource_reorder", {"id": pkg["id"],
                                      "order": [res["id"]]}),
        ("member_create", {"id": other["id"], "object": pkg["id"],
                           "object_type": "package", "capacity": "public"}),
    ]
    return out


@pytest.fixture(scope="module")
def world(clean_db_module, reset_index):
    reset_index()
    w = people()
    cycle(w)
    app = helpers._get_test_app()
    w["items"] = {}
    for stage in STAGES:
        pkg = item(w, w["org"], "Item tahap " + stage,
                   request=stage != "direncanakan")
        # through the API, as users do (validation reads the resource as
        # the requesting user)
        res = app.post("/api/3/action/resource_create", json={
            "package_id": pkg["id"], "name": "data.csv",
            "url": "http://data.example/data.csv", "format": "CSV"},
            headers=headers(w["staf"])).json["result"]
        put_at_stage([pkg["id"]], stage)
        w["items"][stage] = (call_as(w["sysadmin"], "package_show",
                                     id=pkg["id"]), res)
    return w


def _snapshot(pkg_id: str) -> dict[str, Any]:
    model.Session.remove()
    pkg = model.Package.get(pkg_id)
    row = model.Session.get(Item, pkg_id)
    resources = sorted((r.id, r.url, r.state) for r in pkg.resources_all)
    return {"private": pkg.private, "state": pkg.state,
            "owner_org": pkg.owner_org, "stage": row.stage,
            "item_owner": row.owner_org, "resources": resources}


def _restore(pkg_id: str, before: dict[str, Any]) -> None:
    """Put the item back as it was (the next call starts from there)."""
    model.Session.remove()
    pkg = model.Package.get(pkg_id)
    pkg.state = before["state"]
    pkg.owner_org = before["owner_org"]
    row = model.Session.get(Item, pkg_id)
    row.owner_org = before["item_owner"]
    row.stage = before["stage"]
    for resource in pkg.resources_all:
        if resource.id not in {r[0] for r in before["resources"]}:
            resource.state = "deleted"
            resource.url = "http://data.example/removed"
    for rid, url, state in before["resources"]:
        resource = model.Resource.get(rid)
        if resource is None:  # package_update without it purges it
            resource = model.Resource(package_id=pkg_id, url=url)
            resource.id = rid
            resource.position = 0
            model.Session.add(resource)
        resource.url, resource.state = url, state
    model.Session.query(model.Member).filter(
        model.Member.table_id == pkg_id,
        model.Member.table_name == "package").delete()
    model.Session.commit()


def _expect(role: str, stage: str, action: str, data: dict[str, Any],
            before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    wrong = []
    staff = role in ("staf", "sysadmin")
    if after["private"] is not True:
        wrong.append("became public")
    if after["stage"] != before["stage"]:
        wrong.append("stage %s -> %s" % (before["stage"], after["stage"]))
    if after["owner_org"] != before["owner_org"] and not staff:
        wrong.append("moved to another OPD")
    if after["item_owner"] != after["owner_org"]:
        wrong.append("the cycle's record of the OPD did not follow the move")
    if after["state"] != before["state"]:
        deleted_by_step = (action == "package_delete" and staff
                           and stage == "direncanakan")
        if not deleted_by_step:
            wrong.append("state %s -> %s" % (before["state"], after["state"]))
    if after["resources"] != before["resources"] and role not in (
            "producer", "staf", "sysadmin"):
        wrong.append("files changed")
    return wrong


#: Every role on the planned, submitted and approved items; the producer
#: and the staff, whose rights change with the stage, on every stage.
CASES = sorted({(role, stage) for role in ROLES
                for stage in ("direncanakan", "dikirim", "disetujui")}
               | {(role, stage) for role in ("producer", "staf")
                  for stage in STAGES})


@pytest.mark.parametrize("role,stage", CASES)
def test_writes_change_only_what_the_caller_may(app, world, role, stage):
    pkg, res = world["items"][stage]
    failures = walk(app, world, role, stage, pkg, res)
    assert not failures, "\n".join(failures)


def walk(app: Any, world: dict[str, Any], role: str, stage: str,
         pkg: dict[str, Any], res: dict[str, Any]) -> list[str]:
    """Every write of the matrix on ``pkg`` as ``role``: what went wrong
    (the item restored after each call)."""
    user = world.get(role)
    failures = []
    for action, data in _calls(world, pkg, res):
        before = _snapshot(pkg["id"])
        response = app.post("/api/3/action/" + action, json=data,
                            headers=headers(user) if user else {},
                            status=None)
        assert response.status_code < 500, (action, data, response.json)
        after = _snapshot(pkg["id"])
        wrong = _expect(role, stage, action, data, before, after)
        if wrong:
            failures.append("%s %s: %s" % (action, _short(data), wrong))
        _restore(pkg["id"], before)
    return failures


def _short(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items()
            if k in ("private", "state", "owner_org", "update", "url",
                     "organization_id", "datasets")}


def test_a_refused_write_is_refused_loudly(app, world):
    """A refusal is an error response, not a 200 that silently kept the old
    value: the producer's spelled-out "make public" gets a 4xx."""
    pkg, _res = world["items"]["diminta"]
    for value in ("on", "true ", " 1 "):
        response = app.post("/api/3/action/package_patch",
                            json={"id": pkg["id"], "private": value},
                            headers=headers(world["producer"]), status=None)
        assert 400 <= response.status_code < 500, (value, response.json)

