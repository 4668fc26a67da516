"""Data list import parser: plain Python, no CKAN app or database needed.

Run with ``pytest -p no:ckan tests/core/test_datalist.py``.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path
from typing import Any, Optional, Sequence

import openpyxl
import pytest
from babel.messages.pofile import read_po

from ckanext.sektoral.core import codes, tables
from ckanext.sektoral.core import datalist as dl

CODES_DIR = codes.shipped_dir()
PO_FILE = (Path(codes.__file__).resolve().parents[1]
           / "i18n" / "id" / "LC_MESSAGES" / "ckanext-sektoral.po")

HEADER = ["OPD", "Judul", "Satuan", "Level Penyajian", "Frekuensi",
          "Urusan", "Template", "Catatan"]

OPD_LOOKUP = {
    "dinkes": "dinkes",
    "Dinas Kesehatan": "dinkes",
    "DINKES-MALUT": "dinkes",
    "bappeda": "bappeda",
    "Badan Perencanaan Pembangunan Daerah": "bappeda",
    "Bappeda": "bappeda",
    "diskominfo": "diskominfo",
    "Dinas Komunikasi, Informatika dan Persandian": "diskominfo",
    "disdukcapil": "disdukcapil",
    "Dinas Kependudukan dan Pencatatan Sipil": "disdukcapil",
}

ROWS = [
    ["Dinas Kesehatan", "Jumlah Puskesmas Menurut Kabupaten/Kota", "unit",
     "Kabupaten/Kota", "Tahunan", "1.02", "kabupaten_kota_tahunan", ""],
    ["bappeda", "Indeks Pembangunan Manusia", "indeks", "provinsi",
     "tahunan", "5.01 Perencanaan", "", "angka sementara"],
    ["Dinas Kependudukan dan Pencatatan Sipil",
     "Jumlah Penduduk Menurut Kecamatan", "jiwa", "Kecamatan",
     "Semesteran", "Administrasi Kependudukan dan Pencatatan Sipil",
     "kecamatan_tahunan_angka_id", ""],
]


def make_csv(rows: Sequence[Sequence[Any]], header: Sequence[str] = HEADER,
             delimiter: str = ",", encoding: str = "utf-8",
             before: Sequence[Sequence[Any]] = ()) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    for row in before:
        writer.writerow(row)
    writer.writerow(header)
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode(encoding)


def make_xlsx(rows: Sequence[Sequence[Any]], header: Sequence[str] = HEADER,
              before: Sequence[Sequence[Any]] = (),
              after: Sequence[Sequence[Any]] = (),
              title: str = "Sheet1",
              other_sheets: Sequence[tuple[str, str]] = ()) -> bytes:
    """A workbook whose sheet ``title`` holds ``before``, the header,
    ``rows`` and ``after``; ``other_sheets`` (title, state) come first."""
    wb = openpyxl.Workbook()
    first = wb.active
    sheets = []
    for name, state in other_sheets:
        ws = wb.create_sheet(name)
        ws.sheet_state = state
        ws.append(["Tidak relevan"])
        sheets.append(ws)
    ws = wb.create_sheet(title)
    wb.remove(first)
    for row in list(before) + [list(header)] + list(rows) + list(after):
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def parse(data: bytes, filename: str = "daftar.csv",
          **kwargs: Any) -> dl.DataListResult:
    kwargs.setdefault("codes_dir", CODES_DIR)
    return dl.parse_datalist(data, filename, OPD_LOOKUP, **kwargs)


def errors_at(result: dl.DataListResult) -> list[tuple[int, Optional[str]]]:
    return [(e.row, e.field) for e in result.errors]


def only_error(result: dl.DataListResult) -> dl.DataListError:
    assert len(result.errors) == 1, [e.text() for e in result.errors]
    return result.errors[0]


def assert_expected_items(result: dl.DataListResult,
                          first_row: int = 2) -> None:
    assert result.ok, [e.text() for e in result.errors]
    assert [i.row for i in result.items] == [
        first_row, first_row + 1, first_row + 2]
    one, two, three = result.items
    assert one == dl.DataListItem(
        row=first_row, org="dinkes",
        judul="Jumlah Puskesmas Menurut Kabupaten/Kota", satuan="unit",
        level_penyajian="kabupaten_kota", frekuensi="tahunan", urusan="1.02",
        template="kabupaten_kota_tahunan", catatan="")
    assert (two.org, two.level_penyajian, two.frekuensi, two.urusan,
            two.template, two.catatan) == (
        "bappeda", "provinsi", "tahunan", "5.01", None, "angka sementara")
    assert (three.org, three.level_penyajian, three.frekuensi,
            three.urusan, three.template) == (
        "disdukcapil", "kecamatan", "semesteran", "2.12",
        "kecamatan_tahunan_angka_id")


# ---------------------------------------------------------------------------
# Valid files


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_valid_csv_any_delimiter(delimiter: str) -> None:
    result = parse(make_csv(ROWS, delimiter=delimiter))
    assert_expected_items(result)
    assert result.file_format == "csv"
    assert result.header_row == 1


def test_valid_csv_utf8_bom() -> None:
    data = make_csv(ROWS, delimiter=";", encoding="utf-8-sig")
    assert data.startswith(b"\xef\xbb\xbf")
    result = parse(data)
    assert_expected_items(result)


def test_valid_csv_cp1252_accented() -> None:
    rows = [list(r) for r in ROWS]
    rows[1][1] = "Indeks Pembangunan Manusia \u2013 Métode Baru"
    data = make_csv(rows, delimiter=";", encoding="cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    result = parse(data)
    assert_expected_items(result)
    assert result.items[1].judul == (
        "Indeks Pembangunan Manusia \u2013 Métode Baru")


def test_valid_csv_latin1_fallback() -> None:
    # 0x81 is undefined in cp1252: the file can only be Latin-1
    rows = [list(r) for r in ROWS]
    rows[0][7] = "catatan \x81 é"
    result = parse(make_csv(rows, encoding="latin-1"))
    assert result.ok
    assert result.items[0].catatan == "catatan \x81 é"


def test_valid_csv_utf16_tab_separated() -> None:
    # what Excel writes as "Unicode Text"
    result = parse(make_csv(ROWS, delimiter="\t", encoding="utf-16"),
                   "daftar.txt")
    assert_expected_items(result)


def test_csv_title_rows_blank_lines_footer_and_multiline_cells() -> None:
    rows = [list(r) for r in ROWS]
    rows[2][7] = "baris satu\r\nbaris dua"
    rows.append(list(ROWS[0]))  # a duplicate, to see its row number
    data = make_csv(
        rows + [[""] * 8, ["Sumber: Diskominfo Malut"],
                ["Catatan: angka sementara"]],
        before=[["DAFTAR DATA SEKTORAL SEMESTER I 2026"], []],
        delimiter=";")
    result = parse(data)
    assert result.header_row == 3
    assert [i.row for i in result.items] == [4, 5, 6]
    assert result.items[2].catatan == "baris satu\nbaris dua"
    # a quoted line break stays in one row: the next record is row 7
    assert errors_at(result) == [(7, "judul")]
    assert result.errors[0].params["row"] == 4


def test_valid_xlsx_title_row_and_footer() -> None:
    rows = [list(r) for r in ROWS]
    rows[0][5] = 1.02     # urusan typed as a number
    rows[2][5] = 2.12
    data = make_xlsx(
        rows,
        before=[["Daftar Data Sektoral Provinsi Maluku Utara 2026"],
                [None]],
        after=[[None], ["Sumber: Diskominfo Provinsi Maluku Utara"],
               ["Catatan: * angka sementara"]])
    result = parse(data, "daftar.xlsx")
    assert_expected_items(result, first_row=4)
    assert result.file_format == "xlsx"
    assert result.sheet == "Sheet1"
    assert result.header_row == 3


def test_xlsx_errors_use_sheet_row_numbers() -> None:
    rows = [list(r) for r in ROWS]
    rows[1][3] = "nasional-ish"
    data = make_xlsx(rows, before=[["Judul laporan"], [None], ["Semester I"]])
    result = parse(data, "daftar.xlsx")
    assert result.header_row == 4
    assert errors_at(result) == [(6, "level_penyajian")]


def test_xlsx_with_wrong_dimension_is_read_fully() -> None:
    source = io.BytesIO(make_xlsx(ROWS))
    out = io.BytesIO()
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                content, count = re.subn(rb'<dimension ref="[^"]*"',
                                         b'<dimension ref="A1"', content)
                assert count == 1
            dst.writestr(info, content)
    assert_expected_items(parse(out.getvalue(), "daftar.xlsx"))


def test_xlsx_number_cell_for_urusan_with_trailing_zero() -> None:
    rows = [list(r) for r in ROWS[:1]]
    rows[0][5] = 2.10  # Excel shows 2.1 for "2.10" typed as a number
    result = parse(make_xlsx(rows), "daftar.xlsx")
    assert result.ok
    assert result.items[0].urusan == "2.10"


def test_xlsx_prefers_sheet_named_daftar_data() -> None:
    data = make_xlsx(ROWS, title="Daftar Data 2026",
                     other_sheets=[("Sampul", "visible")])
    result = parse(data, "daftar.xlsx")
    assert_expected_items(result)
    assert result.sheet == "Daftar Data 2026"


def test_xlsx_finds_header_on_a_later_visible_sheet() -> None:
    data = make_xlsx(ROWS, title="Lembar2",
                     other_sheets=[("Sampul", "visible"),
                                   ("Tersembunyi", "hidden")])
    result = parse(data, "daftar.xlsx")
    assert_expected_items(result)
    assert result.sheet == "Lembar2"


@pytest.mark.parametrize("header", [
    ["Produsen Data", "Judul Data", "Satuan", "Tingkat Penyajian",
     "Frekuensi Penerbitan", "Urusan Pemerintahan", "Template Table Schema",
     "Keterangan"],
    ["Perangkat Daerah", "Nama Data", "SATUAN", "level_penyajian",
     "frekuensi", "urusan_pemerintahan", "Table Schema", "catatan"],
    ["OPD *", "Judul Data *", "Satuan *", "Level Penyajian (pilih)",
     "Frekuensi *", "Urusan *", "Template", "Catatan"],
])
def test_header_variants(header: list[str]) -> None:
    assert_expected_items(parse(make_csv(ROWS, header=header)))


def test_error_column_is_the_heading_as_written() -> None:
    header = ["Produsen Data *", "Judul\nData *"] + HEADER[2:]
    rows = [list(r) for r in ROWS]
    rows[0][0] = ""
    rows[1][1] = ""
    result = parse(make_xlsx(rows, header=header), "daftar.xlsx")
    assert [(e.row, e.column, e.text()) for e in result.errors] == [
        (2, "Produsen Data", "Produsen Data is required"),
        (3, "Judul Data", "Judul Data is required"),
    ]


def test_column_order_and_extra_columns_do_not_matter() -> None:
    order = [5, 0, 3, 1, 4, 2, 7, 6]
    header = ["No"] + [HEADER[i] for i in order] + ["Penanggung Jawab"]
    rows = [[n] + [r[i] for i in order] + ["Bapak X"]
            for n, r in enumerate(ROWS, start=1)]
    # a numbered but otherwise empty row (a pre-numbered sheet) is empty
    rows.append([4] + [""] * 8 + [""])
    assert_expected_items(parse(make_csv(rows, header=header)))


def test_optional_columns_may_be_absent() -> None:
    rows = [r[:6] for r in ROWS]
    result = parse(make_csv(rows, header=HEADER[:6]))
    assert result.ok
    assert all(i.template is None and i.catatan == "" for i in result.items)


# ---------------------------------------------------------------------------
# Codes


@pytest.mark.parametrize("value,expected", [
    ("kabupaten_kota", "kabupaten_kota"),
    ("Kabupaten/Kota", "kabupaten_kota"),
    ("KABUPATEN / KOTA", "kabupaten_kota"),
    ("kab/kota", "kabupaten_kota"),
    ("Regency/City", "kabupaten_kota"),
    ("Desa/Kelurahan", "desa_kelurahan"),
    ("Kabupaten/Kota (kabupaten_kota)", "kabupaten_kota"),
])
def test_level_as_code_or_label(value: str, expected: str) -> None:
    row = list(ROWS[0])
    row[3] = value
    result = parse(make_csv([row]))
    assert result.ok, [e.text() for e in result.errors]
    assert result.items[0].level_penyajian == expected


@pytest.mark.parametrize("value,expected", [
    ("tahunan", "tahunan"), ("Tahunan", "tahunan"),
    ("Empat Bulanan", "empat_bulanan"), ("empat_bulanan", "empat_bulanan"),
    ("Lebih dari Dua Tahunan", "lebih_dari_dua_tahunan"),
    ("Quarterly", "triwulanan"), ("Triwulan", "triwulanan"),
    ("per tahun", "tahunan"), ("Semester", "semesteran"),
])
def test_frekuensi_as_code_or_label(value: str, expected: str) -> None:
    row = list(ROWS[0])
    row[4] = value
    result = parse(make_csv([row]))
    assert result.ok, [e.text() for e in result.errors]
    assert result.items[0].frekuensi == expected


@pytest.mark.parametrize("value,expected", [
    ("2.12", "2.12"),
    ("2,12", "2.12"),
    ("Administrasi Kependudukan dan Pencatatan Sipil", "2.12"),
    ("administrasi kependudukan dan pencatatan sipil", "2.12"),
    ("2.12 Administrasi Kependudukan dan Pencatatan Sipil", "2.12"),
    ("2.12 - Administrasi Kependudukan dan Pencatatan Sipil", "2.12"),
    ("2.12. Administrasi Kependudukan dan Pencatatan Sipil", "2.12"),
    ("Administrasi Kependudukan dan Pencatatan Sipil (2.12)", "2.12"),
    ("Koperasi, Usaha Kecil dan Menengah", "2.17"),
    ("Koperasi Usaha Kecil dan Menengah", "2.17"),
    ("Statistics", "2.20"),
    ("2.1", "2.10"),
])
def test_urusan_as_code_label_or_both(value: str, expected: str) -> None:
    row = list(ROWS[0])
    row[5] = value
    result = parse(make_csv([row]))
    assert result.ok, [e.text() for e in result.errors]
    assert result.items[0].urusan == expected


def test_code_and_label_that_disagree() -> None:
    row = list(ROWS[0])
    row[5] = "2.12 Pendidikan"
    error = only_error(parse(make_csv([row])))
    assert (error.row, error.field, error.column) == (2, "urusan", "Urusan")
    assert error.message == dl.MSG_CODE_LABEL_MISMATCH
    assert error.params["code"] == "2.12"
    assert error.params["label"] == (
        "Administrasi Kependudukan dan Pencatatan Sipil")
    assert error.params["given"] == "Pendidikan"


@pytest.mark.parametrize("index,field,value,suggested", [
    (3, "level_penyajian", "nasional", "Provinsi"),
    (4, "frekuensi", "tahunann", "Tahunan"),
    (5, "urusan", "Kesehatann", "1.02 Kesehatan"),
    (5, "urusan", "9.99", "1.01 Pendidikan"),
])
def test_unknown_code_lists_options(index: int, field: str, value: str,
                                    suggested: str) -> None:
    row = list(ROWS[0])
    row[index] = value
    error = only_error(parse(make_csv([row])))
    assert (error.row, error.field, error.column) == (2, field, HEADER[index])
    assert error.message == dl.MSG_UNKNOWN_CODE
    assert error.params["value"] == value
    assert error.params["column"] == HEADER[index]
    assert suggested in error.params["options"]
    assert len(error.params["options"].split("; ")) <= dl.MAX_OPTIONS


# ---------------------------------------------------------------------------
# Row errors


@pytest.mark.parametrize("index,field", [
    (0, "opd"), (1, "judul"), (2, "satuan"), (3, "level_penyajian"),
    (4, "frekuensi"), (5, "urusan"),
])
def test_required_cell_missing(index: int, field: str) -> None:
    rows = [list(r) for r in ROWS]
    rows[1][index] = "  "
    rows[2][index] = "-"  # a dash means "nothing" in Indonesian tables
    result = parse(make_csv(rows))
    assert not result.ok
    assert errors_at(result) == [(3, field), (4, field)]
    assert all(e.message == dl.MSG_REQUIRED for e in result.errors)
    assert result.errors[0].column == HEADER[index]
    assert result.errors[0].text() == f"{HEADER[index]} is required"
    # the valid row is still reported (preview), but nothing is ok
    assert [i.row for i in result.items] == [2]


def test_several_errors_in_one_row_in_column_order() -> None:
    row = ["Dinas Antah", "", "unit", "x", "y", "z", "bukan_template", ""]
    result = parse(make_csv([ROWS[0], row]))
    assert errors_at(result) == [
        (3, "opd"), (3, "judul"), (3, "level_penyajian"), (3, "frekuensi"),
        (3, "urusan"), (3, "template")]


def test_unknown_opd() -> None:
    rows = [list(r) for r in ROWS]
    rows[1][0] = "Dinas Kesehatn"
    error = only_error(parse(make_csv(rows)))
    assert (error.row, error.field, error.column) == (3, "opd", "OPD")
    assert error.message == dl.MSG_UNKNOWN_OPD
    assert "Dinas Kesehatan" in error.params["options"]


def test_unknown_opd_without_close_match_lists_some_opd() -> None:
    rows = [list(r) for r in ROWS]
    rows[0][0] = "Zzz"
    error = only_error(parse(make_csv(rows)))
    options = error.params["options"].split(", ")
    assert 0 < len(options) <= dl.MAX_OPTIONS
    # one spelling per organization, not its slug when it has a title
    assert "Dinas Kesehatan" in options and "dinkes" not in options


@pytest.mark.parametrize("spelling", [
    "dinkes", "DINKES", "Dinas Kesehatan", "  dinas   kesehatan ",
    "dinkes-malut", "Dinkes Malut",
])
def test_opd_spellings(spelling: str) -> None:
    row = list(ROWS[0])
    row[0] = spelling
    result = parse(make_csv([row]))
    assert result.ok
    assert result.items[0].org == "dinkes"


def test_opd_punctuation_insensitive() -> None:
    row = list(ROWS[0])
    row[0] = "Dinas Komunikasi Informatika dan Persandian"
    assert parse(make_csv([row])).items[0].org == "diskominfo"


def test_ambiguous_opd() -> None:
    lookup = dict(OPD_LOOKUP, **{"DKP": "dkp-perikanan", "dkp": "dkp-pangan"})
    row = list(ROWS[0])
    row[0] = "Dkp"
    result = dl.parse_datalist(make_csv([row]), "a.csv", lookup,
                               codes_dir=CODES_DIR)
    error = only_error(result)
    assert error.message == dl.MSG_AMBIGUOUS_OPD
    assert error.params["options"] == "dkp-pangan, dkp-perikanan"


def test_empty_opd_lookup() -> None:
    result = dl.parse_datalist(make_csv(ROWS[:1]), "a.csv", {},
                               codes_dir=CODES_DIR)
    error = only_error(result)
    assert error.message == dl.MSG_UNKNOWN_OPD
    assert error.params["options"] == "-"


def test_unknown_template() -> None:
    rows = [list(r) for r in ROWS]
    rows[2][6] = "tabel_bebas"
    error = only_error(parse(make_csv(rows)))
    assert (error.row, error.field, error.column) == (4, "template",
                                                      "Template")
    assert error.message == dl.MSG_UNKNOWN_TEMPLATE
    assert error.params["options"] == ", ".join(tables.template_names())


def test_template_name_is_case_and_space_insensitive() -> None:
    row = list(ROWS[0])
    row[6] = "Kabupaten Kota Tahunan"
    result = parse(make_csv([row]))
    assert result.items[0].template == "kabupaten_kota_tahunan"


def test_custom_template_names() -> None:
    row = list(ROWS[0])
    row[6] = "kabupaten_kota_tahunan"
    result = parse(make_csv([row]), template_names=["khusus"])
    assert only_error(result).field == "template"


def test_title_too_long() -> None:
    rows = [list(r) for r in ROWS]
    rows[1][1] = "J" * 201
    error = only_error(parse(make_csv(rows)))
    assert (error.row, error.field) == (3, "judul")
    assert error.message == dl.MSG_TOO_LONG
    assert error.params == {"column": "Judul", "length": 201, "max": 200}
    rows[1][1] = "J" * 200
    assert parse(make_csv(rows)).ok
    assert not parse(make_csv(rows), max_title_length=150).ok


def test_satuan_too_long() -> None:
    rows = [list(r) for r in ROWS]
    rows[0][2] = "s" * (dl.MAX_SATUAN_LENGTH + 1)
    assert errors_at(parse(make_csv(rows))) == [(2, "satuan")]


def test_title_whitespace_is_collapsed() -> None:
    row = list(ROWS[0])
    row[1] = "  Jumlah\u00a0Puskesmas \n Menurut   Kabupaten/Kota "
    result = parse(make_csv([row]))
    assert result.items[0].judul == "Jumlah Puskesmas Menurut Kabupaten/Kota"


def test_duplicate_rows() -> None:
    rows = [list(r) for r in ROWS]
    again = list(ROWS[0])
    again[0] = "DINKES"  # another spelling of the same OPD
    again[1] = "  jumlah puskesmas   menurut KABUPATEN/kota"
    other_opd = list(ROWS[0])
    other_opd[0] = "bappeda"  # same title, another OPD: fine
    rows += [again, other_opd, list(ROWS[0])]
    result = parse(make_csv(rows))
    assert errors_at(result) == [(5, "judul"), (7, "judul")]
    assert all(e.message == dl.MSG_DUPLICATE for e in result.errors)
    assert [e.params["row"] for e in result.errors] == [2, 2]
    assert result.errors[0].text() == (
        "Duplicate of row 2 (same OPD and title)")
    assert [i.row for i in result.items] == [2, 3, 4, 6]


def test_duplicate_with_unknown_opd_is_still_found() -> None:
    row = list(ROWS[0])
    row[0] = "Dinas Antah"
    result = parse(make_csv([row, row]))
    assert errors_at(result) == [(2, "opd"), (3, "opd"), (3, "judul")]


# ---------------------------------------------------------------------------
# File-level errors


def test_missing_columns() -> None:
    header = ["OPD", "Judul", "Satuan", "Template"]
    result = parse(make_csv([r[:3] + [r[6]] for r in ROWS], header=header))
    error = only_error(result)
    assert (error.row, error.column, error.field) == (1, None, None)
    assert error.message == dl.MSG_MISSING_COLUMNS
    assert error.params["columns"] == (
        "Level Penyajian, Frekuensi Penerbitan, Urusan Pemerintahan")
    assert result.items == ()


def test_no_header_row() -> None:
    data = b"a,b,c\n1,2,3\n"
    error = only_error(parse(data))
    assert (error.row, error.message) == (1, dl.MSG_NO_HEADER)
    assert error.params["rows"] == dl.HEADER_SEARCH_ROWS
    assert "Judul Data" in error.params["columns"]


def test_header_below_the_search_window_is_not_found() -> None:
    before = [[f"baris {n}"] for n in range(dl.HEADER_SEARCH_ROWS)]
    result = parse(make_csv(ROWS, before=before))
    assert only_error(result).message == dl.MSG_NO_HEADER


@pytest.mark.parametrize("data,filename", [
    (b"", "daftar.csv"),
    (b"   \r\n\r\n", "daftar.csv"),
    (b"", "daftar.xlsx"),
])
def test_empty_file(data: bytes, filename: str) -> None:
    result = parse(data, filename)
    error = only_error(result)
    assert (error.row, error.message) == (1, dl.MSG_EMPTY_FILE)
    assert result.file_format is None


def test_header_only() -> None:
    result = parse(make_csv([]))
    assert only_error(result).message == dl.MSG_NO_ROWS
    assert not result.ok


def test_empty_rows_and_footer_only() -> None:
    data = make_csv([[""] * 8, ["Sumber: Diskominfo"]])
    assert only_error(parse(data)).message == dl.MSG_NO_ROWS


def _docx_like() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return out.getvalue()


def _ods_like() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype",
                         "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


@pytest.mark.parametrize("data,filename,message", [
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "daftar.png",
     dl.MSG_NOT_SPREADSHEET),
    (bytes(range(256)) * 8, "daftar.csv", dl.MSG_NOT_SPREADSHEET),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "daftar.pdf",
     dl.MSG_NOT_SPREADSHEET),
    (_docx_like(), "daftar.docx", dl.MSG_NOT_SPREADSHEET),
    (_docx_like(), "daftar.xlsx", dl.MSG_BAD_XLSX),
    (b"PK\x03\x04 truncated", "daftar.xlsx", dl.MSG_BAD_XLSX),
    (b"OPD,Judul\nx,y\n", "daftar.xlsx", dl.MSG_BAD_XLSX),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "daftar.xls",
     dl.MSG_UNSUPPORTED_FORMAT),
    (_ods_like(), "daftar.ods", dl.MSG_UNSUPPORTED_FORMAT),
], ids=["png", "binary-csv", "pdf", "docx", "docx-named-xlsx",
        "truncated-xlsx", "csv-named-xlsx", "xls", "ods"])
def test_unreadable_files(data: bytes, filename: str, message: str) -> None:
    result = parse(data, filename)
    error = only_error(result)
    assert (error.row, error.field, error.message) == (1, None, message)
    assert result.items == ()


def test_truncated_real_xlsx() -> None:
    data = make_xlsx(ROWS)
    result = parse(data[: len(data) // 2], "daftar.xlsx")
    assert only_error(result).message == dl.MSG_BAD_XLSX


# ---------------------------------------------------------------------------
# Row limit


def _many_rows(count: int) -> list[list[str]]:
    return [["dinkes", f"Data nomor {n}", "unit", "provinsi", "tahunan",
             "1.02", "", ""] for n in range(count)]


def test_row_limit() -> None:
    assert parse(make_csv(_many_rows(5)), max_rows=5).ok
    result = parse(make_csv(_many_rows(6)), max_rows=5)
    error = only_error(result)
    assert (error.row, error.message, error.params) == (
        1, dl.MSG_TOO_MANY_ROWS, {"max": 5})
    assert result.items == ()


def test_row_limit_footer_and_blank_rows_do_not_count() -> None:
    rows = _many_rows(5) + [[""] * 8, ["Sumber: BPS"], ["Catatan: -"]]
    assert parse(make_csv(rows), max_rows=5).ok


def test_row_limit_stops_reading_long_files() -> None:
    rows = _many_rows(5 + dl.ROW_ALLOWANCE + 10)
    result = parse(make_csv(rows), max_rows=5)
    assert only_error(result).message == dl.MSG_TOO_MANY_ROWS
    result = parse(make_xlsx(rows), "daftar.xlsx", max_rows=5)
    assert only_error(result).message == dl.MSG_TOO_MANY_ROWS


def test_default_row_limit() -> None:
    assert dl.DEFAULT_MAX_ROWS == 2000
    result = parse(make_csv(_many_rows(2001)))
    assert only_error(result).params == {"max": 2000}


# ---------------------------------------------------------------------------
# Templates


def test_template_workbook_structure() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(dl.template_workbook(
        codes_dir=CODES_DIR, opd_names=["Dinas Kesehatan", "Bappeda"])))
    assert wb.sheetnames == [dl.SHEET_DATA, dl.SHEET_HELP, dl.SHEET_CODES]
    data_ws = wb[dl.SHEET_DATA]
    assert [c.value for c in data_ws[1]] == [c.header for c in dl.COLUMNS]
    assert data_ws.freeze_panes == "A2"
    assert wb[dl.SHEET_CODES].sheet_state == "hidden"
    assert wb[dl.SHEET_HELP].sheet_state == "visible"
    validations = {str(v.sqref): v.formula1
                   for v in data_ws.data_validations.dataValidation}
    letters = {c.key: openpyxl.utils.get_column_letter(i)
               for i, c in enumerate(dl.COLUMNS, start=1)}
    for key in ("level_penyajian", "frekuensi", "urusan", "template", "opd"):
        sqref = f"{letters[key]}2:{letters[key]}{dl.DEFAULT_MAX_ROWS + 1}"
        assert sqref in validations, key
        assert validations[sqref].startswith(f"'{dl.SHEET_CODES}'!")
    codes_ws = wb[dl.SHEET_CODES]
    column = {c.value: c.column for c in codes_ws[1]}
    level = [codes_ws.cell(row=r, column=column["Level Penyajian"]).value
             for r in range(2, 7)]
    assert level == [c.label("id") for c in codes.load("level_penyajian",
                                                       CODES_DIR)]
    urusan = codes_ws.cell(row=2, column=column["Urusan Pemerintahan"]).value
    assert urusan == "1.01 Pendidikan"
    help_text = " ".join(
        str(c.value) for row in wb[dl.SHEET_HELP].iter_rows() for c in row
        if c.value)
    assert "Petunjuk" in help_text and "Judul Data" in help_text


def test_template_workbook_without_opd_list_has_no_opd_dropdown() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(dl.template_workbook(
        codes_dir=CODES_DIR, rows=10)))
    sqrefs = {str(v.sqref) for v in
              wb[dl.SHEET_DATA].data_validations.dataValidation}
    assert sqrefs == {"D2:D11", "E2:E11", "F2:F11", "G2:G11"}


def test_template_workbook_unchanged_is_read_back() -> None:
    result = parse(dl.template_workbook(codes_dir=CODES_DIR), "template.xlsx")
    # the header is recognised; the only complaint is the missing rows
    assert only_error(result).message == dl.MSG_NO_ROWS
    assert (result.sheet, result.header_row) == (dl.SHEET_DATA, 1)


def test_template_workbook_round_trip() -> None:
    data = dl.template_workbook(codes_dir=CODES_DIR,
                                opd_names=["Dinas Kesehatan", "Bappeda"])
    wb = openpyxl.load_workbook(io.BytesIO(data))
    codes_ws = wb[dl.SHEET_CODES]
    column = {c.value: c.column for c in codes_ws[1]}

    def pick(header: str, row: int) -> str:
        return codes_ws.cell(row=row, column=column[header]).value

    ws = wb[dl.SHEET_DATA]
    ws.append([pick("OPD", 2), "Jumlah Tenaga Kesehatan", "orang",
               pick("Level Penyajian", 3), pick("Frekuensi Penerbitan", 7),
               pick("Urusan Pemerintahan", 3),
               pick("Template Table Schema", 2), "prioritas"])
    ws.append([pick("OPD", 3), "Indeks Pembangunan Manusia", "indeks",
               pick("Level Penyajian", 2), pick("Frekuensi Penerbitan", 5),
               pick("Urusan Pemerintahan", 36), None, None])
    ws.append([pick("OPD", 2), "Jumlah Penduduk", "jiwa",
               pick("Level Penyajian", 4), pick("Frekuensi Penerbitan", 2),
               pick("Urusan Pemerintahan", 13),
               pick("Template Table Schema", 4), None])
    out = io.BytesIO()
    wb.save(out)
    result = parse(out.getvalue(), "daftar-terisi.xlsx")
    assert result.ok, [e.text() for e in result.errors]
    assert [(i.row, i.org, i.level_penyajian, i.frekuensi, i.urusan,
             i.template) for i in result.items] == [
        (2, "dinkes", "kabupaten_kota", "semesteran", "1.02",
         "kabupaten_kota_tahunan"),
        (3, "bappeda", "provinsi", "triwulanan", "5.01", None),
        (4, "dinkes", "kecamatan", "harian", "2.12", "kecamatan_tahunan"),
    ]
    assert result.items[0].catatan == "prioritas"


def test_template_csv() -> None:
    data = dl.template_csv(codes_dir=CODES_DIR)
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0] == ",".join(c.header for c in dl.COLUMNS)
    assert len(lines) == 2
    result = parse(data, "template.csv")
    assert result.ok, [e.text() for e in result.errors]
    item = result.items[0]
    assert (item.org, item.level_penyajian, item.frekuensi, item.urusan,
            item.template) == ("dinkes", "kabupaten_kota", "tahunan", "1.02",
                               "kabupaten_kota_tahunan")


def test_template_csv_example_opd() -> None:
    data = dl.template_csv(codes_dir=CODES_DIR, example_opd="Bappeda")
    assert parse(data).items[0].org == "bappeda"


# ---------------------------------------------------------------------------
# Helpers and result shapes


def test_build_opd_lookup() -> None:
    orgs = [
        {"name": "dinkes", "title": "Dinas Kesehatan", "kode_opd": "1.02.01",
         "singkatan": "Dinkes", "nama_resmi": ""},
        {"name": "bappeda", "title": "Bappeda", "singkatan": None},
        {"title": "no name"},
    ]
    lookup = dl.build_opd_lookup(orgs)
    assert lookup == {
        "dinkes": "dinkes", "Dinas Kesehatan": "dinkes",
        "1.02.01": "dinkes", "Dinkes": "dinkes",
        "bappeda": "bappeda", "Bappeda": "bappeda",
    }
    row = list(ROWS[0])
    row[0] = "1.02.01"
    result = dl.parse_datalist(make_csv([row]), "a.csv", lookup,
                               codes_dir=CODES_DIR)
    assert result.items[0].org == "dinkes"


def test_item_dataset_fields() -> None:
    item = parse(make_csv(ROWS[:1])).items[0]
    assert item.dataset_fields() == {
        "owner_org": "dinkes",
        "title": "Jumlah Puskesmas Menurut Kabupaten/Kota",
        "satuan": "unit",
        "level_penyajian": "kabupaten_kota",
        "frekuensi_penerbitan": "tahunan",
        "urusan_pemerintahan": "1.02",
    }


def test_result_to_dict_and_translated_text() -> None:
    rows = [list(r) for r in ROWS]
    rows[1][2] = ""
    result = parse(make_csv(rows))
    as_dict = result.to_dict(lambda m: {"%(column)s is required":
                                        "%(column)s wajib diisi"}.get(m, m))
    assert as_dict["ok"] is False
    assert (as_dict["file_format"], as_dict["header_row"]) == ("csv", 1)
    assert len(as_dict["items"]) == 2
    assert as_dict["items"][0]["org"] == "dinkes"
    assert as_dict["errors"] == [{
        "row": 3, "column": "Satuan", "field": "satuan",
        "message": "%(column)s is required", "params": {"column": "Satuan"},
        "text": "Satuan wajib diisi",
    }]
    assert list(dl.iter_errors_text(result)) == [
        "Row 3, Satuan: Satuan is required"]


def test_codes_load_without_ckan_config() -> None:
    # the default (configured) code directory works without a CKAN app
    assert dl.parse_datalist(make_csv(ROWS), "a.csv", OPD_LOOKUP).ok


# ---------------------------------------------------------------------------
# Translations


def _msgids() -> set[str]:
    found = {v for k, v in vars(dl).items()
             if k.startswith("MSG_") and isinstance(v, str)}
    return found | {"Row %(row)s"}


def test_every_message_has_an_indonesian_translation() -> None:
    with open(PO_FILE, "rb") as f:
        catalog = read_po(f)
    placeholders = re.compile(r"%\((\w+)\)s")
    for msgid in _msgids():
        message = catalog.get(msgid)
        assert message is not None and message.string, msgid
        assert (sorted(placeholders.findall(message.string))
                == sorted(placeholders.findall(msgid))), msgid


def test_every_message_formats_with_its_params() -> None:
    # each error produced anywhere in this module's scenarios formats
    rows = [list(r) for r in ROWS]
    rows[0][0] = "Zzz"
    rows[1][3] = "x"
    rows[2][5] = "2.12 Pendidikan"
    rows.append(["dkp", "J" * 300, "", "provinsi", "tahunan", "1.02", "t",
                 ""])
    rows.append(list(ROWS[1]))
    lookup = dict(OPD_LOOKUP, DKP="a", dkp="b")
    result = dl.parse_datalist(make_csv(rows), "a.csv", lookup,
                               codes_dir=CODES_DIR)
    messages = {e.message for e in result.errors}
    assert {dl.MSG_UNKNOWN_OPD, dl.MSG_UNKNOWN_CODE,
            dl.MSG_CODE_LABEL_MISMATCH, dl.MSG_AMBIGUOUS_OPD, dl.MSG_TOO_LONG,
            dl.MSG_REQUIRED, dl.MSG_UNKNOWN_TEMPLATE,
            dl.MSG_DUPLICATE} <= messages
    for error in result.errors:
        assert "%(" not in error.text()
