"""BPS table symbols: the one definition every reader and writer uses.

Plain Python, no CKAN import. BPS statistical tables write a symbol where a
cell has no figure; the symbols do not all mean the same:

* ``-`` (and ``–``, the en dash a word processor makes of it) is **nihil**:
  nothing, zero. It counts as 0 in totals, means and charts and is shown
  as ``-``;
* ``...`` (and ``…``, the one-character ellipsis of AutoCorrect) and ``NA``
  are **not available**, ``x`` is **confidential**: no figure exists for
  the reader. They are left out of totals and means, the total is marked
  incomplete, and they are never shown as a number.

An empty cell is "not available" too (no figure was given).

Table Schemas declare every symbol in ``missingValues`` (so Frictionless
reads each as ``None``); the raw cell tells the readers which symbol it
was. :func:`value` turns (parsed value, raw cell) into the number that
counts, :class:`Tally` adds a group of cells up and says whether the
result is complete.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, Iterable, Optional

from ckanext.sektoral.core.stages import N_

NIHIL = "nihil"
NOT_AVAILABLE = "not_available"
CONFIDENTIAL = "confidential"

#: Symbol as written -> meaning.
SYMBOLS: dict[str, str] = {
    "...": NOT_AVAILABLE,
    "\u2026": NOT_AVAILABLE,
    "-": NIHIL,
    "\u2013": NIHIL,
    "NA": NOT_AVAILABLE,
    "x": CONFIDENTIAL,
}

#: Symbol as written -> the form every output shows and writes.
CANONICAL: dict[str, str] = {
    "...": "...", "\u2026": "...", "-": "-", "\u2013": "-", "NA": "NA",
    "x": "x",
}

#: ``missingValues`` of every Table Schema template (the empty cell first).
MISSING_VALUES: list[str] = ["", *SYMBOLS]

#: ``missingValues`` of the canonical CSV written by every export.
CANONICAL_MISSING_VALUES: list[str] = ["", "...", "-", "NA", "x"]

#: Indonesian meaning of each symbol (templates, downloads, reports).
LABELS_ID: dict[str, str] = {
    "...": "data tidak tersedia",
    "\u2026": "data tidak tersedia (elipsis satu karakter)",
    "-": "nihil (nol)",
    "\u2013": "nihil (nol, tanda pisah panjang)",
    "NA": "data tidak tersedia",
    "x": "data dirahasiakan",
}

#: One line explaining the symbols (documents and downloads).
LEGEND_ID = ("Simbol BPS: - = nihil (dihitung 0); ... dan NA = data tidak "
             "tersedia; x = data dirahasiakan. Data tidak tersedia dan "
             "data rahasia tidak dijumlahkan; jumlah yang tidak memuatnya "
             "ditandai tidak lengkap.")

#: English msgid of the same legend (translated in the web interface).
LEGEND = N_("BPS symbols: - = nil (counted as 0); ... and NA = not "
            "available; x = confidential. Values not available and "
            "confidential values are not added up; a total without them "
            "is marked incomplete.")


def symbol(cell: Any) -> Optional[str]:
    """The BPS symbol a raw cell holds, as written (stripped), or None."""
    if not isinstance(cell, str):
        return None
    text = cell.strip()
    return text if text in SYMBOLS else None


def kind(cell: Any) -> Optional[str]:
    """``nihil``, ``not_available`` or ``confidential`` for a symbol cell,
    ``not_available`` for an empty one, None for anything else."""
    sym = symbol(cell)
    if sym is not None:
        return SYMBOLS[sym]
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return NOT_AVAILABLE
    return None


def canonical(cell: Any) -> Optional[str]:
    """The symbol as every output writes it (``–`` -> ``-``, ``…`` ->
    ``...``), or None when the cell is no symbol."""
    sym = symbol(cell)
    return CANONICAL[sym] if sym is not None else None


def is_nihil(cell: Any) -> bool:
    return kind(cell) == NIHIL


def _decimal(value: Any) -> Optional[Decimal]:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return d if d.is_finite() else None


def value(parsed: Any, cell: Any = None) -> Optional[Decimal]:
    """The number a cell counts as: its parsed value, 0 for nihil, None
    for a value that is not available or confidential (or not a number)."""
    number = _decimal(parsed)
    if number is not None:
        return number
    if parsed is None and is_nihil(cell):
        return Decimal(0)
    return None


def display(parsed: Any, cell: Any = None) -> Optional[str]:
    """The symbol to show instead of a number (None: show the number)."""
    if parsed is not None:
        return None
    sym = canonical(cell)
    if sym is not None:
        return sym
    return "..."


class Tally:
    """Sum and count of a group of cells under the BPS rules: nihil counts
    as 0, the other symbols (and empty cells) are left out and make the
    result incomplete."""

    __slots__ = ("total", "count", "gaps", "nihil")

    def __init__(self) -> None:
        self.total = Decimal(0)
        self.count = 0
        self.gaps = 0
        self.nihil = 0

    def add(self, parsed: Any, cell: Any = None) -> None:
        number = value(parsed, cell)
        if number is None:
            self.gaps += 1
        else:
            self.total += number
            self.count += 1
            if parsed is None:
                self.nihil += 1

    def add_number(self, number: Optional[Decimal]) -> None:
        """Add a value already turned into a number (None: a gap)."""
        if number is None:
            self.gaps += 1
        else:
            self.total += number
            self.count += 1

    def merge(self, other: "Tally") -> None:
        self.total += other.total
        self.count += other.count
        self.gaps += other.gaps
        self.nihil += other.nihil

    @property
    def only_nihil(self) -> bool:
        """Every cell was nihil: shown as ``-``, not as 0."""
        return bool(self.count) and self.nihil == self.count and \
            not self.gaps

    @property
    def complete(self) -> bool:
        return self.gaps == 0

    @property
    def sum(self) -> Optional[Decimal]:
        """The sum of the values that exist (None when none exists)."""
        return self.total if self.count else None

    @property
    def mean(self) -> Optional[Decimal]:
        return self.total / self.count if self.count else None


def tally(cells: Iterable[tuple[Any, Any]]) -> Tally:
    """A :class:`Tally` of (parsed value, raw cell) pairs."""
    result = Tally()
    for parsed, cell in cells:
        result.add(parsed, cell)
    return result
