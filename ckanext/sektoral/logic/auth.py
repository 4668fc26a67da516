"""Auth functions of ckanext-sektoral: one per action, same name."""
from __future__ import annotations

__all__: list[str] = []
