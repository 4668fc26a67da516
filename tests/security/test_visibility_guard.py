"""Nobody makes an unpublished item public but the publication step: the
stored ``private`` must not change, whatever the action or the spelling.

Audit hole 1: the chained ``package_update`` guard read ``private`` with
``tk.asbool`` while CKAN stores it through ``boolean_validator`` (anything
but true/yes/t/y/1 is False), so ``"private": "on"`` made an item public.
"""
from __future__ import annotations

import io
import json

import pytest

from ckan import model

from ckanext.sektoral.core import tables
from ckanext.sektoral.model import Item
from tests.factories import put_at_stage, run_jobs
from tests.inbox.helpers import VALID_CSV, cycle, headers, item, people

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index", "clean_queues")

#: Spellings of "public" that CKAN's boolean_validator stores as False.
HOSTILE_FALSE = [False, "false", "False", "on", "off", "no", "0", "", "true ",
                 " 1 ", "nope", 0, None]


@pytest.fixture
def world(app):
    p = people()
    cycle(p)
    pkg = item(p, p["org"], "Produksi Padi Menurut Kabupaten/Kota")
    response = app.post("/api/3/action/resource_create", data={
        "package_id": pkg["id"], "name": "padi.csv", "format": "CSV",
        "jenis_berkas": "data",
        "schema": json.dumps(tables.load("kabupaten_kota_tahunan")),
        "upload": (io.BytesIO(VALID_CSV), "padi.csv"),
    }, headers=headers(p["producer"]))
    assert response.json["success"], response.json
    run_jobs()
    p["pkg"] = pkg
    p["resource"] = response.json["result"]
    return p


def _private(pkg_id: str) -> bool:
    model.Session.remove()
    return model.Package.get(pkg_id).private


def _anonymous_download(app, world) -> int:
    res = world["resource"]
    url = "/dataset/{}/resource/{}/download/padi.csv".format(
        world["pkg"]["id"], res["id"])
    return app.get(url, status=None).status_code


def _post(app, user, action, **data):
    return app.post("/api/3/action/" + action, json=data,
                    headers=headers(user), status=None)


@pytest.mark.parametrize("role", ["producer", "staf", "sysadmin"])
def test_package_patch_never_makes_an_item_public(app, world, role):
    for spelling in HOSTILE_FALSE:
        response = _post(app, world[role], "package_patch",
                         id=world["pkg"]["id"], private=spelling)
        assert response.status_code != 500, (spelling, response.json)
        assert _private(world["pkg"]["id"]) is True, (spelling, response.json)
        assert _anonymous_download(app, world) in (403, 404), spelling


@pytest.mark.parametrize("role", ["producer", "staf"])
def test_package_revise_never_makes_an_item_public(app, world, role):
    for spelling in ("on", "false", " 1 ", "no"):
        _post(app, world[role], "package_revise",
              match={"id": world["pkg"]["id"]},
              update={"private": spelling})
        assert _private(world["pkg"]["id"]) is True, spelling


@pytest.mark.parametrize("role", ["producer", "staf"])
def test_full_package_update_never_makes_an_item_public(app, world, role):
    shown = _post(app, world[role], "package_show",
                  id=world["pkg"]["id"]).json["result"]
    for spelling in ("on", False, "0"):
        data = dict(shown, private=spelling)
        data.pop("sektoral", None)
        response = _post(app, world[role], "package_update", **data)
        assert response.status_code == 409, response.json
        assert "private" in response.json["error"]
        assert _private(world["pkg"]["id"]) is True


def test_refused_update_changes_nothing(app, world):
    """The refusal rolls back the whole call: the title typed with it is
    not kept, and the search index still says private."""
    before = model.Package.get(world["pkg"]["id"]).title
    response = _post(app, world["staf"], "package_patch",
                     id=world["pkg"]["id"], private="on",
                     title="Judul yang tidak boleh tersimpan")
    assert response.status_code == 409
    model.Session.remove()
    assert model.Package.get(world["pkg"]["id"]).title == before
    found = app.get("/api/3/action/package_search",
                    query_string={"q": "tersimpan"}).json["result"]
    assert found["count"] == 0


def test_bulk_update_public_by_an_opd_admin(app, world):
    from ckan.tests import helpers

    helpers.call_action("organization_member_create",
                        id=world["org"]["id"],
                        username=world["producer"]["name"], role="admin")
    response = _post(app, world["producer"], "bulk_update_public",
                     org_id=world["org"]["id"], datasets=[world["pkg"]["id"]])
    assert response.status_code == 409, response.json
    assert _private(world["pkg"]["id"]) is True
    assert _anonymous_download(app, world) in (403, 404)
    for action in ("bulk_update_delete", "bulk_update_private"):
        response = _post(app, world["producer"], action,
                         org_id=world["org"]["id"],
                         datasets=[world["pkg"]["name"]])
        assert response.status_code == 409, (action, response.json)
    model.Session.remove()
    assert model.Package.get(world["pkg"]["id"]).state == "active"


def test_raw_sql_is_refused_by_the_database(world):
    """The last line: whatever writes the row, the trigger refuses."""
    import sqlalchemy as sa

    from ckanext.sektoral.logic import guards

    with pytest.raises(sa.exc.DBAPIError) as raised:
        model.Session.execute(sa.text(
            "UPDATE package SET private = false WHERE id = :id"),
            {"id": world["pkg"]["id"]})
    assert guards.is_visibility_violation(raised.value)
    model.Session.rollback()
    assert _private(world["pkg"]["id"]) is True


def test_publication_still_makes_it_public(world):
    """The guard lets the publication step through: the stage is moved to
    ``dipublikasikan`` first, in the same transaction."""
    from ckanext.sektoral.logic import service

    put_at_stage([world["pkg"]["id"]], "disetujui")
    from tests.factories import call_as
    call_as(world["staf"], "sektoral_publish", id=world["pkg"]["id"])
    assert _private(world["pkg"]["id"]) is False
    assert service.get_item(world["pkg"]["id"]).stage == "dipublikasikan"


@pytest.mark.parametrize("state", ["deleted", "draft", " deleted"])
def test_state_is_not_changed_through_update(app, world, state):
    response = _post(app, world["producer"], "package_patch",
                     id=world["pkg"]["id"], state=state)
    assert response.status_code in (403, 409), response.json
    model.Session.remove()
    assert model.Package.get(world["pkg"]["id"]).state == "active"


def test_producer_cannot_delete_or_move_its_item(app, world):
    from ckan.tests import factories, helpers

    second = factories.Organization(users=[
        {"name": world["producer"]["name"], "capacity": "admin"}])
    response = _post(app, world["producer"], "package_patch",
                     id=world["pkg"]["id"], owner_org=second["id"])
    assert response.status_code in (403, 409), response.json
    response = _post(app, world["producer"], "package_delete",
                     id=world["pkg"]["id"])
    assert response.status_code == 403, response.json
    model.Session.remove()
    pkg = model.Package.get(world["pkg"]["id"])
    assert (pkg.owner_org, pkg.state) == (world["org"]["id"], "active")
    # staff fixes the OPD of a data-list item: the item follows
    helpers.call_action("organization_member_create", id=second["id"],
                        username=world["staf"]["name"], role="editor")
    response = _post(app, world["staf"], "package_patch",
                     id=world["pkg"]["id"], owner_org=second["id"])
    assert response.status_code == 200, response.json
    model.Session.remove()
    assert model.Session.get(Item, world["pkg"]["id"]).owner_org == second["id"]
