"""A statistic's rows over its releases (``ckanext.sektoral.core.combine``):
one table, later releases replacing earlier rows, revisions listed."""
from __future__ import annotations

from ckanext.sektoral.core import combine, reader, stats, tables

HEADER = ("kode_provinsi,nama_provinsi,kode_kabupaten_kota,"
          "nama_kabupaten_kota,nilai,satuan,tahun\n")
P = "82,Provinsi Maluku Utara,"
SCHEMA = tables.load("kabupaten_kota_tahunan")
SCHEMA_ID = tables.load("kabupaten_kota_tahunan_angka_id")
KEY = ["kode_kabupaten_kota", "tahun"]


def _rows(text: str, schema=SCHEMA) -> list[reader.Row]:
    return reader.read_rows((HEADER + text).encode(), schema)


def _table(combined: combine.Combined) -> list[tuple[str, str, str]]:
    return [(r.canonical("kode_kabupaten_kota"), r.canonical("tahun"),
             r.canonical("nilai")) for r in combined.rows]


FIRST = (P + "8271,Kota Ternate,100000,jiwa,2023\n"
         + P + "8271,Kota Ternate,101000,jiwa,2024\n"
         + P + "8272,Kota Tidore Kepulauan,50000,jiwa,2024\n")
#: the next cycle: only the new year, and 2024 of Ternate revised
SECOND = (P + "8271,Kota Ternate,101500,jiwa,2024\n"
          + P + "8272,Kota Tidore Kepulauan,50000,jiwa,2024\n"
          + P + "8271,Kota Ternate,103000,jiwa,2025\n")


def test_key_is_the_primary_key_else_every_field_but_the_measures():
    assert combine.key_fields(SCHEMA) == KEY
    assert stats.measure_fields(SCHEMA["fields"]) == ["nilai"]
    without = {k: v for k, v in SCHEMA.items() if k != "primaryKey"}
    assert combine.key_fields(without) == [
        "kode_provinsi", "nama_provinsi", "kode_kabupaten_kota",
        "nama_kabupaten_kota", "satuan", "tahun"]
    broken = dict(SCHEMA, primaryKey=["no_such_field"])
    assert combine.key_fields(broken) == combine.key_fields(without)
    assert combine.key_fields(dict(SCHEMA, primaryKey="tahun")) == ["tahun"]


def test_later_release_replaces_in_place_and_lists_the_revision():
    combined = combine.combine(
        [("2025-S2", _rows(FIRST)), ("2026-S1", _rows(SECOND))], KEY,
        measure="nilai", period="tahun")
    assert _table(combined) == [
        ("8271", "2023", "100000"), ("8271", "2024", "101500"),
        ("8272", "2024", "50000"), ("8271", "2025", "103000")]
    # the unchanged Tidore row is replaced, but it is no revision
    assert combined.revisions == [{
        "key": {"kode_kabupaten_kota": "8271", "tahun": "2024"},
        "period": 2024, "before": 101000, "after": 101500,
        "release": "2026-S1"}]


def test_values_compare_as_numbers_and_symbols_are_listed_as_written():
    indonesian = _rows(P + '8271,Kota Ternate,"1.234,5",jiwa,2023\n'
                       + P + "8272,Kota Tidore Kepulauan,...,jiwa,2023\n",
                       SCHEMA_ID)
    plain = _rows(P + "8271,Kota Ternate,1234.5,jiwa,2023\n"
                  + P + "8272,Kota Tidore Kepulauan,2000,jiwa,2023\n")
    combined = combine.combine([("A", indonesian), ("B", plain)], KEY,
                               measure="nilai", period="tahun")
    assert [(r["key"]["kode_kabupaten_kota"], r["before"], r["after"])
            for r in combined.revisions] == [("8272", "...", 2000)]


def test_files_of_one_release_replace_without_a_revision():
    combined = combine.combine(
        [("2025-S2", _rows(FIRST)),
         ("2025-S2", _rows(P + "8271,Kota Ternate,999,jiwa,2023\n"))],
        KEY, measure="nilai", period="tahun")
    assert _table(combined)[0] == ("8271", "2023", "999")
    assert combined.revisions == []


def test_without_a_measure_or_a_release_nothing_is_a_revision():
    combined = combine.combine([(None, _rows(FIRST)),
                                (None, _rows(SECOND))], KEY)
    assert len(combined.rows) == 4 and combined.revisions == []
    only = combine.combine([(None, _rows(FIRST))], KEY, measure="nilai")
    assert _table(only) == _table(combine.Combined(_rows(FIRST)))
    assert combine.combine([], KEY).rows == []


def test_a_row_keeps_its_own_file_cells():
    """Rows of files with other columns: a field the older file lacks is
    an empty cell, the key still matches."""
    older = reader.read_rows(
        ("kode_kabupaten_kota,tahun,nilai\n8271,2023,5\n").encode(), SCHEMA)
    combined = combine.combine([("A", older), ("B", _rows(FIRST))], KEY,
                               measure="nilai", period="tahun")
    assert combined.rows[0].canonical("satuan") == "jiwa"  # replaced
    assert combined.revisions[0]["before"] == 5
    kept = combine.combine([("A", older)], KEY)
    assert kept.rows[0].canonical("satuan") == ""
    assert kept.rows[0].labelled("nilai") == "5"
    assert kept.rows[0].labelled("satuan") is None
