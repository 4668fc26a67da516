"""Reading an uploaded data-list file: CSV in its common encodings and
delimiters, or an XLSX workbook, into numbered rows of cell texts; finds
the header row and cuts the footer."""
from __future__ import annotations

import codecs
import csv
import dataclasses
import io
import logging
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Optional

from .base import (
    COLUMNS, MSG_BAD_XLSX, MSG_EMPTY_FILE, MSG_NOT_SPREADSHEET,
    MSG_UNSUPPORTED_FORMAT, cell_text, normalize_header,
)

log = logging.getLogger(__name__)

#: The header row is looked for in this many first non-empty rows.
HEADER_SEARCH_ROWS = 10
#: A header row must name at least this many known columns.
MIN_HEADER_MATCHES = 2
#: Only this many columns of a sheet are read.
MAX_COLUMNS = 50
#: Non-empty rows read beyond ``max_rows`` (title rows, header, footer)
#: before the file counts as too long without reading further.
ROW_ALLOWANCE = 200

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


# ---------------------------------------------------------------------------
# Reading files

Row = tuple[int, list[str]]  # (row number, cell texts)


class FileProblem(Exception):
    """A file-level error found while reading (``parse_datalist`` turns it into a
    ``DataListError``)."""

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


def find_header(rows: Sequence[Row]) -> Optional[tuple[int, dict[str, int]]]:
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
    found = find_header(rows)
    return len(found[1]) if found else 0


def _decode(data: bytes) -> str:
    """Text of a CSV file: UTF-16 (BOM), UTF-8 (BOM optional), cp1252,
    Latin-1."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise FileProblem(MSG_NOT_SPREADSHEET) from e
    if b"\x00" in data[:8192]:
        raise FileProblem(MSG_NOT_SPREADSHEET)
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
        cells = [cell_text(v) for v in record[:MAX_COLUMNS]]
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
        raise FileProblem(MSG_NOT_SPREADSHEET)
    if not text.strip():
        raise FileProblem(MSG_EMPTY_FILE)
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
        raise FileProblem(MSG_NOT_SPREADSHEET) from e
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
        cells = [cell_text(v) for v in values]
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
        raise FileProblem(MSG_BAD_XLSX) from e
    try:
        candidates = _sheet_order(workbook)
        if not candidates:
            raise FileProblem(MSG_BAD_XLSX)
        chosen = candidates[0]
        for ws in candidates:
            head, _ = _sheet_rows(ws, HEADER_SEARCH_ROWS)
            if find_header(head):
                chosen = ws
                break
        rows, truncated = _sheet_rows(chosen, row_limit)
        return _Sheet(rows, truncated, "xlsx", chosen.title)
    except FileProblem:
        raise
    except Exception as e:
        log.info("Data list XLSX not readable: %r", e)
        raise FileProblem(MSG_BAD_XLSX) from e
    finally:
        workbook.close()


def read_sheet(data: bytes, filename: str, row_limit: int) -> _Sheet:
    """Read a CSV or XLSX file into rows, or raise ``FileProblem``."""
    if not data or not data.strip():
        raise FileProblem(MSG_EMPTY_FILE)
    ext = Path(filename or "").suffix.lower()
    if data.startswith(_ZIP_MAGIC):
        if ext in _UNSUPPORTED_EXTENSIONS or _is_opendocument(data):
            raise FileProblem(MSG_UNSUPPORTED_FORMAT)
        try:
            return _read_xlsx(data, row_limit)
        except FileProblem:
            if ext in _XLSX_EXTENSIONS:
                raise
            raise FileProblem(MSG_NOT_SPREADSHEET) from None
    if data.startswith(_OLE_MAGIC):
        if ext in (".doc", ".ppt", ".msg"):
            raise FileProblem(MSG_NOT_SPREADSHEET)
        raise FileProblem(MSG_UNSUPPORTED_FORMAT)
    if ext in _XLSX_EXTENSIONS:
        raise FileProblem(MSG_BAD_XLSX)
    if data.startswith(_BINARY_MAGIC):
        raise FileProblem(MSG_NOT_SPREADSHEET)
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


def split_footer(rows: list[Row]) -> list[Row]:
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
