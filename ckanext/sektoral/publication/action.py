"""Actions of publication (cycle publication, revisions, withdrawal, national portal push)."""
from __future__ import annotations

__all__: list[str] = []
