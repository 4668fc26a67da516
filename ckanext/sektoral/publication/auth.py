"""Auth functions of publication, one per action of publication/action.py."""
from __future__ import annotations

__all__: list[str] = []
