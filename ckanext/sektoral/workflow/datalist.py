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
"""
from __future__ import annotations

import codecs
import csv
import dataclasses
import datetime as dt
import difflib
import io
import itertools
import logging
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Optional, Union

from ckanext.sektoral.workflow.cells import is_formula_like

from ckanext.sektoral import codes, tables

from .stages import N_

log = logging.getLogger(__name__)

Translate = Callable[[str], str]
CodesDir = Union[str, Path, None]

#: Default maximum number of data rows in one file.
DEFAULT_MAX_ROWS = 2000
#: Default maximum length of a title (``judul``), in characters.
DEFAULT_MAX_TITLE_LENGTH = 200
#: Maximum length of the unit (``satuan``) and of the notes (``catatan``).
MAX_SATUAN_LENGTH = 100
MAX_CATATAN_LENGTH = 2000
#: The header row is looked for in this many first non-empty rows.
HEADER_SEARCH_ROWS = 10
#: A header row must name at least this many known columns.
MIN_HEADER_MATCHES = 2
#: Only this many columns of a sheet are read.
MAX_COLUMNS = 50
#: Non-empty rows read beyond ``max_rows`` (title rows, header, footer)
#: before the file counts as too long without reading further.
ROW_ALLOWANCE = 200
#: How many valid values an "unknown value" message lists.
MAX_OPTIONS = 5
#: Cells holding only one of these count as empty.
EMPTY_MARKERS = frozenset({"-", "\u2013", "\u2014"})

#: Name of the data sheet of the template workbook (and the preferred
#: sheet when reading a workbook).
SHEET_DATA = "Daftar Data"
SHEET_HELP = "Petunjuk"
SHEET_CODES = "Kode"

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, .doc
_BINARY_MAGIC = (
    b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"Rar!",
    b"7z\xbc\xaf", b"BM", b"\x7fELF", b"MZ",
)
_XLSX_EXTENSIONS = (".xlsx", ".xlsm")
_UNSUPPORTED_EXTENSIONS = (".xls", ".ods", ".numbers")

_FOOTER_RE = re.compile(
    r"^(sumber(\s+data)?|catatan|keterangan|ket\.?|notes?|sources?)\s*:",
    re.IGNORECASE)
_CODE_PREFIX_RE = re.compile(
    r"^\s*(\d+(?:[.,]\d+)*)\s*[-\u2013\u2014.:)]?\s+(\S.*)$")
_CODE_SUFFIX_RE = re.compile(r"^(.+?)\s*\(([^()]+)\)\s*$")
_NUMERIC_RE = re.compile(r"^\d+(?:[.,]\d+)?$")


# ---------------------------------------------------------------------------
# Messages (English msgids; Indonesian in i18n/id)

MSG_EMPTY_FILE = N_("The file is empty")
MSG_NOT_SPREADSHEET = N_(
    "The file is not a CSV or XLSX spreadsheet")
MSG_UNSUPPORTED_FORMAT = N_(
    "This spreadsheet format is not supported: save the file as .xlsx or "
    "CSV")
MSG_BAD_XLSX = N_(
    "The XLSX file is damaged or not a valid Excel workbook")
MSG_NO_HEADER = N_(
    "No header row found in the first %(rows)s rows; expected the columns "
    "%(columns)s")
MSG_MISSING_COLUMNS = N_("Missing required columns: %(columns)s")
MSG_TOO_MANY_ROWS = N_(
    "The file has more than %(max)s data rows; split it into smaller files")
MSG_NO_ROWS = N_("The file has no data rows below the header row")
MSG_REQUIRED = N_("%(column)s is required")
MSG_TOO_LONG = N_(
    "%(column)s is too long (%(length)s characters, at most %(max)s)")
MSG_UNKNOWN_OPD = N_(
    "\"%(value)s\" is not a known OPD; valid values include: %(options)s")
MSG_AMBIGUOUS_OPD = N_(
    "\"%(value)s\" matches more than one OPD: %(options)s")
MSG_UNKNOWN_CODE = N_(
    "\"%(value)s\" is not a valid %(column)s; valid values include: "
    "%(options)s")
MSG_CODE_LABEL_MISMATCH = N_(
    "\"%(value)s\": code %(code)s is \"%(label)s\", not \"%(given)s\"")
MSG_UNKNOWN_TEMPLATE = N_(
    "\"%(value)s\" is not a Table Schema template; valid templates: "
    "%(options)s")
MSG_DUPLICATE = N_(
    "Duplicate of row %(row)s (same OPD and title)")
MSG_FORMULA = N_(
    "%(column)s starts with \"%(start)s\", which a spreadsheet reads as a "
    "formula: remove that character or write the text differently")

#: Free-text columns whose text reaches letters, reports and exports.
FREE_TEXT_COLUMNS = ("judul", "satuan", "catatan")


# ---------------------------------------------------------------------------
# Columns


@dataclasses.dataclass(frozen=True)
class Column:
    """One column of the data list file."""

    key: str
    #: Heading written by the templates.
    header: str
    #: Accepted headings (compared after ``normalize_header``).
    aliases: tuple[str, ...]
    required: bool
    #: Code list (``schemas/codes/<name>.csv``) the values come from.
    code_list: Optional[str] = None


COLUMNS: tuple[Column, ...] = (
    Column("opd", "OPD", (
        "opd", "produsen data", "produsen", "produsen data opd",
        "opd produsen", "opd produsen data", "nama opd", "perangkat daerah",
        "nama perangkat daerah", "organisasi", "instansi", "organization",
        "producer"), True),
    Column("judul", "Judul Data", (
        "judul", "judul data", "nama data", "judul dataset", "nama dataset",
        "uraian data", "nama indikator", "title"), True),
    Column("satuan", "Satuan", (
        "satuan", "satuan data", "satuan ukuran", "unit"), True),
    Column("level_penyajian", "Level Penyajian", (
        "level penyajian", "tingkat penyajian", "level penyajian data",
        "tingkat penyajian data", "level", "penyajian",
        "level of presentation"), True, "level_penyajian"),
    Column("frekuensi", "Frekuensi Penerbitan", (
        "frekuensi", "frekuensi penerbitan", "frekuensi pengumpulan",
        "frekuensi data", "periodisitas", "periode update", "frequency",
        "release frequency"), True, "frekuensi"),
    Column("urusan", "Urusan Pemerintahan", (
        "urusan", "urusan pemerintahan", "urusan pemerintahan daerah",
        "kode urusan", "bidang urusan", "government affair"), True,
        "urusan_pemerintahan"),
    Column("template", "Template Table Schema", (
        "template", "template table schema", "table schema", "templat",
        "template tabel", "skema tabel", "template schema"), False),
    Column("catatan", "Catatan", (
        "catatan", "keterangan", "ket", "catatan tambahan", "notes", "note"),
        False),
)
COLUMNS_BY_KEY: dict[str, Column] = {c.key: c for c in COLUMNS}

#: Extra spellings of codes, used only when the target code is in the list.
CODE_ALIASES: dict[str, dict[str, str]] = {
    "level_penyajian": {
        "prov": "provinsi",
        "kab": "kabupaten_kota",
        "kab kota": "kabupaten_kota",
        "kabkota": "kabupaten_kota",
        "kabupaten": "kabupaten_kota",
        "kota": "kabupaten_kota",
        "kabupaten dan kota": "kabupaten_kota",
        "kec": "kecamatan",
        "desa": "desa_kelurahan",
        "kelurahan": "desa_kelurahan",
        "desa dan kelurahan": "desa_kelurahan",
    },
    "frekuensi": {
        "per hari": "harian",
        "per minggu": "mingguan",
        "per bulan": "bulanan",
        "perbulan": "bulanan",
        "triwulan": "triwulanan",
        "per triwulan": "triwulanan",
        "tiga bulanan": "triwulanan",
        "3 bulanan": "triwulanan",
        "kuartalan": "triwulanan",
        "caturwulan": "empat_bulanan",
        "4 bulanan": "empat_bulanan",
        "semester": "semesteran",
        "per semester": "semesteran",
        "enam bulanan": "semesteran",
        "6 bulanan": "semesteran",
        "tahun": "tahunan",
        "per tahun": "tahunan",
        "pertahun": "tahunan",
        "setahun sekali": "tahunan",
        "yearly": "tahunan",
        "lima tahunan": "lebih_dari_dua_tahunan",
        "5 tahunan": "lebih_dari_dua_tahunan",
    },
}


# ---------------------------------------------------------------------------
# Results


@dataclasses.dataclass(frozen=True)
class DataListItem:
    """One valid row of the data list: the dataset to create."""

    #: Row number in the spreadsheet (the file's first line is row 1).
    row: int
    #: Name of the OPD's CKAN organization (``owner_org``).
    org: str
    judul: str
    satuan: str
    #: Codes of the lists ``level_penyajian``, ``frekuensi`` and
    #: ``urusan_pemerintahan``.
    level_penyajian: str
    frekuensi: str
    urusan: str
    #: Table Schema template name (``tables.template_names()``) or None.
    template: Optional[str]
    catatan: str

    def dataset_fields(self) -> dict[str, str]:
        """The ``data-sektoral`` dataset fields this row fills."""
        return {
            "owner_org": self.org,
            "title": self.judul,
            "satuan": self.satuan,
            "level_penyajian": self.level_penyajian,
            "frekuensi_penerbitan": self.frekuensi,
            "urusan_pemerintahan": self.urusan,
        }


def _identity(message: str) -> str:
    return message


@dataclasses.dataclass(frozen=True)
class DataListError:
    """A problem with the file (``field`` None) or with one cell."""

    #: Row number in the spreadsheet (file-level problems: the header row,
    #: or 1 when there is none).
    row: int
    #: The column heading as written in the file (the template heading for
    #: a missing column); None for file-level problems.
    column: Optional[str]
    #: Column key (``COLUMNS``: ``opd``, ``judul``, ...); None for
    #: file-level problems.
    field: Optional[str]
    #: English msgid (``N_``-marked).
    message: str
    #: Parameters of the message (``message % params``).
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def text(self, translate: Translate = _identity) -> str:
        """The message, translated by ``translate``, with its parameters."""
        return translate(self.message) % dict(self.params)

    def to_dict(self, translate: Translate = _identity) -> dict[str, Any]:
        """JSON-ready dict (``text`` translated by ``translate``)."""
        return {
            "row": self.row,
            "column": self.column,
            "field": self.field,
            "message": self.message,
            "params": dict(self.params),
            "text": self.text(translate),
        }


@dataclasses.dataclass(frozen=True)
class DataListResult:
    """The outcome of ``parse_datalist``.

    ``items`` holds the rows that passed every check (a preview);
    ``errors`` every problem, in row order. Create datasets only when
    ``ok``.
    """

    items: tuple[DataListItem, ...]
    errors: tuple[DataListError, ...]
    #: ``"csv"`` or ``"xlsx"``; None when the file could not be read.
    file_format: Optional[str] = None
    #: Sheet read from a workbook.
    sheet: Optional[str] = None
    #: Row number of the header row, when found.
    header_row: Optional[int] = None

    @property
    def ok(self) -> bool:
        """True when there is at least one row and no error."""
        return not self.errors and bool(self.items)

    def to_dict(self, translate: Translate = _identity) -> dict[str, Any]:
        """JSON-ready dict (error texts translated by ``translate``)."""
        return {
            "ok": self.ok,
            "file_format": self.file_format,
            "sheet": self.sheet,
            "header_row": self.header_row,
            "items": [dataclasses.asdict(i) for i in self.items],
            "errors": [e.to_dict(translate) for e in self.errors],
        }


# ---------------------------------------------------------------------------
# Normalisation


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalize_key(text: str) -> str:
    """Comparison key of a name or label: case, accents and punctuation
    other than ``.`` ignored, whitespace collapsed (``Kabupaten/Kota`` ==
    ``kabupaten_kota``)."""
    text = _strip_accents(text).casefold()
    text = re.sub(r"[^\w.]+|_", " ", text)
    return " ".join(text.split()).strip(" .")


def normalize_header(text: str) -> str:
    """Comparison key of a column heading: also drops ``(...)`` and
    punctuation (``"Judul Data *"`` == ``"judul data"``)."""
    text = re.sub(r"\([^)]*\)", " ", text)
    text = _strip_accents(text).casefold()
    text = re.sub(r"[\W_]+", " ", text)
    return " ".join(text.split())


def normalize_title(text: str) -> str:
    """Comparison key of a title for duplicates (case and whitespace)."""
    return " ".join(text.casefold().split())


def _clean_line(text: str) -> str:
    """One-line text: all whitespace (newlines, NBSP) collapsed."""
    return " ".join(text.split())


def _cell_text(value: Any) -> str:
    """Text of a cell value read from CSV or XLSX."""
    if value is None:
        return ""
    if isinstance(value, str):
        text = value.strip()
    elif isinstance(value, bool):
        text = "TRUE" if value else "FALSE"
    elif isinstance(value, int):
        text = str(value)
    elif isinstance(value, float):
        text = str(int(value)) if value.is_integer() else repr(value)
    elif isinstance(value, dt.datetime):
        text = (value.date().isoformat() if value.time() == dt.time()
                else value.isoformat(sep=" "))
    elif isinstance(value, dt.date):
        text = value.isoformat()
    else:
        text = str(value).strip()
    return "" if text in EMPTY_MARKERS else text


# ---------------------------------------------------------------------------
# OPD lookup

#: Organization fields whose values name an OPD (``schemas/opd.yaml``).
OPD_LOOKUP_KEYS: tuple[str, ...] = (
    "name", "title", "display_name", "kode_opd", "singkatan", "nama_resmi")


def build_opd_lookup(
        organizations: Iterable[Mapping[str, Any]],
        keys: Sequence[str] = OPD_LOOKUP_KEYS) -> dict[str, str]:
    """``{spelling: organization name}`` from organization dicts (as
    ``organization_list(all_fields=True, include_extras=True)`` returns
    them); ``parse_datalist`` normalises the spellings."""
    lookup: dict[str, str] = {}
    for org in organizations:
        name = org.get("name")
        if not name:
            continue
        for key in keys:
            value = org.get(key)
            if isinstance(value, str) and value.strip():
                lookup.setdefault(value.strip(), str(name))
    return lookup


class _OpdIndex:
    """Normalised OPD spellings → organization names."""

    def __init__(self, lookup: Mapping[str, str]) -> None:
        self._orgs: dict[str, set[str]] = {}
        self._display: dict[str, str] = {}
        #: One spelling per organization for messages: the first one that
        #: is not the organization name (usually its title).
        self._org_display: dict[str, str] = {}
        pairs = itertools.chain(
            lookup.items(), ((v, v) for v in lookup.values()))
        for spelling, org in pairs:
            key = normalize_key(str(spelling))
            if not key or not org:
                continue
            org, spelling = str(org), str(spelling).strip()
            self._orgs.setdefault(key, set()).add(org)
            self._display.setdefault(key, spelling)
            if spelling != org:
                self._org_display.setdefault(org, spelling)
        for orgs in self._orgs.values():
            for org in orgs:
                self._org_display.setdefault(org, org)

    def resolve(self, value: str) -> tuple[Optional[str], list[str]]:
        """(org name, []) or (None, suggestions); several suggestions
        with None and an exact key mean the spelling is ambiguous."""
        key = normalize_key(value)
        orgs = self._orgs.get(key)
        if orgs and len(orgs) == 1:
            return next(iter(orgs)), []
        if orgs:
            return None, sorted(orgs)
        close = difflib.get_close_matches(
            key, list(self._orgs), n=MAX_OPTIONS, cutoff=0.6)
        if close:
            return None, [self._display[k] for k in close]
        return None, sorted(self._org_display.values())[:MAX_OPTIONS]

    def is_ambiguous(self, value: str) -> bool:
        return len(self._orgs.get(normalize_key(value), ())) > 1


# ---------------------------------------------------------------------------
# Code lists


class _CodeResolver:
    """Maps a code, a label or "code label" to the code of one list."""

    def __init__(self, code_list: codes.CodeList,
                 aliases: Mapping[str, str]) -> None:
        self.code_list = code_list
        self._index: dict[str, str] = {}
        self._labels: dict[str, set[str]] = {}
        self._numeric: dict[float, list[str]] = {}
        for code in code_list:
            names = {normalize_key(code.value)}
            label_keys = {normalize_key(lbl) for lbl in code.labels.values()
                          if lbl}
            self._labels[code.value] = label_keys
            for key in names | label_keys:
                self._index.setdefault(key, code.value)
            if _NUMERIC_RE.match(code.value):
                self._numeric.setdefault(
                    float(code.value.replace(",", ".")), []).append(
                        code.value)
        for alias, target in aliases.items():
            if target in code_list:
                self._index.setdefault(normalize_key(alias), target)

    def _exact(self, text: str) -> Optional[str]:
        found = self._index.get(normalize_key(text))
        if found:
            return found
        compact = text.strip()
        if _NUMERIC_RE.match(compact):
            # 2.1 for 2.10 (a number cell), 2,12 for 2.12 (decimal comma)
            same = self._numeric.get(float(compact.replace(",", ".")), [])
            if len(same) == 1:
                return same[0]
        return None

    def resolve(self, text: str) -> tuple[Optional[str], Optional[
            tuple[str, str]]]:
        """(code, None), or (None, (code, given label)) when a code and a
        label disagree, or (None, None) when nothing matches."""
        found = self._exact(text)
        if found:
            return found, None
        for pattern, code_group, label_group in (
                (_CODE_PREFIX_RE, 1, 2), (_CODE_SUFFIX_RE, 2, 1)):
            match = pattern.match(text)
            if not match:
                continue
            code = self._exact(match.group(code_group))
            if code is None:
                continue
            given = match.group(label_group).strip()
            if normalize_key(given) in self._labels[code]:
                return code, None
            return None, (code, given)
        return None, None

    def option(self, value: str) -> str:
        """How a valid value is shown in a message or a dropdown."""
        label = self.code_list.label(value, "id")
        if normalize_key(label) == normalize_key(value):
            return label
        return f"{value} {label}"

    def suggestions(self, text: str) -> list[str]:
        """A few valid values, the closest to ``text`` first."""
        close = difflib.get_close_matches(
            normalize_key(text), list(self._index), n=MAX_OPTIONS * 2,
            cutoff=0.6)
        values: list[str] = []
        for key in close:
            value = self._index[key]
            if value not in values:
                values.append(value)
        if not values:
            values = self.code_list.values()
        return [self.option(v) for v in values[:MAX_OPTIONS]]


def _resolvers(codes_dir: CodesDir) -> dict[str, _CodeResolver]:
    return {
        col.key: _CodeResolver(codes.load(col.code_list, codes_dir),
                               CODE_ALIASES.get(col.code_list, {}))
        for col in COLUMNS if col.code_list
    }


# ---------------------------------------------------------------------------
# Reading files

Row = tuple[int, list[str]]  # (row number, cell texts)


class _FileProblem(Exception):
    """A file-level error found while reading (never leaves the module)."""

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.params = params


@dataclasses.dataclass
class _Sheet:
    rows: list[Row]
    truncated: bool
    file_format: str
    name: Optional[str] = None


def _is_blank(cells: Sequence[str]) -> bool:
    return not any(cells)


def _header_matches(cells: Sequence[str]) -> dict[str, int]:
    """Column key → index of the first cell naming it."""
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        name = normalize_header(cell)
        if not name:
            continue
        for col in COLUMNS:
            if col.key not in found and name in _ALIASES[col.key]:
                found[col.key] = index
                break
    return found


_ALIASES: dict[str, frozenset[str]] = {
    c.key: frozenset(normalize_header(a) for a in c.aliases + (c.header,))
    for c in COLUMNS
}


def _find_header(rows: Sequence[Row]) -> Optional[tuple[int, dict[str, int]]]:
    """(index in ``rows``, column map) of the header row, or None."""
    best: Optional[tuple[int, dict[str, int]]] = None
    seen = 0
    for index, (_, cells) in enumerate(rows):
        if _is_blank(cells):
            continue
        seen += 1
        if seen > HEADER_SEARCH_ROWS:
            break
        found = _header_matches(cells)
        if len(found) >= MIN_HEADER_MATCHES and (
                best is None or len(found) > len(best[1])):
            best = (index, found)
    return best


def _header_score(rows: Sequence[Row]) -> int:
    found = _find_header(rows)
    return len(found[1]) if found else 0


def _decode(data: bytes) -> str:
    """Text of a CSV file: UTF-16 (BOM), UTF-8 (BOM optional), cp1252,
    Latin-1."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise _FileProblem(MSG_NOT_SPREADSHEET) from e
    if b"\x00" in data[:8192]:
        raise _FileProblem(MSG_NOT_SPREADSHEET)
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _looks_binary(text: str) -> bool:
    sample = text[:8192]
    controls = sum(
        1 for c in sample
        if (ord(c) < 32 and c not in "\t\n\r\f\v") or 0x7f <= ord(c) < 0xa0)
    return controls > max(2, len(sample) // 200)


def _csv_rows(text: str, delimiter: str, limit: int) -> tuple[list[Row], bool]:
    """Rows of a CSV text (record number = spreadsheet row number), at
    most ``limit`` non-empty ones; True when more were left unread."""
    rows: list[Row] = []
    non_empty = 0
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    for number, record in enumerate(reader, start=1):
        cells = [_cell_text(v) for v in record[:MAX_COLUMNS]]
        if _is_blank(cells):
            continue
        non_empty += 1
        if non_empty > limit:
            return rows, True
        rows.append((number, cells))
    return rows, False


def _read_csv(data: bytes, row_limit: int) -> _Sheet:
    text = _decode(data)
    if _looks_binary(text):
        raise _FileProblem(MSG_NOT_SPREADSHEET)
    if not text.strip():
        raise _FileProblem(MSG_EMPTY_FILE)
    head = "\n".join(text.splitlines()[:HEADER_SEARCH_ROWS * 3])
    best: tuple[int, int, str] = (-1, -1, ",")
    for delimiter in (",", ";", "\t", "|"):
        try:
            sample, _ = _csv_rows(head, delimiter, HEADER_SEARCH_ROWS * 3)
        except csv.Error:  # e.g. a quoted cell cut by the sample's end
            sample = []
        score = (_header_score(sample), head.count(delimiter), delimiter)
        if score[:2] > best[:2]:
            best = score
    try:
        rows, truncated = _csv_rows(text, best[2], row_limit)
    except csv.Error as e:
        log.info("Data list CSV not readable: %s", e)
        raise _FileProblem(MSG_NOT_SPREADSHEET) from e
    return _Sheet(rows, truncated, "csv")


def _sheet_rows(ws: Any, limit: int) -> tuple[list[Row], bool]:
    # Some programs write a wrong <dimension> (e.g. "A1"); read-only
    # worksheets would trust it and stop early.
    reset = getattr(ws, "reset_dimensions", None)
    if reset is not None:
        reset()
    rows: list[Row] = []
    non_empty = 0
    for number, values in enumerate(
            ws.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1):
        cells = [_cell_text(v) for v in values]
        if _is_blank(cells):
            continue
        non_empty += 1
        if non_empty > limit:
            return rows, True
        rows.append((number, cells))
    return rows, False


def _sheet_order(workbook: Any) -> list[Any]:
    """Sheets to try: named like "Daftar Data" first, then the visible
    ones, in workbook order."""
    sheets = list(workbook.worksheets)

    def rank(ws: Any) -> int:
        name = normalize_header(ws.title)
        if "daftar data" in name or name == "data":
            return 0
        return 1 if getattr(ws, "sheet_state", "visible") == "visible" else 2

    return sorted(sheets, key=rank)


def _read_xlsx(data: bytes, row_limit: int) -> _Sheet:
    import openpyxl  # heavy; only when a workbook is read

    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds on bad input
        log.info("Data list XLSX not readable: %r", e)
        raise _FileProblem(MSG_BAD_XLSX) from e
    try:
        candidates = _sheet_order(workbook)
        if not candidates:
            raise _FileProblem(MSG_BAD_XLSX)
        chosen = candidates[0]
        for ws in candidates:
            head, _ = _sheet_rows(ws, HEADER_SEARCH_ROWS)
            if _find_header(head):
                chosen = ws
                break
        rows, truncated = _sheet_rows(chosen, row_limit)
        return _Sheet(rows, truncated, "xlsx", chosen.title)
    except _FileProblem:
        raise
    except Exception as e:
        log.info("Data list XLSX not readable: %r", e)
        raise _FileProblem(MSG_BAD_XLSX) from e
    finally:
        workbook.close()


def _read(data: bytes, filename: str, row_limit: int) -> _Sheet:
    """Read a CSV or XLSX file into rows, or raise ``_FileProblem``."""
    if not data or not data.strip():
        raise _FileProblem(MSG_EMPTY_FILE)
    ext = Path(filename or "").suffix.lower()
    if data.startswith(_ZIP_MAGIC):
        if ext in _UNSUPPORTED_EXTENSIONS or _is_opendocument(data):
            raise _FileProblem(MSG_UNSUPPORTED_FORMAT)
        try:
            return _read_xlsx(data, row_limit)
        except _FileProblem:
            if ext in _XLSX_EXTENSIONS:
                raise
            raise _FileProblem(MSG_NOT_SPREADSHEET) from None
    if data.startswith(_OLE_MAGIC):
        if ext in (".doc", ".ppt", ".msg"):
            raise _FileProblem(MSG_NOT_SPREADSHEET)
        raise _FileProblem(MSG_UNSUPPORTED_FORMAT)
    if ext in _XLSX_EXTENSIONS:
        raise _FileProblem(MSG_BAD_XLSX)
    if data.startswith(_BINARY_MAGIC):
        raise _FileProblem(MSG_NOT_SPREADSHEET)
    return _read_csv(data, row_limit)


def _is_opendocument(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "mimetype" not in archive.namelist():
                return False
            return archive.read("mimetype").startswith(
                b"application/vnd.oasis.opendocument")
    except (zipfile.BadZipFile, OSError, KeyError):
        return False


def _split_footer(rows: list[Row]) -> list[Row]:
    """Rows without the trailing footer: from the first "Sumber:" /
    "Catatan:" line after which every row has at most one filled cell."""
    end = len(rows)
    for index in range(len(rows) - 1, -1, -1):
        filled = [c for c in rows[index][1] if c]
        if len(filled) != 1:
            break
        if _FOOTER_RE.match(filled[0]):
            end = index
    return rows[:end]


# ---------------------------------------------------------------------------
# Parsing


def parse_datalist(
        data: bytes,
        filename: str,
        opd_lookup: Mapping[str, str],
        *,
        max_rows: int = DEFAULT_MAX_ROWS,
        max_title_length: int = DEFAULT_MAX_TITLE_LENGTH,
        codes_dir: CodesDir = None,
        template_names: Optional[Iterable[str]] = None,
) -> DataListResult:
    """Read and check a data list file; never raises on bad input.

    :param data: the uploaded file's content
    :param filename: its name (the extension helps tell formats apart)
    :param opd_lookup: every accepted spelling of an OPD (organization
        name, title, kode, singkatan, ...) → organization name; spellings
        are compared case-, accent- and punctuation-insensitively. See
        ``build_opd_lookup``.
    :param max_rows: more data rows than this is an error
    :param max_title_length: longest accepted ``judul``
    :param codes_dir: code list override directory (see ``codes.load``;
        default: the configured one, or the shipped lists)
    :param template_names: accepted template names (default
        ``tables.template_names()``)
    :returns: the valid rows and every error; create nothing unless
        ``result.ok``
    """
    try:
        sheet = _read(data, filename, max_rows + ROW_ALLOWANCE)
    except _FileProblem as problem:
        return DataListResult(
            (), (DataListError(1, None, None, problem.message,
                               problem.params),))

    header = _find_header(sheet.rows)
    header_row: Optional[int] = None

    def file_error(message: str, **params: Any) -> DataListResult:
        return DataListResult(
            (), (DataListError(header_row or 1, None, None, message,
                               params),),
            sheet.file_format, sheet.name, header_row)

    if header is None:
        return file_error(
            MSG_NO_HEADER, rows=HEADER_SEARCH_ROWS,
            columns=", ".join(c.header for c in COLUMNS if c.required))
    header_index, column_map = header
    header_row, header_cells = sheet.rows[header_index]
    missing = [c.header for c in COLUMNS
               if c.required and c.key not in column_map]
    if missing:
        return file_error(MSG_MISSING_COLUMNS,
                          columns=", ".join(missing))
    body = _split_footer([
        (number, cells) for number, cells in sheet.rows[header_index + 1:]
        if any(_get(cells, i) for i in column_map.values())
    ])
    if sheet.truncated or len(body) > max_rows:
        return file_error(MSG_TOO_MANY_ROWS, max=max_rows)
    if not body:
        return file_error(MSG_NO_ROWS)

    validator = _RowValidator(
        column_map=column_map,
        headings={k: _heading(header_cells[i])
                  for k, i in column_map.items()},
        opds=_OpdIndex(opd_lookup),
        resolvers=_resolvers(codes_dir),
        templates=list(template_names if template_names is not None
                       else tables.template_names()),
        max_title_length=max_title_length,
    )
    items: list[DataListItem] = []
    errors: list[DataListError] = []
    for number, cells in body:
        item, row_errors = validator.check(number, cells)
        errors.extend(row_errors)
        if item is not None:
            items.append(item)
    return DataListResult(tuple(items), tuple(errors), sheet.file_format,
                          sheet.name, header_row)


def _heading(text: str) -> str:
    """A column heading for messages: one line, without a "required"
    asterisk."""
    return re.sub(r"\s*\*+$", "", _clean_line(text)) or text


def _get(cells: Sequence[str], index: int) -> str:
    return cells[index] if index < len(cells) else ""


class _RowValidator:
    """Checks the rows of one file (remembers titles for duplicates)."""

    def __init__(self, *, column_map: Mapping[str, int],
                 headings: Mapping[str, str], opds: _OpdIndex,
                 resolvers: Mapping[str, _CodeResolver],
                 templates: Sequence[str], max_title_length: int) -> None:
        self.column_map = column_map
        self.headings = headings
        self.opds = opds
        self.resolvers = resolvers
        self.templates = list(templates)
        self._template_index = {
            normalize_key(t).replace(" ", "_"): t for t in self.templates}
        self.max_title_length = max_title_length
        self._seen: dict[tuple[str, str], int] = {}

    def heading(self, key: str) -> str:
        return self.headings.get(key) or COLUMNS_BY_KEY[key].header

    def check(self, number: int, cells: Sequence[str]) -> tuple[
            Optional[DataListItem], list[DataListError]]:
        """The item of one row, or None and its errors."""
        errors: list[DataListError] = []

        def error(key: str, message: str, **params: Any) -> None:
            params.setdefault("column", self.heading(key))
            errors.append(DataListError(
                number, self.heading(key), key, message, params))

        raw = {key: _get(cells, index)
               for key, index in self.column_map.items()}
        values: dict[str, Optional[str]] = {}
        for col in COLUMNS:
            text = raw.get(col.key, "")
            if col.key != "catatan":
                text = _clean_line(text)
            else:
                text = text.replace("\r\n", "\n").strip()
            if not text:
                if col.required:
                    error(col.key, MSG_REQUIRED)
                values[col.key] = None
                continue
            values[col.key] = self._value(col, text, error)

        for key in FREE_TEXT_COLUMNS:
            text = values.get(key)
            if text and is_formula_like(text):
                error(key, MSG_FORMULA, start=text.lstrip(" \n")[:1] or text[:1])
        self._check_length(values, "judul", self.max_title_length, error)
        self._check_length(values, "satuan", MAX_SATUAN_LENGTH, error)
        self._check_length(values, "catatan", MAX_CATATAN_LENGTH, error)

        judul = values.get("judul") or _clean_line(raw.get("judul", ""))
        if judul:
            owner = values.get("opd") or normalize_key(raw.get("opd", ""))
            key = (owner, normalize_title(judul))
            if key in self._seen:
                error("judul", MSG_DUPLICATE, row=self._seen[key])
            else:
                self._seen[key] = number

        if errors:
            return None, errors
        assert all(values[c.key] for c in COLUMNS if c.required)
        return DataListItem(
            row=number,
            org=str(values["opd"]),
            judul=str(values["judul"]),
            satuan=str(values["satuan"]),
            level_penyajian=str(values["level_penyajian"]),
            frekuensi=str(values["frekuensi"]),
            urusan=str(values["urusan"]),
            template=values.get("template"),
            catatan=values.get("catatan") or "",
        ), []

    def _value(self, col: Column, text: str,
               error: Callable[..., None]) -> Optional[str]:
        """The checked value of one non-empty cell (None after an error)."""
        if col.key == "opd":
            org, options = self.opds.resolve(text)
            if org is None:
                message = (MSG_AMBIGUOUS_OPD if self.opds.is_ambiguous(text)
                           else MSG_UNKNOWN_OPD)
                error(col.key, message, value=text,
                      options=", ".join(options) or "-")
            return org
        if col.key in self.resolvers:
            resolver = self.resolvers[col.key]
            code, mismatch = resolver.resolve(text)
            if mismatch is not None:
                given_code, given_label = mismatch
                error(col.key, MSG_CODE_LABEL_MISMATCH, value=text,
                      code=given_code, given=given_label,
                      label=resolver.code_list.label(given_code, "id"))
            elif code is None:
                error(col.key, MSG_UNKNOWN_CODE, value=text,
                      options="; ".join(resolver.suggestions(text)))
            return code
        if col.key == "template":
            name = self._template_index.get(
                normalize_key(text).replace(" ", "_"))
            if name is None:
                error(col.key, MSG_UNKNOWN_TEMPLATE, value=text,
                      options=", ".join(self.templates) or "-")
            return name
        return text

    @staticmethod
    def _check_length(values: Mapping[str, Optional[str]], key: str,
                      limit: int, error: Callable[..., None]) -> None:
        value = values.get(key)
        if value and len(value) > limit:
            error(key, MSG_TOO_LONG, length=len(value), max=limit)


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
    resolvers = _resolvers(codes_dir)
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
    from openpyxl.utils import get_column_letter
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
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    templates = list(template_names if template_names is not None
                     else tables.template_names())
    resolvers = _resolvers(codes_dir)
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


def iter_errors_text(result: DataListResult,
                     translate: Translate = _identity) -> Iterator[str]:
    """One line per error ("Row 5, Level Penyajian: ..."), for logs and
    command-line use; the UI formats ``DataListError`` itself."""
    for error in result.errors:
        where = translate(N_("Row %(row)s")) % {"row": error.row}
        if error.column:
            where = f"{where}, {error.column}"
        yield f"{where}: {error.text(translate)}"
