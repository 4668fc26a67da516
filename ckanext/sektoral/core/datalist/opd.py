"""Resolving the OPD column: every accepted spelling of an organization
(name, title, code, abbreviation) to its name."""
from __future__ import annotations

import difflib
import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Optional

from .base import MAX_OPTIONS, normalize_key


# ---------------------------------------------------------------------------
# OPD lookup

#: Organization fields whose values name an OPD (``schemas/opd.yaml``).
OPD_LOOKUP_KEYS: tuple[str, ...] = (
    "name", "title", "display_name", "kode_opd", "singkatan", "nama_resmi")


def build_opd_lookup(
        organizations: Iterable[Mapping[str, Any]],
        keys: Sequence[str] = OPD_LOOKUP_KEYS) -> dict[str, str]:
    """``{spelling: organization name}`` from organization dicts (as
    ``organization_list(all_fields=True, include_extras=True)`` returns
    them); ``parse_datalist`` normalises the spellings."""
    lookup: dict[str, str] = {}
    for org in organizations:
        name = org.get("name")
        if not name:
            continue
        for key in keys:
            value = org.get(key)
            if isinstance(value, str) and value.strip():
                lookup.setdefault(value.strip(), str(name))
    return lookup


class OpdIndex:
    """Normalised OPD spellings → organization names."""

    def __init__(self, lookup: Mapping[str, str]) -> None:
        self._orgs: dict[str, set[str]] = {}
        self._display: dict[str, str] = {}
        #: One spelling per organization for messages: the first one that
        #: is not the organization name (usually its title).
        self._org_display: dict[str, str] = {}
        pairs = itertools.chain(
            lookup.items(), ((v, v) for v in lookup.values()))
        for spelling, org in pairs:
            key = normalize_key(str(spelling))
            if not key or not org:
                continue
            org, spelling = str(org), str(spelling).strip()
            self._orgs.setdefault(key, set()).add(org)
            self._display.setdefault(key, spelling)
            if spelling != org:
                self._org_display.setdefault(org, spelling)
        for orgs in self._orgs.values():
            for org in orgs:
                self._org_display.setdefault(org, org)

    def resolve(self, value: str) -> tuple[Optional[str], list[str]]:
        """(org name, []) or (None, suggestions); several suggestions
        with None and an exact key mean the spelling is ambiguous."""
        key = normalize_key(value)
        orgs = self._orgs.get(key)
        if orgs and len(orgs) == 1:
            return next(iter(orgs)), []
        if orgs:
            return None, sorted(orgs)
        close = difflib.get_close_matches(
            key, list(self._orgs), n=MAX_OPTIONS, cutoff=0.6)
        if close:
            return None, [self._display[k] for k in close]
        return None, sorted(self._org_display.values())[:MAX_OPTIONS]

    def is_ambiguous(self, value: str) -> bool:
        return len(self._orgs.get(normalize_key(value), ())) > 1
