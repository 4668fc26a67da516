"""Facets never enumerate what the caller may not read (audit hole 2:
``facet.mincount=0`` listed the titles, descriptions, definitions, contact
e-mails and file URLs of every unpublished item to anonymous visitors)."""
from __future__ import annotations

import json

import pytest

from tests.factories import OpdFactory
from tests.inbox.helpers import cycle, headers, item, people


SECRET_TITLE = "Rahasia Produksi Cengkeh Belum Terbit"
FIELDS = ["title", "notes", "res_url", "definisi", "maintainer_email", "name",
          "id", "organization", "tags", "res_name", "sektoral_stage"]


@pytest.fixture(scope="module")
def world(clean_db_module, reset_index):
    from ckan.tests import helpers

    reset_index()
    app = helpers._get_test_app()
    p = people()
    cycle(p)
    pkg = item(p, p["org"], SECRET_TITLE)
    from tests.factories import call_as
    call_as(p["producer"], "package_patch", id=pkg["id"],
            notes="Catatan rahasia cengkeh",
            definisi="Definisi rahasia cengkeh",
            maintainer_email="rahasia.cengkeh@example.go.id")
    response = app.post("/api/3/action/resource_create", json={
        "package_id": pkg["id"], "name": "rahasia-cengkeh.csv",
        "url": "http://example.go.id/rahasia-cengkeh.csv"},
        headers=headers(p["producer"]))
    assert response.json["success"], response.json
    # one public dataset of another organization, so facets are not empty
    public_org = OpdFactory()
    call_as(p["sysadmin"], "package_create", type="data-sektoral",
            name="data-terbuka-pala", owner_org=public_org["id"],
            title="Data Terbuka Pala", notes="Publik", private=False)
    app.post("/api/3/action/resource_create", json={
        "package_id": "data-terbuka-pala", "name": "pala.csv",
        "url": "http://example.go.id/pala.csv"},
        headers=headers(p["sysadmin"]))
    p["pkg"] = pkg
    return p


@pytest.fixture
def app(world):
    from ckan.tests import helpers

    return helpers._get_test_app()


SECRETS = ("cengkeh", "Cengkeh")


def _search(app, user, **params):
    query = {k: (json.dumps(v) if isinstance(v, (list, dict)) else v)
             for k, v in params.items()}
    return app.get("/api/3/action/package_search", query_string=query,
                   headers=headers(user) if user else {}, status=None)


@pytest.mark.parametrize("role", ["anonymous", "other"])
@pytest.mark.parametrize("mincount", [0, 1])
@pytest.mark.parametrize("limit", [-1, 1000])
@pytest.mark.parametrize("q", ["*:*", "pala", "cengkeh"])
def test_facets_list_only_visible_values(app, world, role, mincount, limit, q):
    user = None if role == "anonymous" else world[role]
    response = _search(app, user, q=q, rows=0, **{
        "facet.field": FIELDS, "facet.mincount": mincount,
        "facet.limit": limit})
    assert response.status_code == 200, response.json
    body = response.get_data(as_text=True)
    for secret in SECRETS + (world["pkg"]["id"], world["pkg"]["name"]):
        assert secret not in body, (secret, q, mincount, limit)
    facets = response.json["result"]["search_facets"]
    if q != "cengkeh":
        titles = [i["name"] for i in facets["title"]["items"]]
        assert "Data Terbuka Pala" in titles


def test_the_producer_and_the_walidata_still_see_their_values(app, world):
    for role in ("producer", "staf"):
        response = _search(app, world[role], q="*:*", rows=0,
                           include_private="true", **{
                               "facet.field": ["title"], "facet.mincount": 0,
                               "facet.limit": -1})
        titles = [i["name"] for i in
                  response.json["result"]["search_facets"]["title"]["items"]]
        assert SECRET_TITLE in titles, role


def test_fq_cannot_widen_what_is_visible(app, world):
    """A caller's own ``fq`` is ANDed with CKAN's visibility filters."""
    for fq in ("*:*", "OR *:*", "capacity:private", "-capacity:public",
               "permission_labels:*", ") OR (*:*"):
        response = _search(app, None, q="*:*", fq=fq, rows=100, **{
            "facet.field": ["title"], "facet.mincount": 0})
        body = response.get_data(as_text=True)
        assert "cengkeh" not in body.lower(), fq
