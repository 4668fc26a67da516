"""Validators of ckanext-sektoral (registered by ``tk.blanket.validators``)."""
from __future__ import annotations

__all__: list[str] = []
