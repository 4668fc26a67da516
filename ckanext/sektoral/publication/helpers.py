"""Template helpers of publication and the public pages."""
from __future__ import annotations

__all__: list[str] = []
