"""Every message the extension shows has an Indonesian translation.

Extracts the catalog afresh (Python and templates) so that a msgid added
without running ``scripts/i18n.py update`` fails here, not in front of a user.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
I18N = ROOT / "ckanext" / "sektoral" / "i18n"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _catalog(path: Path):
    with open(path, "rb") as handle:
        return read_po(handle, locale="id")


def test_every_extracted_message_is_translated_to_indonesian(tmp_path) -> None:
    pot = tmp_path / "fresh.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract",
         "-F", "babel.cfg", "-k", "N_", "--no-location", "-o", str(pot),
         "ckanext"], cwd=ROOT, check=True, capture_output=True)
    fresh = _catalog(pot)
    translated = _catalog(I18N / "id" / "LC_MESSAGES" / "ckanext-sektoral.po")
    missing, broken = [], []
    for message in fresh:
        if not message.id:
            continue
        found = translated.get(message.id, message.context)
        strings = (found.string if found and isinstance(found.string, tuple)
                   else (found.string if found else "",))
        if not found or not all(strings) or "fuzzy" in found.flags:
            missing.append(message.id)
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = sorted(PLACEHOLDER.findall(ids[-1]))
        if any(sorted(PLACEHOLDER.findall(s)) != wanted for s in strings):
            broken.append(message.id)
    assert not missing, f"untranslated (run scripts/i18n.py): {missing}"
    assert not broken, f"placeholders differ from the msgid: {broken}"


def _key(value):
    return tuple(value) if isinstance(value, (list, tuple)) else value


def test_compiled_catalogs_match_their_po_files() -> None:
    from babel.messages.mofile import read_mo
    for locale in ("id", "en"):
        po = I18N / locale / "LC_MESSAGES" / "ckanext-sektoral.po"
        with open(po.with_suffix(".mo"), "rb") as handle:
            # an untranslated plural is compiled as its msgids: skip those
            compiled = {_key(m.id): _key(m.string) for m in read_mo(handle)
                        if m.id and _key(m.id) != _key(m.string)}
        source = {_key(m.id): _key(m.string) for m in _catalog(po)
                  if m.id and m.string and _key(m.id) != _key(m.string)
                  and (not isinstance(m.string, tuple) or all(m.string))}
        assert compiled == source, \
            f"{locale}: .mo differs from .po: run scripts/i18n.py update"
