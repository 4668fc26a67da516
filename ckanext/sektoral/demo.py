"""Seed data of the single-machine demo portal (``ckan sektoral seed-demo``).

Idempotent: every object is looked up first and created only when missing,
so ``make demo`` can run any number of times on the same database.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import ckan.plugins.toolkit as tk

log = logging.getLogger(__name__)

WALIDATA_ORG = "diskominfo-malut"


@dataclass(frozen=True)
class DemoOrg:
    name: str
    title: str
    description: str


@dataclass(frozen=True)
class DemoUser:
    name: str
    fullname: str
    role: str  # what the person does in the demo (shown to the operator)
    org: str | None = None  # organization the user is a member of
    capacity: str = "editor"
    sysadmin: bool = False


ORGS: tuple[DemoOrg, ...] = (
    DemoOrg(
        WALIDATA_ORG,
        "Dinas Komunikasi, Informatika dan Persandian Provinsi Maluku Utara",
        "Walidata Provinsi Maluku Utara: memeriksa dan menyebarluaskan "
        "data sektoral sesuai prinsip Satu Data Indonesia.",
    ),
    DemoOrg(
        "bappeda-malut",
        "Badan Perencanaan Pembangunan Daerah Provinsi Maluku Utara",
        "Produsen data bidang perencanaan pembangunan.",
    ),
    DemoOrg(
        "dinas-pangan-malut",
        "Dinas Pangan Provinsi Maluku Utara",
        "Produsen data bidang pangan.",
    ),
    DemoOrg(
        "dkp-malut",
        "Dinas Kelautan dan Perikanan Provinsi Maluku Utara",
        "Produsen data bidang kelautan dan perikanan.",
    ),
)

USERS: tuple[DemoUser, ...] = (
    DemoUser("admin", "Administrator Portal", "sysadmin", sysadmin=True),
    DemoUser("walidata-staf", "Staf Walidata", "staf", WALIDATA_ORG),
    DemoUser("walidata-kasie", "Kepala Seksi Statistik", "kasie", WALIDATA_ORG),
    DemoUser("walidata-kabid", "Kepala Bidang Statistik", "kabid", WALIDATA_ORG),
    DemoUser("walidata-kadis", "Kepala Dinas Kominfo", "kadis", WALIDATA_ORG,
             capacity="admin"),
    DemoUser("opd-bappeda", "Produsen Data Bappeda", "produsen", "bappeda-malut"),
    DemoUser("opd-pangan", "Produsen Data Dinas Pangan", "produsen",
             "dinas-pangan-malut"),
    DemoUser("opd-dkp", "Produsen Data DKP", "produsen", "dkp-malut"),
)


def _context() -> dict[str, Any]:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"], "ignore_auth": True}


def _exists(action: str, id_: str) -> bool:
    try:
        tk.get_action(action)(_context(), {"id": id_})
        return True
    except tk.ObjectNotFound:
        return False


def seed(password: str) -> list[DemoUser]:
    """Create the demo organizations, users and memberships if missing.

    Returns the demo users (all of them, created now or before).
    """
    for org in ORGS:
        if not _exists("organization_show", org.name):
            tk.get_action("organization_create")(_context(), {
                "name": org.name,
                "title": org.title,
                "description": org.description,
            })
            log.info("created organization %s", org.name)
    for user in USERS:
        if not _exists("user_show", user.name):
            tk.get_action("user_create")(_context(), {
                "name": user.name,
                "fullname": user.fullname,
                "email": f"{user.name}@demo.sektoral.local",
                "password": password,
            })
            log.info("created user %s", user.name)
        if user.sysadmin:
            _make_sysadmin(user.name)
        if user.org:
            tk.get_action("organization_member_create")(_context(), {
                "id": user.org,
                "username": user.name,
                "role": user.capacity,
            })
    return list(USERS)


def _make_sysadmin(name: str) -> None:
    from ckan import model

    obj = model.User.get(name)
    if obj is not None and not obj.sysadmin:
        obj.sysadmin = True
        model.Session.commit()
