"""Public pages of published statistics: chart data, dataset page with
charts and JSON-LD, downloads, cycle pages, catalogue."""
from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from typing import Any

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from tests.factories import call_as

pytestmark = pytest.mark.usefixtures("with_plugins_module")


def _anon(action: str, **data: Any) -> Any:
    return helpers.call_action(action, {"user": "", "ignore_auth": False},
                               **data)


def _token(user: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": factories.APIToken(user=user["name"])["token"]}


def _name(seeded: dict[str, Any], key: str) -> str:
    return helpers.call_action("package_show",
                               id=seeded["items"][key])["name"]


# -- actions -----------------------------------------------------------------

def test_chart_data_of_a_published_dataset(seeded):
    data = _anon("sektoral_chart_data", id=seeded["items"]["A1"])
    assert data["available"] is True
    assert data["resource_id"] == seeded["resources"]["A1"]
    assert data["unit"] == "ton" and data["aggregation"] == "sum"
    # 2024: Tidore's "..." is left out and the total marked incomplete
    assert data["by_year"] == [
        {"year": 2023, "value": 1334.5, "missing": 0, "complete": True},
        {"year": 2024, "value": 2000, "missing": 1, "complete": False}]
    assert data["region_year"] == 2024
    assert [(r["code"], r["value"]) for r in data["by_region"]] == [
        ("8271", 2000), ("8272", None)]


def test_chart_data_of_unpublished_items_is_not_public(seeded):
    for user in (None, seeded["users"]["opd_b"]):
        # answered as a dataset that does not exist (no existence oracle)
        with pytest.raises(tk.ObjectNotFound):
            if user is None:
                _anon("sektoral_chart_data", id=seeded["items"]["A2"])
            else:
                call_as(user, "sektoral_chart_data", id=seeded["items"]["A2"])
    # Whoever may read the item may see its chart data.
    data = call_as(seeded["users"]["staf"], "sektoral_chart_data",
                   id=seeded["items"]["A2"])
    assert data["available"] is True
    assert call_as(seeded["users"]["opd_a"], "sektoral_chart_data",
                   id=seeded["items"]["A2"])["available"] is True


def test_chart_data_without_a_validated_file(seeded):
    data = call_as(seeded["users"]["staf"], "sektoral_chart_data",
                   id=seeded["items"]["B1"])
    assert data["available"] is False and data["reason"]
    with pytest.raises(tk.ValidationError):
        _anon("sektoral_chart_data")


def test_public_cycle_actions(seeded):
    cycles = _anon("sektoral_public_cycle_list")
    assert [(c["code"], c["published"]) for c in cycles] == [("PERF-1", 1)]
    cycle = _anon("sektoral_public_cycle_show", id="PERF-1")
    assert [d["id"] for d in cycle["datasets"]] == [seeded["items"]["A1"]]
    assert cycle["report"] is None
    with pytest.raises(tk.ObjectNotFound):
        _anon("sektoral_public_cycle_show", id="PERF-2")  # nothing published
    with pytest.raises(tk.ObjectNotFound):
        _anon("sektoral_public_cycle_show", id="NOPE")
    # Logged-in users see the same list (auth: everyone).
    assert call_as(seeded["users"]["opd_b"],
                   "sektoral_public_cycle_list") == cycles


# -- pages -------------------------------------------------------------------

def test_dataset_page_has_charts_preview_downloads_and_jsonld(seeded, app):
    name = _name(seeded, "A1")
    html = app.get(f"/dataset/{name}").get_data(as_text=True)
    assert 'id="sektoral-data-view"' in html
    svgs = re.findall(r'<svg [^>]*role="img"[^>]*>', html)
    assert len(svgs) == 2
    assert "<title id=\"sektoral-chart-region-" in html
    assert "Kota Ternate: 2.000" in html  # chart description, id format
    assert "tidak tersedia" in html  # the BPS symbol is not a 0
    assert "2024: 2.000 (tidak lengkap)" in html  # incomplete total
    preview = re.search(r'<table[^>]*id="sektoral-preview".*?</table>', html,
                        re.S).group(0)
    assert "1.234,5" in preview and "..." in preview
    for fmt in ("csv", "xlsx", "datapackage"):
        assert f'href="/dataset/{name}/download/{fmt}"' in html
    block = re.search(r'<script type="application/ld\+json" '
                      r'id="sektoral-jsonld">(.*?)</script>', html, re.S)
    doc = json.loads(block.group(1))
    assert "Dataset" in doc["@type"] and "dcat:Dataset" in doc["@type"]
    assert doc["name"] == "Produksi Beras Uji"
    props = {p["propertyID"]: p for p in doc["additionalProperty"]}
    assert props["satuan"]["value"] == "ton"
    assert props["frekuensi_penerbitan"]["valueReference"] == "Tahunan"
    assert doc["dct:accrualPeriodicity"]["@id"].endswith("/ANNUAL")
    assert doc["temporalCoverage"] == "2023/2024"
    assert doc["publisher"]["name"] == "Dinas A"
    assert {v["propertyID"] for v in doc["variableMeasured"]} >= {
        "nilai", "tahun", "kode_kabupaten_kota"}
    assert any(d.get("encodingFormat") == "text/csv"
               for d in doc["distribution"])


def test_unpublished_dataset_page_has_no_public_blocks(seeded, app):
    name = _name(seeded, "A2")
    html = app.get(f"/dataset/{name}",
                   headers=_token(seeded["users"]["staf"])).get_data(
        as_text=True)
    assert 'id="sektoral-data-view"' not in html
    assert 'id="sektoral-jsonld"' not in html


def test_csv_download(seeded, app):
    name = _name(seeded, "A1")
    response = app.get(f"/dataset/{name}/download/csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][4] == "nilai" and len(rows) == 5
    # the canonical CSV: decimal point, no grouping, whatever the OPD wrote
    assert rows[1][4] == "1234.5" and rows[3][4] == "2000"
    assert rows[4][4] == "..."


def test_xlsx_download(seeded, app):
    from openpyxl import load_workbook

    name = _name(seeded, "A1")
    response = app.get(f"/dataset/{name}/download/xlsx")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.data))
    assert wb.sheetnames == ["Data", "Metadata"]
    rows = list(wb["Data"].iter_rows(values_only=True))
    assert rows[0][4] == "nilai"
    assert rows[1][4] == 1234.5 and rows[3][4] == 2000  # typed numbers
    assert rows[4][4] == "..."  # a BPS symbol stays a symbol
    meta = dict(wb["Metadata"].iter_rows(values_only=True))
    assert "ton" in meta.values()


def test_datapackage_download(seeded, app):
    from frictionless import Package

    name = _name(seeded, "A1")
    response = app.get(f"/dataset/{name}/download/datapackage")
    assert response.status_code == 200
    zf = zipfile.ZipFile(io.BytesIO(response.data))
    names = set(zf.namelist())
    descriptor = json.loads(zf.read("datapackage.json"))
    resource = descriptor["resources"][0]
    assert names == {"datapackage.json", "tableschema.json", resource["path"]}
    assert descriptor["sektoral"]["satuan"] == "ton"
    # The package is valid and reads with its schema: "..." is missing.
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        zf.extractall(tmp)
        package = Package(f"{tmp}/datapackage.json")
        report = package.validate()
        assert report.valid, report.flatten(["message"])
        rows = package.resources[0].read_rows()
        assert float(rows[0]["nilai"]) == 1234.5
        assert rows[3]["nilai"] is None


def test_downloads_and_jsonld_are_for_published_data_only(seeded, app):
    name = _name(seeded, "A2")
    for path in (f"/dataset/{name}/download/csv", f"/dataset/{name}.jsonld"):
        assert app.get(path).status_code == 404
    staff = _token(seeded["users"]["staf"])
    assert app.get(f"/dataset/{name}/download/csv",
                   headers=staff).status_code == 404
    published = _name(seeded, "A1")
    assert app.get(f"/dataset/{published}/download/pdf").status_code == 404


def test_dataset_and_catalog_jsonld(seeded, app):
    name = _name(seeded, "A1")
    response = app.get(f"/dataset/{name}.jsonld")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/ld+json")
    doc = json.loads(response.get_data(as_text=True))
    assert doc["identifier"] == seeded["items"]["A1"]
    catalog = json.loads(app.get("/catalog.jsonld").get_data(as_text=True))
    assert "DataCatalog" in catalog["@type"]
    assert [d["identifier"] for d in catalog["dataset"]] == [
        seeded["items"]["A1"]]
    assert catalog["numberOfItems"] == 1
    assert app.get("/catalog.jsonld?page=x").status_code == 400


def test_cycle_pages(seeded, app):
    html = app.get("/statistik").get_data(as_text=True)
    assert 'href="/statistik/PERF-1"' in html and "PERF-2" not in html
    html = app.get("/statistik/PERF-1").get_data(as_text=True)
    name = _name(seeded, "A1")
    assert f'href="/dataset/{name}"' in html
    assert f'href="/dataset/{name}/download/csv"' in html
    assert "Produksi Jagung Uji" not in html  # unpublished
    assert app.get("/statistik/PERF-2").status_code == 404


def test_cycle_report_is_found_and_linked(seeded, app):
    """A public ``publikasi`` dataset of the cycle (kode_siklus) is its
    report. Runs last in this module: it adds a dataset."""
    org = seeded["orgs"]["a"]
    report = call_as(
        factories.Sysadmin(), "package_create", type="publikasi", name="publikasi-perf-1",
        title="Statistik Sektoral Uji PERF-1", owner_org=org["id"],
        kode_siklus="PERF-1", private=False)
    cycle = _anon("sektoral_public_cycle_show", id="PERF-1")
    assert cycle["report"]["id"] == report["id"]
    html = app.get("/statistik/PERF-1").get_data(as_text=True)
    assert 'id="sektoral-report-link"' in html
    assert 'href="/dataset/publikasi-perf-1"' in html
