"""Reference code lists: content, consistency, override by configuration."""
from __future__ import annotations

import shutil

import pytest

from ckanext.sektoral.core import codes


@pytest.fixture(autouse=True)
def _fresh_cache():
    codes.clear_cache()
    yield
    codes.clear_cache()


def test_every_shipped_list_loads_with_unique_codes_and_both_labels():
    for name in codes.SHIPPED_LISTS:
        code_list = codes.load(name, directory=None)
        assert len(code_list) > 0, name
        values = code_list.values()
        assert len(values) == len(set(values)), name
        for code in code_list:
            assert code.labels.get("id"), (name, code.value)
            assert code.labels.get("en"), (name, code.value)


def test_list_sizes_follow_the_regulations():
    assert len(codes.load("sektor_kegiatan")) == 22
    assert codes.load("sektor_kegiatan").values() == [
        str(i) for i in range(1, 23)]
    assert codes.load("cara_pengumpulan").values() == ["1", "2", "3", "4"]
    assert len(codes.load("frekuensi")) == 8
    assert codes.load("klasifikasi_akses").values() == [
        "publik", "internal", "dikecualikan"]
    assert codes.load("status_angka").values() == [
        "tetap", "sementara", "sangat_sementara", "revisi", "estimasi"]
    assert codes.load("jenis_berkas").values() == [
        "data", "metadata_variabel", "metadata_indikator", "surat",
        "laporan", "lampiran"]
    urusan = codes.load("urusan_pemerintahan")
    assert urusan.label("2.20", "id") == "Statistik"
    assert urusan.label("3.25", "en") == "Marine Affairs and Fisheries"
    assert "8.01" in urusan and "9.99" not in urusan


def test_wilayah_keeps_kemendagri_and_bps_codes_apart():
    wilayah = codes.load("wilayah")
    assert wilayah.key == "kode_kemendagri"
    prov = codes.province()
    assert prov.value == "82" and prov.extra["kode_bps"] == "82"
    assert prov.label("id") == "Provinsi Maluku Utara"
    # The two regencies whose codes differ between the two systems.
    utara = wilayah.get("82.03")
    sula = wilayah.get("82.05")
    assert utara.label("id") == "Kabupaten Halmahera Utara"
    assert utara.extra["kode_bps"] == "8205"
    assert sula.label("id") == "Kabupaten Kepulauan Sula"
    assert sula.extra["kode_bps"] == "8203"
    # Every other regency: BPS code = Kemendagri code without the dot,
    # which is exactly why nobody may derive one from the other.
    differing = [
        c.value for c in codes.regencies()
        if c.extra["kode_bps"] != c.value.replace(".", "")]
    assert differing == ["82.03", "82.05"]
    assert len(codes.regencies()) == 10
    bps = [c.extra["kode_bps"] for c in wilayah]
    assert len(bps) == len(set(bps))
    assert {c.extra["tingkat"] for c in codes.regencies()} == {
        "kabupaten", "kota"}


def test_override_directory_replaces_single_files(tmp_path):
    (tmp_path / "wilayah.csv").write_text(
        "kode_kemendagri,kode_bps,tingkat,label_id,label_en,ibukota\n"
        "81,81,provinsi,Provinsi Maluku,Maluku Province,Ambon\n"
        "81.71,8171,kota,Kota Ambon,Ambon City,Ambon\n",
        encoding="utf-8")
    wilayah = codes.load("wilayah", tmp_path)
    assert wilayah.values() == ["81", "81.71"]
    assert codes.province(tmp_path).label("id") == "Provinsi Maluku"
    # lists without an override keep the shipped file
    assert len(codes.load("sektor_kegiatan", tmp_path)) == 22
    assert codes.load("sektor_kegiatan", tmp_path).source.startswith(
        str(codes.shipped_dir()))


@pytest.mark.usefixtures("with_plugins")
def test_configured_override(tmp_path, ckan_config, monkeypatch):
    shutil.copy(codes.shipped_dir() / "frekuensi.csv",
                tmp_path / "frekuensi.csv")
    with open(tmp_path / "frekuensi.csv", "a", encoding="utf-8") as f:
        f.write("dua_tahunan,Dua Tahunan,Biennial\n")
    monkeypatch.setitem(ckan_config, "ckanext.sektoral.codes_path",
                        str(tmp_path))
    assert "dua_tahunan" in codes.load("frekuensi")
    monkeypatch.setitem(ckan_config, "ckanext.sektoral.codes_path", "")
    assert "dua_tahunan" not in codes.load("frekuensi")


@pytest.mark.parametrize("content, message", [
    ("kode,label_id\nA,Satu\nA,Dua\n", "duplicate code"),
    ("kode,label_id\n,Satu\n", "empty code"),
    ("kode,nama\nA,Satu\n", "no label_<lang> column"),
    ("kode,label_id,label_en\nA,,\n", "has no label"),
])
def test_malformed_lists_are_refused(tmp_path, content, message):
    (tmp_path / "frekuensi.csv").write_text(content, encoding="utf-8")
    with pytest.raises(codes.CodeListError, match=message):
        codes.load("frekuensi", tmp_path)


def test_unknown_list():
    with pytest.raises(codes.CodeListError):
        codes.load("tidak_ada")


def test_choices_and_labels():
    choices = codes.load("level_penyajian").choices()
    assert choices[1] == {
        "value": "kabupaten_kota",
        "label": {"id": "Kabupaten/Kota", "en": "Regency/City"}}
    code = codes.load("level_penyajian").get("kecamatan")
    assert code.label("en") == "District"
    assert code.label("fr") == "Kecamatan"  # falls back to Indonesian
    assert codes.load("level_penyajian").label("xx") == "xx"


def test_label_helper_with_explicit_language():
    from ckanext.sektoral import helpers

    assert helpers.sektoral_code_label("urusan_pemerintahan", "2.20",
                                       "en") == "Statistics"
    assert helpers.sektoral_code_label("wilayah", "82.05",
                                       "id") == "Kabupaten Kepulauan Sula"
    field = {"field_name": "x", "sektoral_codes": "cara_pengumpulan",
             "sektoral_choice_label": "code"}
    assert helpers.sektoral_code_choices(field)[1]["label"] == {
        "id": "2 Survei", "en": "2 Survey"}
