"""The data list's vocabulary: limits, messages (English msgids), the
columns and their spellings, the result types, and text normalisation.
Imports nothing else of the data-list package."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Optional, Union

from .. import contracts
from ..stages import N_

Translate = Callable[[str], str]
CodesDir = Union[str, Path, None]

#: Default maximum number of data rows in one file.
DEFAULT_MAX_ROWS = 2000
#: Default maximum length of a title (``judul``), in characters.
DEFAULT_MAX_TITLE_LENGTH = 200
#: Maximum length of the unit (``satuan``) and of the notes (``catatan``).
MAX_SATUAN_LENGTH = 100
MAX_CATATAN_LENGTH = 2000
#: How many valid values an "unknown value" message lists.
MAX_OPTIONS = 5
#: Cells holding only one of these count as empty.
EMPTY_MARKERS = frozenset({"-", "\u2013", "\u2014"})

#: Name of the data sheet of the template workbook (and the preferred
#: sheet when reading a workbook).
SHEET_DATA = "Daftar Data"
SHEET_HELP = "Petunjuk"
SHEET_CODES = "Kode"


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


def identity(message: str) -> str:
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

    def text(self, translate: Translate = identity) -> str:
        """The message, translated by ``translate``, with its parameters."""
        return translate(self.message) % dict(self.params)

    def to_dict(self, translate: Translate = identity
                ) -> contracts.DataListError:
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

    def to_dict(self, translate: Translate = identity
                ) -> contracts.DataListPreview:
        """JSON-ready dict (error texts translated by ``translate``)."""
        return {
            "ok": self.ok,
            "file_format": self.file_format,
            "sheet": self.sheet,
            "header_row": self.header_row,
            "items": [{
                "row": i.row, "org": i.org, "judul": i.judul,
                "satuan": i.satuan, "level_penyajian": i.level_penyajian,
                "frekuensi": i.frekuensi, "urusan": i.urusan,
                "template": i.template, "catatan": i.catatan,
            } for i in self.items],
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


def clean_line(text: str) -> str:
    """One-line text: all whitespace (newlines, NBSP) collapsed."""
    return " ".join(text.split())


def cell_text(value: Any) -> str:
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
