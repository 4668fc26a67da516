"""Numbers as the report writes them (Indonesian: ``1.234,5``, ``42%``)."""
from __future__ import annotations

from typing import Any

from ckanext.sektoral.core import formatting


def num(value: Any) -> str:
    """Indonesian number format: 1.234,5 (the portal's one formatter)."""
    return formatting.number(value)


def pct(part: int, whole: int) -> str:
    if not whole:
        return "0%"
    return f"{round(100 * part / whole)}%"
