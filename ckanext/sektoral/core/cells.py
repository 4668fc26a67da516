"""Text cells that a spreadsheet would run: one rule for every export
and every input check.

Plain Python, no CKAN import. ``neutralise`` makes an exported cell safe
(CSV and XLSX exports, the compilation, the public downloads);
``is_formula_like`` is the same rule as a test, for refusing such text
where it enters the portal (column names of a data file's Table Schema,
the data-list import's titles, units and notes).
"""
from __future__ import annotations

import re
from typing import Any

#: Characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_TRIGGERS = ("=", "+", "-", "@")
#: Control characters that are neutralised wherever the text starts with them.
_CONTROL_TRIGGERS = ("\t", "\r")
#: BPS symbols that start with a trigger but are plain data.
_SAFE_SYMBOLS = frozenset({"-", "\u2013"})
#: A plain number, signed, with ``.``/``,`` separators and an optional
#: exponent: ``-3``, ``+1``, ``-12,5``, ``-1.234,56``, ``-1.5e3``.
_NUMBER_RE = re.compile(r"[+-]?\d+(?:[.,]\d+)*(?:[eE][+-]?\d+)?")


def neutralise(value: Any) -> Any:
    """A cell value safe from formula injection in CSV and XLSX exports.

    A string gets a leading apostrophe (``'``) when, ignoring leading
    spaces and line feeds, it starts with ``=``, ``+``, ``-`` or ``@``, or
    when it starts with a tab or a carriage return. Left unchanged:

    * anything that is not a string (``None``, numbers, dates, booleans):
      a typed value is never read as a formula;
    * the BPS nil symbols ``-`` and ``–`` alone (also with surrounding
      spaces): data, and harmless in a spreadsheet;
    * a string that is entirely a plain number, signed or not, with ``.``
      or ``,`` separators and an optional exponent (``-3``, ``+1``,
      ``-12,5``, ``-1.234,56``): a spreadsheet reads it as a number
      constant, which cannot call a function or reference a cell, and an
      apostrophe would turn a number into text. Anything more
      (``-1+1``, ``-2+3+cmd|' /C calc'!A0``, ``-12,5*``) is neutralised.
    """
    if not isinstance(value, str) or value == "":
        return value
    if value.startswith(_CONTROL_TRIGGERS):
        return "'" + value
    stripped = value.lstrip(" \n")
    if not stripped.startswith(FORMULA_TRIGGERS):
        return value
    core = stripped.rstrip(" \n")
    if core in _SAFE_SYMBOLS or _NUMBER_RE.fullmatch(core):
        return value
    return "'" + value




def is_formula_like(value: Any) -> bool:
    """Whether a spreadsheet could read ``value`` as a formula (the text
    that :func:`neutralise` would change)."""
    return isinstance(value, str) and neutralise(value) != value
