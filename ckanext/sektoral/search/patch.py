"""Rebind CKAN's Solr entry points to the PostgreSQL backend (and back).

WHY THIS MONKEYPATCHING EXISTS
    CKAN 2.11 has no interface for a search backend: every Solr access goes
    through ``ckan.lib.search.common.make_connection()``, which the modules
    of ``ckan.lib.search`` import *by name*, plus ``is_available()`` and
    ``check_solr_schema_version()`` (called by
    ``ckan.config.environment.update_config`` on every plugin load). The
    only way to swap the backend is to rebind those names. All of it lives
    in this module so that it is easy to audit and to delete.

WHEN IT CAN BE REMOVED
    When CKAN core gains a pluggable search backend (an ``ISearchBackend``-
    style interface or a configurable connection factory); then
    :class:`ckanext.sektoral.search.backend.PgSearchConnection` can be
    registered through it and this module deleted.

:func:`install` is idempotent and remembers the originals the first time;
:func:`uninstall` restores exactly those objects, so CKAN talks to Solr
again as if the plugin had never been loaded.

Every replacement is *guarded*: it first checks that the plugin is still
loaded and, if not, uninstalls the patch and delegates to CKAN's original.
This is how unloading is detected: ``ckan.plugins.core.unload`` removes a
plugin from the registry *before* notifying ``IPluginObserver``s (and the
observer list is evaluated lazily), so a plugin never hears of its own
unload; but every (un)load ends in ``environment.update_config``, which
calls ``check_solr_schema_version()`` -- the guard restores the originals
right there.
"""
from __future__ import annotations

import importlib
import logging
import threading
from typing import Any, Callable

from . import backend

log = logging.getLogger(__name__)

PLUGIN_NAME = "sektoral_pgsearch"

#: (module, attribute) -> replacement. ``make_connection`` is imported by
#: name into the package and its ``index``/``query`` modules, so each
#: binding is replaced; ``is_available`` likewise.
_TARGETS: list[tuple[str, str, Callable[..., Any]]] = [
    ("ckan.lib.search.common", "make_connection", backend.make_connection),
    ("ckan.lib.search.index", "make_connection", backend.make_connection),
    ("ckan.lib.search.query", "make_connection", backend.make_connection),
    ("ckan.lib.search", "make_connection", backend.make_connection),
    ("ckan.lib.search.common", "is_available", backend.is_available),
    ("ckan.lib.search", "is_available", backend.is_available),
    ("ckan.lib.search", "check_solr_schema_version",
     backend.check_schema_version),
]

_originals: dict[tuple[str, str], Any] = {}
_lock = threading.Lock()


def is_installed() -> bool:
    """True while CKAN's search functions point to the PostgreSQL backend."""
    return bool(_originals)


def _plugin_loaded() -> bool:
    import ckan.plugins as plugins
    return plugins.plugin_loaded(PLUGIN_NAME)


def _guard(module_name: str, attribute: str,
           replacement: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap ``replacement`` so that it falls back to (and restores) the
    original once the plugin is no longer loaded."""
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if not _plugin_loaded():
            original = _originals.get((module_name, attribute))
            uninstall()
            if original is not None:
                return original(*args, **kwargs)
        return replacement(*args, **kwargs)

    guarded.__name__ = getattr(replacement, "__name__", attribute)
    guarded.__doc__ = replacement.__doc__
    guarded.__wrapped__ = replacement  # type: ignore[attr-defined]
    guarded.pgsearch_replacement = True  # type: ignore[attr-defined]
    return guarded


def is_replacement(function: Any) -> bool:
    """True if ``function`` is one of this module's guarded replacements."""
    return bool(getattr(function, "pgsearch_replacement", False))


def install() -> None:
    """Point CKAN's Solr entry points to the PostgreSQL backend."""
    with _lock:
        if _originals:
            return
        for module_name, attribute, replacement in _TARGETS:
            module = importlib.import_module(module_name)
            _originals[(module_name, attribute)] = getattr(module, attribute)
            setattr(module, attribute,
                    _guard(module_name, attribute, replacement))
        log.debug("sektoral_pgsearch: search index is PostgreSQL")


def uninstall() -> None:
    """Restore CKAN's original (Solr) functions."""
    with _lock:
        if not _originals:
            return
        for (module_name, attribute), original in _originals.items():
            setattr(importlib.import_module(module_name), attribute, original)
        _originals.clear()
        log.debug("sektoral_pgsearch: search index is Solr again")
