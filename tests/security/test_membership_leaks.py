"""``member_list`` and ``organization_show`` tell the public nothing of
unpublished items nor who works in an OPD (audit hole 3: anonymous
visitors got the ids of unpublished datasets and the user ids and roles of
every organization)."""
from __future__ import annotations

import pytest

from ckan.tests import helpers

from tests.factories import call_as
from tests.inbox.helpers import cycle, headers, item, people


@pytest.fixture(scope="module")
def world(clean_db_module, reset_index):
    reset_index()
    p = people()
    cycle(p)
    p["pkg"] = item(p, p["org"], "Item Rahasia")
    p["public"] = call_as(p["sysadmin"], "package_create",
                          type="data-sektoral", name="data-publik-opd",
                          owner_org=p["org"]["id"], title="Data Publik",
                          private=False)
    return p


@pytest.fixture
def app(world):
    return helpers._get_test_app()


def _get(app, user, action, **params):
    return app.get("/api/3/action/" + action, query_string=params,
                   headers=headers(user) if user else {}, status=None)


@pytest.mark.parametrize("role", [None, "other", "nobody"])
@pytest.mark.parametrize("object_type", ["", "package", "user"])
def test_outsiders_see_no_private_dataset_and_no_user(app, world, role,
                                                      object_type):
    user = world[role] if role else None
    params = {"id": world["org"]["name"]}
    if object_type:
        params["object_type"] = object_type
    response = _get(app, user, "member_list", **params)
    if object_type == "user":
        # CKAN refuses it outright (public_user_details = false)
        assert response.status_code == 403, response.json
        return
    assert response.status_code == 200, response.json
    rows = response.json["result"]
    ids = {row[0] for row in rows}
    assert world["pkg"]["id"] not in ids
    assert world["producer"]["id"] not in ids
    assert not any(row[1] == "user" for row in rows)
    assert world["public"]["id"] in ids
    for include_users in ("true", "false"):
        body = _get(app, user, "organization_show", id=world["org"]["name"],
                    include_users=include_users,
                    include_datasets="true").get_data(as_text=True)
        assert world["producer"]["id"] not in body
        assert world["producer"]["name"] not in body
        assert world["pkg"]["id"] not in body


@pytest.mark.parametrize("role", ["producer", "staf", "kasie", "sysadmin"])
def test_members_and_the_walidata_see_them(app, world, role):
    response = _get(app, world[role], "member_list", id=world["org"]["name"])
    ids = {row[0] for row in response.json["result"]}
    assert world["producer"]["id"] in ids
    assert world["pkg"]["id"] in ids
