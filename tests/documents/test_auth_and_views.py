"""Who may and who may not call each documents action, and the pages:
downloads, the Excel template, the cycle's documents page and its POST
forms (CSRF), the dataset page's analysis (Walidata only)."""
from __future__ import annotations

import io
import re
from typing import Any

import pytest
from openpyxl import load_workbook

from ckan.tests import helpers

from tests.factories import run_jobs

TOKEN = re.compile(r'name="_csrf_token" value="([^"]+)"')
PASSWORD = "Sektoral-Test-2026"


def call(user: dict[str, Any] | None, action: str, **data: Any) -> Any:
    context = {"user": user["name"] if user else "", "ignore_auth": False}
    return helpers.call_action(action, context, **data)


def allowed(user, action, **data) -> bool:
    try:
        call(user, action, **data)
        return True
    except (helpers.logic.NotAuthorized, helpers.logic.NotFound):
        # NotFound: a dataset the caller may not read answers as missing
        return False


MATRIX = [
    # action, data keys, who may
    ("sektoral_letters_generate", "cycle", {"staf"}),
    ("sektoral_compilation_generate", "cycle", {"staf"}),
    ("sektoral_compilation_list", "cycle",
     {"staf", "kasie", "kabid", "kadis", "pembina"}),
    ("sektoral_report_generate", "cycle", {"staf"}),
    ("sektoral_report_list", "cycle",
     {"staf", "kasie", "kabid", "kadis", "pembina"}),
    ("sektoral_letter_list", "cycle",
     {"staf", "kasie", "kabid", "kadis", "pembina"}),
    ("sektoral_analysis_run", "id", {"staf"}),
    ("sektoral_analysis_show", "id",
     {"staf", "kasie", "kabid", "kadis", "pembina"}),
]


@pytest.mark.usefixtures("with_request_context")
@pytest.mark.parametrize("action,key,who", MATRIX)
def test_who_may_call(world, action, key, who):
    value = world["cycle"] if key == "cycle" else world["penduduk"]["id"]
    for role, user in list(world["users"].items()) + [("anon", None)]:
        assert allowed(user, action, **{key: value}) == (role in who), \
            (action, role)
    run_jobs()


@pytest.mark.usefixtures("with_request_context")
def test_narrative_update_staff_only(world):
    data = {"cycle": world["cycle"], "chapter": "kesimpulan", "text": "T."}
    for role, user in list(world["users"].items()) + [("anon", None)]:
        assert allowed(user, "sektoral_report_narrative_update",
                       **data) == (role == "staf"), role


@pytest.mark.usefixtures("with_request_context")
def test_letter_list_producer_only_for_own_opd(world):
    users = world["users"]
    assert allowed(users["opd"], "sektoral_letter_list",
                   cycle=world["cycle"], organization="dinas-dukcapil")
    assert not allowed(users["other"], "sektoral_letter_list",
                       cycle=world["cycle"], organization="dinas-dukcapil")
    assert not allowed(users["opd"], "sektoral_letter_list",
                       cycle=world["cycle"])


class Browser:
    def __init__(self, app: Any, user: dict[str, Any] | None) -> None:
        self.client = app.test_client()
        if user is not None:
            page = self.client.get("/user/login")
            self.client.post("/user/login", data={
                "login": user["name"], "password": PASSWORD,
                "_csrf_token": token(page.get_data(as_text=True))})

    def get(self, url: str, status: int = 200) -> Any:
        response = self.client.get(url)
        assert response.status_code == status, (
            url, response.status_code, response.get_data(as_text=True)[-1500:])
        return response


def token(html: str) -> str:
    match = TOKEN.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def test_letter_download_for_staff_and_the_opd_only(app, world):
    users = world["users"]
    with app.flask_app.test_request_context():
        call(users["staf"], "sektoral_letters_generate",
             cycle=world["cycle"])
    url = "/sektoral/cycle/2026-S1/letter/dinas-dukcapil/pdf"
    body = Browser(app, users["opd"]).get(url).data
    assert body.startswith(b"%PDF")
    Browser(app, users["kabid"]).get(url)
    Browser(app, users["other"]).get(url, status=403)
    Browser(app, None).get(url, status=403)
    docx = Browser(app, users["opd"]).get(url[:-3] + "docx").data
    assert docx.startswith(b"PK")


def test_excel_template_of_an_item(app, world):
    users = world["users"]
    url = f"/sektoral/dataset/{world['pending']['name']}/template.xlsx"
    data = Browser(app, users["opd"]).get(url).data
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames[:2] == ["Data", "Petunjuk"]
    header = [c.value for c in wb["Data"][1]]
    assert header[:3] == ["kode_provinsi", "nama_provinsi",
                          "kode_kabupaten_kota"]
    # an item the caller may not read answers as if it did not exist
    Browser(app, users["other"]).get(url, status=404)
    Browser(app, None).get(url, status=404)


def test_documents_page_and_post_forms(app, world):
    users = world["users"]
    staf = Browser(app, users["staf"])
    page = staf.get("/sektoral/cycle/2026-S1/documents").get_data(
        as_text=True)
    assert "sektoral-letters" in page and "sektoral-report" in page
    # Without the CSRF token the POST is refused.
    response = staf.client.post("/sektoral/cycle/2026-S1/documents/report")
    assert response.status_code in (400, 403)
    response = staf.client.post(
        "/sektoral/cycle/2026-S1/documents/report",
        data={"_csrf_token": token(page)}, follow_redirects=False)
    assert response.status_code == 302
    # A bad chapter re-renders the page with the error and the text kept.
    response = staf.client.post(
        "/sektoral/cycle/2026-S1/documents/narrative",
        data={"_csrf_token": token(page), "chapter": "9.99",
              "text": "Teks yang diketik"})
    assert response.status_code == 400
    assert "sektoral-errors" in response.get_data(as_text=True)
    run_jobs()
    page = staf.get("/sektoral/cycle/2026-S1/documents").get_data(
        as_text=True)
    match = re.search(r'href="(/sektoral/report/[^"]+/pdf)"', page)
    assert match, "no report download link"
    assert staf.get(match.group(1)).data.startswith(b"%PDF")
    # The kasie reads but has no generate buttons; the OPD gets nothing.
    kasie = Browser(app, users["kasie"]).get(
        "/sektoral/cycle/2026-S1/documents").get_data(as_text=True)
    assert "sektoral-report" not in kasie
    Browser(app, users["opd"]).get("/sektoral/cycle/2026-S1/documents",
                                   status=403)
    Browser(app, users["opd"]).get(match.group(1), status=403)


def test_dataset_page_shows_analysis_to_walidata_only(app, world):
    url = f"/dataset/{world['penduduk']['name']}"
    kasie = Browser(app, world["users"]["kasie"]).get(url).get_data(
        as_text=True)
    assert 'id="sektoral-analysis-title"' in kasie
    assert "Kota Ternate" in kasie or "8271" in kasie
    opd = Browser(app, world["users"]["opd"]).get(url).get_data(
        as_text=True)
    assert 'id="sektoral-analysis-title"' not in opd


def test_the_buttons_follow_the_actions_auth(app, world):
    """The generate and analyse buttons ask the action's own auth
    (``h.check_access``), which lets sysadmins through as the API does:
    the template no longer keeps a stricter copy (staff position only)."""
    from ckan.tests import factories

    admin = Browser(app, factories.Sysadmin(password=PASSWORD))
    page = admin.get("/sektoral/cycle/2026-S1/documents").get_data(
        as_text=True)
    assert "sektoral-letters" in page and "sektoral-report" in page
    dataset = admin.get(f"/dataset/{world['penduduk']['name']}").get_data(
        as_text=True)
    assert 'id="sektoral-analysis-run"' in dataset
    kasie = Browser(app, world["users"]["kasie"]).get(
        f"/dataset/{world['penduduk']['name']}").get_data(as_text=True)
    assert 'id="sektoral-analysis-title"' in kasie
    assert 'id="sektoral-analysis-run"' not in kasie
