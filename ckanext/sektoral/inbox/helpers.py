"""helpers of the inbox area; collected by plugin.py (names in __all__)."""
from __future__ import annotations

__all__: list[str] = []
