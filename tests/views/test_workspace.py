"""Walidata pages: workspace, cycle page, planning, review, approval.

Pages are driven like a browser: a session login, the CSRF token read
from the rendered form, POSTs of the forms.
"""
from __future__ import annotations

import io
import re
from typing import Any

import pytest
import sqlalchemy as sa

from ckan import model
from ckan.tests import helpers

from ckanext.sektoral.model import Item, Transition
from tests.factories import (CycleFactory, ItemFactory, OpdEditorFactory,
                             OpdFactory, positioned, put_at_stage)

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index", "clean_queues")

PASSWORD = "Sektoral-Test-2026"
TOKEN = re.compile(r'name="_csrf_token" value="([^"]+)"')


class Browser:
    """A logged-in session (cookies) of one user, like a real browser."""

    def __init__(self, app: Any, user: dict[str, Any] | None) -> None:
        self.client = app.test_client()
        if user is not None:
            page = self.client.get("/user/login")
            response = self.client.post("/user/login", follow_redirects=False, data={
                "login": user["name"], "password": PASSWORD,
                "_csrf_token": token(page.get_data(as_text=True))})
            assert response.status_code in (200, 302), response.status_code

    def get(self, url: str, status: int = 200, **kw: Any) -> str:
        response = self.client.get(url, **kw)
        assert response.status_code == status, (url, response.status_code)
        return response.get_data(as_text=True)

    def submit(self, page_url: str, action_url: str, data: dict[str, Any],
               status: int = 302, **kw: Any) -> Any:
        """POST a form of ``page_url`` with the page's CSRF token."""
        html = self.get(page_url)
        kw.setdefault("follow_redirects", False)
        response = self.client.post(action_url, data=dict(
            data, _csrf_token=token(html)), **kw)
        assert response.status_code == status, (
            response.status_code, response.get_data(as_text=True)[-3000:])
        return response


def token(html: str) -> str:
    match = TOKEN.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)


@pytest.fixture
def world(app):
    users = positioned("staf", "kasie", "kabid", "kadis", password=PASSWORD)
    org = OpdFactory(name="dinas-kesehatan", title="Dinas Kesehatan")
    users["opd"] = OpdEditorFactory(organization=org, password=PASSWORD)
    CycleFactory(user=users["staf"], code="2026-S1",
                 title="Siklus Semester I 2026", start_date="2026-01-05")
    return {"users": users, "org": org,
            "browsers": {role: Browser(app, u) for role, u in users.items()}
            | {"anon": Browser(app, None)}}


def _items(world, n: int) -> list[str]:
    return [ItemFactory(user=world["users"]["staf"], cycle="2026-S1",
                        owner_org=world["org"]["name"],
                        title=f"Data {i:03d}")["id"] for i in range(n)]


def _stages(ids: list[str]) -> list[str]:
    model.Session.expire_all()
    return [model.Session.get(Item, i).stage for i in ids]


def test_who_sees_the_workspace(world):
    b = world["browsers"]
    html = b["staf"].get("/sektoral/workspace")
    assert "Siklus Semester I 2026" in html
    assert "Ruang kerja" in html or "Ruang Kerja" in html  # Indonesian UI
    b["kadis"].get("/sektoral/workspace")
    b["opd"].get("/sektoral/workspace", status=403)
    b["anon"].get("/sektoral/workspace", status=403)
    # English is available
    assert "Walidata workspace" in b["staf"].get("/en/sektoral/workspace")


def test_cycle_page_lists_filters_and_offers_the_users_steps(world):
    ids = _items(world, 3)
    html = world["browsers"]["staf"].get("/sektoral/cycle/2026-S1")
    assert all(f"Data {i:03d}" in html for i in range(3))
    assert 'value="request"' in html      # staff may send the requests
    html = world["browsers"]["kasie"].get("/sektoral/cycle/2026-S1")
    assert 'name="transition"' not in html  # nothing for the Kasie yet
    html = world["browsers"]["staf"].get(
        "/sektoral/cycle/2026-S1?stage=diminta")
    assert "Data 000" not in html
    assert ids


def _steps_table(html: str) -> str:
    start = html.index('<table class="table table-sm sektoral-table">')
    return html[start:html.index("</table>", start)]


def test_cycle_page_names_who_acts_in_each_step(world):
    table = _steps_table(world["browsers"]["staf"].get(
        "/sektoral/cycle/2026-S1"))
    assert "5. Pemeriksaan dan persetujuan" in table
    assert "Kepala Bidang (Kabid), Kepala Dinas (Kadis)" in table
    assert "OPD produsen data, Kepala Seksi (Kasie)" in table


@pytest.mark.ckan_config("ckanext.sektoral.approval.checker", "")
@pytest.mark.ckan_config("ckanext.sektoral.approval.approver", "kabid")
def test_cycle_page_steps_follow_the_configured_chain(world):
    """The steps table said "Kabid and Kadis check and approve" whatever
    the configuration; the chain decides who acts in step 5."""
    table = _steps_table(world["browsers"]["staf"].get(
        "/sektoral/cycle/2026-S1"))
    assert "Kepala Bidang (Kabid)" in table
    assert "Kadis" not in table


def _count_queries(fn) -> int:
    engine = model.meta.engine
    count = [0]

    def on_execute(*args: Any) -> None:
        count[0] += 1
    sa.event.listen(engine, "before_cursor_execute", on_execute)
    try:
        fn()
    finally:
        sa.event.remove(engine, "before_cursor_execute", on_execute)
    return count[0]


@pytest.mark.parametrize("url", ["/sektoral/workspace",
                                 "/sektoral/cycle/2026-S1",
                                 "/sektoral/review", "/sektoral/approval"])
def test_query_count_does_not_grow_with_items(world, url):
    staf = world["browsers"]["staf"]
    _items(world, 5)
    staf.get(url)  # warm caches
    small = _count_queries(lambda: staf.get(url))
    _items(world, 45)
    large = _count_queries(lambda: staf.get(url))
    assert large <= small, (url, small, large)


def test_send_requests_needs_csrf_and_moves_the_cycle(world):
    ids = _items(world, 3)
    staf = world["browsers"]["staf"]
    # without the token: refused, nothing moves
    response = staf.client.post("/sektoral/cycle/2026-S1/transition",
                                follow_redirects=False, data={
        "transition": "request", "scope": "cycle", "origin": "cycle"})
    assert response.status_code == 400
    assert _stages(ids) == ["direncanakan"] * 3
    staf.submit("/sektoral/cycle/2026-S1", "/sektoral/cycle/2026-S1/transition",
                {"transition": "request", "scope": "cycle", "origin": "cycle"})
    assert _stages(ids) == ["diminta"] * 3
    assert model.Session.query(Transition).filter(
        Transition.transition == "request").count() == 3
    # sending the requests produced the OPD's request letter
    html = staf.get("/sektoral/cycle/2026-S1")
    assert "/letter/dinas-kesehatan/pdf" in html


def test_a_refused_step_shows_the_error_and_keeps_the_note(world):
    ids = _items(world, 2)
    staf = world["browsers"]["staf"]
    # Kasie's "return" is not the staff's: refused, explained, note kept
    response = staf.submit(
        "/sektoral/cycle/2026-S1", "/sektoral/cycle/2026-S1/transition",
        {"transition": "return", "ids": ids, "note": "Kolom tahun kosong",
         "origin": "cycle"}, status=409)
    html = response.get_data(as_text=True)
    assert "Mohon perbaiki" in html
    assert "Kolom tahun kosong" in html
    assert _stages(ids) == ["direncanakan"] * 2


def test_create_cycle_keeps_what_was_typed_on_error(world):
    staf = world["browsers"]["staf"]
    response = staf.submit("/sektoral/cycle/new", "/sektoral/cycle/new", {
        "code": "2026-S1", "title": "Duplikat", "start_date": "2026-07-01"},
        status=200)
    html = response.get_data(as_text=True)
    assert "Mohon perbaiki" in html and 'value="Duplikat"' in html
    staf.submit("/sektoral/cycle/new", "/sektoral/cycle/new", {
        "code": "2026-S2", "title": "Siklus Semester II 2026",
        "start_date": "2026-07-01"})
    assert "Siklus Semester II 2026" in staf.get("/sektoral/cycle/2026-S2")
    world["browsers"]["kasie"].get("/sektoral/cycle/new", status=403)


def test_item_form_and_import_with_preview(world):
    staf = world["browsers"]["staf"]
    staf.submit("/sektoral/cycle/2026-S1/items/new",
                "/sektoral/cycle/2026-S1/items/new",
                {"title": "Jumlah Puskesmas", "owner_org": "dinas-kesehatan",
                 "satuan": "unit"})
    assert model.Session.query(Item).count() == 1
    csv_body = ("OPD,Judul,Satuan,Level Penyajian,Frekuensi,Urusan\n"
                "Dinas Kesehatan,Jumlah Tenaga Kesehatan,orang,Kabupaten/Kota,"
                "Tahunan,1.02\n").encode()
    page = "/sektoral/cycle/2026-S1/import"
    response = staf.submit(page, page, {
        "upload": (io.BytesIO(csv_body), "daftar.csv")}, status=200,
        content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert "Jumlah Tenaga Kesehatan" in html and 'name="confirm"' in html
    assert model.Session.query(Item).count() == 1  # preview creates nothing
    stash = re.search(r'name="token" value="([^"]+)"', html).group(1)
    staf.submit(page, page, {"confirm": "1", "token": stash,
                             "filename": "daftar.csv"})
    assert model.Session.query(Item).count() == 2
    bad = csv_body.replace(b"Tahunan", b"Kadang-kadang")
    response = staf.submit(page, page, {
        "upload": (io.BytesIO(bad), "daftar.csv")}, status=409,
        content_type="multipart/form-data")
    assert "import-errors" in response.get_data(as_text=True)
    assert model.Session.query(Item).count() == 2
    assert staf.client.get("/sektoral/import-template.xlsx").status_code == 200
    world["browsers"]["opd"].get("/sektoral/cycle/2026-S1/import", status=403)


def test_review_queue_accept_and_return(world):
    ids = _items(world, 2)
    put_at_stage(ids, "dikirim")
    kasie = world["browsers"]["kasie"]
    html = kasie.get("/sektoral/review")
    assert "Data 000" in html and "Kelengkapan" in html
    world["browsers"]["opd"].get("/sektoral/review", status=403)
    response = kasie.submit("/sektoral/review",
                            "/sektoral/cycle/2026-S1/transition",
                            {"transition": "return", "ids": ids[0], "note": "",
                             "origin": "review"}, status=409)
    assert "Mohon perbaiki" in response.get_data(as_text=True)
    kasie.submit("/sektoral/review", "/sektoral/cycle/2026-S1/transition",
                 {"transition": "return", "ids": ids[0],
                  "note": "Lengkapi definisi", "origin": "review"})
    kasie.submit("/sektoral/review", "/sektoral/cycle/2026-S1/transition",
                 {"transition": "accept", "ids": ids[1], "origin": "review"})
    assert _stages(ids) == ["dikembalikan", "diterima"]


def test_approval_inbox_checks_and_approves_the_cycle(world):
    ids = _items(world, 2)
    put_at_stage(ids, "dalam_laporan")
    b = world["browsers"]
    assert "Data 001" in b["kabid"].get("/sektoral/approval")
    assert "Data 001" not in b["kadis"].get("/sektoral/approval")
    b["kabid"].submit("/sektoral/approval", "/sektoral/cycle/2026-S1/transition",
                      {"transition": "check", "scope": "cycle",
                       "stage": "dalam_laporan", "origin": "approval"})
    assert _stages(ids) == ["diperiksa"] * 2
    b["kadis"].submit("/sektoral/approval", "/sektoral/cycle/2026-S1/transition",
                      {"transition": "approve", "scope": "cycle",
                       "stage": "diperiksa", "origin": "approval"})
    assert _stages(ids) == ["disetujui"] * 2


def test_each_step_flashes_what_happened(world):
    """Issue 12 item 10: a Kasie's return said "moved to the next step"."""
    ids = _items(world, 2)
    put_at_stage(ids, "dikirim")
    kasie = world["browsers"]["kasie"]
    kasie.submit("/sektoral/review", "/sektoral/cycle/2026-S1/transition",
                 {"transition": "return", "ids": ids[0],
                  "note": "Lengkapi definisi", "origin": "review"})
    html = kasie.get("/sektoral/review")
    assert "dikembalikan ke OPD" in html, html[-4000:]
    assert "tahap berikutnya" not in html
    assert "Dikembalikan" in html
    kasie.submit("/en/sektoral/review", "/en/sektoral/cycle/2026-S1/transition",
                 {"transition": "accept", "ids": ids[1], "origin": "review"})
    html = kasie.get("/en/sektoral/review")
    assert "1 dataset accepted (validated)." in html
    assert 'Now at stage "Accepted"' in html or "Now at stage" in html


@pytest.mark.usefixtures("with_request_context")
@pytest.mark.parametrize("role", ["opd", "staf", "kasie"])
def test_a_refusal_names_the_stage_and_who_may_act(world, role):
    """Issue 12 item 10: an OPD or the staff trying to approve was told it
    was the stage, when it is the role."""
    import ckan.plugins.toolkit as tk

    (pkg,) = _items(world, 1)
    put_at_stage([pkg], "diperiksa")
    user = world["users"][role]["name"]
    with pytest.raises(tk.NotAuthorized) as refused:
        helpers.call_action("sektoral_approve", {"user": user}, id=pkg)
    message = str(refused.value)
    assert "tahap dataset saat ini" not in message
    assert "Kepala Dinas" in message or "Kadis" in message, message
    assert "Diperiksa" in message, message
    # wrong stage and wrong role: the stage and what may happen there
    put_at_stage([pkg], "diminta")
    with pytest.raises((tk.NotAuthorized, tk.ValidationError)) as refused:
        helpers.call_action("sektoral_approve", {"user": user}, id=pkg)
    message = str(refused.value)
    assert "Diminta" in message and "Kirim" in message, message
