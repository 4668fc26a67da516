"""The one reader of a BPS data file with its Table Schema.

Plain Python, no CKAN import. Every module that reads an OPD's data file
(the statistics of ``analysis/stats.py``, the public page's series and
preview of ``insight/tabledata.py``, the canonical CSV/XLSX/Data Package
of ``insight/exports.py`` and the cycle compilation of
``documents/compile.py``) opens it here::

    with reader.open_table(path_or_bytes, schema, fmt=None) as table:
        table.labels                 # header labels as found
        for row in table.rows():     # blank rows skipped
            row.values["nilai"]      # typed by the schema (Decimal, int,
                                     # date...); None for a missing value
            row.symbol("nilai")      # the declared BPS symbol as written
            row.number("nilai")      # the number it counts as (nihil: 0)
            row.canonical("nilai")   # the cell as the canonical CSV writes it
            row.labelled("Catatan")  # the raw cell under a header label

What it does, once for everyone:

* **format**: the ``fmt`` given (the resource's declared format), else the
  file's extension, else its first bytes (stored uploads have no
  extension: a zip is XLSX, an OLE file XLS, anything else CSV); a text
  format whose content is binary, or an Excel format whose content is
  not a workbook, is refused (:class:`ReadError`), as is an empty file;
* **numbers**: Frictionless reads them with the schema, so ``1.234,5`` is
  1234.5 under ``decimalChar ","``/``groupChar "."`` and a numeric XLSX
  cell is its number whatever the text format;
* **header**: the first row, matched to the schema's fields by name
  (``schema_sync``: columns may come in any order, missing or extra
  columns are reported by :attr:`Table.missing` / :attr:`Table.extra`);
* **BPS symbols**: only the ones the schema declares in
  ``missingValues`` (stripped) have a meaning; they mean what
  ``core/symbols.py`` says (``-``/``–`` nihil, the others no figure).
  A declared missing value that is no BPS symbol (e.g. ``n.a.``) is
  a missing value without BPS meaning: :meth:`Row.missing_text` gives it
  as written, :meth:`Row.symbol` gives None.
"""
from __future__ import annotations

import math
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator, Optional, Union

from ckanext.sektoral.core import symbols as bps
from ckanext.sektoral.core.stages import N_

Source = Union[str, Path, bytes]

ERROR_NOT_FOUND = N_("The data file could not be found.")
ERROR_EMPTY = N_("The data file is empty.")
ERROR_BINARY = N_("The data file is not a CSV or Excel table.")
ERROR_UNREADABLE = N_("The data file could not be read as a table.")
ERROR_SCHEMA = N_("The Table Schema of the data file is not valid.")

EXCEL_FORMATS = frozenset({"xlsx", "xls"})
TEXT_EXTENSIONS = {"csv": "csv", "tsv": "tsv", "txt": "csv"}
NUMERIC_TYPES = frozenset({"number", "integer"})
_SNIFF_BYTES = 8192


class ReadError(Exception):
    """The file cannot be read as a table: ``message`` is an English msgid
    (one of the ``ERROR_*``), ``detail`` says more (not translated)."""

    def __init__(self, message: str, detail: Any = None) -> None:
        super().__init__(message if detail is None
                         else f"{message} ({detail})")
        self.message = message
        self.detail = detail


# -- values as JSON --------------------------------------------------------------

def json_number(value: Any) -> Any:
    """Decimal/float to int when integral, else float (JSON-ready); a
    non-finite number is None."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None
        return int(value) if value == value.to_integral_value() \
            else float(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return int(value) if value.is_integer() else value
    return value


def json_value(value: Any) -> Any:
    """Any parsed cell as a JSON-ready value (dates as ISO text)."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, (Decimal, float)):
        return json_number(value)
    return str(value)


def canonical_cell(value: Any) -> str:
    """A parsed value as the canonical CSV writes it: decimal point, no
    thousands separator, no exponent, no trailing zeros; ISO dates;
    ``true``/``false``; ``""`` for None."""
    import datetime as dt

    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        value = Decimal(repr(value))
    if isinstance(value, Decimal):
        text = format(value, "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    return str(value)


def declared_missing(schema: dict[str, Any]) -> set[str]:
    """The non-empty ``missingValues`` of a schema, stripped."""
    found = {str(v).strip() for v in schema.get("missingValues", [""])}
    found.discard("")
    return found


# -- format ------------------------------------------------------------------------

def sniff(source: Source, fmt: Optional[str] = None) -> str:
    """The table format of ``source`` (see the module docstring); raises
    :class:`ReadError` for a missing, empty or binary file."""
    if isinstance(source, bytes):
        head, ext = source[:_SNIFF_BYTES], ""
    else:
        path = Path(source)
        ext = path.suffix.lower().lstrip(".")
        try:
            with open(path, "rb") as f:
                head = f.read(_SNIFF_BYTES)
        except FileNotFoundError:
            raise ReadError(ERROR_NOT_FOUND, str(path)) from None
        except OSError as exc:
            raise ReadError(ERROR_UNREADABLE, str(exc)) from None
    if not head.strip():
        raise ReadError(ERROR_EMPTY)
    is_zip = head.startswith(b"PK\x03\x04")
    is_ole = head.startswith(b"\xd0\xcf\x11\xe0")
    if fmt is None:
        if ext in TEXT_EXTENSIONS:
            fmt = TEXT_EXTENSIONS[ext]
        elif ext in EXCEL_FORMATS:
            fmt = ext
        elif is_zip:
            fmt = "xlsx"
        elif is_ole:
            fmt = "xls"
        else:
            fmt = "csv"
    fmt = fmt.lower()
    if fmt in EXCEL_FORMATS:
        if not (is_zip or is_ole):
            raise ReadError(ERROR_BINARY, "not an Excel workbook")
    elif b"\x00" in head or is_zip or is_ole:
        raise ReadError(ERROR_BINARY, "binary content")
    return fmt


# -- rows --------------------------------------------------------------------------

class Row:
    """One data row: typed values, raw cells, Frictionless errors."""

    __slots__ = ("row_number", "values", "raw", "errors", "_table")

    def __init__(self, table: "Table", number: int, values: dict[str, Any],
                 raw: list[Any], errors: list[Any]) -> None:
        self._table = table
        self.row_number = number  # row number in the file (header = 1)
        self.values = values      # field name -> typed value or None
        self.raw = raw            # the cells as found, by position
        self.errors = errors      # Frictionless errors of the row

    def cell(self, name: str) -> Any:
        """The raw cell of field ``name`` (None when the column or the
        cell is absent)."""
        i = self._table.index.get(name)
        return self.raw[i] if i is not None and i < len(self.raw) else None

    @property
    def declared(self) -> set[str]:
        """The declared missing values of its file (stripped)."""
        return self._table.declared

    def labelled(self, label: str) -> Any:
        """The raw cell under the header label ``label`` (None when its
        file has no such column or the row no such cell)."""
        labels = self._table.labels
        i = labels.index(label) if label in labels else len(self.raw)
        return self.raw[i] if i < len(self.raw) else None

    def missing_text(self, name: str) -> Optional[str]:
        """The declared missing value the cell holds (stripped), or None
        (also for an empty cell and for a cell that has a value)."""
        if self.values.get(name) is not None:
            return None
        cell = self.cell(name)
        if isinstance(cell, str) and cell.strip() in self._table.declared:
            return cell.strip()
        return None

    def symbol(self, name: str) -> Optional[str]:
        """The BPS symbol the cell holds as written (``–`` stays ``–``),
        when the schema declares it; else None."""
        sym = bps.symbol(self.cell(name))
        return sym if sym in self._table.declared else None

    def number(self, name: str) -> Optional[Decimal]:
        """The number the cell counts as (``core/symbols.py``): its
        value, 0 for a declared nihil symbol, None otherwise."""
        return bps.value(self.values.get(name), self.symbol(name))

    def canonical(self, name: str) -> str:
        """The cell as the canonical CSV writes it: a declared missing
        value as its canonical symbol (``–`` -> ``-``), else the value."""
        text = self.missing_text(name)
        if text is not None:
            return bps.canonical(text) or text
        return canonical_cell(self.values.get(name))


class Table:
    """An open data file (use :func:`open_table`)."""

    def __init__(self, resource: Any, schema: dict[str, Any],
                 fmt: str) -> None:
        self._resource = resource
        self.schema = schema
        self.format = fmt
        self.fields: list[dict[str, Any]] = [
            dict(f) for f in schema.get("fields", [])]
        self.by_name = {f["name"]: f for f in self.fields}
        self.declared = declared_missing(schema)
        self.labels: list[str] = []
        self.index: dict[str, int] = {}

    def _opened(self) -> None:
        header = self._resource.header
        self.labels = list(header.labels if header else [])
        self.index = {f["name"]: self.labels.index(f["name"])
                      for f in self.fields if f["name"] in self.labels}

    @property
    def present(self) -> list[dict[str, Any]]:
        """Schema fields found in the header (schema order)."""
        return [f for f in self.fields if f["name"] in self.index]

    @property
    def missing(self) -> list[str]:
        """Schema fields absent from the header."""
        return [f["name"] for f in self.fields if f["name"] not in self.index]

    @property
    def extra(self) -> list[str]:
        """Header labels that are no schema field."""
        return [lb for lb in self.labels if lb not in self.by_name]

    def rows(self) -> Iterator[Row]:
        """The data rows, blank rows skipped; a file that turns out not
        to be a table midway raises :class:`ReadError`."""
        from frictionless import FrictionlessException

        stream = iter(self._resource.row_stream)
        while True:
            try:
                row = next(stream)
            except StopIteration:
                return
            except FrictionlessException as exc:
                raise unreadable(exc) from None
            if any(e.type == "blank-row" for e in row.errors):
                continue
            yield Row(self, row.row_number, row.to_dict(), list(row.cells),
                      list(row.errors))

    def close(self) -> None:
        self._resource.close()

    def __enter__(self) -> "Table":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def open_table(source: Source, schema: dict[str, Any],
               fmt: Optional[str] = None) -> Table:
    """Open a data file (a path or its bytes) with its Table Schema.

    Raises :class:`ReadError` when the file is missing, empty or no
    table, or the schema is not a Table Schema; a row that breaks the
    schema is no error here (see :attr:`Row.errors`).
    """
    from frictionless import Detector, FrictionlessException, Resource
    from frictionless import Schema

    fmt = sniff(source, fmt)
    try:
        fl_schema = Schema.from_descriptor(schema)
    except Exception as exc:
        raise ReadError(ERROR_SCHEMA, str(exc)) from None
    if isinstance(source, bytes):
        resource: Any = Resource(source=source, schema=fl_schema,
                                 format=fmt,
                                 detector=Detector(schema_sync=True))
    else:
        resource = Resource(path=str(source), schema=fl_schema, format=fmt,
                            detector=Detector(schema_sync=True))
    table = Table(resource, schema, fmt)
    try:
        resource.open()
        table._opened()
    except FrictionlessException as exc:
        resource.close()
        raise unreadable(exc) from None
    return table


def unreadable(exc: Exception) -> ReadError:
    """The :class:`ReadError` of a Frictionless failure."""
    kind = getattr(getattr(exc, "error", None), "type", "")
    message = ERROR_BINARY if kind in (
        "encoding-error", "format-error", "scheme-error") \
        else ERROR_UNREADABLE
    return ReadError(message, str(exc))


def read_rows(source: Source, schema: dict[str, Any],
              fmt: Optional[str] = None) -> list[Row]:
    """Every data row of a file (small tables), read at once."""
    with open_table(source, schema, fmt) as table:
        return list(table.rows())
