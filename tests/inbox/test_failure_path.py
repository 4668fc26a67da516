"""The producer's failure path (issue 12, items 5 and 6): the item page
of a file that failed validation and its full validation report, for the
producer and the Walidata, in both languages."""
from __future__ import annotations

import io
import json

import pytest

from ckanext.sektoral.core import tables
from tests.inbox import helpers as ih

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index",
                                     "clean_queues")

BAD_CSV = (
    "kode_provinsi,nama_provinsi,kode_kabupaten_kota,nama_kabupaten_kota,"
    "nilai,satuan,tahun\n"
    "82,Provinsi Maluku Utara,8271,Kota Ternate,banyak,jiwa,2023\n"
    "82,Provinsi Maluku Utara,82.72,Kota Tidore Kepulauan,114480,jiwa,2023\n"
).encode("utf-8")


@pytest.fixture
def storage(ckan_config, monkeypatch, tmp_path):
    monkeypatch.setitem(ckan_config, "ckan.storage_path", str(tmp_path))
    return tmp_path


@pytest.fixture
def failed(app, storage):
    p = ih.people()
    ih.cycle(p)
    pkg = ih.item(p, p["org"], "Jumlah Penduduk Salah")
    response = app.post("/api/3/action/resource_create", data={
        "package_id": pkg["id"], "name": "penduduk.csv", "format": "CSV",
        "jenis_berkas": "data",
        "schema": json.dumps(tables.load("kabupaten_kota_tahunan")),
        "upload": (io.BytesIO(BAD_CSV), "penduduk.csv"),
    }, headers=ih.headers(p["producer"]))
    assert response.json["success"], response.json
    ih.run_jobs()
    p["pkg"] = pkg
    p["res"] = response.json["result"]
    return p


@pytest.mark.parametrize("role", ["producer", "kasie", "staf"])
@pytest.mark.parametrize("lang", ["", "/en"])
def test_item_page_of_a_failed_file_renders(app, failed, role, lang):
    p = failed
    client = ih.session(app, p[role])
    response = client.get(lang + "/sektoral/inbox/" + p["pkg"]["name"])
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "penduduk.csv" in html
    if lang:
        assert "validation found 2 errors" in html
    else:
        assert "validasi menemukan 2 kesalahan" in html
    # nothing pending: the page does not reload itself
    assert 'data-module="sektoral-validation-poll"' not in html
    assert 'id="sektoral-submit" disabled' in html


def _report_link(html: str) -> str:
    import re
    match = re.search(r'href="([^"]+/validation[^"]*)"', html)
    assert match, "no link to the full validation report"
    return match.group(1).replace("&amp;", "&")


@pytest.mark.parametrize("role", ["producer", "kasie", "staf"])
def test_full_validation_report_is_readable(app, failed, role):
    p = failed
    client = ih.session(app, p[role])
    html = client.get("/sektoral/inbox/" + p["pkg"]["name"]).get_data(
        as_text=True)
    response = client.get(_report_link(html))
    assert response.status_code == 200
    report = response.get_data(as_text=True)
    # server-rendered, in Indonesian, naming column and spreadsheet row
    assert "nilai" in report and "baris 2" in report.lower()
    assert "kode_kabupaten_kota" in report and "baris 3" in report.lower()
    assert "8272" in report  # the BPS code to use instead of 82.72
    assert "datatidak valid" not in report
    assert "Durasi: s" not in report and "Duration: s" not in report
    assert "sektoral-validation-problems" in report  # rendered on the server


def test_full_validation_report_in_english(app, failed):
    p = failed
    client = ih.session(app, p["producer"])
    html = client.get("/en/sektoral/inbox/" + p["pkg"]["name"]).get_data(
        as_text=True)
    report = client.get(_report_link(html)).get_data(as_text=True)
    assert "row 2" in report.lower() and "nilai" in report


def test_report_of_another_opd_is_refused(app, failed):
    p = failed
    client = ih.session(app, p["producer"])
    html = client.get("/sektoral/inbox/" + p["pkg"]["name"]).get_data(
        as_text=True)
    link = _report_link(html)
    other = ih.session(app, p["other"])
    assert other.get(link).status_code in (403, 404)



def test_kasie_review_page_links_to_a_readable_report(app, failed):
    p = failed
    pkg = ih.item(p, p["org"], "Jumlah Penduduk Dikirim")
    ih.upload_valid(app, p, pkg)
    ih.call_as(p["producer"], "sektoral_submit", id=pkg["id"])
    client = ih.session(app, p["kasie"])
    html = client.get("/sektoral/review").get_data(as_text=True)
    import re
    links = re.findall(r'href="([^"]*/validation/[^"]*)"', html)
    assert links, "no validation report link on the review page"
    for link in links:
        response = client.get(link.replace("&amp;", "&"))
        assert response.status_code == 200
        assert "Berkas valid" in response.get_data(as_text=True)
    assert "Valid" in html and "validasi success" not in html


@pytest.mark.parametrize("role", ["producer", "kasie"])
def test_resource_page_badge_links_to_the_readable_report(app, failed, role):
    p = failed
    client = ih.session(app, p[role])
    page = client.get("/data-sektoral/{}/resource/{}".format(
        p["pkg"]["name"], p["res"]["id"]))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    link = "/sektoral/inbox/{}/validation/{}".format(p["pkg"]["id"],
                                                     p["res"]["id"])
    assert link in html and "Data: Tidak valid" in html
    assert "datatidak valid" not in html.lower()
    assert client.get(link).status_code == 200
