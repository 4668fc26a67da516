"""``sektoral_datalist_import`` over the HTTP API: all rows or nothing."""
from __future__ import annotations

import io

import pytest

from ckan import model

from ckanext.sektoral.model import Item, Transition
from tests.factories import CycleFactory, OpdFactory, StafUserFactory
from tests.logic.test_workflow_api import Api

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index")

HEADER = "OPD,Judul,Satuan,Level Penyajian,Frekuensi,Urusan,Template,Catatan\n"
GOOD = (HEADER
        + "dinas-pangan,Produksi Beras,ton,Kabupaten/Kota,Tahunan,2.09,"
          "kabupaten_kota_tahunan,\n"
        + "Dinas Pangan,Harga Beras Eceran,rupiah/kg,provinsi,bulanan,"
          "2.09 Pangan,,per pasar\n"
        + "dkp,Produksi Perikanan Tangkap,ton,kabupaten_kota,tahunan,3.25,,\n")


@pytest.fixture
def staf(app):
    user = StafUserFactory()
    OpdFactory(name="dinas-pangan", title="Dinas Pangan")
    OpdFactory(name="dkp", title="Dinas Kelautan dan Perikanan")
    CycleFactory(user=user, code="2026-S1", title="S1",
                 start_date="2026-01-05")
    return Api(app, user)


def _upload(api, text, status=200, **data):
    files = {"upload": (io.BytesIO(text.encode("utf-8")), "daftar.csv")}
    response = api.raw("sektoral_datalist_import", files=files,
                       cycle="2026-S1", **data)
    assert response.status_code == status, response.json
    return response.json


def _items():
    return model.Session.query(Item).count()


def test_valid_list_creates_one_private_item_per_row(staf):
    result = _upload(staf, GOOD)["result"]
    assert len(result["created"]) == 3 and _items() == 3
    shown = staf("package_show", id=result["created"][1])
    assert shown["private"] is True and shown["sektoral"]["stage"] == "direncanakan"
    assert shown["urusan_pemerintahan"] == "2.09"
    assert shown["level_penyajian"] == "provinsi"
    assert shown["notes"] == "per pasar"
    assert model.Session.query(Transition).filter(
        Transition.transition == "create").count() == 3


def test_one_bad_row_creates_nothing_and_names_row_and_column(staf):
    bad = GOOD + "dinas-pangan,Stok Beras,ton,kecamatan,harian,9.99,,\n"
    error = _upload(staf, bad, status=409)["error"]
    assert _items() == 0
    rows = error["rows"]
    assert {(r["row"], r["field"]) for r in rows} == {(5, "urusan")}
    assert "Urusan" in rows[0]["column"]


def test_dry_run_creates_nothing(staf):
    result = _upload(staf, GOOD, dry_run="true")["result"]
    assert result["ok"] and len(result["items"]) == 3 and result["created"] == []
    assert _items() == 0


def test_rows_already_in_the_cycle_are_refused(staf):
    _upload(staf, GOOD)
    error = _upload(staf, HEADER + "dkp,produksi perikanan  tangkap,ton,"
                    "kabupaten_kota,tahunan,3.25,,\n", status=409)["error"]
    assert error["rows"][0]["row"] == 2
    assert _items() == 3


def test_not_a_spreadsheet(staf):
    files = {"upload": (io.BytesIO(b"\x89PNG\r\n\x1a\n\x00\x00"), "x.png")}
    response = staf.raw("sektoral_datalist_import", files=files, cycle="2026-S1")
    assert response.status_code == 409
    assert _items() == 0
