"""Chart series and preview of a data file read with its Table Schema."""
from __future__ import annotations

import pytest

from ckanext.sektoral.core import tables
from ckanext.sektoral.insight import tabledata

HEADER = ("kode_provinsi,nama_provinsi,kode_kabupaten_kota,"
          "nama_kabupaten_kota,nilai,satuan,tahun\n")
P = "82,Provinsi Maluku Utara,"
# Indonesian numbers; "..." (not available) for Tidore in 2024.
CSV_ID = (HEADER
          + P + '8272,Kota Tidore Kepulauan,"100",ton,2023\n'
          + P + '8271,Kota Ternate,"1.234,5",ton,2023\n'
          + P + '8271,Kota Ternate,"2.000",ton,2024\n'
          + P + '8272,Kota Tidore Kepulauan,...,ton,2024\n')


@pytest.fixture
def csv_file(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text(CSV_ID, encoding="utf-8")
    return str(path)


def test_sum_by_year_and_latest_year_by_region(csv_file):
    schema = tables.load("kabupaten_kota_tahunan_angka_id")
    data = tabledata.read_table(csv_file, schema, additive=True)
    assert data["measure"] == "nilai" and data["aggregation"] == "sum"
    # 2024 has "..." for Tidore: the total of what exists, marked
    # incomplete (the symbol is left out, never counted as 0).
    assert data["by_year"] == [
        {"year": 2023, "value": 1334.5, "missing": 0, "complete": True},
        {"year": 2024, "value": 2000, "missing": 1, "complete": False}]
    assert data["region_year"] == 2024
    # Code-list order (Ternate 8271 before Tidore 8272), names from it.
    assert data["by_region"] == [
        {"code": "8271", "name": "Kota Ternate", "value": 2000,
         "symbol": None, "complete": True},
        {"code": "8272", "name": "Kota Tidore Kepulauan", "value": None,
         "symbol": "...", "complete": False}]
    assert data["rows"] == 4 and len(data["preview"]) == 4
    # typed: the reader's number format is the page's business
    assert data["preview"][1][4] == 1234.5
    assert data["preview"][3][4] == "..."
    assert data["preview_numbers"] == [4]
    assert data["column_titles"][4] == "Nilai"
    assert data["symbols"] == {"nilai": {"...": 1}}


def test_nihil_is_zero_and_confidential_is_left_out(tmp_path):
    path = tmp_path / "padi.csv"
    path.write_text(HEADER
                    + P + '8271,Kota Ternate,"1.500",ton,2023\n'
                    + P + '8272,Kota Tidore Kepulauan,-,ton,2023\n'
                    + P + '8271,Kota Ternate,"1.600",ton,2024\n'
                    + P + '8272,Kota Tidore Kepulauan,x,ton,2024\n'
                    + P + '8271,Kota Ternate,\u2013,ton,2025\n'
                    + P + '8272,Kota Tidore Kepulauan,\u2013,ton,2025\n',
                    encoding="utf-8")
    data = tabledata.read_table(
        str(path), tables.load("kabupaten_kota_tahunan_angka_id"))
    assert data["by_year"] == [
        {"year": 2023, "value": 1500, "missing": 0, "complete": True},
        {"year": 2024, "value": 1600, "missing": 1, "complete": False},
        {"year": 2025, "value": 0, "missing": 0, "complete": True}]
    assert data["region_year"] == 2025
    assert [(r["value"], r["symbol"]) for r in data["by_region"]] == [
        (0, "-"), (0, "-")]  # nihil: 0, shown as "-"
    assert data["preview"][1][4] == "-" and data["preview"][3][4] == "x"
    assert data["preview"][4][4] == "-"  # the en dash shown as "-"


def test_mean_for_rates(tmp_path):
    path = tmp_path / "ipm.csv"
    path.write_text(HEADER + P + '8271,Kota Ternate,"80,5",indeks,2023\n'
                    + P + '8272,Kota Tidore Kepulauan,"70,5",indeks,2023\n',
                    encoding="utf-8")
    schema = tables.load("kabupaten_kota_tahunan_angka_id")
    data = tabledata.read_table(str(path), schema,
                                additive=tabledata.is_additive("indeks"))
    assert data["aggregation"] == "mean"
    assert data["by_year"] == [{"year": 2023, "value": 75.5, "missing": 0,
                                "complete": True}]


def test_preview_is_capped(tmp_path):
    rows = "".join(P + f'8271,Kota Ternate,{i},ton,{2000 + i}\n'
                   for i in range(30))
    path = tmp_path / "long.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    data = tabledata.read_table(str(path),
                                tables.load("kabupaten_kota_tahunan"))
    assert data["rows"] == 30 and len(data["preview"]) == 20
    assert data["preview_truncated"] is True
    assert [e["value"] for e in data["by_year"]] == list(range(30))


@pytest.mark.parametrize("texts,expected", [
    (("ton", "Produksi Beras"), True), (("jiwa",), True),
    (("persen",), False), (("indeks", "IPM"), False),
    (("kkal/kapita/hari",), False), (("orang", "Rasio Guru"), False),
    (("orang", "Jumlah", "Jumlah Tenaga Kesehatan Menurut Kabupaten/Kota"),
     True),
    (("rupiah/kg", "Harga Beras Medium"), False),
    (("kasus per 1000 penduduk", "Kasus Diare"), False),
    ((None, "Produksi Padi per Kabupaten/Kota"), True)])
def test_additivity(texts, expected):
    assert tabledata.is_additive(*texts) is expected


def test_unreadable_file_is_an_error_not_an_exception(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(b"\x00\x01\x02binary")
    data = tabledata.read_table(str(path),
                                tables.load("kabupaten_kota_tahunan"))
    assert data.get("error")
