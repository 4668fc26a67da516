"""The report published with a cycle: the approved version rendered as
final from the datasets published with it, nothing else; a draft says
DRAF on every page."""
from __future__ import annotations

import json
import re

import pytest

from ckan.lib import uploader
from ckan.tests import factories, helpers

from ckanext.sektoral.documents import report
from tests.documents.test_generation import call, docx_text, pdf_text
from tests.factories import run_jobs

pytestmark = pytest.mark.ckan_config(
    "ckanext.sektoral.documents.signatory_name", "Dr. Kadis Konfigurasi")

#: Values of the dataset that is accepted but never approved.
PANGAN_VALUES = ("1.200", "1.300")
PANGAN_TITLE = "Produksi Beras Menurut Kabupaten/Kota"


def _pages(path: str) -> list[str]:
    return [p for p in pdf_text(path).split("\f") if p.strip()]


def _publikasi_files(pkg: dict) -> dict[str, str]:
    upload = uploader.get_resource_uploader({})
    return {r["format"].lower(): upload.get_path(r["id"])
            for r in pkg["resources"]}


def _chapter_text(html: str) -> str:
    """The report without its annexes (where unpublished data may be named
    by title)."""
    return html.split("<h1>LAMPIRAN</h1>")[0]


def test_published_report_is_final_and_holds_only_published_data(world, app):
    users = world["users"]
    penduduk, pangan = world["penduduk"]["id"], world["pangan"]["id"]
    sysadmin = {"name": world["sysadmin"]["name"]}
    factories.Organization(  # the publisher of the report dataset
        name="diskominfo",
        users=[{"name": users["staf"]["name"], "capacity": "editor"}])
    for role, fullname in (("kabid", "Ir. Kabid Pemeriksa"),
                           ("kadis", "Dr. Kadis Penyetuju")):
        helpers.call_action("user_patch", {"user": sysadmin["name"]},
                            id=users[role]["id"], fullname=fullname)
    # penduduk goes to approval; pangan stays accepted (diterima)
    call(users["staf"], "sektoral_process", id=penduduk)
    call(users["staf"], "sektoral_draft", id=penduduk)
    call(users["kabid"], "sektoral_check", id=penduduk)
    call(users["staf"], "sektoral_report_generate", cycle=world["cycle"])
    run_jobs()

    # The draft: every accepted dataset, "DRAF" on every page.
    draft = report.current_version(world["cycle"])
    pages = _pages(draft["files"]["pdf"])
    assert len(pages) > 3
    assert all("DRAF" in page for page in pages)
    draft_pdf = " ".join(" ".join(pages).split())
    assert all(v in draft_pdf for v in PANGAN_VALUES)
    draft_html = open(draft["files"]["html"], encoding="utf-8").read()
    assert 'id="draft-mark"' in draft_html and "@top-center" in draft_html
    # nobody approved the draft: its approval sheet is blank (the checker
    # has already checked the dataset)
    assert "Ir. Kabid Pemeriksa" not in draft_html
    assert "belum disetujui" in draft_html
    draft_docx = docx_text(draft["files"]["docx"])
    assert "DRAF" in draft_docx
    from docx import Document
    assert "DRAF" in Document(draft["files"]["docx"]).sections[0] \
        .header.paragraphs[0].text

    call(users["kadis"], "sektoral_bulk_transition", transition="approve",
         cycle=world["cycle"])
    assert report.approved_version(world["cycle"])["version"] == \
        draft["version"]
    result = call(users["staf"], "sektoral_cycle_publish",
                  id=world["cycle"])
    assert result["published"] == [penduduk]
    publikasi = result["publikasi"]
    assert publikasi["dataset_tercakup"] == [penduduk]
    files = _publikasi_files(publikasi)
    assert set(files) == {"pdf", "html", "docx"}

    html = open(files["html"], encoding="utf-8").read()
    pdf = " ".join(pdf_text(files["pdf"]).split())
    docx = docx_text(files["docx"])
    for text in (html, pdf, docx):
        # final: no draft mark, no version title
        assert "DRAF" not in text and "Draf" not in text
        assert "versi" not in text.lower()
        # the published dataset with its values
        assert "Jumlah Penduduk Menurut Kabupaten/Kota" in text
        assert "100.000" in text and "200.000" in text
        # none of the unapproved dataset's values
        for value in PANGAN_VALUES:
            assert value not in text, value
        # approval sheet from the audit log, signatory from the config
        assert "Ir. Kabid Pemeriksa" in text
        assert "Dr. Kadis Penyetuju" in text
        assert "Kepala Bidang Persandian dan Statistik" in text
    assert "Dr. Kadis Konfigurasi" in html and "Dr. Kadis Konfigurasi" in pdf
    # the unapproved dataset only by title, in the annex of data not yet
    # available: no table, no chart, no chapter of its own
    assert PANGAN_TITLE not in _chapter_text(html)
    annex = html.split("<h2>Lampiran 2")[1].split("<h2>Lampiran 3")[0]
    assert PANGAN_TITLE in annex and "Belum dipublikasikan" in annex
    assert html.count("data:image/png;base64,") == 1
    chapter = re.compile(r"<h1>BAB \d+<br>PANGAN</h1>")  # urusan 2.09
    assert chapter.search(draft_html) and not chapter.search(html)
    sheet = report.approval_sheet(report.versions._cycle_id(world["cycle"]),
                                  [penduduk])
    assert [(a["step"], a["name"]) for a in sheet] == [
        ("check", "Ir. Kabid Pemeriksa"), ("approve", "Dr. Kadis Penyetuju")]
    assert all(re.search(r"\d{4}", a["date"]) for a in sheet)
    for a in sheet:
        assert a["date"] in html

    # The public cycle page and the report dataset list only what was
    # published.
    page = app.get(f"/statistik/{world['cycle']}").get_data(as_text=True)
    name = helpers.call_action("package_show", id=penduduk)["name"]
    assert f'href="/dataset/{name}"' in page
    assert PANGAN_TITLE not in page
    shown = helpers.call_action("package_show", {"user": ""},
                                id=publikasi["id"])
    assert shown["dataset_tercakup"] == [penduduk]
    assert pangan not in json.dumps(shown)
