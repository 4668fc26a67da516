"""Letters, compilation and report of a cycle through the actions, with
the rendered files checked by their text content."""
from __future__ import annotations

import io
import json
import re
import subprocess
import zipfile
from typing import Any

import pytest
from docx import Document as Docx
from openpyxl import load_workbook

from ckan.tests import helpers

from ckanext.sektoral.documents import report, store
from tests.factories import run_jobs

pytestmark = pytest.mark.usefixtures("with_request_context")


def call(user: dict[str, Any], action: str, **data: Any) -> Any:
    return helpers.call_action(action, {"user": user["name"],
                                        "ignore_auth": False}, **data)


def pdf_text(path: str) -> str:
    out = subprocess.run(["pdftotext", path, "-"],
                         check=True, capture_output=True)
    return out.stdout.decode("utf-8")


def docx_text(path: str) -> str:
    doc = Docx(path)
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(c.text for c in row.cells)
    return "\n".join(parts)


def _letter_path(letter: dict[str, Any], fmt: str) -> str:
    from ckan import model
    from ckanext.sektoral.model.documents import Document

    doc = model.Session.get(Document, letter["id"])
    return store.abspath(doc.files[fmt])


def test_letters_one_per_opd_with_items_deadline_and_signature(world):
    letters = call(world["users"]["staf"], "sektoral_letters_generate",
                   cycle=world["cycle"])
    by_org = {x["organization"]: x for x in letters}
    assert set(by_org) == {"dinas-dukcapil", "dinas-pangan"}
    letter = by_org["dinas-dukcapil"]
    assert letter["formats"] == ["docx", "pdf"]
    text = pdf_text(_letter_path(letter, "pdf"))
    flat = " ".join(text.split())
    for expected in ("PEMERINTAH PROVINSI MALUKU UTARA", "Nomor",
                     letter["number"], "Sifat", "Lampiran", "Hal",
                     "Peraturan Presiden Nomor 39 Tahun 2019",
                     "Jumlah Penduduk Menurut Kabupaten/Kota",
                     "Jumlah Akta Kelahiran Diterbitkan", "jiwa",
                     "Kabupaten/Kota", "Tahunan",
                     "Administrasi Kependudukan",
                     "60 hari kerja", "NIP.", "Tembusan"):
        assert expected in flat, expected
    # The other OPD's item is not in this OPD's letter.
    assert "Produksi Beras" not in flat
    # The deadline of step 2 as an Indonesian date.
    cycle = call(world["users"]["staf"], "sektoral_cycle_show",
                 id=world["cycle"])
    assert store.date_id(cycle["steps"][1]["due"]) in flat
    docx = docx_text(_letter_path(letter, "docx"))
    assert letter["number"] in docx and "Jumlah Penduduk" in docx
    assert "Tembusan" in docx

    # Regenerating one OPD keeps its nomor and replaces its files.
    old_pdf = _letter_path(letter, "pdf")
    again = call(world["users"]["staf"], "sektoral_letters_generate",
                 cycle=world["cycle"], organization="dinas-dukcapil")
    assert [x["number"] for x in again] == [letter["number"]]
    import os
    assert not os.path.exists(old_pdf)
    assert os.path.exists(_letter_path(again[0], "pdf"))


def test_letter_list_opd_sees_only_its_own(world):
    call(world["users"]["staf"], "sektoral_letters_generate",
         cycle=world["cycle"])
    own = call(world["users"]["opd"], "sektoral_letter_list",
               cycle=world["cycle"], organization="dinas-dukcapil")
    assert [x["organization"] for x in own] == ["dinas-dukcapil"]
    everything = call(world["users"]["kabid"], "sektoral_letter_list",
                      cycle=world["cycle"])
    assert len(everything) == 2


def test_letters_bad_input(world):
    staf = world["users"]["staf"]
    with pytest.raises(helpers.logic.ValidationError) as err:
        call(staf, "sektoral_letters_generate", cycle="1999-S9")
    assert "cycle" in err.value.error_dict
    with pytest.raises(helpers.logic.ValidationError) as err:
        call(staf, "sektoral_letters_generate", cycle=world["cycle"],
             organization="no-such-org")
    assert "organization" in err.value.error_dict


def test_analysis_ran_on_accept_keeps_bps_symbols_missing(world):
    result = call(world["users"]["kasie"], "sektoral_analysis_show",
                  id=world["penduduk"]["id"])
    assert result["status"] == "ok"
    analysis = result["result"]["files"][0]["analysis"]
    nilai = analysis["fields"]["nilai"]
    assert nilai["symbols"] == {"...": 1}
    assert nilai["count"] == 3 and nilai["sum"] == 350000
    assert nilai["min"] == 50000  # "..." is not 0
    jumps = [f for f in analysis["flags"] if f["kind"] == "jump"]
    assert jumps and jumps[0]["params"]["region"] in (8271, "8271")


@pytest.mark.ckan_config("ckanext.sektoral.analysis.jump_threshold", "150")
def test_analysis_threshold_is_configurable(world):
    call(world["users"]["staf"], "sektoral_analysis_run",
         id=world["penduduk"]["id"])
    run_jobs()
    result = call(world["users"]["kasie"], "sektoral_analysis_show",
                  id=world["penduduk"]["id"])
    assert result["threshold"] == 150
    flags = result["result"]["files"][0]["analysis"]["flags"]
    assert not [f for f in flags if f["kind"] == "jump"]


def test_compilation_is_a_valid_data_package_and_xlsx(world, tmp_path):
    from frictionless import validate

    started = call(world["users"]["staf"], "sektoral_compilation_generate",
                   cycle=world["cycle"])
    assert started["status"] == "pending"
    run_jobs()
    done = call(world["users"]["kasie"], "sektoral_compilation_list",
                cycle=world["cycle"])[0]
    assert done["status"] == "ok", done["error"]
    from ckan import model
    from ckanext.sektoral.model.documents import Document
    row = model.Session.get(Document, done["id"])
    zpath = store.abspath(row.files["zip"])
    with zipfile.ZipFile(zpath) as zf:
        zf.extractall(tmp_path)
        names = zf.namelist()
    assert "datapackage.json" in names and "metadata.csv" in names
    descriptor = json.loads((tmp_path / "datapackage.json").read_text())
    titles = {r["title"] for r in descriptor["resources"]}
    assert "Jumlah Penduduk Menurut Kabupaten/Kota" in titles
    assert "Jumlah Akta Kelahiran Diterbitkan" not in titles  # not accepted
    report_ = validate(str(tmp_path / "datapackage.json"))
    assert report_.valid, report_.flatten(["rowNumber", "type", "note"])
    penduduk = next(r for r in descriptor["resources"]
                    if r["title"].startswith("Jumlah Penduduk"))
    csv_text = (tmp_path / penduduk["path"]).read_text()
    assert "8272,Kota Tidore Kepulauan,...,jiwa,2023" in csv_text
    assert "'=HYPERLINK" in csv_text  # neutralised

    wb = load_workbook(io.BytesIO(open(store.abspath(row.files["xlsx"]),
                                       "rb").read()))
    assert wb.sheetnames[0] == "Metadata"
    assert len(wb.sheetnames) == 3
    sheet = wb[wb.sheetnames[1]] if "Penduduk" in wb.sheetnames[1] \
        else wb[wb.sheetnames[2]]
    values = [c.value for row_ in sheet.iter_rows() for c in row_]
    assert "..." in values and 0 not in values
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)


def test_report_versions_content_narrative_approval_and_failure(
        world, monkeypatch):
    staf = world["users"]["staf"]
    call(staf, "sektoral_report_narrative_update", cycle=world["cycle"],
         chapter="2.09", text="Narasi khusus ketahanan pangan daerah.")
    first = call(staf, "sektoral_report_generate", cycle=world["cycle"])
    assert first["status"] == "pending"
    run_jobs()
    current = report.current_version(world["cycle"])
    assert current["version"] == first["version"]
    assert set(current["files"]) == {"pdf", "html", "docx"}
    flat = " ".join(pdf_text(current["files"]["pdf"]).split())
    for expected in ("STATISTIK SEKTORAL", "KATA PENGANTAR", "PENDAHULUAN",
                     "Peraturan Presiden Nomor 39 Tahun 2019", "METODOLOGI",
                     "Dinas Kependudukan dan Pencatatan Sipil",
                     "ADMINISTRASI KEPENDUDUKAN", "PANGAN",
                     "Narasi khusus ketahanan pangan daerah.",
                     "Kota Ternate", "KESIMPULAN", "Lampiran 1 Metadata",
                     "Data yang Belum Tersedia",
                     "Jumlah Akta Kelahiran Diterbitkan",
                     "Rekapitulasi Kepatuhan", "Lembar Persetujuan",
                     "Kepala Bidang Persandian dan Statistik"):
        assert expected in flat, expected
    # Tables and figures are numbered through each chapter, never twice.
    for kind in ("Tabel", "Gambar"):
        numbers = re.findall(kind + r" (\d+\.\d+) ", flat)
        assert numbers and len(numbers) == len(set(numbers)), (kind, numbers)
    html = open(current["files"]["html"], encoding="utf-8").read()
    assert "data:image/png;base64," in html  # the charts
    assert "Narasi khusus" in docx_text(current["files"]["docx"])

    # A failed render: recorded on the new version, the previous stays.
    from ckanext.sektoral.documents import render

    def broken(html: str) -> bytes:
        raise RuntimeError("renderer exploded")

    monkeypatch.setattr(render, "html_to_pdf", broken)
    second = call(staf, "sektoral_report_generate", cycle=world["cycle"])
    run_jobs()
    listing = call(world["users"]["kabid"], "sektoral_report_list",
                   cycle=world["cycle"])
    failed = next(v for v in listing["versions"]
                  if v["version"] == second["version"])
    assert failed["status"] == "failed" and "exploded" in failed["error"]
    assert listing["current"] == first["version"]
    assert report.current_version(world["cycle"])["version"] == \
        first["version"]

    # The version the Kadis approves is the published one.
    assert report.approved_version(world["cycle"]) is None
    approved = report.approve_current(world["cycle"], "kadis-user")
    assert approved["approved"] is True
    assert report.approved_version(world["cycle"])["id"] == current["id"]


def test_narrative_bad_chapter(world):
    with pytest.raises(helpers.logic.ValidationError) as err:
        call(world["users"]["staf"], "sektoral_report_narrative_update",
             cycle=world["cycle"], chapter="9.99", text="x")
    assert "chapter" in err.value.error_dict


def test_report_year_series_sums_counts_and_averages_rates():
    """The report's chart per year: a count is the sum over the regions, a
    percentage their mean; a year with a value left out (x, NA, ...) is
    the total of what exists, marked incomplete; a year without any value
    has no bar."""
    analysis = {"measures": ["nilai"], "by_year": {
        "2024": {"nilai": {"sum": 30.0, "count": 3, "missing": 0}},
        "2023": {"nilai": {"sum": 24.0, "count": 3, "missing": 0}},
        "2025": {"nilai": {"sum": 20.0, "count": 2, "missing": 1}},
        "2026": {"nilai": {"sum": None, "count": 0, "missing": 3}}}}
    assert report.year_series(analysis, additive=True) == [
        ("2023", 24.0, True), ("2024", 30.0, True), ("2025", 20.0, False)]
    assert report.year_series(analysis, additive=False) == [
        ("2023", 8.0, True), ("2024", 10.0, True), ("2025", 10.0, False)]
    assert report.year_series({"measures": [], "by_year": {}}) == []
    png = report.charts.chart(analysis, "Persentase Penduduk Miskin",
                        additive=False)
    assert png.startswith(b"\x89PNG")


def test_tables_and_figures_numbered_through_the_chapter():
    chapter = {"number": 4, "datasets": [
        {"tables": [{"table": {"rows": []}, "chart": "png"}]},
        {"tables": [{"table": {}, "chart": None},            # nothing shown
                    {"table": {"rows": []}, "chart": None}]},
        {"tables": [{"table": {"rows": []}, "chart": "png"}]}]}
    report.number_tables(chapter)
    tables = [t for ds in chapter["datasets"] for t in ds["tables"]]
    assert [t.get("table_number") for t in tables] == [
        "4.1", None, "4.2", "4.3"]
    assert [t.get("figure_number") for t in tables] == [
        "4.1", None, None, "4.2"]


def test_report_names_stages_as_the_portal_does():
    """The report kept its own copy of the stage labels ("Dalam laporan",
    no label for a withdrawn dataset, whose raw value was printed); it
    now shows the portal's Indonesian labels of ``core/stages.py``."""
    from ckanext.sektoral.core.stages import Stage

    tr = report.content._id_translator()
    labels = {st: report.stage_label(st.value, tr) for st in Stage}
    assert labels[Stage.IN_REPORT] == "Dalam draf laporan"
    assert labels[Stage.WITHDRAWN] == "Ditarik"
    assert all(label != st.value for st, label in labels.items())
    assert report.stage_label("unknown", tr) == "unknown"
