"""Auth functions of the documents area, one per action of documents/action.py."""
from __future__ import annotations

__all__: list[str] = []
