"""Bad data files, one per kind, with what the portal must say about them.

Each :class:`Case` builds its bytes at test time. ``outcome`` is
``"door"`` (refused at upload: nothing stored), ``"invalid"`` (stored,
validation fails, submit blocked) or ``"valid"`` (the control: submit
passes). ``expect_id`` are substrings of the Indonesian explanation.
"""
from __future__ import annotations

import dataclasses
import io
import zipfile
from typing import Callable

HEADER = ["kode_provinsi", "nama_provinsi", "kode_kabupaten_kota",
          "nama_kabupaten_kota", "nilai", "satuan", "tahun"]
ROWS = [
    ["82", "Provinsi Maluku Utara", "8271", "Kota Ternate", "205001",
     "jiwa", "2023"],
    ["82", "Provinsi Maluku Utara", "8272", "Kota Tidore Kepulauan",
     "114480", "jiwa", "2023"],
]


def csv_text(rows: list[list[str]], sep: str = ",") -> str:
    def cell(value: str) -> str:
        return '"%s"' % value if (sep in value or '"' in value) else value
    return "".join(sep.join(cell(v) for v in row) + "\r\n" for row in rows)


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8",
              sep: str = ",") -> bytes:
    return csv_text(rows, sep).encode(encoding)


def xlsx(sheets: list[tuple[str, list[list[object]]]],
         merge: tuple[str, ...] = ()) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    for cells in merge:
        book.worksheets[0].merge_cells(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _numeric(rows: list[list[str]]) -> list[list[object]]:
    """Rows as a spreadsheet holds them: numbers as numbers."""
    return [[int(v) if v.isdigit() else v for v in row] for row in rows]


def ods() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype",
                         "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
        archive.writestr("META-INF/manifest.xml", "<manifest/>")
    return out.getvalue()


def zip_of_csv() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("penduduk.csv", csv_bytes([HEADER] + ROWS))
    return out.getvalue()


PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
       b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
       b"trailer << /Root 1 0 R >>\n%%EOF\n")
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00"
       b"\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc"
       b"\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`"
       b"\x82")


@dataclasses.dataclass(frozen=True)
class Case:
    name: str
    filename: str
    fmt: str
    build: Callable[[], bytes]
    outcome: str
    expect_id: tuple[str, ...]
    template: str = "kabupaten_kota_tahunan"


def _row(**values: str) -> list[str]:
    row = dict(zip(HEADER, ROWS[0], strict=False))
    row.update(values)
    return [row[h] for h in HEADER]


CASES: tuple[Case, ...] = (
    Case("valid", "penduduk.csv", "CSV",
         lambda: csv_bytes([HEADER] + ROWS), "valid", ()),
    Case("valid_xlsx_named_csv", "penduduk.csv", "CSV",
         lambda: xlsx([("Data", _numeric([HEADER] + ROWS))]), "valid", ()),
    Case("empty", "kosong.csv", "CSV", lambda: b"", "door",
         ("Berkas kosong",)),
    Case("header_only", "header.csv", "CSV",
         lambda: csv_bytes([HEADER]), "invalid",
         ("tidak ada baris data",)),
    Case("wrong_types", "tipe.csv", "CSV",
         lambda: csv_bytes([HEADER, _row(nilai="banyak"),
                            _row(kode_kabupaten_kota="8272",
                                 nama_kabupaten_kota="Kota Tidore Kepulauan",
                                 tahun="2023a")]), "invalid",
         ("baris 2, kolom nilai", "bukan angka", "baris 3, kolom tahun",
          "bukan tahun")),
    Case("utf16", "unicode.txt", "CSV",
         lambda: b"\xff\xfe" + csv_text([HEADER] + ROWS, "\t").encode(
             "utf-16-le"), "door", ("UTF-16", "CSV UTF-8")),
    Case("cp1252", "windows.csv", "CSV",
         lambda: csv_bytes([HEADER, _row(satuan="jiwa \u2013 orang")],
                           encoding="cp1252"), "door",
         ("bukan UTF-8", "baris 2", "CSV UTF-8")),
    Case("binary_csv", "data.csv", "CSV",
         lambda: bytes(range(256)) * 8, "door", ("data biner", "data.csv")),
    Case("html_csv", "unduhan.csv", "CSV",
         lambda: b"<!DOCTYPE html><html><head><title>Login</title></head>"
                 b"<body><table><tr><td>82</td></tr></table></body></html>",
         "door", ("halaman web (HTML)",)),
    Case("json_csv", "data.csv", "CSV",
         lambda: b'[{"kode_provinsi": 82, "nilai": 205001}]', "door",
         ("berisi JSON",)),
    Case("merged_headers", "gabung.xlsx", "XLSX",
         lambda: xlsx([("Data", [
             ["Provinsi", None, "Kabupaten/Kota", None, "Penduduk", None,
              None]] + _numeric([HEADER] + ROWS))],
             merge=("A1:B1", "C1:D1", "E1:G1")), "invalid",
         ("nama kolom ada di baris 2", "baris 1")),
    Case("title_rows", "judul.csv", "CSV",
         lambda: csv_bytes([["Tabel 3.1 Jumlah Penduduk Menurut "
                             "Kabupaten/Kota, 2023"], [""], HEADER] + ROWS),
         "invalid", ("nama kolom ada di baris 3",)),
    Case("totals_and_source", "jumlah.csv", "CSV",
         lambda: csv_bytes([HEADER] + ROWS + [
             ["Jumlah", "", "", "", "319481", "jiwa", "2023"],
             ["Sumber: Dinas Kependudukan dan Pencatatan Sipil"]]),
         "invalid", ("Baris 4 adalah baris jumlah", "Baris 5 adalah catatan")),
    Case("data_on_sheet2", "lembar2.xlsx", "XLSX",
         lambda: xlsx([("Sheet1", []), ("Data", _numeric([HEADER] + ROWS))]),
         "invalid", ("Lembar pertama (\"Sheet1\") kosong", "\"Data\"")),
    Case("several_sheets", "per_tahun.xlsx", "XLSX",
         lambda: xlsx([(year, _numeric([HEADER] + [
             r[:6] + [year] for r in ROWS])) for year in
             ("2021", "2022", "2023")]), "invalid",
         ("Hanya lembar pertama (\"2021\")", "\"2022\"", "\"2023\"")),
    Case("kemendagri_codes", "kemendagri.csv", "CSV",
         lambda: csv_bytes([HEADER, _row(
             kode_kabupaten_kota="82.03",
             nama_kabupaten_kota="Kabupaten Halmahera Utara")]), "invalid",
         ("kode BPS 8205", "bukan kode Kemendagri 82.03")),
    Case("duplicates", "ganda.csv", "CSV",
         lambda: csv_bytes([HEADER] + ROWS + [ROWS[0]]), "invalid",
         ("Baris 4 mengulang wilayah dan tahun baris 2",)),
    Case("ambiguous_dot_in_decimal_comma", "koma.csv", "CSV",
         lambda: csv_bytes([HEADER, _row(nilai="10.3"),
                            _row(kode_kabupaten_kota="8272",
                                 nama_kabupaten_kota="Kota Tidore Kepulauan",
                                 nilai="1.500")]), "invalid",
         ("baris 2, kolom nilai", "\"10.3\" ambigu", "103"),
         template="kabupaten_kota_tahunan_angka_id"),
    Case("ambiguous_group_in_decimal_point", "titik.csv", "CSV",
         lambda: csv_bytes([HEADER, _row(nilai="1.500"),
                            _row(kode_kabupaten_kota="8272",
                                 nama_kabupaten_kota="Kota Tidore Kepulauan",
                                 nilai="77.121")]), "invalid",
         ("\"1.500\" ambigu", "1500", "baris 3, kolom nilai",
          "\"77.121\" ambigu")),
    Case("comma_in_decimal_point", "desimal.csv", "CSV",
         lambda: csv_bytes([HEADER, _row(nilai="83,6")]), "invalid",
         ("\"83,6\" memakai koma", "83.6")),
    Case("huge_cell", "besar.csv", "CSV",
         lambda: csv_bytes([HEADER, _row(nama_kabupaten_kota="A" * 1_000_000)]),
         "invalid", ("baris 2, kolom nama_kabupaten_kota", "daftar kode")),
    Case("columns_2000", "lebar.csv", "CSV",
         lambda: csv_bytes([HEADER + ["kolom_%d" % i for i in range(1993)]]
                           + [r + ["1"] * 1993 for r in ROWS]), "invalid",
         ("1993 kolom yang tidak ada dalam templat",)),
    Case("over_size_limit", "besar_sekali.csv", "CSV",
         lambda: csv_bytes([HEADER] + ROWS * 20000), "door",
         ("batas unggahan 1 MB",)),
    Case("ods", "tabel.ods", "ODS", ods, "door",
         ("OpenDocument (ODS)", "CSV, XLSX, XLS")),
    Case("zip", "data.zip", "ZIP", zip_of_csv, "door",
         ("arsip ZIP", "CSV, XLSX, XLS")),
    Case("pdf", "tabel.pdf", "PDF", lambda: PDF, "door", ("dokumen PDF",)),
    Case("image", "foto_tabel.png", "PNG", lambda: PNG, "door", ("gambar",)),
)

#: ``ckan.max_resource_size`` the corpus tests run with (MB).
SIZE_LIMIT_MB = 1
