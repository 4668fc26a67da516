"""Maintain the extension's message catalogs (Indonesian first, English).

    .venv/bin/python scripts/i18n.py update          extract, update id/en, compile
    .venv/bin/python scripts/i18n.py merge F.po ...  take translations from F.po into id, then update
    .venv/bin/python scripts/i18n.py check           list msgids without an Indonesian translation
    .venv/bin/python scripts/i18n.py core-refresh    re-list the CKAN messages ckan-core/id.po must cover

msgids are English, so the English catalog needs no translations; it
exists so that English is a catalog of its own. Every write holds a lock,
so several people (or agents) can merge at once without losing work.

CKAN 2.11's own Indonesian catalog translates about a fifth of its
messages, so most of CKAN's pages (dataset, resource and user pages, the
forms, the activity stream) would show English under ``id``.
``i18n/ckan-core/id.po`` holds Indonesian for the messages of CKAN and of
the extensions the portal loads (activity, scheming, validation) that
CKAN's catalog leaves empty, every plural message (CKAN's catalog has one
plural form, the merged catalog two) and the ones whose CKAN translation
uses other terms than this portal ("kumpulan data" for dataset, see
``CORE_REDONE``). The
compiled Indonesian catalog is the extension's own messages plus these;
CKAN merges extension catalogs over its own, so they take effect. After a
CKAN upgrade, ``core-refresh`` lists what is new (empty) or gone.
"""
from __future__ import annotations

import fcntl
import re
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
I18N = ROOT / "ckanext" / "sektoral" / "i18n"
DOMAIN = "ckanext-sektoral"
POT = I18N / f"{DOMAIN}.pot"
LOCALES = ("id", "en")
PYBABEL = [sys.executable, "-m", "babel.messages.frontend"]
CORE_PO = I18N / "ckan-core" / "id.po"
#: CKAN translations redone: other terms than the portal's (dataset,
#: sumber daya, pratinjau, kata sandi, ubah), "anda" not capitalised, the
#: non-standard "silahkan" (KBBI: silakan).
CORE_REDONE = re.compile(
    r"(?i:kumpulan data|sumberdaya|pratayang|password|paket|mengedit"
    r"|\bedit\b|silahkan)|\banda\b")
#: Sources of the messages CKAN's pages show (relative to site-packages).
CORE_SOURCES = (
    "ckan/templates", "ckan/views", "ckan/logic", "ckan/lib", "ckan/model",
    "ckanext/activity", "ckanext/scheming/templates",
    "ckanext/scheming/views.py", "ckanext/scheming/validation.py",
    "ckanext/scheming/helpers.py", "ckanext/validation",
)


def po_path(locale: str) -> Path:
    return I18N / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(path: Path, locale: str = "id") -> Catalog:
    with open(path, "rb") as handle:
        return read_po(handle, locale=locale)


def translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) \
        else (message.string,)
    return all(strings) and "fuzzy" not in message.flags


def compiled_catalog(locale: str) -> Catalog:
    """What the .mo of ``locale`` holds: the extension's catalog and, for
    Indonesian, the CKAN messages of ``ckan-core/id.po`` that the
    extension does not translate itself."""
    catalog = read_catalog(po_path(locale), locale)
    if locale == "id" and CORE_PO.exists():
        for message in read_catalog(CORE_PO):
            if (message.id and translated(message)
                    and catalog.get(message.id, message.context) is None):
                catalog.add(message.id, message.string,
                            context=message.context)
    return catalog


def compile_all() -> None:
    for locale in LOCALES:
        with open(po_path(locale).with_suffix(".mo"), "wb") as handle:
            write_mo(handle, compiled_catalog(locale), use_fuzzy=True)


@contextmanager
def locked():
    with open(I18N / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def run(*args: str) -> None:
    done = subprocess.run([*PYBABEL, *args], cwd=ROOT, capture_output=True,
                          text=True)
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(done.returncode)


def update() -> None:
    run("extract", "-F", "babel.cfg", "-k", "N_", "--no-location",
        "--sort-output", "--project", "ckanext-sektoral",
        "-o", str(POT), "ckanext")
    for locale in LOCALES:
        if po_path(locale).exists():
            run("update", "-i", str(POT), "-d", str(I18N), "-D", DOMAIN,
                "-l", locale, "--no-fuzzy-matching", "--ignore-obsolete")
        else:
            run("init", "-i", str(POT), "-d", str(I18N), "-D", DOMAIN,
                "-l", locale)
    compile_all()


def merge(fragments: list[str]) -> None:
    path = po_path("id")
    catalog = read_catalog(path)
    for fragment in fragments:
        for message in read_catalog(Path(fragment)):
            if not message.id or not message.string:
                continue
            existing = catalog.get(message.id, message.context)
            if existing is None:
                catalog.add(message.id, message.string,
                            context=message.context, flags=message.flags)
            else:
                existing.string = message.string
                existing.flags.discard("fuzzy")
    with open(path, "wb") as handle:
        write_po(handle, catalog, width=79, sort_output=True,
                 include_previous=False, omit_header=False)


def untranslated(path: Path) -> list[str]:
    return [message.id if isinstance(message.id, str) else message.id[0]
            for message in read_catalog(path)
            if message.id and not translated(message)]


def core_messages(site_packages: Path) -> Catalog:
    """Every message of the installed CKAN pages that ``ckan-core/id.po``
    must translate (see the module docstring)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        cfg, pot = Path(tmp) / "babel.cfg", Path(tmp) / "core.pot"
        cfg.write_text("[python: **.py]\n[ckan: **.html]\n")
        done = subprocess.run(
            [*PYBABEL, "extract", "-F", str(cfg), "-k", "N_",
             "--ignore-dirs", "tests", "--ignore-dirs", "2.8_templates",
             "-o", str(pot), *CORE_SOURCES],
            cwd=site_packages, capture_output=True, text=True)
        if done.returncode:
            sys.stderr.write(done.stdout + done.stderr)
            raise SystemExit(done.returncode)
        extracted = read_catalog(pot)
    ckan_id = read_catalog(site_packages / "ckan" / "i18n" / "id" /
                           "LC_MESSAGES" / "ckan.po")
    needed = Catalog(locale="id")
    for message in extracted:
        if not message.id:
            continue
        theirs = ckan_id.get(message.id, message.context)
        if (theirs is None or not translated(theirs)
                or isinstance(message.id, tuple)
                or CORE_REDONE.search(" ".join(theirs.string)
                                      if isinstance(theirs.string, tuple)
                                      else theirs.string)):
            needed.add(message.id, "", context=message.context,
                       locations=message.locations)
    return needed


def core_refresh() -> None:
    import ckan
    needed = core_messages(Path(ckan.__file__).resolve().parents[1])
    current = read_catalog(CORE_PO) if CORE_PO.exists() else \
        Catalog(locale="id")
    result = Catalog(locale="id", project="ckanext-sektoral (CKAN core)")
    for message in needed:
        kept = current.get(message.id, message.context)
        string = kept.string if kept is not None else (
            ("", "") if isinstance(message.id, tuple) else "")
        result.add(message.id, string, context=message.context,
                   locations=message.locations)
    gone = [m.id for m in current
            if m.id and needed.get(m.id, m.context) is None]
    CORE_PO.parent.mkdir(exist_ok=True)
    with open(CORE_PO, "wb") as handle:
        write_po(handle, result, width=79, sort_output=True,
                 include_previous=False)
    for msgid in gone:
        print(f"dropped (no longer in CKAN, or CKAN translates it): {msgid}")
    for msgid in untranslated(CORE_PO):
        print(f"to translate in {CORE_PO.relative_to(ROOT)}: {msgid}")


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "update"
    if command == "check":
        missing = untranslated(po_path("id")) + untranslated(CORE_PO)
        for msgid in missing:
            print(msgid)
        return 1 if missing else 0
    with locked():
        if command == "merge":
            merge(argv[1:])
        elif command == "core-refresh":
            core_refresh()
        elif command != "update":
            print(__doc__)
            return 2
        update()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
