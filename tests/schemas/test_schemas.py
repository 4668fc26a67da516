"""Scheming schemas data-sektoral, publikasi and opd through CKAN actions."""
from __future__ import annotations

import json
import uuid

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

pytestmark = [
    pytest.mark.usefixtures("clean_db_module"),
]

DATASET_TYPE = "data-sektoral"


@pytest.fixture
def sysadmin():
    return factories.Sysadmin()


@pytest.fixture
def org(sysadmin):
    org = factories.Organization(user=sysadmin)
    org["_user"] = sysadmin  # who creates datasets in it
    return org


def act(action, user, **data):
    return helpers.call_action(action, {"user": user["name"]}, **data)


def create(org, **fields):
    data = {"type": DATASET_TYPE, "name": f"ds-{uuid.uuid4().hex[:12]}",
            "owner_org": org["id"]}
    data.update(fields)
    return act("package_create", org["_user"], **data)


# --- schema show ----------------------------------------------------------

def test_dataset_schemas_show_both_types():
    types = helpers.call_action("scheming_dataset_schema_list")
    assert set(types) == {"data-sektoral", "publikasi"}
    schema = helpers.call_action("scheming_dataset_schema_show",
                                 type=DATASET_TYPE)
    by_name = {f["field_name"]: f for f in schema["dataset_fields"]}
    assert by_name["frekuensi_penerbitan"]["choices_helper"] == (
        "sektoral_code_choices")
    assert by_name["frekuensi_penerbitan"]["sektoral_required"] is True
    assert "cakupan" in by_name and "sektoral_required" not in by_name[
        "cakupan"]
    res = {f["field_name"] for f in schema["resource_fields"]}
    assert {"jenis_berkas", "periode_data", "schema",
            "validation_options"} <= res
    pub = helpers.call_action("scheming_dataset_schema_show", type="publikasi")
    assert {"kode_siklus", "tanggal_terbit", "dataset_tercakup"} <= {
        f["field_name"] for f in pub["dataset_fields"]}


def test_organization_schema_show_opd():
    schema = helpers.call_action("scheming_organization_schema_show",
                                 type="organization")
    names = {f["field_name"] for f in schema["fields"]}
    assert {"kode_opd", "singkatan", "nama_resmi", "jenis_opd",
            "bidang_urusan", "peran_sdi", "kepala_opd", "kontak_nama",
            "kontak_jabatan", "kontak_email", "kontak_telepon", "alamat",
            "website"} <= names


# --- saving ---------------------------------------------------------------

def test_partial_dataset_saves_with_defaults(org):
    pkg = create(org, title="Jumlah Penduduk")
    assert pkg["type"] == DATASET_TYPE
    assert pkg["license_id"] == "cc-by"
    assert pkg["cakupan"] == "Provinsi Maluku Utara"
    assert pkg["kode_wilayah"] == "82"
    assert pkg.get("frekuensi_penerbitan") in (None, "")
    assert pkg["metode_pengumpulan_data"] == []


def test_full_dataset_round_trip(org):
    pkg = create(
        org, title="Produksi Perikanan", notes="Produksi perikanan tangkap.",
        frekuensi_penerbitan="tahunan", tahun_awal="2020", tahun_akhir=2024,
        level_penyajian="kabupaten_kota", kode_wilayah="82.03",
        definisi="...", satuan="ton", cara_pengumpulan_data="3",
        metode_pengumpulan_data=["data_sekunder", "observasi"],
        sektor_kegiatan="1", urusan_pemerintahan="3.25",
        klasifikasi_akses="publik", status_angka="sementara",
        rujukan="https://sirusa.bps.go.id/", maintainer="Budi",
        maintainer_email="budi@malutprov.go.id")
    assert pkg["tahun_akhir"] == "2024"
    # stored in code-list order, returned as a list
    assert pkg["metode_pengumpulan_data"] == ["observasi", "data_sekunder"]
    shown = helpers.call_action("package_show", id=pkg["id"])
    assert shown["urusan_pemerintahan"] == "3.25"


@pytest.mark.parametrize("fields, field_name", [
    ({"frekuensi_penerbitan": "kadang-kadang"}, "frekuensi_penerbitan"),
    ({"urusan_pemerintahan": "9.99"}, "urusan_pemerintahan"),
    ({"metode_pengumpulan_data": ["wawancara", "telepati"]},
     "metode_pengumpulan_data"),
    ({"kode_wilayah": "8205"}, "kode_wilayah"),  # a BPS code, not Kemendagri
    ({"tahun_awal": "24"}, "tahun_awal"),
    ({"tahun_awal": "1850"}, "tahun_awal"),
    ({"tahun_awal": "2024", "tahun_akhir": "2020"}, "tahun_akhir"),
    ({"rujukan": "bps.go.id"}, "rujukan"),
    ({"rujukan": "ftp://bps.go.id/x"}, "rujukan"),
    ({"maintainer_email": "budi@"}, "maintainer_email"),
])
def test_invalid_values_name_their_field(org, fields, field_name):
    with pytest.raises(tk.ValidationError) as e:
        create(org, **fields)
    assert set(e.value.error_dict) == {field_name}


def test_invalid_resource_fields(org):
    res = {"url": "http://x.test/a.csv", "format": "CSV",
           "jenis_berkas": "foto", "periode_data": "tahun lalu"}
    with pytest.raises(tk.ValidationError) as e:
        create(org, resources=[res])
    errors = e.value.error_dict["resources"][0]
    assert set(errors) == {"jenis_berkas", "periode_data"}


@pytest.mark.parametrize("schema, needle", [
    ("{not json", "not valid JSON"),
    ('["a"]', "JSON object"),
    ({"fields": [{"name": "jumlah", "type": "nomor"}]},
     'Column 1 ("jumlah"): unknown type "nomor"'),
    ({"fields": [{"name": "a"}, {"name": "a"}]}, "used twice"),
    ({"fields": [{"type": "string"}]}, "Column 1: a name is required"),
    ({"fields": [{"name": "n", "type": "number", "decimalChar": 5}]},
     'Column 1 ("n"): 5 is not of type'),
])
def test_malformed_table_schema_is_refused(org, schema, needle):
    res = {"url": "http://x.test/a.csv", "format": "CSV",
           "schema": schema if isinstance(schema, str) else json.dumps(
               schema)}
    with pytest.raises(tk.ValidationError) as e:
        create(org, resources=[res])
    messages = e.value.error_dict["resources"][0]["schema"]
    assert any(needle in m for m in messages), messages


def test_template_table_schema_is_accepted(org):
    from ckanext.sektoral.core import tables
    res = {"url": "http://x.test/a.csv", "format": "CSV",
           "jenis_berkas": "data", "periode_data": "2020/2024",
           "schema": tables.load("kabupaten_kota_tahunan_angka_id")}
    pkg = create(org, resources=[res])
    schema = pkg["resources"][0]["schema"]
    assert schema["fields"][4]["decimalChar"] == ","


def test_indonesian_messages_under_locale_id(org, app, sysadmin):
    data = {"type": DATASET_TYPE, "name": "salah", "owner_org": org["id"],
            "tahun_awal": "24", "rujukan": "bps.go.id",
            "frekuensi_penerbitan": "x"}
    for lang, expected in [
        ("id", {"tahun_awal": "Masukkan tahun empat digit",
                "rujukan": "Masukkan alamat web lengkap",
                "frekuensi_penerbitan": "bukan kode dalam daftar"}),
        ("en", {"tahun_awal": "Enter a four-digit year",
                "rujukan": "Enter a full web address",
                "frekuensi_penerbitan": "is not a code of the list"}),
    ]:
        with app.flask_app.test_request_context(
                environ_overrides={"CKAN_LANG": lang}):
            with pytest.raises(tk.ValidationError) as e:
                act("package_create", sysadmin, **data)
        for field, text in expected.items():
            assert text in e.value.error_dict[field][0], (lang, field)


# --- publikasi and opd ------------------------------------------------------

def test_publikasi_links_existing_datasets(org, sysadmin):
    ds = create(org, title="Data A")
    pub = act(
        "package_create", sysadmin, type="publikasi", name=f"pub-{uuid.uuid4().hex[:12]}",
        owner_org=org["id"], kode_siklus="2025", tahun_awal="2024",
        tahun_akhir="2024", tanggal_terbit="2025-06-30",
        dataset_tercakup=[ds["name"]],
        resources=[{"url": "http://x.test/laporan.pdf", "format": "PDF",
                    "jenis_berkas": "laporan"}])
    assert pub["dataset_tercakup"] == [ds["id"]]
    assert pub["tanggal_terbit"] == "2025-06-30"
    with pytest.raises(tk.ValidationError) as e:
        act("package_create", sysadmin, type="publikasi", name="pub-salah",
            owner_org=org["id"], dataset_tercakup=["tidak-ada"])
    assert "dataset_tercakup" in e.value.error_dict


def test_opd_fields(sysadmin):
    opd = act(
        "organization_create", sysadmin, name=f"bappeda-{uuid.uuid4().hex[:8]}", title="Bappeda",
        kode_opd="5.01.0.00.0.00.01", singkatan="Bappeda",
        nama_resmi="Badan Perencanaan Pembangunan Daerah",
        jenis_opd="badan", bidang_urusan=["5.01", "5.05"],
        peran_sdi=["produsen_data"], kontak_email="data@bappeda.test",
        kontak_telepon="(0921) 312-1234", website="https://bappeda.test")
    assert opd["bidang_urusan"] == ["5.01", "5.05"]
    assert opd["jenis_opd"] == "badan"
    with pytest.raises(tk.ValidationError) as e:
        act("organization_create", sysadmin, name="x-opd", jenis_opd="kementerian",
            peran_sdi=["raja"], kontak_email="nope", kontak_telepon="abc",
            website="www")
    assert set(e.value.error_dict) == {
        "jenis_opd", "peran_sdi", "kontak_email", "kontak_telepon",
        "website"}


# --- forms ----------------------------------------------------------------------

def test_forms_render_code_list_choices(app, sysadmin, org):
    headers = {"Authorization": factories.APIToken(user=sysadmin["name"])[
        "token"]}
    body = app.get("/data-sektoral/new", headers=headers).body
    assert 'name="frekuensi_penerbitan"' in body
    assert "Triwulanan" in body  # Indonesian label (ckan.locale_default)
    assert "3.25 Kelautan dan Perikanan" in body
    assert 'name="metode_pengumpulan_data"' in body
    body = app.get("/en/data-sektoral/new", headers=headers).body
    assert "Quarterly" in body
    body = app.get("/organization/new", headers=headers).body
    assert "Walidata Pendukung" in body and 'name="bidang_urusan"' in body
    ds = create(org, title="Tampil", frekuensi_penerbitan="triwulanan",
                metode_pengumpulan_data=["wawancara"])
    body = app.get(f"/data-sektoral/{ds['name']}", headers=headers).body
    assert "Triwulanan" in body and "Wawancara" in body
