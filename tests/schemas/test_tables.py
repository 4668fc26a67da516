"""Table Schema templates: generated from the code lists, valid, usable."""
from __future__ import annotations

import json

import frictionless
import pytest

from ckanext.sektoral.core import codes, tables


@pytest.fixture(autouse=True)
def _fresh_cache():
    codes.clear_cache()
    yield
    codes.clear_cache()


def test_shipped_templates_equal_generated_output():
    generated = tables.generate_all(directory=None)
    shipped = sorted(p.stem for p in tables.shipped_dir().glob("*.json"))
    assert shipped == sorted(generated)
    for name, descriptor in generated.items():
        text = (tables.shipped_dir() / f"{name}.json").read_text("utf-8")
        assert text == tables.dumps(descriptor), (
            f"{name}.json is stale: python -m ckanext.sektoral.core.tables")


@pytest.mark.parametrize("name", tables.template_names())
def test_templates_are_valid_table_schemas(name):
    descriptor = tables.load(name)
    report = frictionless.Schema.validate_descriptor(descriptor)
    assert report.valid, report.flatten(["note"])
    assert descriptor["missingValues"] == ["", "...", "\u2026", "-", "\u2013", "NA", "x"]
    nilai = next(f for f in descriptor["fields"] if f["name"] == "nilai")
    if name.endswith("_angka_id"):
        assert (nilai["decimalChar"], nilai["groupChar"]) == (",", ".")
    else:
        assert "decimalChar" not in nilai


def test_regency_enum_uses_bps_codes_from_the_code_list():
    descriptor = tables.load("kabupaten_kota_tahunan")
    kode = next(f for f in descriptor["fields"]
                if f["name"] == "kode_kabupaten_kota")
    assert kode["constraints"]["enum"] == [
        8201, 8202, 8205, 8204, 8203, 8206, 8207, 8208, 8271, 8272]
    assert [f["name"] for f in descriptor["fields"]] == [
        "kode_provinsi", "nama_provinsi", "kode_kabupaten_kota",
        "nama_kabupaten_kota", "nilai", "satuan", "tahun"]


def _validate(tmp_path, name, text, filename="data.csv"):
    path = tmp_path / filename
    path.write_text(text, encoding="utf-8")
    schema = frictionless.Schema.from_descriptor(tables.load(name))
    resource = frictionless.Resource(path=str(path), schema=schema)
    with frictionless.system.use_context(trusted=True):
        report = frictionless.validate(resource)
        rows = resource.read_rows() if report.valid else None
    return report, rows


HEADER = ("kode_provinsi,nama_provinsi,kode_kabupaten_kota,"
          "nama_kabupaten_kota,nilai,satuan,tahun\n")


def test_indonesian_numbers_and_bps_symbols_are_never_zero(tmp_path):
    text = HEADER + (
        '82,Provinsi Maluku Utara,8201,Kabupaten Halmahera Barat,"1.234,5",ton,2024\n'
        "82,Provinsi Maluku Utara,8205,Kabupaten Halmahera Utara,...,ton,2024\n"
        "82,Provinsi Maluku Utara,8203,Kabupaten Kepulauan Sula,-,ton,2024\n"
        "82,Provinsi Maluku Utara,8271,Kota Ternate,\u2013,ton,2024\n"
        "82,Provinsi Maluku Utara,8272,Kota Tidore Kepulauan,NA,ton,2024\n"
        "82,Provinsi Maluku Utara,8207,Kabupaten Pulau Morotai,x,ton,2024\n")
    report, rows = _validate(tmp_path, "kabupaten_kota_tahunan_angka_id", text)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "note"])
    assert float(rows[0]["nilai"]) == 1234.5
    assert [r["nilai"] for r in rows[1:]] == [None] * 5


def test_wrong_region_code_is_an_error(tmp_path):
    text = HEADER + "82,Provinsi Maluku Utara,8209,Kota Ternate,10,ton,2024\n"
    report, _ = _validate(tmp_path, "kabupaten_kota_tahunan", text)
    assert not report.valid
    assert report.flatten(["fieldName", "type"]) == [
        ["kode_kabupaten_kota", "constraint-error"]]


def test_generator_follows_an_override(tmp_path):
    (tmp_path / "wilayah.csv").write_text(
        "kode_kemendagri,kode_bps,tingkat,label_id,label_en,ibukota\n"
        "81,81,provinsi,Provinsi Maluku,Maluku Province,Ambon\n"
        "81.71,8171,kota,Kota Ambon,Ambon City,Ambon\n", encoding="utf-8")
    descriptor = tables.generate("kecamatan_tahunan", True, tmp_path)
    by_name = {f["name"]: f for f in descriptor["fields"]}
    assert by_name["kode_provinsi"]["constraints"]["enum"] == [81]
    assert by_name["kode_kabupaten_kota"]["constraints"]["enum"] == [8171]
    assert by_name["kode_kecamatan"]["constraints"]["minimum"] == 8100000
    out = tmp_path / "out"
    tables.main(["--out", str(out), "--codes-path", str(tmp_path)])
    assert json.loads((out / "kecamatan_tahunan_angka_id.json").read_text(
        "utf-8")) == descriptor


@pytest.mark.parametrize("name", tables.template_names())
def test_templates_declare_region_and_year_as_primary_key(name, tmp_path):
    descriptor = tables.load(name)
    key = descriptor["primaryKey"]
    assert key[-1] == "tahun" and key[0].startswith("kode_")
    names = [f["name"] for f in descriptor["fields"]]
    assert set(key) <= set(names)
    # a duplicate region and year fails validation
    row = {"kode_provinsi": "82", "nama_provinsi": "Provinsi Maluku Utara",
           "kode_kabupaten_kota": "8271", "nama_kabupaten_kota": "Kota Ternate",
           "kode_kecamatan": "8271010", "nama_kecamatan": "Pulau Ternate",
           "nilai": "1", "satuan": "jiwa", "tahun": "2023"}
    line = ",".join(row[n] for n in names)
    path = tmp_path / "ganda.csv"
    path.write_text(",".join(names) + "\n" + line + "\n" + line + "\n")
    with frictionless.system.use_context(trusted=True):
        report = frictionless.validate(
            str(path), schema=frictionless.Schema.from_descriptor(descriptor))
    assert [e.type for e in report.tasks[0].errors] == ["primary-key"]
