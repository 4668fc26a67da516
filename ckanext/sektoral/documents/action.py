"""Actions of the documents area (letters, compilation, report, analysis); collected by plugin.py."""
from __future__ import annotations

__all__: list[str] = []
