"""What a submission changes since its statistic's last release
(``sektoral_submission_diff``), and the Kasie's review page showing it.

One world: two statistics released in 2025-S2, carried over into 2026-S1
-- one submission changes a field and brings a new year and a revised
2024, the other changes nothing -- and a new statistic of 2026-S1 (its
own first cycle).
"""
from __future__ import annotations

import json
from typing import Any

import pytest

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories, helpers

from ckanext.sektoral.core import tables
from ckanext.sektoral.demo import logged_in
from ckanext.sektoral.model import Item
from tests.factories import call_as, run_jobs, upload_resource
from tests.inbox import helpers as ih

PEOPLE = "Jumlah Penduduk Menurut Kabupaten/Kota"
HOUSEHOLDS = "Jumlah Rumah Tangga Menurut Kabupaten/Kota"
NEW = "Jumlah Akta Kelahiran Menurut Kabupaten/Kota"
METADATA = {
    "notes": "Hasil registrasi administrasi kependudukan.",
    "frekuensi_penerbitan": "tahunan",
    "tahun_awal": "2023",
    "tahun_akhir": "2024",
    "level_penyajian": "kabupaten_kota",
    "definisi": "Penduduk adalah semua orang yang berdomisili di wilayah.",
    "satuan": "jiwa",
    "cara_pengumpulan_data": "3",
    "urusan_pemerintahan": "2.12",
}
HEADER = ("kode_provinsi,nama_provinsi,kode_kabupaten_kota,"
          "nama_kabupaten_kota,nilai,satuan,tahun\n")
TERNATE = "82,Provinsi Maluku Utara,8271,Kota Ternate,"
TIDORE = "82,Provinsi Maluku Utara,8272,Kota Tidore Kepulauan,"
FIRST = (HEADER + TERNATE + "100000,jiwa,2023\n"
         + TERNATE + "101000,jiwa,2024\n"
         + TIDORE + "50000,jiwa,2024\n").encode()
#: a new year, Ternate's 2024 revised; the rest as released
SECOND = (HEADER + TERNATE + "100000,jiwa,2023\n"
          + TERNATE + "101500,jiwa,2024\n"
          + TIDORE + "50000,jiwa,2024\n"
          + TERNATE + "103000,jiwa,2025\n"
          + TIDORE + "51000,jiwa,2025\n").encode()

STEPS = (("submit", "opd"), ("accept", "kasie"), ("process", "staf"),
         ("draft", "staf"), ("check", "kabid"), ("approve", "kadis"),
         ("publish", "staf"))


def _upload(users: dict[str, Any], package_id: str, content: bytes) -> None:
    app = helpers._get_test_app().flask_app
    with app.test_request_context(), logged_in(users["opd"]["name"]):
        upload_resource(users["opd"], package_id, content, "penduduk.csv",
                        name="penduduk.csv", format="CSV",
                        jenis_berkas="data", schema=json.dumps(
                            tables.load("kabupaten_kota_tahunan")))
    run_jobs()


def _submission_of(statistic_id: str, carried: list[str]) -> str:
    return next(pid for pid in carried
                if model.Session.get(Item, pid).statistic_id == statistic_id)


@pytest.fixture(scope="module")
def world(clean_db_module, reset_index, reset_queues) -> dict[str, Any]:
    reset_index()
    reset_queues()
    users = {role: factories.User(password=ih.PASSWORD) for role in
             ("staf", "kasie", "kabid", "kadis", "pembina", "opd", "other")}
    sysadmin = factories.Sysadmin()
    for role in ("staf", "kasie", "kabid", "kadis", "pembina"):
        helpers.call_action("sektoral_position_assign",
                            {"user": sysadmin["name"]},
                            user=users[role]["name"], position=role)
    factories.Organization(
        name="dinas-dukcapil", title="Dinas Kependudukan dan Pencatatan Sipil",
        users=[{"name": users["opd"]["name"], "capacity": "editor"}])
    factories.Organization(
        name="dinas-pangan",
        users=[{"name": users["other"]["name"], "capacity": "editor"}])

    call_as(users["staf"], "sektoral_cycle_create", code="2025-S2",
            title="Siklus Semester II 2025", start_date="2025-07-07")
    released = {}
    for title in (PEOPLE, HOUSEHOLDS):
        item = call_as(users["staf"], "sektoral_item_create", cycle="2025-S2",
                       owner_org="dinas-dukcapil", title=title,
                       template="kabupaten_kota_tahunan", **METADATA)
        call_as(users["staf"], "sektoral_request", id=item["id"])
        _upload(users, item["id"], FIRST)
        for name, role in STEPS:
            call_as(users[role], "sektoral_" + name, id=item["id"])
        released[title] = call_as(users["staf"], "package_show",
                                  id=item["id"])

    cycle = call_as(users["staf"], "sektoral_cycle_create", code="2026-S1",
                    title="Siklus Semester I 2026", start_date="2026-01-05",
                    from_cycle="2025-S2")
    changed = _submission_of(released[PEOPLE]["id"], cycle["carried_over"])
    unchanged = _submission_of(released[HOUSEHOLDS]["id"],
                               cycle["carried_over"])
    for pid in (changed, unchanged):
        call_as(users["staf"], "sektoral_request", id=pid)
    # the OPD changes what changed and uploads the new period
    call_as(users["opd"], "package_patch", id=changed, tahun_akhir="2025")
    _upload(users, changed, SECOND)
    call_as(users["opd"], "sektoral_submit", id=changed)
    _upload(users, unchanged, FIRST)

    first = call_as(users["staf"], "sektoral_item_create", cycle="2026-S1",
                    owner_org="dinas-dukcapil", title=NEW,
                    template="kabupaten_kota_tahunan", **METADATA)
    call_as(users["staf"], "sektoral_request", id=first["id"])
    _upload(users, first["id"], FIRST)
    return {"users": users, "sysadmin": sysadmin, "released": released,
            "changed": call_as(users["staf"], "package_show", id=changed),
            "unchanged": unchanged, "first": first["id"]}


def _diff(world: dict[str, Any], pid: str, role: str = "kasie",
          **extra: Any) -> dict[str, Any]:
    return call_as(world["users"][role], "sektoral_submission_diff", id=pid,
                   **{"lang": "id", **extra})


def test_a_carried_over_submission_lists_exactly_what_changed(world):
    statistic = world["released"][PEOPLE]
    diff = _diff(world, world["changed"]["id"])
    assert diff["statistic"] == {"id": statistic["id"],
                                 "name": statistic["name"], "title": PEOPLE}
    assert diff["release"]["cycle_code"] == "2025-S2"
    assert diff["release"]["released"]
    assert diff["fields"] == [{"field": "tahun_akhir",
                               "label": "Tahun Akhir Data",
                               "before": "2024", "after": "2025"}]
    assert diff["data"] == {
        "new_periods": [2025],
        "revised": [{"key": {"kode_kabupaten_kota": 8271}, "period": 2024,
                     "before": 101000, "after": 101500}],
        "removed": [],
    }


def test_the_labels_follow_the_language(world):
    diff = _diff(world, world["changed"]["id"], lang="en")
    assert [f["label"] for f in diff["fields"]] == ["Last year of data"]


def test_an_unchanged_submission_has_nothing_to_show(world):
    diff = _diff(world, world["unchanged"])
    assert diff["statistic"]["title"] == HOUSEHOLDS
    assert diff["release"]["cycle_code"] == "2025-S2"
    assert diff["fields"] == []
    assert diff["data"] == {"new_periods": [], "revised": [], "removed": []}


def test_the_first_cycles_item_is_all_new(world):
    diff = _diff(world, world["first"])
    assert diff["statistic"] is None and diff["release"] is None
    shown = {f["field"]: f for f in diff["fields"]}
    assert all(f["before"] is None for f in diff["fields"])
    assert shown["title"]["after"] == NEW
    assert shown["satuan"]["after"] == "jiwa"
    # a code is compared (and shown) by its label
    assert shown["frekuensi_penerbitan"]["after"] == "Tahunan"
    assert "name" not in shown and "owner_org" not in shown
    assert diff["data"] == {"new_periods": [2023, 2024], "revised": [],
                            "removed": []}


@pytest.mark.parametrize("role", ["opd", "kasie", "staf", "pembina",
                                  "sysadmin"])
def test_who_may_read_the_submission_sees_its_diff(world, role):
    user = (world["sysadmin"] if role == "sysadmin"
            else world["users"][role])
    diff = call_as(user, "sektoral_submission_diff",
                   id=world["changed"]["name"])
    assert diff["release"]["cycle_code"] == "2025-S2"


@pytest.mark.parametrize("role", ["anonymous", "other"])
def test_to_the_others_the_submission_does_not_exist(world, role):
    context = {"user": "" if role == "anonymous"
               else world["users"][role]["name"], "ignore_auth": False}
    answers = []
    for ref in (world["changed"]["id"], "tidak-ada-dataset-ini"):
        with pytest.raises(tk.ObjectNotFound) as err:
            helpers.call_action("sektoral_submission_diff", dict(context),
                                id=ref)
        answers.append(str(err.value))
    assert answers[0] == answers[1]


def test_a_dataset_that_is_no_item_has_no_diff(world):
    org = helpers.call_action("organization_show", id="dinas-dukcapil")
    dataset = factories.Dataset(owner_org=org["id"])
    with pytest.raises(tk.ValidationError) as err:
        call_as(world["sysadmin"], "sektoral_submission_diff",
                id=dataset["id"])
    assert "id" in err.value.error_dict


# -- the Kasie's review page ------------------------------------------------------

def test_the_review_page_shows_the_changes_since_the_last_release(app, world):
    kasie = ih.session(app, world["users"]["kasie"])
    queue = kasie.get("/sektoral/review").get_data(as_text=True)
    url = "/sektoral/review/" + world["changed"]["name"]
    assert url in queue
    response = kasie.get(url)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Perubahan sejak rilis terakhir" in html
    assert "rilis 2025-S2" in html
    # the changed field, before and after
    assert "Tahun Akhir Data" in html and "Definisi" not in html
    # the new period and the revised value, in Indonesian number format
    assert "Periode baru: 2025" in html
    assert "Kota Ternate (8271)" in html
    assert "101.000" in html and "101.500" in html
    assert 'id="accept-%s"' % world["changed"]["id"] in html
    # the OPD reviews nothing; the first cycle's item says it is all new
    assert ih.session(app, world["users"]["opd"]).get(url).status_code == 403
    first = call_as(world["users"]["staf"], "package_show", id=world["first"])
    html = kasie.get("/sektoral/review/" + first["name"]).get_data(
        as_text=True)
    assert "siklus pertama statistik ini" in html
