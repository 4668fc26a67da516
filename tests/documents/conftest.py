"""A cycle with accepted, requested and BPS-symbol data for the documents
tests (built once per module through the real actions)."""
from __future__ import annotations

import json
from typing import Any

import pytest

from ckan.lib import jobs
from ckan.tests import factories, helpers

from ckanext.sektoral.core import tables
from ckanext.sektoral.demo import logged_in
from tests.factories import (CycleFactory, ItemFactory, OpdEditorFactory,
                             OpdFactory, call_as, positioned, run_jobs,
                             upload_resource)

PASSWORD = "Sektoral-Test-2026"

METADATA = {
    "notes": "Jumlah penduduk hasil registrasi administrasi kependudukan.",
    "frekuensi_penerbitan": "tahunan",
    "tahun_awal": "2022",
    "tahun_akhir": "2023",
    "level_penyajian": "kabupaten_kota",
    "definisi": "Penduduk adalah semua orang yang berdomisili di wilayah.",
    "satuan": "jiwa",
    "cara_pengumpulan_data": "3",
    "urusan_pemerintahan": "2.12",
}

HEADER = ("kode_provinsi,nama_provinsi,kode_kabupaten_kota,"
          "nama_kabupaten_kota,nilai,satuan,tahun\n")
#: Ternate jumps +100% (a flag), Tidore 2023 is "..." (missing, never 0),
#: a formula-like text in a string cell (neutralised in exports).
PENDUDUK_CSV = (HEADER +
                "82,Provinsi Maluku Utara,8271,Kota Ternate,100000,jiwa,2022\n"
                "82,Provinsi Maluku Utara,8271,Kota Ternate,200000,jiwa,2023\n"
                "82,Provinsi Maluku Utara,8272,Kota Tidore Kepulauan,50000,"
                "=HYPERLINK(\"http://x\"),2022\n"
                "82,Provinsi Maluku Utara,8272,Kota Tidore Kepulauan,...,"
                "jiwa,2023\n").encode()
PANGAN_CSV = (HEADER +
              "82,Provinsi Maluku Utara,8271,Kota Ternate,1200,ton,2022\n"
              "82,Provinsi Maluku Utara,8271,Kota Ternate,1300,ton,2023\n"
              ).encode()


def _accepted_item(users, cycle, org, producer, title, csv, **fields):
    staf, kasie = users["staf"], users["kasie"]
    meta = dict(METADATA, **fields)
    item = ItemFactory(user=staf, cycle=cycle, owner_org=org["name"],
                       title=title, template="kabupaten_kota_tahunan",
                       moves=[("request", staf)], **meta)
    with logged_in(producer["name"]):  # see demo.logged_in: private upload
        upload_resource(producer, item["id"], csv, "data.csv",
                        name="data.csv", format="CSV", jenis_berkas="data",
                        schema=json.dumps(
                            tables.load("kabupaten_kota_tahunan")))
    run_jobs()
    call_as(producer, "sektoral_submit", id=item["id"])
    call_as(kasie, "sektoral_accept", id=item["id"])
    return item


@pytest.fixture(scope="module")
def world(clean_db_module) -> dict[str, Any]:
    app = helpers._get_test_app().flask_app
    with app.test_request_context():
        return _world()


def _world() -> dict[str, Any]:
    jobs.get_queue().empty()
    sysadmin = factories.Sysadmin()
    users = positioned("staf", "kasie", "kabid", "kadis", "pembina",
                       password=PASSWORD)
    org = OpdFactory(name="dinas-dukcapil",
                     title="Dinas Kependudukan dan Pencatatan Sipil")
    other = OpdFactory(name="dinas-pangan", title="Dinas Pangan")
    users["opd"] = OpdEditorFactory(organization=org, password=PASSWORD)
    users["other"] = OpdEditorFactory(organization=other, password=PASSWORD)
    CycleFactory(user=users["staf"], code="2026-S1",
                 title="Siklus Semester I 2026", start_date="2026-01-05")
    penduduk = _accepted_item(users, "2026-S1", org, users["opd"],
                              "Jumlah Penduduk Menurut Kabupaten/Kota",
                              PENDUDUK_CSV)
    pangan = _accepted_item(users, "2026-S1", other, users["other"],
                            "Produksi Beras Menurut Kabupaten/Kota",
                            PANGAN_CSV, urusan_pemerintahan="2.09",
                            satuan="ton")
    pending = ItemFactory(
        user=users["staf"], cycle="2026-S1", owner_org=org["name"],
        title="Jumlah Akta Kelahiran Diterbitkan",
        template="kabupaten_kota_tahunan",
        moves=[("request", users["staf"])], **METADATA)
    run_jobs()  # the analyses enqueued by the accept transitions
    return {"users": users, "org": org, "other": other, "cycle": "2026-S1",
            "penduduk": penduduk, "pangan": pangan, "pending": pending,
            "sysadmin": sysadmin}
