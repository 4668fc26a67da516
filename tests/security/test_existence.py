"""Existence oracles (audit hole 7): for a caller who may not read an
unpublished item, every action that takes the item, one of its resources,
views or activities answers exactly as for an object that does not exist:
the same status, the same body once the references are put side by side,
and never the item's id."""
from __future__ import annotations

import json
import re
import uuid

import pytest

from ckan import model
from ckan.tests import helpers

from tests.factories import call_as
from tests.inbox.helpers import cycle, headers, item, people, upload_valid


@pytest.fixture(scope="module")
def world(clean_db_module, reset_index, reset_queues):
    reset_index()
    reset_queues()  # jobs left by earlier modules name datasets now gone
    p = people()
    cycle(p)
    app = helpers._get_test_app()
    p["pkg"] = item(p, p["org"], "Item Tersembunyi")
    p["res"] = upload_valid(app, p, p["pkg"])
    # the portal enables no view plugin; a view row stands for one that a
    # site might add
    view = model.ResourceView(resource_id=p["res"]["id"], title="Gambar",
                              view_type="image_view", order=0, config={})
    model.Session.add(view)
    model.Session.commit()
    p["view"] = view.id
    activities = call_as(p["sysadmin"], "package_activity_list",
                         id=p["pkg"]["id"])
    p["activity"] = activities[0]["id"]
    return p


@pytest.fixture
def app(world):
    return helpers._get_test_app()


#: action, HTTP method, the data naming the hidden object ({ref} is
#: replaced by the reference), the kind of reference.
PROBES = [
    ("package_show", "get", {"id": "{ref}"}, "pkg"),
    ("package_show", "get", {"id": "{ref}"}, "pkg_name"),
    ("package_activity_list", "get", {"id": "{ref}"}, "pkg"),
    ("dataset_follower_count", "get", {"id": "{ref}"}, "pkg"),
    ("dataset_follower_list", "get", {"id": "{ref}"}, "pkg"),
    ("am_following_dataset", "get", {"id": "{ref}"}, "pkg"),
    ("package_collaborator_list", "get", {"id": "{ref}"}, "pkg"),
    ("package_relationships_list", "get", {"id": "{ref}"}, "pkg"),
    ("sektoral_history", "get", {"id": "{ref}"}, "pkg"),
    ("sektoral_completeness", "get", {"id": "{ref}"}, "pkg"),
    ("sektoral_chart_data", "get", {"id": "{ref}"}, "pkg"),
    ("sektoral_submission_diff", "get", {"id": "{ref}"}, "pkg"),
    ("resource_show", "get", {"id": "{ref}"}, "res"),
    ("resource_view_list", "get", {"id": "{ref}"}, "res"),
    ("resource_validation_show", "get", {"resource_id": "{ref}"}, "res"),
    ("resource_view_show", "get", {"id": "{ref}"}, "view"),
    ("activity_show", "get", {"id": "{ref}", "include_data": "false"},
     "activity"),
    ("activity_data_show", "get", {"id": "{ref}"}, "activity"),
    ("follow_dataset", "post", {"id": "{ref}"}, "pkg"),
    ("package_patch", "post", {"id": "{ref}", "title": "Diubah"}, "pkg"),
    ("package_delete", "post", {"id": "{ref}"}, "pkg"),
    ("package_owner_org_update", "post",
     {"id": "{ref}", "organization_id": "{other_org}"}, "pkg"),
    ("package_collaborator_create", "post",
     {"id": "{ref}", "user_id": "{me}", "capacity": "editor"}, "pkg"),
    ("resource_create", "post", {"package_id": "{ref}", "name": "x",
                                 "url": "http://example.org/x.csv"}, "pkg"),
    ("resource_patch", "post", {"id": "{ref}", "name": "x"}, "res"),
    ("resource_delete", "post", {"id": "{ref}"}, "res"),
    ("resource_view_update", "post", {"id": "{ref}", "title": "x"}, "view"),
    ("sektoral_submit", "post", {"id": "{ref}"}, "pkg"),
    ("sektoral_publish", "post", {"id": "{ref}"}, "pkg"),
]


def _ref(world, kind: str) -> str:
    return {"pkg": world["pkg"]["id"], "pkg_name": world["pkg"]["name"],
            "res": world["res"]["id"], "view": world["view"],
            "activity": world["activity"]}[kind]


def _call(app, user, action, method, data, ref, world):
    filled = {k: v.format(ref=ref, other_org=world["other_org"]["id"],
                          me=user["id"] if user else "")
              for k, v in data.items()}
    kwargs = {"headers": headers(user) if user else {}, "status": None}
    url = "/api/3/action/" + action
    if method == "get":
        response = app.get(url, query_string=filled, **kwargs)
    else:
        response = app.post(url, json=filled, **kwargs)
    return response.status_code, response.get_data(as_text=True)


def _normalised(body: str, ref: str) -> str:
    body = body.replace(ref, "REF")
    # the help link and timestamps are the same text for both calls
    return re.sub(r'"help": "[^"]*"', '"help": ""', body)


@pytest.mark.parametrize("role", [None, "other", "nobody"])
@pytest.mark.parametrize("action,method,data,kind", PROBES,
                         ids=[f"{p[0]}-{p[3]}" for p in PROBES])
def test_hidden_item_answers_as_missing(app, world, role, action, method,
                                        data, kind):
    user = world[role] if role else None
    hidden = _ref(world, kind)
    missing = ("tidak-ada-" + uuid.uuid4().hex[:12] if kind == "pkg_name"
               else str(uuid.uuid4()))
    status_h, body_h = _call(app, user, action, method, data, hidden, world)
    status_m, body_m = _call(app, user, action, method, data, missing, world)
    assert status_h == status_m, (body_h, body_m)
    assert status_h in (403, 404, 409), body_h
    assert _normalised(body_h, hidden) == _normalised(body_m, missing)
    for secret in (world["pkg"]["id"], world["pkg"]["name"],
                   world["res"]["id"], "Item Tersembunyi"):
        if secret != hidden:
            assert secret not in body_h, (action, secret)


def test_item_unchanged_after_the_probes(world):
    pkg = call_as(world["sysadmin"], "package_show", id=world["pkg"]["id"])
    assert pkg["title"] == "Item Tersembunyi"
    assert pkg["private"] is True
    assert pkg["state"] == "active"
    assert pkg["owner_org"] == world["org"]["id"]
    assert [r["id"] for r in pkg["resources"]] == [world["res"]["id"]]
    assert model.Session.query(model.PackageMember).filter_by(
        package_id=world["pkg"]["id"]).count() == 0


@pytest.mark.parametrize("action,method,data,kind",
                         [p for p in PROBES if p[1] == "get"],
                         ids=[f"{p[0]}-{p[3]}" for p in PROBES
                              if p[1] == "get"])
def test_readers_still_get_the_item(app, world, action, method, data, kind):
    """The wrapper changes nothing for those who may read the item."""
    status, body = _call(app, world["producer"], action, method, data,
                         _ref(world, kind), world)
    if kind == "view":
        return  # no view plugin: the view's own answer is CKAN's
    if action in ("package_collaborator_list", "dataset_follower_list"):
        # CKAN gives these to the dataset's editors/sysadmins only
        assert status in (200, 403), body
        return
    assert status == 200, (action, body)
    assert json.loads(body)["success"] is True
