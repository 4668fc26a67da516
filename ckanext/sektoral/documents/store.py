"""Options, file storage and data gathering shared by letters, the
compilation, the report and the analysis.

Files are written to a temporary path and moved into place only when
complete (``write_atomic``), so a failed render never leaves a half file.
"""
from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import Any, Optional

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.sektoral.core import codes, tables
from ckanext.sektoral.logic import service
from ckanext.sektoral.logic.context import site_context as _site_context
from ckanext.sektoral.model import Cycle, Item
from ckanext.sektoral import clock
from ckanext.sektoral.core import formatting

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / \
    "sektoral" / "documents"



# -- options --------------------------------------------------------------

def _opt(key: str, default: str = "") -> str:
    value = tk.config.get(f"ckanext.sektoral.documents.{key}")
    return str(value) if value not in (None, "") else default


def storage_root() -> Path:
    """Directory of generated documents."""
    path = _opt("storage_path")
    if not path:
        base = tk.config.get("ckan.storage_path") or tempfile.gettempdir()
        path = os.path.join(base, "sektoral", "documents")
    return Path(path)


def letterhead() -> dict[str, Any]:
    """Letterhead and signatory of the deployment."""
    logo = _opt("logo") or str(TEMPLATE_DIR / "logo.svg")
    return {
        "government": _opt("government", "PEMERINTAH PROVINSI MALUKU UTARA"),
        "agency": _opt("agency",
                       "DINAS KOMUNIKASI, INFORMATIKA DAN PERSANDIAN"),
        "address": _opt("address"),
        "place": _opt("place", "Sofifi"),
        "logo": logo if os.path.exists(logo) else "",
        "logo_uri": Path(logo).as_uri() if os.path.exists(logo) else "",
        "signatory_name": _opt("signatory_name",
                               "......................................"),
        "signatory_position": _opt(
            "signatory_position",
            "Kepala Dinas Komunikasi, Informatika dan Persandian"),
        "signatory_nip": _opt("signatory_nip", "...................."),
        "checker_position": _opt("checker_position",
                                 "Kepala Bidang Persandian dan Statistik"),
        "checker_nip": _opt("checker_nip"),
        "contact": _opt("contact"),
        "letter_number": _opt("letter_number", "000.6/{seq}/DKIP-MU/{year}"),
        "letter_template": _opt("letter_template"),
        "site_url": (tk.config.get("ckan.site_url") or "").rstrip("/"),
    }


# -- files ------------------------------------------------------------------

def abspath(relpath: str) -> str:
    return str(storage_root() / relpath)


def write_atomic(relpath: str, content: bytes) -> str:
    """Write ``content`` to ``relpath`` under the storage root atomically."""
    target = storage_root() / relpath
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(content)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    return relpath


# -- dates --------------------------------------------------------------------

def remove(relpaths: list[str]) -> None:
    """Remove stored files no row names any more (a missing one is
    fine)."""
    for relpath in relpaths:
        try:
            os.remove(abspath(relpath))
        except OSError:
            pass


def date_id(value: Any) -> str:
    """``17 Maret 2026`` (official documents are Indonesian)."""
    return formatting.date(value, "id")


def today() -> dt.date:
    return clock.today()


# -- data -----------------------------------------------------------------------

site_context = _site_context  # the one helper (logic/context.py)


def get_cycle(id_or_code: str) -> Cycle:
    return service.get_cycle(id_or_code)


def code_label(list_name: str, value: Any) -> str:
    if value in (None, ""):
        return ""
    try:
        return codes.load(list_name).label(str(value), "id")
    except Exception:
        return str(value)


def cycle_items(cycle_id: str, org_id: Optional[str] = None,
                stages: Optional[tuple[str, ...]] = None
                ) -> list[tuple[Item, dict[str, Any]]]:
    """Items of a cycle with their dataset dicts (as the site user)."""
    query = model.Session.query(Item).filter(Item.cycle_id == cycle_id)
    if org_id:
        query = query.filter(Item.owner_org == org_id)
    if stages:
        query = query.filter(Item.stage.in_(stages))
    context = site_context()
    found = []
    for item in query.all():
        try:
            pkg = tk.get_action("package_show")(
                dict(context), {"id": item.package_id})
        except tk.ObjectNotFound:
            continue
        if pkg.get("state") != "active":
            continue
        found.append((item, pkg))
    found.sort(key=lambda r: (r[1].get("urusan_pemerintahan") or "",
                              r[1].get("title") or ""))
    return found


resource_schema = tables.resource_schema




def org_dict(org_id: str) -> dict[str, Any]:
    try:
        return tk.get_action("organization_show")(
            site_context(), {"id": org_id, "include_datasets": False,
                             "include_users": False})
    except tk.ObjectNotFound:
        return {"id": org_id, "name": org_id, "title": org_id}


_LOWER_WORDS = {"dan", "di", "ke", "dari", "serta", "atau", "yang", "untuk"}


def title_id(text: str) -> str:
    """Indonesian title case: ``DINAS KOMUNIKASI, INFORMATIKA DAN
    PERSANDIAN`` -> ``Dinas Komunikasi, Informatika dan Persandian``."""
    words = text.split()
    return " ".join(w.lower() if i and w.lower() in _LOWER_WORDS
                    else w[:1].upper() + w[1:].lower()
                    for i, w in enumerate(words))


def region_label(code: Any) -> str:
    """Name of a region by its Kemendagri or BPS code."""
    text = str(code)
    try:
        wilayah = codes.load("wilayah")
    except Exception:
        return text
    found = wilayah.get(text)
    if found is None:
        found = next((c for c in wilayah
                      if c.extra.get("kode_bps") == text), None)
    return found.label("id") if found else text
