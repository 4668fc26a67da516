"""Resolving the coded columns (level, frequency, affair) against the
code lists of ``ckanext.sektoral.core.codes``: a code, its label or both."""
from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from typing import Optional

from ckanext.sektoral.core import codes

from .base import CODE_ALIASES, COLUMNS, CodesDir, MAX_OPTIONS, normalize_key

_CODE_PREFIX_RE = re.compile(
    r"^\s*(\d+(?:[.,]\d+)*)\s*[-\u2013\u2014.:)]?\s+(\S.*)$")
_CODE_SUFFIX_RE = re.compile(r"^(.+?)\s*\(([^()]+)\)\s*$")
_NUMERIC_RE = re.compile(r"^\d+(?:[.,]\d+)?$")


# ---------------------------------------------------------------------------
# Code lists


class CodeResolver:
    """Maps a code, a label or "code label" to the code of one list."""

    def __init__(self, code_list: codes.CodeList,
                 aliases: Mapping[str, str]) -> None:
        self.code_list = code_list
        self._index: dict[str, str] = {}
        self._labels: dict[str, set[str]] = {}
        self._numeric: dict[float, list[str]] = {}
        for code in code_list:
            names = {normalize_key(code.value)}
            label_keys = {normalize_key(lbl) for lbl in code.labels.values()
                          if lbl}
            self._labels[code.value] = label_keys
            for key in names | label_keys:
                self._index.setdefault(key, code.value)
            if _NUMERIC_RE.match(code.value):
                self._numeric.setdefault(
                    float(code.value.replace(",", ".")), []).append(
                        code.value)
        for alias, target in aliases.items():
            if target in code_list:
                self._index.setdefault(normalize_key(alias), target)

    def _exact(self, text: str) -> Optional[str]:
        found = self._index.get(normalize_key(text))
        if found:
            return found
        compact = text.strip()
        if _NUMERIC_RE.match(compact):
            # 2.1 for 2.10 (a number cell), 2,12 for 2.12 (decimal comma)
            same = self._numeric.get(float(compact.replace(",", ".")), [])
            if len(same) == 1:
                return same[0]
        return None

    def resolve(self, text: str) -> tuple[Optional[str], Optional[
            tuple[str, str]]]:
        """(code, None), or (None, (code, given label)) when a code and a
        label disagree, or (None, None) when nothing matches."""
        found = self._exact(text)
        if found:
            return found, None
        for pattern, code_group, label_group in (
                (_CODE_PREFIX_RE, 1, 2), (_CODE_SUFFIX_RE, 2, 1)):
            match = pattern.match(text)
            if not match:
                continue
            code = self._exact(match.group(code_group))
            if code is None:
                continue
            given = match.group(label_group).strip()
            if normalize_key(given) in self._labels[code]:
                return code, None
            return None, (code, given)
        return None, None

    def option(self, value: str) -> str:
        """How a valid value is shown in a message or a dropdown."""
        label = self.code_list.label(value, "id")
        if normalize_key(label) == normalize_key(value):
            return label
        return f"{value} {label}"

    def suggestions(self, text: str) -> list[str]:
        """A few valid values, the closest to ``text`` first."""
        close = difflib.get_close_matches(
            normalize_key(text), list(self._index), n=MAX_OPTIONS * 2,
            cutoff=0.6)
        values: list[str] = []
        for key in close:
            value = self._index[key]
            if value not in values:
                values.append(value)
        if not values:
            values = self.code_list.values()
        return [self.option(v) for v in values[:MAX_OPTIONS]]


def code_resolvers(codes_dir: CodesDir) -> dict[str, CodeResolver]:
    return {
        col.key: CodeResolver(codes.load(col.code_list, codes_dir),
                               CODE_ALIASES.get(col.code_list, {}))
        for col in COLUMNS if col.code_list
    }
