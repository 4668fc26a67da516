"""Action ``sektoral_completeness`` end to end: real uploads validated by
ckanext-validation (async jobs run synchronously here)."""
from __future__ import annotations

import io
import os

import pytest

import ckan.lib.uploader as uploader
import ckan.plugins.toolkit as tk
from ckan.tests import factories

from ckanext.sektoral.core import tables
from tests.factories import (
    call_as,
    run_jobs,
    sektoral_dataset,
    upload_resource,
)

pytestmark = pytest.mark.usefixtures("clean_db_module", "clean_queues")

HEADER = ("kode_provinsi,nama_provinsi,kode_kabupaten_kota,"
          "nama_kabupaten_kota,nilai,satuan,tahun\n")
VALID_CSV = (HEADER
             + "82,Provinsi Maluku Utara,8271,Kota Ternate,205001,jiwa,2023\n"
             + "82,Provinsi Maluku Utara,8272,Kota Tidore Kepulauan,114480,"
               "jiwa,2023\n").encode("utf-8")
#: "dua ribu" is no year, "banyak" no number, 8209 no regency code.
WRONG_TYPES_CSV = (HEADER
                   + "82,Provinsi Maluku Utara,8271,Kota Ternate,banyak,jiwa,"
                     "dua ribu\n"
                   + "82,Provinsi Maluku Utara,8209,Kota Ternate,1,jiwa,2023\n"
                   ).encode("utf-8")
#: As exported by a spreadsheet in an Indonesian locale: ";" separates,
#: "," marks decimals, "." groups thousands; BPS symbols for no value.
INDONESIAN_CSV = (
    "kode_provinsi;nama_provinsi;kode_kabupaten_kota;nama_kabupaten_kota;"
    "nilai;satuan;tahun\n"
    "82;Provinsi Maluku Utara;8201;Kabupaten Halmahera Barat;1.234,56;ton;2024\n"
    "82;Provinsi Maluku Utara;8205;Kabupaten Halmahera Utara;...;ton;2024\n"
    "82;Provinsi Maluku Utara;8203;Kabupaten Kepulauan Sula;-;ton;2024\n"
    "82;Provinsi Maluku Utara;8271;Kota Ternate;\u2013;ton;2024\n"
    "82;Provinsi Maluku Utara;8272;Kota Tidore Kepulauan;x;ton;2024\n"
    "82;Provinsi Maluku Utara;8207;Kabupaten Pulau Morotai;NA;ton;2024\n"
).encode("utf-8")


@pytest.fixture
def storage(ckan_config, monkeypatch, tmp_path):
    monkeypatch.setitem(ckan_config, "ckan.storage_path", str(tmp_path))
    return tmp_path


@pytest.fixture
def user():
    return factories.User()


@pytest.fixture
def org(user):
    return factories.Organization(
        users=[{"name": user["name"], "capacity": "editor"}])


@pytest.fixture
def dataset(user, org):
    return sektoral_dataset(user, org)


def schema_json(name="kabupaten_kota_tahunan"):
    import json
    return json.dumps(tables.load(name))


def completeness(user, dataset_id, **kw):
    return call_as(user, "sektoral_completeness", id=dataset_id, **kw)


def xlsx_bytes(rows):
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def only_resource(result):
    assert len(result["resources"]) == 1, result["resources"]
    return result["resources"][0]


def assert_upload_kept(resource):
    upload = uploader.get_resource_uploader(resource)
    assert os.path.exists(upload.get_path(resource["id"]))


# --- metadata only -----------------------------------------------------------

def test_metadata_complete_but_no_data_resource(user, dataset):
    result = completeness(user, dataset["id"], lang="en")
    assert result["missing_fields"] == []
    assert result["has_data_resource"] is False
    assert result["complete"] is False
    assert 0 < result["score"] < 100
    assert result["type"] == "data-sektoral"


def test_partial_dataset_lists_missing_fields_with_labels(user, org):
    pkg = call_as(user, "package_create", type="data-sektoral",
                  name="parsial-" + org["name"][-8:], owner_org=org["id"],
                  title="Parsial")
    result = completeness(user, pkg["id"], lang="en")
    assert "frekuensi_penerbitan" in result["missing_fields"]
    labels = {f["name"]: f["label"] for f in result["fields"]}
    assert labels["frekuensi_penerbitan"] == "Release frequency"
    result_id = completeness(user, pkg["id"], lang="id")
    assert {f["name"]: f["label"] for f in result_id["fields"]}[
        "frekuensi_penerbitan"] == "Frekuensi Penerbitan"
    assert result["score"] < 30 and not result["complete"]


# --- uploads validated by ckanext-validation --------------------------------

def test_valid_csv_completes_the_dataset(user, dataset, storage):
    res = upload_resource(user, dataset["id"], VALID_CSV, "penduduk.csv",
                          format="CSV", jenis_berkas="data",
                          schema=schema_json())
    pending = only_resource(completeness(user, dataset["id"]))
    assert pending["validation_status"] == "pending"
    assert run_jobs() >= 1
    result = completeness(user, dataset["id"])
    r = only_resource(result)
    assert (r["has_schema"], r["validation_status"], r["error_count"]) == (
        True, "success", 0)
    assert result["complete"] is True and result["score"] == 100
    assert_upload_kept(res)


def test_csv_with_wrong_types_fails_with_error_count(user, dataset, storage):
    res = upload_resource(user, dataset["id"], WRONG_TYPES_CSV, "salah.csv",
                          format="CSV", jenis_berkas="data",
                          schema=schema_json())
    run_jobs()
    result = completeness(user, dataset["id"])
    r = only_resource(result)
    assert r["validation_status"] == "failure"
    assert r["error_count"] == 3
    assert result["complete"] is False
    assert_upload_kept(res)


def test_xlsx_validates(user, dataset, storage):
    content = xlsx_bytes([
        HEADER.strip().split(","),
        [82, "Provinsi Maluku Utara", 8271, "Kota Ternate", 205001.5, "jiwa",
         2023],
        [82, "Provinsi Maluku Utara", 8205, "Kabupaten Halmahera Utara",
         "...", "jiwa", 2023],
    ])
    upload_resource(user, dataset["id"], content, "penduduk.xlsx",
                    format="XLSX", jenis_berkas="data", schema=schema_json())
    run_jobs()
    r = only_resource(completeness(user, dataset["id"]))
    assert (r["validation_status"], r["error_count"]) == ("success", 0)


def test_indonesian_numbers_and_bps_symbols(user, dataset, storage):
    upload_resource(user, dataset["id"], INDONESIAN_CSV, "produksi.csv",
                    format="CSV", jenis_berkas="data",
                    schema=schema_json("kabupaten_kota_tahunan_angka_id"))
    run_jobs()
    r = only_resource(completeness(user, dataset["id"]))
    assert (r["validation_status"], r["error_count"]) == ("success", 0)
    # the same file against the dot-decimal template is refused
    upload_resource(user, dataset["id"], INDONESIAN_CSV, "produksi2.csv",
                    format="CSV", jenis_berkas="data", schema=schema_json())
    run_jobs()
    statuses = {x["name"]: x["validation_status"] for x in completeness(
        user, dataset["id"])["resources"]}
    assert statuses == {"produksi.csv": "success",
                        "produksi2.csv": "failure"}


@pytest.mark.parametrize("content, filename, fmt", [
    (bytes(range(256)) * 8, "rusak.csv", "CSV"),
    ("kabupaten,jumlah\nTernate,1\n".encode("utf-16"), "utf16.csv", "CSV"),
    (b"", "kosong.csv", "CSV"),
    (b"PK\x03\x04 bukan excel", "rusak.xlsx", "XLSX"),
])
def test_unreadable_data_file_is_refused_at_upload(
        user, dataset, storage, content, filename, fmt):
    # issue 12: a file that cannot be a table is refused with the reason
    # (tests/badfiles has the full corpus); nothing is stored
    with pytest.raises(tk.ValidationError) as error:
        upload_resource(user, dataset["id"], content, filename, format=fmt,
                        jenis_berkas="data", schema=schema_json())
    assert error.value.error_dict["upload"]
    assert completeness(user, dataset["id"])["resources"] == []


def test_unparseable_file_reports_an_error_and_keeps_the_upload(
        user, dataset, storage):
    import io
    import zipfile
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:  # a workbook in name only
        archive.writestr("xl/workbook.xml", "bukan excel")
    res = upload_resource(user, dataset["id"], out.getvalue(), "rusak.xlsx",
                          format="XLSX", jenis_berkas="data",
                          schema=schema_json())
    run_jobs()
    r = only_resource(completeness(user, dataset["id"]))
    assert r["validation_status"] in ("failure", "error")
    assert r["error_count"] >= 1
    assert_upload_kept(res)


def test_data_resource_without_schema_and_other_files(user, dataset, storage):
    upload_resource(user, dataset["id"], VALID_CSV, "tanpa-schema.csv",
                    format="CSV", jenis_berkas="data")
    upload_resource(user, dataset["id"], b"%PDF-1.4", "surat.pdf",
                    format="PDF", jenis_berkas="surat")
    run_jobs()
    result = completeness(user, dataset["id"])
    r = only_resource(result)  # the letter is not a data resource
    assert r["has_schema"] is False and result["complete"] is False


# --- auth and input -----------------------------------------------------------

def test_auth_follows_package_show(user, org):
    private = sektoral_dataset(user, org, private=True)
    stranger = factories.User()
    with pytest.raises(tk.ObjectNotFound):  # answered as missing
        completeness(stranger, private["id"])
    assert completeness(user, private["id"])["id"] == private["id"]
    public = sektoral_dataset(user, org, private=False)
    assert tk.check_access("sektoral_completeness",
                           {"user": ""}, {"id": public["id"]})


def test_missing_id_and_unknown_dataset(user):
    with pytest.raises(tk.ValidationError) as e:
        call_as(user, "sektoral_completeness")
    assert "id" in e.value.error_dict
    with pytest.raises(tk.ObjectNotFound):
        completeness(user, "tidak-ada")


def test_publikasi_checks_only_metadata(user, org):
    pub = call_as(user, "package_create", type="publikasi",
                  name="pub-" + org["name"][-8:], owner_org=org["id"],
                  title="Statistik Sektoral 2025", notes="Ringkasan",
                  kode_siklus="2025", tahun_awal="2024", tahun_akhir="2024",
                  tanggal_terbit="2025-06-30")
    result = completeness(user, pub["id"])
    assert result["requires_data"] is False
    assert result["complete"] is True and result["score"] == 100


def test_http_get_labels_follow_the_request_language(app, user, org):
    pkg = call_as(user, "package_create", type="data-sektoral",
                  name="http-" + org["name"][-8:], owner_org=org["id"],
                  title="Lewat API")
    token = factories.APIToken(user=user["name"])["token"]
    for prefix, label in [("", "Frekuensi Penerbitan"),
                          ("/en", "Release frequency")]:
        res = app.get(f"{prefix}/api/3/action/sektoral_completeness",
                      query_string={"id": pkg["name"]},
                      headers={"Authorization": token})
        result = res.json["result"]
        labels = {f["name"]: f["label"] for f in result["fields"]}
        assert labels["frekuensi_penerbitan"] == label, prefix
