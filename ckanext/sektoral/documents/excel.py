"""XLSX data-entry templates from a Table Schema, and cell neutralising.

Plain Python (openpyxl), no CKAN import.

``template_workbook(schema, title=..., unit=..., notes=...)`` builds the
workbook an OPD fills in. Real submitted spreadsheets come with merged
multi-row headers, a trailing "Sumber:" line and footnotes; a template
generated from the resource's Table Schema avoids all of that:

* sheet ``Data`` (the FIRST sheet) has exactly the field names in row 1 and
  nothing else, so ckanext-validation / frictionless validates the first
  sheet of a filled file as is (``format="xlsx"``, no header options);
  the header is styled and frozen; each column carries its number format
  and a data validation whose input message shows the field's title and
  description (the MS-Var metadata);
* sheet ``Petunjuk``: the instructions in Indonesian (dataset title,
  unit, one row per column, the BPS symbols accepted as missing values);
* sheet ``Kode`` (hidden, only when needed): long dropdown lists.

The workbook text is Indonesian on purpose, like the schema's own titles
and descriptions: it is a data-entry artefact for Indonesian OPD staff,
not part of the (translated) web interface.

Data validation per column (Excel only checks what is typed; frictionless
remains the real check):

* ``constraints.enum``: a dropdown list (inline when short, else a range
  on ``Kode``); for a field that is not required, the BPS symbols are
  added to the list;
* ``integer`` / ``year`` / ``number`` that are required: Excel's
  whole-number / decimal validation with the schema's minimum/maximum;
* ``integer`` / ``year`` / ``number`` that are not required: a custom
  formula accepting a number (in range) OR one of the schema's
  ``missingValues`` (``...``, ``-``, ``NA``, ``x``): a whole-number rule
  would refuse the BPS symbols, and the answer must never be typing 0;
* other fields: no restriction, only the input message.

Number formats: ``0`` for integer and year, ``#,##0.##`` for number (Excel
shows the separators of the user's locale, so ``1.234,5`` on an Indonesian
Windows), ``@`` (text) for string fields so that Excel does not turn a
code such as ``01`` or ``1-2`` into a number or a date. The formats and
validations are set on the columns, not on cells: no empty styled cells
exist below the header, so frictionless sees no blank rows.

``neutralise(value)`` / ``neutralise_row(row)``: protection against
formula ("CSV") injection for exported cells; see ``neutralise``.
"""
from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Optional

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ckanext.sektoral.core.cells import neutralise
from ckanext.sektoral.core import symbols

Descriptor = dict[str, Any]

DATA_SHEET = "Data"
GUIDE_SHEET = "Petunjuk"
CODES_SHEET = "Kode"

#: Rows (below the header) covered by the data validations.
DEFAULT_ROWS = 10000

#: Excel limits: an inline list formula, an input message and its title.
_INLINE_LIST_MAX = 255
_PROMPT_MAX = 255
_PROMPT_TITLE_MAX = 32
_ERROR_MAX = 255

INTEGER_FORMAT = "0"
NUMBER_FORMAT = "#,##0.##"
TEXT_FORMAT = "@"

#: Meaning of the BPS table symbols used as ``missingValues`` (the one
#: definition: ``core/symbols.py``).
BPS_SYMBOLS: dict[str, str] = dict(symbols.LABELS_ID)

#: Field types in Indonesian (Petunjuk sheet).
TYPE_LABELS: dict[str, str] = {
    "string": "Teks",
    "integer": "Bilangan bulat",
    "number": "Angka (boleh desimal)",
    "year": "Tahun (4 digit)",
    "yearmonth": "Tahun-bulan (YYYY-MM)",
    "date": "Tanggal",
    "datetime": "Tanggal dan waktu",
    "time": "Waktu",
    "boolean": "Ya/Tidak (benar/salah)",
    "geopoint": "Titik koordinat",
}

_NUMERIC_TYPES = ("integer", "number", "year")
_WHOLE_TYPES = ("integer", "year")
#: Bounds when the schema gives none (Excel needs both for "between").
_YEAR_BOUNDS = (1000, 9999)
_NO_BOUND = 10 ** 15

_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
_TITLE_FONT = Font(bold=True, size=14)
_BOLD = Font(bold=True)
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_HEADER_ALIGN = Alignment(horizontal="center", vertical="center",
                          wrap_text=True)


# ---------------------------------------------------------------------------
# Template workbook


def template_workbook(schema: Mapping[str, Any], *, title: str = "",
                      unit: str = "", notes: str = "",
                      rows: int = DEFAULT_ROWS) -> bytes:
    """An XLSX data-entry template generated from a Table Schema.

    :param schema: Frictionless Table Schema descriptor (``fields``,
        optional ``missingValues``)
    :param title: dataset title, shown on the Petunjuk sheet
    :param unit: unit of the measure (``satuan``), shown on the Petunjuk
        sheet for the number fields
    :param notes: free text (e.g. concept/definition or the source) shown
        on the Petunjuk sheet
    :param rows: data rows (below the header) covered by the validations
    :returns: the workbook as XLSX bytes
    """
    fields = list(schema.get("fields") or [])
    if not fields:
        raise ValueError("the schema has no fields")
    missing = _missing_values(schema)

    wb = Workbook()
    data = wb.active
    data.title = DATA_SHEET
    guide = wb.create_sheet(GUIDE_SHEET)
    codes: Optional[Worksheet] = None

    last_row = rows + 1
    for col, field in enumerate(fields, start=1):
        letter = get_column_letter(col)
        name = str(field.get("name", ""))
        cell = data.cell(row=1, column=col)
        _set_text(cell, name)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = _HEADER_ALIGN
        cell.border = _BORDER

        dim = data.column_dimensions[letter]
        dim.width = _column_width(field)
        fmt = _number_format(field)
        if fmt:
            dim.number_format = fmt

        enum = _enum(field)
        if enum is not None and len(enum) > 0:
            values = list(enum)
            if not _required(field):
                values += [m for m in missing if m not in values]
            formula = _inline_list(values)
            if formula is None:
                if codes is None:
                    codes = wb.create_sheet(CODES_SHEET)
                    codes.sheet_state = "hidden"
                formula = _codes_column(codes, name, values)
            dv = DataValidation(type="list", formula1=formula,
                                allow_blank=True)
            dv.error = _truncate(
                "Pilih salah satu nilai dari daftar (lihat sheet "
                "Petunjuk).", _ERROR_MAX)
        elif field.get("type") in _NUMERIC_TYPES:
            dv = _numeric_validation(field, f"{letter}2", missing)
        else:
            dv = DataValidation(allow_blank=True)
        dv.sqref = f"{letter}2:{letter}{last_row}"
        dv.showInputMessage = True
        dv.promptTitle = _truncate(
            str(field.get("title") or name), _PROMPT_TITLE_MAX)
        dv.prompt = _truncate(_prompt(field), _PROMPT_MAX)
        if dv.type is not None:
            dv.showErrorMessage = True
            dv.errorTitle = "Isian tidak sesuai"
        data.add_data_validation(dv)

    data.freeze_panes = "A2"
    data.row_dimensions[1].height = 30

    _write_guide(guide, fields, missing, title=title, unit=unit, notes=notes)

    wb.active = 0
    if title:
        wb.properties.title = title
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _set_text(cell: Cell, value: Any) -> None:
    """Write ``value``; a string is always a string, never a formula.

    openpyxl stores a string starting with ``=`` as a formula; schema
    text (a name, an enum value, a description) must stay literal.
    """
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _missing_values(schema: Mapping[str, Any]) -> list[str]:
    values = schema.get("missingValues")
    if values is None:
        values = [""]
    return [str(v) for v in values]


def _constraints(field: Mapping[str, Any]) -> Mapping[str, Any]:
    return field.get("constraints") or {}


def _required(field: Mapping[str, Any]) -> bool:
    return bool(_constraints(field).get("required"))


def _enum(field: Mapping[str, Any]) -> Optional[list[Any]]:
    enum = _constraints(field).get("enum")
    return list(enum) if enum is not None else None


def _number_format(field: Mapping[str, Any]) -> Optional[str]:
    ftype = field.get("type", "string")
    if ftype in _WHOLE_TYPES:
        return INTEGER_FORMAT
    if ftype == "number":
        return NUMBER_FORMAT
    if ftype in ("string", "any"):
        return TEXT_FORMAT
    return None


def _column_width(field: Mapping[str, Any]) -> float:
    lengths = [len(str(field.get("name", ""))),
               len(str(field.get("title", "")))]
    lengths += [len(str(v)) for v in (_enum(field) or [])]
    return float(min(max(max(lengths) + 2, 10), 50))


def _inline_list(values: Sequence[Any]) -> Optional[str]:
    """``"a,b,c"`` when Excel accepts it inline, else ``None``."""
    texts = [str(v) for v in values]
    if any(("," in t) or ('"' in t) or not t.strip() for t in texts):
        return None
    joined = ",".join(texts)
    if len(joined) + 2 > _INLINE_LIST_MAX:  # with the quotes
        return None
    return f'"{joined}"'


def _codes_column(codes: Worksheet, name: str,
                  values: Sequence[Any]) -> str:
    """Write ``values`` as a new column of ``Kode``; the range reference."""
    col = 1 if codes["A1"].value is None else codes.max_column + 1
    _set_text(codes.cell(row=1, column=col), name)
    codes.cell(row=1, column=col).font = _BOLD
    for i, value in enumerate(values, start=2):
        _set_text(codes.cell(row=i, column=col), value)
    letter = get_column_letter(col)
    last = len(values) + 1
    return f"{quote_sheetname(CODES_SHEET)}!${letter}$2:${letter}${last}"


def _bounds(field: Mapping[str, Any]) -> tuple[Any, Any]:
    cons = _constraints(field)
    low, high = cons.get("minimum"), cons.get("maximum")
    if field.get("type") == "year":
        low = _YEAR_BOUNDS[0] if low is None else low
        high = _YEAR_BOUNDS[1] if high is None else high
    return low, high


def _formula_text(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def _numeric_validation(field: Mapping[str, Any], ref: str,
                        missing: Sequence[str]) -> DataValidation:
    """Whole/decimal validation; custom when BPS symbols are accepted."""
    whole = field.get("type") in _WHOLE_TYPES
    low, high = _bounds(field)
    symbols = [m for m in missing if m != ""]
    kind = "bilangan bulat" if whole else "angka"
    range_text = _range_text(low, high)
    if _required(field) or not symbols:
        dv = DataValidation(
            type="whole" if whole else "decimal", operator="between",
            formula1=str(-_NO_BOUND if low is None else low),
            formula2=str(_NO_BOUND if high is None else high),
            allow_blank=True)
        dv.error = _truncate(
            f"Isi dengan {kind}" + (f" ({range_text})" if range_text else "")
            + ".", _ERROR_MAX)
        return dv
    number = [f"ISNUMBER({ref})"]
    if whole:
        number.append(f"{ref}=INT({ref})")
    if low is not None:
        number.append(f"{ref}>={low}")
    if high is not None:
        number.append(f"{ref}<={high}")
    number_test = number[0] if len(number) == 1 else \
        "AND(" + ",".join(number) + ")"
    tests = [number_test] + [
        f"EXACT({ref},{_formula_text(s)})" for s in symbols]
    dv = DataValidation(type="custom", formula1="OR(" + ",".join(tests) + ")",
                        allow_blank=True)
    dv.error = _truncate(
        f"Isi dengan {kind}" + (f" ({range_text})" if range_text else "")
        + " atau simbol BPS: " + " ".join(symbols)
        + ". Jangan isi 0 untuk data yang tidak ada.", _ERROR_MAX)
    return dv


def _range_text(low: Any, high: Any) -> str:
    if low is not None and high is not None:
        return f"{low} s.d. {high}"
    if low is not None:
        return f"paling kecil {low}"
    if high is not None:
        return f"paling besar {high}"
    return ""


def _prompt(field: Mapping[str, Any]) -> str:
    parts = [str(field.get("description") or "").strip()]
    parts.append(TYPE_LABELS.get(str(field.get("type", "string")),
                                 str(field.get("type", ""))) + ".")
    if _required(field):
        parts.append("Wajib diisi.")
    return " ".join(p for p in parts if p)


def _allowed_text(field: Mapping[str, Any], missing: Sequence[str]) -> str:
    """Allowed values or range of a field, in Indonesian."""
    cons = _constraints(field)
    parts: list[str] = []
    enum = _enum(field)
    if enum is not None:
        shown = "; ".join(str(v) for v in enum[:60])
        if len(enum) > 60:
            shown += f"; \u2026 ({len(enum)} nilai, lihat daftar pilihan)"
        parts.append("Salah satu dari: " + shown)
    ftype = field.get("type")
    if ftype in _NUMERIC_TYPES and enum is None:
        rng = _range_text(cons.get("minimum"), cons.get("maximum"))
        if rng:
            parts.append(rng)
    if ftype == "number" and field.get("decimalChar", ".") != ".":
        group = field.get("groupChar", "")
        parts.append(
            "Ketik sebagai angka; bila ditulis sebagai teks gunakan "
            f"'{field['decimalChar']}' sebagai tanda desimal"
            + (f" dan '{group}' sebagai pemisah ribuan" if group else "")
            + " (contoh 1.234,56)")
    for key, label in (("minLength", "panjang minimal"),
                       ("maxLength", "panjang maksimal"),
                       ("pattern", "pola")):
        if key in cons:
            parts.append(f"{label} {cons[key]}")
    if ftype in _NUMERIC_TYPES and not _required(field):
        symbols = [m for m in missing if m != ""]
        if symbols:
            parts.append("boleh simbol BPS: " + " ".join(symbols))
    return "; ".join(parts)


def _symbol_meaning(symbol: str) -> str:
    if symbol == "":
        return "sel kosong"
    return BPS_SYMBOLS.get(symbol, "dibaca sebagai data kosong")


def _write_guide(ws: Worksheet, fields: Sequence[Mapping[str, Any]],
                 missing: Sequence[str], *, title: str, unit: str,
                 notes: str) -> None:
    row = 1

    def line(label: str, value: str = "", *, bold: bool = False) -> None:
        nonlocal row
        c = ws.cell(row=row, column=1)
        _set_text(c, label)
        c.font = _BOLD if bold or value else c.font
        if value:
            v = ws.cell(row=row, column=2)
            _set_text(v, value)
            v.alignment = _WRAP
        row += 1

    c = ws.cell(row=row, column=1, value="Petunjuk Pengisian")
    c.font = _TITLE_FONT
    row += 2
    line("Judul data", title or "-")
    line("Satuan", unit or "-")
    if notes:
        line("Keterangan", notes)
    row += 1
    line("Cara mengisi", bold=True)
    steps = [
        f"Isi data pada sheet '{DATA_SHEET}' mulai baris 2; satu baris "
        "untuk satu pengamatan (wilayah dan tahun).",
        "Jangan mengubah, menghapus atau memindahkan baris judul kolom "
        "(baris 1), jangan menambah kolom, jangan menggabungkan sel "
        "(merge), dan jangan menambah baris jumlah, catatan atau "
        "\"Sumber:\" di bawah data.",
        "Ketik angka sebagai angka (bukan teks); jangan menambah satuan "
        "atau tanda persen di dalam sel angka.",
        "Kolom dengan daftar pilihan hanya menerima nilai dari daftar.",
        "Simbol BPS yang boleh diisi untuk data yang tidak ada tercantum "
        "di bawah. JANGAN mengetik 0 untuk data yang tidak ada: 0 berarti "
        "nilainya memang nol.",
    ]
    for i, step in enumerate(steps, start=1):
        line(f"{i}.", step)
    row += 1

    line("Keterangan kolom", bold=True)
    headers = ["Kolom", "Judul", "Definisi", "Tipe", "Satuan",
               "Nilai yang diizinkan / rentang", "Wajib diisi"]
    for col, text in enumerate(headers, start=1):
        c = ws.cell(row=row, column=col, value=text)
        c.font = _HEADER_FONT
        c.fill = _HEADER_FILL
        c.alignment = _HEADER_ALIGN
        c.border = _BORDER
    row += 1
    for field in fields:
        ftype = str(field.get("type", "string"))
        field_unit = field.get("unit") or (unit if ftype == "number" else "")
        values = [
            str(field.get("name", "")),
            str(field.get("title", "")),
            str(field.get("description", "")),
            TYPE_LABELS.get(ftype, ftype),
            str(field_unit or ""),
            _allowed_text(field, missing),
            "Ya" if _required(field) else "Tidak",
        ]
        for col, text in enumerate(values, start=1):
            c = ws.cell(row=row, column=col)
            _set_text(c, text)
            c.alignment = _WRAP
            c.border = _BORDER
        row += 1
    row += 1

    line("Simbol untuk data yang tidak ada", bold=True)
    for symbol in missing:
        shown = "(sel kosong)" if symbol == "" else symbol
        line(shown, _symbol_meaning(symbol))
    line("", "Tanda - berarti nihil dan dihitung 0. Simbol lain (..., NA, "
         "x) berarti tidak ada angka: tidak dijumlahkan, tidak sebagai 0. "
         "Jangan mengetik 0 untuk data yang tidak ada. Kolom yang wajib "
         "diisi tidak boleh kosong atau berisi simbol.")
    if "..." in missing and "\u2026" not in missing:
        # Excel's AutoCorrect may turn three dots into one character.
        line("", "Pastikan '...' tetap tiga titik: bila Excel menggantinya "
             "menjadi satu karakter '\u2026' (AutoCorrect), batalkan dengan "
             "Ctrl+Z atau matikan penggantian tersebut.")

    for letter, width in zip("ABCDEFG", (22, 28, 50, 18, 12, 45, 11), strict=True):
        ws.column_dimensions[letter].width = width


# ---------------------------------------------------------------------------
# Formula injection

def neutralise_row(row: Any) -> Any:
    """``neutralise`` every cell of a row (a mapping keeps its keys)."""
    if isinstance(row, Mapping):
        return {key: neutralise(value) for key, value in row.items()}
    if isinstance(row, Iterable) and not isinstance(row, (str, bytes)):
        return [neutralise(value) for value in row]
    raise TypeError("a row is a sequence or a mapping of cells")
