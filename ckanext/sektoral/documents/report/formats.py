"""Shares as the report writes them (``42%``; numbers go through
:func:`ckanext.sektoral.core.formatting.number`)."""
from __future__ import annotations


def pct(part: int, whole: int) -> str:
    if not whole:
        return "0%"
    return f"{round(100 * part / whole)}%"
