"""Import templates that ``parse_datalist`` accepts back: a CSV
(``template_csv``) and an XLSX workbook with dropdowns, instructions and
the code lists (``template_workbook``)."""
from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any, Optional

from ckanext.sektoral.core import tables

from .base import (
    COLUMNS, COLUMNS_BY_KEY, CodesDir, DEFAULT_MAX_ROWS,
    DEFAULT_MAX_TITLE_LENGTH, SHEET_CODES, SHEET_DATA, SHEET_HELP,
)
from .codelists import code_resolvers


# ---------------------------------------------------------------------------
# Templates

#: Instructions per column for the template's help sheet (Indonesian: the
#: staff's working language).
_HELP: dict[str, tuple[str, str]] = {
    "opd": ("Nama, singkatan atau kode OPD produsen data, sesuai nama "
            "organisasi di portal.", "Dinas Kesehatan"),
    "judul": (f"Judul data, paling banyak {DEFAULT_MAX_TITLE_LENGTH} "
              "karakter; tidak boleh ganda untuk OPD yang sama.",
              "Jumlah Tenaga Kesehatan Menurut Kabupaten/Kota"),
    "satuan": ("Satuan nilai data.", "orang"),
    "level_penyajian": ("Tingkat wilayah terkecil yang disajikan; pilih "
                        "dari daftar.", "Kabupaten/Kota"),
    "frekuensi": ("Seberapa sering data diterbitkan; pilih dari daftar.",
                  "Tahunan"),
    "urusan": ("Urusan pemerintahan (kode, nama, atau \"kode nama\"); "
               "pilih dari daftar.", "1.02 Kesehatan"),
    "template": ("Opsional: nama template Table Schema untuk berkas "
                 "data; pilih dari daftar.", "kabupaten_kota_tahunan"),
    "catatan": ("Opsional: catatan untuk OPD.", ""),
}


def _example(codes_dir: CodesDir,
             templates: Sequence[str]) -> dict[str, str]:
    """Example row values valid against the (possibly overridden) lists."""
    resolvers = code_resolvers(codes_dir)
    example: dict[str, str] = {}
    for col in COLUMNS:
        text = _HELP[col.key][1]
        if col.key in resolvers:
            resolver = resolvers[col.key]
            code, _ = resolver.resolve(text)
            if code is None:
                code = resolver.code_list.values()[0]
            text = resolver.option(code)
        elif col.key == "template" and text not in templates:
            text = templates[0] if templates else ""
        example[col.key] = text
    return example


def template_csv(*, codes_dir: CodesDir = None,
                 template_names: Optional[Sequence[str]] = None,
                 example_opd: Optional[str] = None) -> bytes:
    """A CSV import template: the header row and one example row (UTF-8
    with BOM, so that Excel opens it right; comma delimited).

    :param example_opd: OPD written in the example row (default: "Dinas
        Kesehatan")
    """
    templates = list(template_names if template_names is not None
                     else tables.template_names())
    example = _example(codes_dir, templates)
    if example_opd:
        example["opd"] = example_opd
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.header for c in COLUMNS])
    writer.writerow([example[c.key] for c in COLUMNS])
    return out.getvalue().encode("utf-8-sig")


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter  # heavy; only for a workbook
    return str(get_column_letter(index))


def template_workbook(*, codes_dir: CodesDir = None,
                      template_names: Optional[Sequence[str]] = None,
                      opd_names: Sequence[str] = (),
                      rows: int = DEFAULT_MAX_ROWS) -> bytes:
    """An XLSX import template.

    Sheets: "Daftar Data" (the header row, frozen, and dropdowns for level
    penyajian, frekuensi, urusan, template and, if ``opd_names`` is given,
    OPD, on ``rows`` rows), "Petunjuk" (instructions and an example row)
    and the hidden "Kode" holding the dropdown lists (from the code
    lists). ``parse_datalist`` reads the filled-in workbook back.

    :param opd_names: OPD spellings offered in the OPD dropdown (e.g. the
        organization titles); no dropdown if empty
    """
    # heavy; only when a workbook is written
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    templates = list(template_names if template_names is not None
                     else tables.template_names())
    resolvers = code_resolvers(codes_dir)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    wrap = Alignment(wrap_text=True, vertical="top")

    workbook = Workbook()
    data_ws = workbook.active
    data_ws.title = SHEET_DATA
    help_ws = workbook.create_sheet(SHEET_HELP)
    code_ws = workbook.create_sheet(SHEET_CODES)
    code_ws.sheet_state = "hidden"

    widths = {"opd": 32, "judul": 50, "satuan": 14, "level_penyajian": 18,
              "frekuensi": 20, "urusan": 40, "template": 30, "catatan": 40}
    for index, col in enumerate(COLUMNS, start=1):
        cell = data_ws.cell(row=1, column=index, value=col.header)
        cell.font = bold
        cell.fill = fill
        data_ws.column_dimensions[_column_letter(index)].width = widths[
            col.key]
    data_ws.freeze_panes = "A2"

    lists: dict[str, list[str]] = {
        key: [resolver.option(v) for v in resolver.code_list.values()]
        for key, resolver in resolvers.items()
    }
    lists["template"] = templates
    if opd_names:
        lists["opd"] = list(dict.fromkeys(opd_names))
    last_row = rows + 1
    for list_index, (key, values) in enumerate(lists.items(), start=1):
        letter = _column_letter(list_index)
        code_ws.cell(row=1, column=list_index,
                     value=COLUMNS_BY_KEY[key].header).font = bold
        for row, value in enumerate(values, start=2):
            code_ws.cell(row=row, column=list_index, value=value)
        if not values:
            continue
        target = _column_letter(
            [c.key for c in COLUMNS].index(key) + 1)
        validation = DataValidation(
            type="list",
            formula1=(f"'{SHEET_CODES}'!${letter}$2:"
                      f"${letter}${len(values) + 1}"),
            allow_blank=True,
            errorStyle="warning",
            showErrorMessage=True,
            errorTitle=COLUMNS_BY_KEY[key].header,
            error="Nilai tidak ada dalam daftar.",
        )
        data_ws.add_data_validation(validation)
        validation.add(f"{target}2:{target}{last_row}")

    example = _example(codes_dir, templates)
    help_ws.column_dimensions["A"].width = 26
    help_ws.column_dimensions["B"].width = 10
    help_ws.column_dimensions["C"].width = 70
    help_ws.column_dimensions["D"].width = 45
    intro = [
        "Petunjuk pengisian daftar data sektoral",
        f"Isi satu baris per data pada lembar \"{SHEET_DATA}\", mulai "
        "baris 2. Jangan mengubah baris judul kolom.",
        f"Paling banyak {rows} baris per berkas. Baris kosong diabaikan.",
        "Semua baris diperiksa sebelum impor; bila ada kesalahan, tidak ada "
        "data yang dibuat dan setiap kesalahan ditunjukkan dengan nomor "
        "barisnya.",
    ]
    for row, line in enumerate(intro, start=1):
        help_ws.cell(row=row, column=1, value=line)
    help_ws.cell(row=1, column=1).font = Font(bold=True, size=13)
    table_row = len(intro) + 2
    for index, heading in enumerate(
            ("Kolom", "Wajib", "Keterangan", "Contoh"), start=1):
        cell = help_ws.cell(row=table_row, column=index, value=heading)
        cell.font = bold
        cell.fill = fill
    for offset, col in enumerate(COLUMNS, start=1):
        cells = (col.header, "Ya" if col.required else "Tidak",
                 _HELP[col.key][0], example[col.key])
        for index, value in enumerate(cells, start=1):
            help_ws.cell(row=table_row + offset, column=index,
                         value=value).alignment = wrap
    return _save(workbook)


def _save(workbook: Any) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
