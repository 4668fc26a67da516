"""Maintain the extension's message catalogs (Indonesian first, English).

    .venv/bin/python scripts/i18n.py update          extract, update id/en, compile
    .venv/bin/python scripts/i18n.py merge F.po ...  take translations from F.po into id, then update
    .venv/bin/python scripts/i18n.py check           list msgids without an Indonesian translation

msgids are English, so the English catalog needs no translations; it
exists so that English is a catalog of its own. Every write holds a lock,
so several people (or agents) can merge at once without losing work.
"""
from __future__ import annotations

import fcntl
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
I18N = ROOT / "ckanext" / "sektoral" / "i18n"
DOMAIN = "ckanext-sektoral"
POT = I18N / f"{DOMAIN}.pot"
LOCALES = ("id", "en")
PYBABEL = [sys.executable, "-m", "babel.messages.frontend"]


def po_path(locale: str) -> Path:
    return I18N / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


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
    run("compile", "-d", str(I18N), "-D", DOMAIN, "--use-fuzzy")


def merge(fragments: list[str]) -> None:
    path = po_path("id")
    with open(path, "rb") as handle:
        catalog = read_po(handle, locale="id")
    for fragment in fragments:
        with open(fragment, "rb") as handle:
            source = read_po(handle, locale="id")
        for message in source:
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


def untranslated() -> list[str]:
    with open(po_path("id"), "rb") as handle:
        catalog = read_po(handle, locale="id")
    missing = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) \
            else (message.string,)
        if not all(strings) or "fuzzy" in message.flags:
            missing.append(message.id if isinstance(message.id, str)
                           else message.id[0])
    return missing


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "update"
    if command == "check":
        missing = untranslated()
        for msgid in missing:
            print(msgid)
        return 1 if missing else 0
    with locked():
        if command == "merge":
            merge(argv[1:])
        elif command != "update":
            print(__doc__)
            return 2
        update()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
