"""Import of a cycle's data list (*daftar data sektoral*, SOP step 1).

Plain Python, no CKAN import: the action that imports a data list reads
the uploaded file, builds the OPD lookup from the CKAN organizations (see
``build_opd_lookup``) and calls ``parse_datalist``. Every row is checked
before anything is created: the caller creates the datasets only when
``DataListResult.ok`` is true.

Accepted files:

* CSV: UTF-8 (with or without BOM), UTF-16 with BOM (Excel "Unicode
  text"), else Windows-1252, else Latin-1; comma, semicolon or tab
  delimited (chosen by where the header row is recognised);
* XLSX (and XLSM): the sheet named like "Daftar Data", else the first
  visible sheet with a recognisable header row.

Title rows above the header row, fully empty rows and a trailing footer
("Sumber: ...", "Catatan: ...") are skipped. The header row is found in
the first ``HEADER_SEARCH_ROWS`` non-empty rows by matching the known
column names (case-insensitive, with common variants, see ``COLUMNS``).

Row numbers are those the user sees in a spreadsheet program: the first
line of the file is row 1. Messages are English msgids marked with ``N_``
and ``%(name)s`` parameters; the action layer shows them with
``tk._(error.message) % error.params`` (or ``error.text(tk._)``).

``template_workbook`` and ``template_csv`` produce import templates that
``parse_datalist`` accepts back.

Modules, by concern (each imports only those above it):

* :mod:`.base` -- limits, messages, columns, result types, normalisation;
* :mod:`.opd` -- the OPD index (``build_opd_lookup``);
* :mod:`.codelists` -- the code resolver of the coded columns;
* :mod:`.reader` -- reading CSV and XLSX files into rows;
* :mod:`.validator` -- ``parse_datalist``, the row checks;
* :mod:`.templates` -- the CSV and XLSX import templates.

The names below are importable from this package, as before the split.
"""
from __future__ import annotations

from .base import (
    Translate, CodesDir, DEFAULT_MAX_ROWS, DEFAULT_MAX_TITLE_LENGTH,
    MAX_SATUAN_LENGTH, MAX_CATATAN_LENGTH, MAX_OPTIONS, EMPTY_MARKERS,
    SHEET_DATA, SHEET_HELP, SHEET_CODES, MSG_EMPTY_FILE,
    MSG_NOT_SPREADSHEET, MSG_UNSUPPORTED_FORMAT, MSG_BAD_XLSX,
    MSG_NO_HEADER, MSG_MISSING_COLUMNS, MSG_TOO_MANY_ROWS, MSG_NO_ROWS,
    MSG_REQUIRED, MSG_TOO_LONG, MSG_UNKNOWN_OPD, MSG_AMBIGUOUS_OPD,
    MSG_UNKNOWN_CODE, MSG_CODE_LABEL_MISMATCH, MSG_UNKNOWN_TEMPLATE,
    MSG_DUPLICATE, MSG_FORMULA, FREE_TEXT_COLUMNS, Column, COLUMNS,
    COLUMNS_BY_KEY, CODE_ALIASES, DataListItem, DataListError,
    DataListResult, normalize_key, normalize_header, normalize_title,
)
from .opd import (
    OPD_LOOKUP_KEYS, build_opd_lookup,
)
from .reader import (
    HEADER_SEARCH_ROWS, MIN_HEADER_MATCHES, MAX_COLUMNS, ROW_ALLOWANCE,
    Row,
)
from .validator import (
    parse_datalist, iter_errors_text,
)
from .templates import (
    template_csv, template_workbook,
)

__all__ = [
    "Translate", "CodesDir", "DEFAULT_MAX_ROWS",
    "DEFAULT_MAX_TITLE_LENGTH", "MAX_SATUAN_LENGTH", "MAX_CATATAN_LENGTH",
    "MAX_OPTIONS", "EMPTY_MARKERS", "SHEET_DATA", "SHEET_HELP",
    "SHEET_CODES", "MSG_EMPTY_FILE", "MSG_NOT_SPREADSHEET",
    "MSG_UNSUPPORTED_FORMAT", "MSG_BAD_XLSX", "MSG_NO_HEADER",
    "MSG_MISSING_COLUMNS", "MSG_TOO_MANY_ROWS", "MSG_NO_ROWS",
    "MSG_REQUIRED", "MSG_TOO_LONG", "MSG_UNKNOWN_OPD", "MSG_AMBIGUOUS_OPD",
    "MSG_UNKNOWN_CODE", "MSG_CODE_LABEL_MISMATCH", "MSG_UNKNOWN_TEMPLATE",
    "MSG_DUPLICATE", "MSG_FORMULA", "FREE_TEXT_COLUMNS", "Column",
    "COLUMNS", "COLUMNS_BY_KEY", "CODE_ALIASES", "DataListItem",
    "DataListError", "DataListResult", "normalize_key", "normalize_header",
    "normalize_title", "OPD_LOOKUP_KEYS", "build_opd_lookup",
    "HEADER_SEARCH_ROWS", "MIN_HEADER_MATCHES", "MAX_COLUMNS",
    "ROW_ALLOWANCE", "Row", "parse_datalist", "iter_errors_text",
    "template_csv", "template_workbook",
]
