"""Every message the portal shows has an Indonesian translation.

Extracts the catalog afresh (Python and templates) so that a msgid added
without running ``scripts/i18n.py update`` fails here, not in front of a user;
likewise the CKAN messages that ``i18n/ckan-core/id.po`` must cover are
extracted afresh from the installed CKAN and extensions.
"""
from __future__ import annotations

import functools
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
I18N = ROOT / "ckanext" / "sektoral" / "i18n"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]|%[sdr]|\{\w*\}")


@functools.lru_cache(maxsize=None)
def _script():
    spec = importlib.util.spec_from_file_location(
        "sektoral_i18n_script", ROOT / "scripts" / "i18n.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _placeholder_problems(catalog) -> tuple[list, list]:
    """(untranslated msgids, msgids whose translation has other
    placeholders than the msgid)."""
    missing, broken = [], []
    for message in catalog:
        if not message.id:
            continue
        if not _script().translated(message):
            missing.append(message.id)
            continue
        strings = message.string if isinstance(message.string, tuple) \
            else (message.string,)
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = sorted(PLACEHOLDER.findall(ids[-1]))
        if any(sorted(PLACEHOLDER.findall(s)) != wanted for s in strings):
            broken.append(message.id)
    return missing, broken


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
    missing = [m.id for m in fresh
               if m.id and translated.get(m.id, m.context) is None]
    more, broken = _placeholder_problems(
        m for m in translated if fresh.get(m.id, m.context) is not None)
    missing += more
    assert not missing, f"untranslated (run scripts/i18n.py): {missing}"
    assert not broken, f"placeholders differ from the msgid: {broken}"


def _key(value):
    return tuple(value) if isinstance(value, (list, tuple)) else value


def test_compiled_catalogs_match_their_po_files() -> None:
    """The .mo files hold exactly the .po files (for Indonesian, plus the
    CKAN messages of ckan-core/id.po, the extension's own winning)."""
    from babel.messages.mofile import read_mo
    script = _script()
    for locale in ("id", "en"):
        po = I18N / locale / "LC_MESSAGES" / "ckanext-sektoral.po"
        with open(po.with_suffix(".mo"), "rb") as handle:
            # an untranslated plural is compiled as its msgids: skip those
            compiled = {_key(m.id): _key(m.string) for m in read_mo(handle)
                        if m.id and _key(m.id) != _key(m.string)}
        source = {_key(m.id): _key(m.string)
                  for m in script.compiled_catalog(locale)
                  if m.id and m.string and _key(m.id) != _key(m.string)
                  and (not isinstance(m.string, tuple) or all(m.string))}
        assert compiled == source, \
            f"{locale}: .mo differs from .po: run scripts/i18n.py update"
    with open(I18N / "id" / "LC_MESSAGES" / "ckanext-sektoral.mo",
              "rb") as handle:
        compiled = {_key(m.id): _key(m.string) for m in read_mo(handle)}
    own = _catalog(I18N / "id" / "LC_MESSAGES" / "ckanext-sektoral.po")
    assert compiled["Datasets"] == own.get("Datasets").string
    assert compiled["Data and Resources"] == \
        _catalog(script.CORE_PO).get("Data and Resources").string


# -- CKAN's own pages --------------------------------------------------------

def test_ckan_core_catalog_is_translated_with_the_same_placeholders():
    missing, broken = _placeholder_problems(_catalog(_script().CORE_PO))
    assert not missing, f"untranslated in ckan-core/id.po: {missing}"
    assert not broken, f"placeholders differ from the msgid: {broken}"


def test_ckan_core_catalog_covers_the_installed_ckan():
    """What ckan-core/id.po covers is what the installed CKAN, activity,
    scheming and validation need (``scripts/i18n.py core-refresh``)."""
    import ckan
    script = _script()
    needed = script.core_messages(Path(ckan.__file__).resolve().parents[1])
    have = _catalog(script.CORE_PO)
    wanted = {(m.id, m.context) for m in needed if m.id}
    held = {(m.id, m.context) for m in have if m.id}
    assert wanted - held == set(), "run scripts/i18n.py core-refresh"
    assert held - wanted == set(), "run scripts/i18n.py core-refresh"


@pytest.mark.usefixtures("clean_db")
@pytest.mark.parametrize("prefix, shown, not_shown", [
    ("", ["Data dan Sumber Daya", "Informasi Tambahan", "Riwayat Aktivitas"],
     ["Data and Resources", "Additional Info", "Activity Stream"]),
    ("/en", ["Data and Resources", "Additional Info", "Activity Stream"],
     ["Data dan Sumber Daya", "Informasi Tambahan"]),
])
def test_ckan_dataset_page_speaks_the_ui_language(app, prefix, shown,
                                                  not_shown):
    from ckan.tests import factories
    from tests.factories import organization, sektoral_dataset
    sysadmin = factories.Sysadmin()
    dataset = sektoral_dataset(sysadmin, organization(sysadmin),
                               private=False)
    body = app.get(f"{prefix}/dataset/{dataset['name']}").body
    for text in shown:
        assert text in body, text
    for text in not_shown:
        assert text not in body, text
