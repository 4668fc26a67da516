"""The one answer to "which language is the user reading?".

The UI language of the current request (``h.lang()``); outside a request
(jobs, e-mails, commands) the installation's ``ckan.locale_default``;
``"id"`` when neither says.
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk

#: The language of the portal when nothing else says.
FALLBACK = "id"


def default() -> str:
    """The installation's default language (``ckan.locale_default``)."""
    return tk.config.get("ckan.locale_default") or FALLBACK


def current() -> str:
    """The UI language of the request, else :func:`default`."""
    try:
        found = tk.h.lang()
    except Exception:  # outside a request
        found = None
    return found or default()
