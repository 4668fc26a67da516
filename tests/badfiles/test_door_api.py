"""Refusals at the door outside the corpus: documents over the size limit,
data linked in a format the portal cannot read, English messages."""
from __future__ import annotations

import io

import pytest

from tests.badfiles.corpus import HEADER, ROWS
from tests.inbox import helpers as ih

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index",
                                     "clean_queues")


@pytest.fixture
def setup(ckan_config, monkeypatch, tmp_path):
    monkeypatch.setitem(ckan_config, "ckan.storage_path", str(tmp_path))
    monkeypatch.setitem(ckan_config, "ckan.max_resource_size", 1)
    p = ih.people()
    ih.cycle(p)
    p["pkg"] = ih.item(p, p["org"], "Data Pintu")
    return p


def _create(app, p, lang="", **data):
    return app.post(f"{lang}/api/3/action/resource_create",
                    data=dict(package_id=p["pkg"]["id"], **data),
                    headers=ih.headers(p["producer"]))


def test_a_document_over_the_limit_is_refused_in_mb(app, setup):
    response = _create(app, setup, name="surat.pdf", jenis_berkas="surat",
                       format="PDF",
                       upload=(io.BytesIO(b"%PDF" + b"0" * (2 << 20)),
                               "surat.pdf"))
    assert response.status_code == 409
    assert response.json["error"]["upload"] == [
        "Ukuran berkas 2 MB, melebihi batas unggahan 1 MB."]


def test_a_document_is_not_refused_for_being_a_pdf(app, setup):
    response = _create(app, setup, name="surat.pdf", jenis_berkas="surat",
                       format="PDF", upload=(io.BytesIO(b"%PDF-1.4 x"),
                                             "surat.pdf"))
    assert response.json["success"]


def test_linked_data_in_an_unreadable_format_is_refused(app, setup):
    response = _create(app, setup, name="tabel", jenis_berkas="data",
                       format="ODS", url="https://example.org/tabel.ods")
    assert response.status_code == 409
    assert "CSV, XLSX, XLS" in response.json["error"]["format"][0]
    assert "ODS" in response.json["error"]["format"][0]


def test_messages_are_english_in_the_english_ui(app, setup):
    p = setup
    client = app.test_client()
    form = client.post(
        f"/en/data-sektoral/{p['pkg']['id']}/resource/new",
        headers=ih.headers(p["producer"]), data={
            "id": "", "save": "go-metadata", "name": "x.csv", "format": "CSV",
            "url": "", "jenis_berkas": "data",
            "upload": (io.BytesIO(b"\xff\xfe" + "a\tb".encode("utf-16-le")),
                       "x.csv")})
    assert form.status_code == 200
    assert "saved as Unicode text (UTF-16)" in form.get_data(as_text=True)


def test_the_format_follows_the_content(app, setup):
    from tests.badfiles.corpus import xlsx, _numeric
    p = setup
    data = xlsx([("Data", _numeric([HEADER] + ROWS))])
    response = _create(app, p, name="penduduk.csv", jenis_berkas="data",
                       format="CSV", upload=(io.BytesIO(data), "penduduk.csv"))
    assert response.json["result"]["format"] == "XLSX"
    ih.run_jobs()
    done = ih.call_as(p["producer"], "sektoral_completeness", id=p["pkg"]["id"])
    assert done["complete"], done
