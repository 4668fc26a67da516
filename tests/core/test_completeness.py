"""Completeness rules: plain Python, no CKAN app or database needed."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ckanext.sektoral.core import completeness as c

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


@pytest.fixture(scope="module")
def fields():
    with open(SCHEMAS / "data_sektoral.yaml", encoding="utf-8") as f:
        return yaml.safe_load(f)["dataset_fields"]


REQUIRED = [
    "title", "notes", "owner_org", "frekuensi_penerbitan", "tahun_awal",
    "tahun_akhir", "level_penyajian", "definisi", "satuan",
    "cara_pengumpulan_data", "urusan_pemerintahan",
]


def full_package(**overrides):
    pkg = {
        "id": "p1", "name": "jumlah-penduduk", "type": "data-sektoral",
        "title": "Jumlah Penduduk", "notes": "Jumlah penduduk.",
        "owner_org": "org-1", "frekuensi_penerbitan": "tahunan",
        "tahun_awal": "2020", "tahun_akhir": "2024",
        "level_penyajian": "kabupaten_kota", "definisi": "Penduduk adalah...",
        "satuan": "jiwa", "cara_pengumpulan_data": "3",
        "urusan_pemerintahan": "2.12",
        "resources": [
            {"id": "r1", "name": "data.csv", "format": "CSV",
             "jenis_berkas": "data", "schema": {"fields": [{"name": "a"}]},
             "validation_status": "success"},
            {"id": "r2", "name": "surat.pdf", "format": "PDF",
             "jenis_berkas": "surat"},
        ],
    }
    pkg.update(overrides)
    return pkg


def test_required_fields_come_from_the_schema(fields):
    assert [f["field_name"] for f in c.required_fields(fields)] == REQUIRED


def test_complete_dataset(fields):
    result = c.evaluate(full_package(), fields)
    assert result.complete and result.score == 100
    assert result.missing_fields == []
    assert [r.id for r in result.resources] == ["r1"]  # the letter is no data
    assert result.resources[0].ok


def test_missing_fields_with_labels_in_the_ui_language(fields):
    pkg = full_package(satuan="  ", definisi=None)
    del pkg["urusan_pemerintahan"]
    result = c.evaluate(pkg, fields, lang="en")
    assert not result.complete
    assert result.missing_fields == [
        "definisi", "satuan", "urusan_pemerintahan"]
    labels = {f.name: f.label for f in result.fields}
    assert labels["satuan"] == "Unit"
    assert c.evaluate(pkg, fields, lang="id").fields[8].label == "Satuan"
    # 11 required fields + 1 data resource present + schema + validation
    assert result.score == (100 * 11) // 14


@pytest.mark.parametrize("raw, status", [
    ("success", "success"), ("failure", "failure"), ("error", "error"),
    ("created", "pending"), ("running", "pending"), (None, "none"),
    ("", "none"), ("whatever", "none"),
])
def test_status_normalisation(raw, status):
    assert c.normalize_status(raw) == status


def test_validation_infos_win_over_the_resource_field(fields):
    infos = {"r1": c.ValidationInfo("failure", error_count=3)}
    result = c.evaluate(full_package(), fields, infos)
    res = result.resources[0]
    assert (res.validation_status, res.error_count, res.ok) == (
        "failure", 3, False)
    assert not result.complete
    assert result.to_dict()["resources"][0] == {
        "id": "r1", "name": "data.csv", "has_schema": True,
        "validation_status": "failure", "error_count": 3, "ok": False}
    assert c.evaluate(full_package(), fields, {"r1": "running"}
                      ).resources[0].validation_status == "pending"


def test_data_resource_needs_a_schema(fields):
    pkg = full_package()
    pkg["resources"][0]["schema"] = ""
    result = c.evaluate(pkg, fields)
    assert not result.resources[0].has_schema and not result.complete


def test_no_data_resource_blocks_submission(fields):
    pkg = full_package(resources=[{"id": "r2", "format": "PDF",
                                   "jenis_berkas": "laporan"}])
    result = c.evaluate(pkg, fields)
    assert not result.complete and result.resources == ()
    assert result.to_dict()["has_data_resource"] is False
    # a type that holds no data (publikasi) does not check resources
    assert c.evaluate(pkg, fields, requires_data=False).complete


def test_data_resource_detection():
    assert c.is_data_resource({"jenis_berkas": "data", "format": "PDF"})
    assert not c.is_data_resource({"jenis_berkas": "lampiran",
                                   "format": "XLSX"})
    assert c.is_data_resource({"format": "xlsx"})
    assert not c.is_data_resource({"format": "PDF"})


def test_empty_values():
    assert not c.is_present("[]")
    assert not c.is_present([])
    assert not c.is_present(["", " "])
    assert c.is_present(["1.01"])
    assert c.is_present(0)
    assert not c.is_present({})


def test_error_count_from_reports():
    assert c.error_count_from_report({"stats": {"errors": 4}}) == 4
    assert c.error_count_from_report(
        {"errors": [1], "tasks": [{"errors": [1, 2]}]}) == 3
    assert c.error_count_from_report(
        None, "error", {"message": ["a", "b"]}) == 2
    assert c.error_count_from_report(None, "success") is None


def test_empty_dataset_scores_zero(fields):
    result = c.evaluate({"resources": []}, fields)
    assert result.score == 0 and not result.complete
    assert len(result.missing_fields) == len(REQUIRED)


def test_error_count_from_json_text_report():
    # ckanext-validation stores the report as JSON text in a JSON column
    assert c.error_count_from_report('{"stats": {"errors": 2}}') == 2
    assert c.error_count_from_report("not json", "error") == 1
