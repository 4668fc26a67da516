"""The site user and the context of work done on the portal's behalf.

Background jobs, the CLI, the demo loader and the engine's own writes
(making a published item public, creating the ``publikasi`` dataset)
act as CKAN's site user with auth skipped. This is the one place that
asks CKAN for it.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk


def site_user() -> str:
    """Name of CKAN's site user (created on first use)."""
    return tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]


def site_context(**extra: Any) -> dict[str, Any]:
    """A context acting as the site user, auth skipped; ``extra`` keys
    (e.g. ``defer_commit=True``) are added."""
    context: dict[str, Any] = {"user": site_user(), "ignore_auth": True}
    context.update(extra)
    return context
