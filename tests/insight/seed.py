"""A cycle with known dates, walked through the real actions.

Time is frozen (freezegun) at each transition, so the audit log
``sektoral_transition`` holds known timestamps (naive UTC, as the service
writes them) and the cycle's actual step starts are known dates. The
portal's time zone is WIT (UTC+9, ``ckan.display_timezone``).

Cycle ``PERF-1`` (start 2026-07-06). The first request on Mon 2026-07-13
starts SOP step 2, due 60 working days later: **Tue 2026-10-06**.

OPD A (``opd-a``):
  A1 requested 07-13, submitted Wed 07-15 (3 wd), accepted, then
     processed ... published (its data file has known numbers);
  A2 requested 07-13, first submitted 10-06 23:30 WIT (14:30 UTC: on
     time, 60 wd), returned, resubmitted, returned, resubmitted, accepted;
  A3 requested Tue 07-14, submitted 10-07 01:00 WIT (10-06 16:00 UTC: the
     UTC date would wrongly say on time and 59 wd; late, 60 wd), returned;
  A4 listed, never requested.
OPD B (``opd-b``):
  B1 requested 07-13, never submitted (overdue after 10-06);
  B2 requested 07-13 10:00 WIT, submitted the same day (1 wd), accepted.
Cycle ``PERF-2`` (start 2027-01-04): B3 listed, never requested.
"""
from __future__ import annotations

import json
from typing import Any

from freezegun import freeze_time

from ckan.tests import factories

from ckanext.sektoral.core import tables
from ckanext.sektoral.demo import logged_in
from tests.factories import (CycleFactory, ItemFactory, OpdEditorFactory,
                             OpdFactory, PositionedUserFactory, call_as,
                             run_jobs, upload_resource)

TEMPLATE = "kabupaten_kota_tahunan_angka_id"
HEADER = ("kode_provinsi,nama_provinsi,kode_kabupaten_kota,"
          "nama_kabupaten_kota,nilai,satuan,tahun\n")
P = "82,Provinsi Maluku Utara,"
#: A1's data: Indonesian numbers, a BPS symbol ("..."), a formula-like
#: cell in a text column (neutralised in downloads).
A1_CSV = (HEADER
          + P + '8271,Kota Ternate,"1.234,5",ton,2023\n'
          + P + '8272,Kota Tidore Kepulauan,"100",ton,2023\n'
          + P + '8271,Kota Ternate,"2.000",ton,2024\n'
          + P + '8272,Kota Tidore Kepulauan,...,ton,2024\n').encode("utf-8")
OTHER_CSV = (HEADER + P + '8271,Kota Ternate,"10",ton,2023\n').encode("utf-8")

METADATA = {
    "notes": "Produksi menurut kabupaten/kota (data uji).",
    "frekuensi_penerbitan": "tahunan",
    "tahun_awal": "2023",
    "tahun_akhir": "2024",
    "level_penyajian": "kabupaten_kota",
    "definisi": "Jumlah produksi dalam satu tahun.",
    "satuan": "ton",
    "cara_pengumpulan_data": "3",
    "urusan_pemerintahan": "2.09",
    "konsep": "Produksi.",
    "kode_wilayah": "82",
    "cakupan": "Provinsi Maluku Utara",
}

EXPECTED_A = {"listed": 4, "requested": 3, "submitted": 3, "on_time": 2,
              "late": 1, "not_submitted": 0, "overdue": 0, "returns": 3,
              "items_returned": 2, "accepted": 2, "avg_working_days": 41.0,
              "on_time_pct": 66.7}
EXPECTED_B = {"listed": 2, "requested": 2, "submitted": 1, "on_time": 1,
              "late": 0, "not_submitted": 1, "overdue": 1, "returns": 0,
              "items_returned": 0, "accepted": 1, "avg_working_days": 1.0,
              "on_time_pct": 50.0}
EXPECTED_TOTAL = {"listed": 6, "requested": 5, "submitted": 4, "on_time": 3,
                  "late": 1, "not_submitted": 1, "overdue": 1, "returns": 3,
                  "items_returned": 2, "accepted": 3,
                  "avg_working_days": 31.0, "on_time_pct": 60.0}
EXPECTED_EMPTY_B = {"listed": 1, "requested": 0, "submitted": 0,
                    "on_time": 0, "late": 0, "not_submitted": 0,
                    "overdue": 0, "returns": 0, "items_returned": 0,
                    "accepted": 0, "avg_working_days": None,
                    "on_time_pct": None}
#: "Today" of the checks (after the step-2 due date).
TODAY = "2026-10-20 03:00:00"


def seed() -> dict[str, Any]:
    """Create users, OPD and both cycles; return names and ids."""
    users = {role: PositionedUserFactory(name=f"perf-{role}", position=role)
             for role in ("staf", "kasie", "kabid", "kadis", "pembina")}
    org_a = OpdFactory(name="opd-a", title="Dinas A")
    org_b = OpdFactory(name="opd-b", title="Dinas B")
    users["opd_a"] = OpdEditorFactory(name="perf-opd_a", organization=org_a)
    users["opd_b"] = OpdEditorFactory(name="perf-opd_b", organization=org_b)
    users["outsider"] = factories.User(name="perf-outsider")
    staf, kasie = users["staf"], users["kasie"]
    a, b = users["opd_a"], users["opd_b"]

    with freeze_time("2026-07-06 01:00:00"):
        CycleFactory(user=staf, code="PERF-1", title="Siklus Uji Kinerja",
                     start_date="2026-07-06")
        items = {}
        for key, org, title in (
                ("A1", org_a, "Produksi Beras Uji"),
                ("A2", org_a, "Produksi Jagung Uji"),
                ("A3", org_a, "Produksi Kedelai Uji"),
                ("A4", org_a, "Produksi Ubi Uji"),
                ("B1", org_b, "Jumlah Kapal Uji"),
                ("B2", org_b, "Jumlah Nelayan Uji")):
            items[key] = ItemFactory(user=staf, cycle="PERF-1",
                                     owner_org=org["name"], title=title,
                                     template=TEMPLATE, **METADATA)["id"]
    with freeze_time("2027-01-04 01:00:00"):
        CycleFactory(user=staf, code="PERF-2", title="Siklus Uji Kedua",
                     start_date="2027-01-04")
        items["B3"] = ItemFactory(user=staf, cycle="PERF-2",
                                  owner_org=org_b["name"], title="Jumlah Uji",
                                  template=TEMPLATE, **METADATA)["id"]

    # Data files (validated by the real background job).
    schema = json.dumps(tables.load(TEMPLATE))
    resources = {}
    with logged_in(staf["name"]):
        for key in ("A1", "A2", "A3", "B2"):
            resources[key] = upload_resource(
                staf, items[key], A1_CSV if key == "A1" else OTHER_CSV,
                "data.csv", name="data.csv", format="CSV",
                jenis_berkas="data", schema=schema)["id"]
    run_jobs()

    def at(when: str, user: dict[str, Any], action: str, key: str,
           **data: Any) -> None:
        with freeze_time(when):
            call_as(user, "sektoral_" + action, id=items[key], **data)

    at("2026-07-13 01:00:00", staf, "request", "A1")
    at("2026-07-13 01:05:00", staf, "request", "A2")
    at("2026-07-13 01:10:00", staf, "request", "B1")
    at("2026-07-13 01:15:00", staf, "request", "B2")
    at("2026-07-14 01:00:00", staf, "request", "A3")
    at("2026-07-13 05:00:00", b, "submit", "B2")
    at("2026-07-14 02:00:00", kasie, "accept", "B2")
    at("2026-07-15 02:00:00", a, "submit", "A1")
    at("2026-07-16 02:00:00", kasie, "accept", "A1")
    at("2026-10-06 14:30:00", a, "submit", "A2")
    at("2026-10-06 16:00:00", a, "submit", "A3")
    at("2026-10-07 02:00:00", kasie, "return", "A2", note="Lengkapi satuan.")
    at("2026-10-08 02:00:00", a, "submit", "A2")
    at("2026-10-08 03:00:00", kasie, "return", "A3", note="Periksa angka.")
    at("2026-10-09 02:00:00", kasie, "return", "A2", note="Masih kurang.")
    at("2026-10-12 02:00:00", a, "submit", "A2")
    at("2026-10-13 02:00:00", kasie, "accept", "A2")
    # A1 goes on to publication.
    at("2026-10-14 02:00:00", staf, "process", "A1")
    at("2026-10-14 03:00:00", staf, "draft", "A1")
    at("2026-10-15 02:00:00", users["kabid"], "check", "A1")
    at("2026-10-15 03:00:00", users["kadis"], "approve", "A1")
    at("2026-10-16 02:00:00", staf, "publish", "A1")
    return {"users": users, "orgs": {"a": org_a, "b": org_b},
            "items": items, "resources": resources}
