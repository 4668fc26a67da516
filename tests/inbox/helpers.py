"""Shared set-up of the inbox tests: people, a cycle, items."""
from __future__ import annotations

import datetime as dt
import io
import json
import re
import uuid
from typing import Any

from ckan import model
from ckan.tests import factories

from ckanext.sektoral.core import tables
from tests.factories import call_as  # noqa: F401 (re-exported)
from tests.factories import (CycleFactory, ItemFactory, OpdEditorFactory,
                             OpdFactory, positioned, run_jobs)

VALID_CSV = (
    "kode_provinsi,nama_provinsi,kode_kabupaten_kota,nama_kabupaten_kota,"
    "nilai,satuan,tahun\n"
    "82,Provinsi Maluku Utara,8271,Kota Ternate,205001,jiwa,2023\n"
    "82,Provinsi Maluku Utara,8272,Kota Tidore Kepulauan,114480,jiwa,2023\n"
).encode("utf-8")

#: Password of the test users (they log in through the login form).
PASSWORD = "Sektoral-Test-2026"

METADATA = {
    "notes": "Jumlah penduduk hasil registrasi administrasi kependudukan.",
    "frekuensi_penerbitan": "tahunan",
    "tahun_awal": "2023",
    "tahun_akhir": "2023",
    "level_penyajian": "kabupaten_kota",
    "definisi": "Penduduk adalah semua orang yang berdomisili di wilayah.",
    "satuan": "jiwa",
    "cara_pengumpulan_data": "3",
    "urusan_pemerintahan": "2.12",
}


def people() -> dict[str, Any]:
    """A sysadmin, Walidata staff and kasie, a producer of ``org``, a
    producer of ``other_org`` and a logged-in user of no OPD."""
    sysadmin = factories.Sysadmin(password=PASSWORD)
    users = positioned("staf", "kasie", password=PASSWORD)
    org = OpdFactory(title="Dinas Kependudukan")
    other_org = OpdFactory(title="Dinas Lain")
    users["producer"] = OpdEditorFactory(organization=org, password=PASSWORD)
    users["other"] = OpdEditorFactory(organization=other_org,
                                      password=PASSWORD)
    users["nobody"] = factories.User(password=PASSWORD)
    return dict(users, sysadmin=sysadmin, org=org, other_org=other_org)


def cycle(p: dict[str, Any], code: str = "2026-S1") -> dict[str, Any]:
    return CycleFactory(user=p["staf"], code=code, title="Siklus " + code,
                        start_date="2026-01-05")


def item(p: dict[str, Any], org: dict[str, Any], title: str,
         cycle_code: str = "2026-S1", request: bool = True,
         metadata: bool = True) -> dict[str, Any]:
    """An item of ``org`` with the template (and, unless told, the
    metadata) of a complete submission, requested unless told."""
    data = dict(METADATA) if metadata else {}
    return ItemFactory(user=p["staf"], cycle=cycle_code,
                       owner_org=org["name"], title=title,
                       template="kabupaten_kota_tahunan",
                       moves=[("request", p["staf"])] if request else (),
                       **data)


def upload_valid(app: Any, p: dict[str, Any],
                 pkg: dict[str, Any]) -> dict[str, Any]:
    """A valid data file with its Table Schema, uploaded by the producer
    through the Action API (as the resource form does) and validated."""
    response = app.post("/api/3/action/resource_create", data={
        "package_id": pkg["id"], "name": "penduduk.csv", "format": "CSV",
        "jenis_berkas": "data",
        "schema": json.dumps(tables.load("kabupaten_kota_tahunan")),
        "upload": (io.BytesIO(VALID_CSV), "penduduk.csv"),
    }, headers=headers(p["producer"]))
    assert response.json["success"], response.json
    run_jobs()
    return response.json["result"]


def bulk_items(org_id: str, cycle_id: str, count: int,
               stage: str = "diminta", returned: bool = True) -> list[str]:
    """``count`` items inserted straight into the tables (no index, no
    package_create): for measuring the inbox with many items. Every second
    one has been returned once with a note."""
    from ckanext.sektoral.model import Item, Transition

    now = dt.datetime.utcnow()
    ids = []
    for n in range(count):
        pid = str(uuid.uuid4())
        model.Session.add(model.Package(
            id=pid, name="bulk-" + pid[:18], title="Data massal %04d" % n,
            type="data-sektoral", owner_org=org_id, private=True,
            state="active"))
        is_returned = returned and n % 2 == 0
        model.Session.add(Item(
            package_id=pid, cycle_id=cycle_id, owner_org=org_id,
            stage="dikembalikan" if is_returned else stage, version=1,
            stage_changed=now, times_returned=1 if is_returned else 0,
            statistic_id=pid))
        if is_returned:
            model.Session.add(Transition(
                package_id=pid, cycle_id=cycle_id, transition="return",
                from_stage="dikirim", to_stage="dikembalikan", actor_id="x",
                actor_name="kasie", position="kasie",
                note="Lengkapi definisi %d" % n, created=now))
        ids.append(pid)
    model.Session.commit()
    return ids


class CountQueries:
    """Count the SQL statements run inside the ``with`` block."""

    def __enter__(self) -> "CountQueries":
        import sqlalchemy as sa

        self.count = 0
        self.statements: list[str] = []
        self._sa = sa

        def on_execute(conn, cursor, statement, *args):
            self.count += 1
            self.statements.append(statement)
        self._listener = on_execute
        sa.event.listen(model.meta.engine, "before_cursor_execute",
                        on_execute)
        return self

    def __exit__(self, *exc: Any) -> None:
        self._sa.event.remove(model.meta.engine, "before_cursor_execute",
                              self._listener)


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on the page, as a browser sends it."""
    match = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def session(app: Any, user: dict[str, Any]) -> Any:
    """A test client logged in through CKAN's login form, keeping its
    cookies like a browser: CSRF applies to its POSTs (requests with an
    API token in the Authorization header are exempt from CSRF)."""
    client = app.test_client()
    page = client.get("/user/login").get_data(as_text=True)
    response = client.post("/user/login", data={
        "login": user["name"], "password": PASSWORD,
        "_csrf_token": csrf_token(page)}, follow_redirects=False)
    assert response.status_code == 302, response.status_code
    return client


def headers(user: dict[str, Any]) -> dict[str, str]:
    """Authorization header of an API token of ``user`` (Action API)."""
    return {"Authorization": factories.APIToken(user=user["name"])["token"]}
