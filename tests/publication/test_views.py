"""Publication pages, driven like a browser (session login, CSRF token)."""
from __future__ import annotations

import re
from typing import Any

import pytest

from ckan import model

from ckanext.sektoral.model.publication import Notice
from tests.factories import (CycleFactory, OpdEditorFactory, OpdFactory,
                             call_as, positioned)
from tests.publication.test_publish import make_items

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index", "clean_queues")

PASSWORD = "Sektoral-Test-2026"
TOKEN = re.compile(r'name="_csrf_token" value="([^"]+)"')


class Browser:
    def __init__(self, app: Any, user: dict[str, Any] | None) -> None:
        self.client = app.test_client()
        if user is not None:
            page = self.client.get("/user/login")
            response = self.client.post("/user/login", data={
                "login": user["name"], "password": PASSWORD,
                "_csrf_token": token(page.get_data(as_text=True))})
            assert response.status_code in (200, 302)

    def get(self, url: str, status: int = 200) -> str:
        response = self.client.get(url)
        assert response.status_code == status, (url, response.status_code)
        return response.get_data(as_text=True)

    def post(self, page_url: str, data: dict[str, Any],
             status: int = 302) -> str:
        html = self.get(page_url)
        response = self.client.post(page_url, data=dict(
            data, _csrf_token=token(html)), follow_redirects=False)
        assert response.status_code == status, (
            response.status_code, response.get_data(as_text=True)[-2000:])
        return response.get_data(as_text=True)


def token(html: str) -> str:
    match = TOKEN.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)


@pytest.fixture
def world():
    users = positioned("staf", "kabid", password=PASSWORD)
    OpdFactory(name="diskominfo",
               users=[{"name": users["staf"]["name"], "capacity": "editor"}])
    org = OpdFactory()
    users["opd"] = OpdEditorFactory(organization=org, password=PASSWORD)
    CycleFactory(user=users["staf"], code="2026-S1",
                 title="Siklus Semester I 2026", start_date="2026-01-05")
    return users, org


def test_staff_publish_a_cycle_from_its_confirmation_page(world, report, app):
    users, org = world
    ids = make_items(users, org, 2)
    url = "/sektoral/cycle/2026-S1/publish"
    Browser(app, None).get(url, status=403)
    Browser(app, users["opd"]).get(url, status=403)
    kabid = Browser(app, users["kabid"])
    assert "Jumlah Penduduk Kelompok 1" in kabid.get(url)
    assert 'id="publish-cycle"' not in kabid.get(url)  # may not publish

    staf = Browser(app, users["staf"])
    page = staf.get(url)
    assert "Jumlah Penduduk Kelompok 2" in page and 'id="publish-cycle"' in page
    # without the CSRF token nothing happens
    response = staf.client.post(url, data={"note": "x"})
    assert response.status_code in (400, 403)
    assert all(model.Package.get(i).private for i in ids)

    staf.post(url, {"note": "Rilis"})
    assert not any(model.Package.get(i).private for i in ids)
    # published: the page says so and the form is gone; a second POST
    # re-renders the page with the error
    page = staf.get(url)
    assert 'id="publish-cycle"' not in page
    page = staf.post(url, {"note": "lagi"}, status=400)
    assert "sektoral-errors" in page


def test_refused_publication_keeps_the_note(world, report, app):
    users, org = world
    make_items(users, org, 1)
    report["version"] = None
    page = Browser(app, users["staf"]).post(
        "/sektoral/cycle/2026-S1/publish", {"note": "catatan saya"},
        status=400)
    assert "sektoral-errors" in page and "catatan saya" in page


def test_reopen_and_withdraw_forms(world, report, app):
    users, org = world
    first, second = make_items(users, org, 2)
    call_as(users["staf"], "sektoral_cycle_publish", id="2026-S1")
    name = model.Package.get(first).name
    staf = Browser(app, users["staf"])
    page = staf.get("/dataset/" + name)
    assert f"/sektoral/dataset/{name}/reopen" in page  # staff see the links
    assert f"/sektoral/dataset/{name}/reopen" not in Browser(app, None).get(
        "/dataset/" + name)
    Browser(app, users["opd"]).get(f"/sektoral/dataset/{name}/withdraw",
                                   status=403)
    # the note is required: refused, what was typed is kept (blank here)
    page = staf.post(f"/sektoral/dataset/{name}/withdraw", {"note": " "},
                     status=400)
    assert "sektoral-errors" in page
    staf.post(f"/sektoral/dataset/{name}/withdraw",
              {"note": "Sumber dicabut"})
    assert model.Session.query(Notice).one().kind == "withdrawal"
    assert "Sumber dicabut" in Browser(app, None).get("/dataset/" + name)

    other = model.Package.get(second).name
    staf.post(f"/sektoral/dataset/{other}/reopen", {"note": "Koreksi"})
    assert "Koreksi" in Browser(app, None).get("/dataset/" + other)


def test_portal_page(world, report, app, ckan_config, monkeypatch):
    users, org = world
    make_items(users, org, 1)
    call_as(users["staf"], "sektoral_cycle_publish", id="2026-S1")
    url = "/sektoral/cycle/2026-S1/portal"
    Browser(app, users["opd"]).get(url, status=403)
    staf = Browser(app, users["staf"])
    page = staf.get(url)
    assert "Jumlah Penduduk Kelompok 1" in page and 'id="push"' not in page
    monkeypatch.setitem(ckan_config, "ckanext.sektoral.portal.url",
                        "http://127.0.0.1:9")
    assert 'id="push"' in staf.get(url)
    staf.post(url, {})
    from ckanext.sektoral.model.publication import PushState

    assert {s.status for s in model.Session.query(PushState)} == {"queued"}
    assert 'id="push"' not in Browser(app, users["kabid"]).get(url)
