"""Numbers as the report writes them (Indonesian: ``1.234,5``, ``42%``)."""
from __future__ import annotations

from typing import Any


def num(value: Any) -> str:
    """Indonesian number format: 1.234,5."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int) or (isinstance(value, float)
                                  and value.is_integer()):
        return f"{int(value):,}".replace(",", ".")
    if isinstance(value, float):
        text = f"{value:,.2f}"
        return text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return str(value)


def pct(part: int, whole: int) -> str:
    if not whole:
        return "0%"
    return f"{round(100 * part / whole)}%"
