"""The OPD pages through the web app: inbox, item page, Submit (CSRF)."""
from __future__ import annotations

import pytest

from tests.factories import CycleFactory, call_as
from tests.inbox import helpers as ih

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index",
                                     "clean_queues")


@pytest.fixture
def storage(ckan_config, monkeypatch, tmp_path):
    monkeypatch.setitem(ckan_config, "ckan.storage_path", str(tmp_path))
    return tmp_path


@pytest.fixture
def setup():
    p = ih.people()
    ih.cycle(p)
    p["incomplete"] = ih.item(p, p["org"], "Jumlah Penduduk Menurut Kabupaten/Kota",
                              metadata=False)
    p["other_item"] = ih.item(p, p["other_org"], "Jumlah Kapal Lain")
    return p


def get(app, url, user=None, **kw):
    client = ih.session(app, user) if user else app.test_client()
    return client.get(url, **kw)


# --- inbox ---------------------------------------------------------------------

def test_inbox_lists_only_the_producers_items(app, setup):
    p = setup
    response = get(app, "/sektoral/inbox", p["producer"])
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Jumlah Penduduk Menurut Kabupaten/Kota" in html
    assert "Jumlah Kapal Lain" not in html
    assert "/sektoral/inbox/" + p["incomplete"]["name"] in html
    # Indonesian by default: stage label and page title.
    assert "Permintaan Data" in html and "Diminta" in html

    other = get(app, "/sektoral/inbox", p["other"]).get_data(as_text=True)
    assert "Jumlah Kapal Lain" in other
    assert "Jumlah Penduduk" not in other


def test_inbox_in_english(app, setup):
    html = get(app, "/en/sektoral/inbox", setup["producer"]).get_data(as_text=True)
    assert "Data requests" in html and "Requested" in html


def test_inbox_anonymous_is_sent_to_login(app, setup):
    response = app.get("/sektoral/inbox", follow_redirects=False)
    assert response.status_code == 302
    assert "/user/login" in response.headers["Location"]


def test_inbox_user_without_opd_sees_explanation(app, setup):
    html = get(app, "/en/sektoral/inbox", setup["nobody"]).get_data(as_text=True)
    assert "not an editor or admin of any OPD" in html


def test_inbox_filters(app, setup):
    p = setup
    ih.item(p, p["org"], "Data Belum Diminta", request=False)
    cycle_id = CycleFactory(user=p["staf"], code="2025-S2", title="Lama",
                            start_date="2025-07-01")["id"]
    ih.bulk_items(p["org"]["id"], cycle_id, 2)  # late: the cycle is old
    client = ih.session(app, p["producer"])

    def shown(query):
        html = client.get("/en/sektoral/inbox" + query).get_data(as_text=True)
        return html.count('href="/en/sektoral/inbox/'), html

    count, html = shown("")
    assert count == 3 and "Data Belum Diminta" not in html
    count, html = shown("?stage=dikembalikan")
    assert count == 1 and "Lengkapi definisi 0" in html
    count, html = shown("?late=true")
    assert count == 2 and "late by" in html
    count, html = shown("?late=false")
    assert count == 1 and "Jumlah Penduduk Menurut" in html
    count, html = shown("?cycle=2026-S1&stage=diminta")
    assert count == 1 and 'value="2026-S1" selected' in html
    # A wrong filter value is named in the page, not a crash.
    response = client.get("/en/sektoral/inbox?cycle=NOPE")
    assert response.status_code == 200
    assert "Cycle not found" in response.get_data(as_text=True)


# --- item page -------------------------------------------------------------------

def test_item_page_shows_checklist_and_disabled_submit_with_reasons(app, setup):
    p = setup
    url = "/en/sektoral/inbox/" + p["incomplete"]["name"]
    html = get(app, url, p["producer"]).get_data(as_text=True)
    assert 'id="sektoral-checklist"' in html
    assert "Release frequency" in html  # a missing required field, by label
    assert 'id="sektoral-submit" disabled' in html
    assert "Upload at least one data file." in html
    assert "Fill in the metadata:" in html
    # Links to CKAN's own forms.
    assert "/edit/" + p["incomplete"]["name"] in html
    assert "/{}/resource/new".format(p["incomplete"]["name"]) in html
    # Every control has a label.
    assert '<label for="submit-note"' in html


def test_item_page_access(app, setup):
    p = setup
    url = "/sektoral/inbox/" + p["incomplete"]["name"]
    # an item the caller may not read answers as if it did not exist
    assert get(app, url, p["other"]).status_code == 404
    assert get(app, url, p["nobody"]).status_code == 404
    response = app.get(url, follow_redirects=False)
    assert response.status_code == 302 and "/user/login" in response.headers["Location"]
    # The Walidata may look (read only: Submit disabled with the reason).
    html = get(app, "/en" + url, p["kasie"]).get_data(as_text=True)
    assert "Only the editors and admins of the producing OPD" in html
    assert get(app, "/sektoral/inbox/no-such-dataset", p["producer"]).status_code == 404


def _post_submit(app, user, name, note, with_token=True, lang="/en",
                 **fields):
    """GET the item page and POST its Submit form, as a browser does."""
    client = ih.session(app, user)
    url = lang + "/sektoral/inbox/" + name
    page = client.get(url).get_data(as_text=True)
    data = dict(fields, note=note)
    if with_token:
        data["_csrf_token"] = ih.csrf_token(page)
    return client.post(url, data=data, follow_redirects=False), client


def test_submit_without_csrf_token_is_refused(app, setup):
    p = setup
    response, _ = _post_submit(app, p["producer"], p["incomplete"]["name"],
                               "tanpa token", with_token=False)
    assert response.status_code == 400
    shown = call_as(p["producer"], "package_show", id=p["incomplete"]["id"])
    assert shown["sektoral"]["stage"] == "diminta"


def test_incomplete_submit_is_blocked_with_reasons_and_keeps_the_note(app, setup):
    p = setup
    response, _ = _post_submit(app, p["producer"], p["incomplete"]["name"],
                               "Catatan yang diketik <b>panjang</b>", lang="")
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert 'id="sektoral-errors"' in html
    assert "Kelengkapan" in html  # the error names the problem, in Indonesian
    assert "Catatan yang diketik &lt;b&gt;panjang&lt;/b&gt;</textarea>" in html
    shown = call_as(p["producer"], "package_show", id=p["incomplete"]["id"])
    assert shown["sektoral"]["stage"] == "diminta"


def test_other_opd_cannot_submit(app, setup):
    p = setup
    url = "/en/sektoral/inbox/" + p["incomplete"]["name"]
    client = ih.session(app, p["other"])
    # A token from a page the other OPD may see (its own inbox).
    token = ih.csrf_token(client.get("/en/sektoral/inbox").get_data(as_text=True))
    response = client.post(url, data={"_csrf_token": token, "note": "x"})
    assert response.status_code == 404  # as if the item did not exist
    shown = call_as(p["producer"], "package_show", id=p["incomplete"]["id"])
    assert shown["sektoral"]["stage"] == "diminta"


def test_complete_submit_succeeds(app, setup, storage):
    p = setup
    pkg = ih.item(p, p["org"], "Jumlah Penduduk Lengkap")
    ih.upload_valid(app, p, pkg)
    url = "/en/sektoral/inbox/" + pkg["name"]
    html = get(app, url, p["producer"]).get_data(as_text=True)
    assert 'id="sektoral-submit" disabled' not in html
    assert "Valid" in html and "Full validation report" in html
    response, client = _post_submit(app, p["producer"], pkg["name"],
                                    "Sudah lengkap.")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/sektoral/inbox/" + pkg["name"])
    shown = call_as(p["producer"], "package_show", id=pkg["id"])
    assert shown["sektoral"]["stage"] == "dikirim"
    history = call_as(p["producer"], "sektoral_history", id=pkg["id"])
    assert history[-1]["note"] == "Sudah lengkap."
    after = client.get(url).get_data(as_text=True)
    assert "Submitted to the Walidata" in after
    assert 'id="sektoral-submit" disabled' in after  # no second submit


def test_stale_version_is_a_conflict_named_in_the_page(app, setup, storage):
    p = setup
    pkg = ih.item(p, p["org"], "Data Versi Lama")
    ih.upload_valid(app, p, pkg)
    # The page was loaded at version 2 (after the request); the Walidata
    # changed nothing, but a stale version 1 from an old tab conflicts.
    response, _ = _post_submit(app, p["producer"], pkg["name"], "n",
                               version="1")
    assert response.status_code == 409
    assert "Conflict" in response.get_data(as_text=True)


# --- dataset page ----------------------------------------------------------------

def test_dataset_page_shows_workflow_to_those_who_may_read_history(
        app, setup, storage):
    p = setup
    CycleFactory(user=p["staf"], code="2026-S2", title="S2",
                 start_date="2026-07-01")
    pkg = ih.item(p, p["org"], "Data Dikembalikan", cycle_code="2026-S2")
    url = "/en/dataset/" + pkg["name"]
    html = get(app, url, p["producer"]).get_data(as_text=True)
    assert 'id="sektoral-workflow-heading"' in html
    assert "Send request" in html and "Requested" in html
    assert "/sektoral/inbox/" + pkg["name"] in html  # back to the item page
    staff = get(app, url, p["kasie"]).get_data(as_text=True)
    assert 'id="sektoral-workflow-heading"' in staff
    assert "/sektoral/inbox/" + pkg["name"] not in staff
    assert get(app, url, p["other"]).status_code == 404
    # Once submitted, the OPD has nothing to do: no button to the item page.
    ih.upload_valid(app, p, pkg)
    call_as(p["producer"], "sektoral_submit", id=pkg["id"])
    html = get(app, url, p["producer"]).get_data(as_text=True)
    assert "Submitted" in html
    assert "/sektoral/inbox/" + pkg["name"] not in html


def test_item_page_polls_while_a_file_is_validated(app, setup, storage):
    import io
    import json

    from ckanext.sektoral.core import tables

    p = setup
    pkg = ih.item(p, p["org"], "Data Sedang Divalidasi")
    response = app.post("/api/3/action/resource_create", data={
        "package_id": pkg["id"], "name": "penduduk.csv", "format": "CSV",
        "jenis_berkas": "data",
        "schema": json.dumps(tables.load("kabupaten_kota_tahunan")),
        "upload": (io.BytesIO(ih.VALID_CSV), "penduduk.csv"),
    }, headers=ih.headers(p["producer"]))
    assert response.json["success"]
    # The validation job has not run yet.
    url = "/en/sektoral/inbox/" + pkg["name"]
    html = get(app, url, p["producer"]).get_data(as_text=True)
    assert 'data-module="sektoral-validation-poll"' in html
    assert "sektoral_completeness" in html
    assert "validation is still running" in html
    assert 'id="sektoral-submit" disabled' in html
    ih.run_jobs()
    html = get(app, url, p["producer"]).get_data(as_text=True)
    assert 'data-module="sektoral-validation-poll"' not in html
    assert 'id="sektoral-submit" disabled' not in html
