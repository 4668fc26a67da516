"""Tests of ``ckanext.sektoral.core.diff``: a submission against its
statistic's last release (plain pytest, no CKAN)."""
from __future__ import annotations

from ckanext.sektoral.core import diff, tables

PLAIN = tables.load("kabupaten_kota_tahunan")
ANGKA_ID = tables.load("kabupaten_kota_tahunan_angka_id")
HEADER = ("kode_provinsi,nama_provinsi,kode_kabupaten_kota,"
          "nama_kabupaten_kota,nilai,satuan,tahun\n")
TERNATE = "82,Provinsi Maluku Utara,8271,Kota Ternate,"
TIDORE = "82,Provinsi Maluku Utara,8272,Kota Tidore Kepulauan,"

FIELDS = [
    {"field_name": "title", "label": {"id": "Judul", "en": "Title"}},
    {"field_name": "tag_string", "label": {"id": "Kata Kunci"}},
    {"field_name": "license_id", "label": {"id": "Lisensi"}},
    {"field_name": "urusan_pemerintahan", "label": {"id": "Urusan"},
     "sektoral_codes": "urusan_pemerintahan",
     "sektoral_choice_label": "code"},
    {"field_name": "metode_pengumpulan_data", "label": {"id": "Metode"},
     "sektoral_codes": "metode_pengumpulan"},
]


def _file(text: str, schema=PLAIN) -> diff.DataFile:
    return diff.DataFile(text.encode("utf-8"), schema, "csv")


def test_fields_are_compared_as_displayed():
    before = {"title": "Penduduk", "tags": [{"name": "b"}, {"name": "a"}],
              "license_id": "cc-by", "license_title": "CC BY 4.0",
              "urusan_pemerintahan": "2.12", "metode_pengumpulan_data": []}
    # the same tags in another order, the same licence: no change
    after = dict(before, tags=[{"name": "a"}, {"name": "b"}],
                 urusan_pemerintahan="2.12 ")
    assert diff.field_changes(FIELDS, before, after, "id") == []
    changed = dict(after, title="Jumlah Penduduk", license_title=None,
                   license_id="odc-by")
    assert diff.field_changes(FIELDS, before, changed, "en") == [
        {"field": "title", "label": "Title", "before": "Penduduk",
         "after": "Jumlah Penduduk"},
        {"field": "license_id", "label": "Lisensi", "before": "CC BY 4.0",
         "after": "odc-by"}]


def test_without_a_release_every_filled_in_field_is_new():
    after = {"title": "Penduduk", "urusan_pemerintahan": "2.12"}
    found = diff.field_changes(FIELDS, None, after, "id",
                               skip=frozenset({"title"}))
    assert [f["field"] for f in found] == ["urusan_pemerintahan"]
    assert found[0]["before"] is None
    # shown with its code, as the form lists it
    assert found[0]["after"].startswith("2.12 ")


def test_numbers_are_compared_as_values_whatever_their_format():
    released = _file(HEADER + TERNATE + "1234.5,ton,2023\n")
    same = _file(HEADER + TERNATE + '"1.234,5",ton,2023\n', ANGKA_ID)
    assert diff.data_changes(released, same) == {
        "new_periods": [], "revised": [], "removed": []}


def test_new_periods_revisions_and_removed_rows():
    released = _file(HEADER + TERNATE + "10,ton,2023\n"
                     + TIDORE + "20,ton,2023\n"
                     + TERNATE + "30,ton,2024\n")
    submitted = _file(HEADER + TERNATE + "-,ton,2023\n"
                      + TERNATE + "30,ton,2024\n"
                      + TIDORE + "40,ton,2024\n"
                      + TERNATE + "50,ton,2025\n")
    assert diff.data_changes(released, submitted) == {
        "new_periods": [2025],
        "revised": [
            # a value that became a BPS symbol (nihil)
            {"key": {"kode_kabupaten_kota": 8271}, "period": 2023,
             "before": 10, "after": "-"},
            # a row the release lacked in a period it had
            {"key": {"kode_kabupaten_kota": 8272}, "period": 2024,
             "before": None, "after": 40}],
        "removed": [{"key": {"kode_kabupaten_kota": 8272}, "period": 2023,
                     "before": 20}],
    }


def test_without_a_release_every_period_is_new():
    submitted = _file(HEADER + TERNATE + "10,ton,2024\n"
                      + TERNATE + "20,ton,2023\n")
    assert diff.data_changes(None, submitted) == {
        "new_periods": [2023, 2024], "revised": [], "removed": []}


def test_without_a_primary_key_the_other_columns_are_the_key():
    schema = {k: v for k, v in PLAIN.items() if k != "primaryKey"}
    fields = [f["name"] for f in schema["fields"]]
    assert diff.key_fields(schema["fields"], schema, "tahun", ["nilai"]) == [
        n for n in fields if n not in ("tahun", "nilai")]
    assert diff.key_fields(PLAIN["fields"], PLAIN, "tahun", ["nilai"]) == [
        "kode_kabupaten_kota"]
