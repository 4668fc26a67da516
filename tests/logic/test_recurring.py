"""The SOP recurs: two cycles of the same statistic through the Action API.

One dataset per statistic for good: the second cycle carries the data
list over (``from_cycle``), each statistic's submission is a private
dataset of its own starting from the statistic's metadata, and while it
is collected and reviewed the public sees the statistic exactly as first
released (checked by content at every stage). Its publication releases
it into the statistic: one public dataset, with both releases.
"""
from __future__ import annotations

import io
import json
from typing import Any

import pytest

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories, helpers

from ckanext.sektoral.core import tables
from ckanext.sektoral.demo import logged_in
from ckanext.sektoral.model import Release
from tests.factories import call_as, run_jobs, upload_resource

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index", "clean_queues")

TITLE = "Jumlah Penduduk Menurut Kabupaten/Kota"
METADATA = {
    "notes": "Jumlah penduduk hasil registrasi administrasi kependudukan.",
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
FIRST = (HEADER +
         "82,Provinsi Maluku Utara,8271,Kota Ternate,100000,jiwa,2023\n"
         "82,Provinsi Maluku Utara,8271,Kota Ternate,101000,jiwa,2024\n"
         ).encode()
#: the second cycle's file: a new year, and 2024 revised
SECOND = (HEADER +
          "82,Provinsi Maluku Utara,8271,Kota Ternate,100000,jiwa,2023\n"
          "82,Provinsi Maluku Utara,8271,Kota Ternate,101500,jiwa,2024\n"
          "82,Provinsi Maluku Utara,8271,Kota Ternate,103000,jiwa,2025\n"
          ).encode()

#: the steps after the request, and who takes them
STEPS = (("submit", "opd"), ("accept", "kasie"), ("process", "staf"),
         ("draft", "staf"), ("check", "kabid"), ("approve", "kadis"),
         ("publish", "staf"))


@pytest.fixture
def people() -> dict[str, Any]:
    users = {role: factories.User() for role in
             ("staf", "kasie", "kabid", "kadis", "opd", "other")}
    for role in ("staf", "kasie", "kabid", "kadis"):
        helpers.call_action("sektoral_position_assign",
                            user=users[role]["name"], position=role)
    users["org"] = factories.Organization(
        name="dinas-dukcapil", title="Dinas Kependudukan dan Pencatatan Sipil",
        users=[{"name": users["opd"]["name"], "capacity": "editor"}])
    factories.Organization(
        name="dinas-pangan",
        users=[{"name": users["other"]["name"], "capacity": "editor"}])
    return users


def _upload(users: dict[str, Any], package_id: str, content: bytes) -> None:
    app = helpers._get_test_app().flask_app
    with app.test_request_context(), logged_in(users["opd"]["name"]):
        upload_resource(users["opd"], package_id, content, "penduduk.csv",
                        name="penduduk.csv", format="CSV",
                        jenis_berkas="data", schema=json.dumps(
                            tables.load("kabupaten_kota_tahunan")))
    run_jobs()


def _walk(users: dict[str, Any], item_id: str, check: Any = None) -> None:
    """From planned to published, calling ``check()`` at every stage."""
    call_as(users["staf"], "sektoral_request", id=item_id)
    if check:
        check()
    for name, role in STEPS:
        call_as(users[role], "sektoral_" + name, id=item_id)
        if check and name != "publish":
            check()


def _anon_search() -> list[dict[str, Any]]:
    return helpers.call_action("package_search", {"user": "", "ignore_auth": False}, q="*:*",
                               rows=100)["results"]


def _csv_of(resource: dict[str, Any]) -> bytes:
    from ckan.lib import uploader

    path = uploader.get_resource_uploader(resource).get_path(resource["id"])
    with open(path, "rb") as f:
        return f.read()


def _first_cycle(users: dict[str, Any]) -> dict[str, Any]:
    call_as(users["staf"], "sektoral_cycle_create", code="2025-S2",
            title="Siklus Semester II 2025", start_date="2025-07-07")
    item = call_as(users["staf"], "sektoral_item_create", cycle="2025-S2",
                   owner_org="dinas-dukcapil", title=TITLE,
                   template="kabupaten_kota_tahunan", **METADATA)
    call_as(users["staf"], "sektoral_request", id=item["id"])
    _upload(users, item["id"], FIRST)
    for name, role in STEPS:
        call_as(users[role], "sektoral_" + name, id=item["id"])
    return helpers.call_action("package_show", {"user": "", "ignore_auth": False}, id=item["id"])


def test_a_statistic_is_named_after_its_title(people):
    call_as(people["staf"], "sektoral_cycle_create", code="2026-S1",
            title="S1", start_date="2026-01-05")
    first = call_as(people["staf"], "sektoral_item_create", cycle="2026-S1",
                    owner_org="dinas-dukcapil", title=TITLE)
    again = call_as(people["staf"], "sektoral_item_create", cycle="2026-S1",
                    owner_org="dinas-pangan", title=TITLE)
    assert first["name"] == "jumlah-penduduk-menurut-kabupaten-kota"
    assert again["name"] == "jumlah-penduduk-menurut-kabupaten-kota-2"


def test_two_cycles_of_one_statistic(people):
    users = people
    statistic = _first_cycle(users)
    first_resources = [r["id"] for r in statistic["resources"]]
    assert [d["id"] for d in _anon_search()] == [statistic["id"]]

    # -- the second cycle starts from the first one's data list
    cycle = call_as(users["staf"], "sektoral_cycle_create", code="2026-S1",
                    title="Siklus Semester I 2026", start_date="2026-01-05",
                    from_cycle="2025-S2")
    assert len(cycle["carried_over"]) == 1
    submission_id = cycle["carried_over"][0]
    assert submission_id != statistic["id"]
    submission = call_as(users["opd"], "package_show", id=submission_id)
    assert submission["private"] is True
    assert submission["name"] == ("jumlah-penduduk-menurut-kabupaten-kota"
                                  "-2026-s1")
    assert submission["resources"] == []
    # the OPD retypes nothing that did not change
    for key, value in METADATA.items():
        assert submission[key] == value, key
    assert submission["title"] == TITLE
    assert submission["sektoral"]["stage"] == "direncanakan"

    public_before = helpers.call_action("package_show", {"user": "", "ignore_auth": False},
                                        id=statistic["id"])

    def public_unchanged() -> None:
        found = _anon_search()
        assert [d["id"] for d in found] == [statistic["id"]]
        shown = helpers.call_action("package_show", {"user": "", "ignore_auth": False},
                                    id=statistic["name"])
        assert [r["id"] for r in shown["resources"]] == first_resources
        assert _csv_of(shown["resources"][0]) == FIRST
        for key in list(METADATA) + ["title", "metadata_modified"]:
            assert shown[key] == public_before[key], key
        for who in ({"user": "", "ignore_auth": False},
                    {"user": users["other"]["name"], "ignore_auth": False}):
            with pytest.raises(tk.ObjectNotFound):  # as if it did not exist
                helpers.call_action("package_show", dict(who),
                                    id=submission_id)
            found = helpers.call_action(
                "package_search", dict(who), q=TITLE, include_private=True)
            assert submission_id not in {d["id"] for d in found["results"]}

    call_as(users["staf"], "sektoral_request", id=submission_id)
    public_unchanged()
    # the OPD changes what changed and uploads the new period
    call_as(users["opd"], "package_patch", id=submission_id,
            tahun_akhir="2025")
    _upload(users, submission_id, SECOND)
    public_unchanged()
    for name, role in STEPS:
        call_as(users[role], "sektoral_" + name, id=submission_id)
        if name != "publish":
            public_unchanged()

    # -- released: one public dataset per statistic, with both periods
    found = _anon_search()
    assert [d["id"] for d in found] == [statistic["id"]]
    shown = helpers.call_action("package_show", {"user": "", "ignore_auth": False},
                                id=statistic["name"])
    assert shown["tahun_akhir"] == "2025"
    assert [r["id"] for r in shown["resources"]][:1] == first_resources
    assert len(shown["resources"]) == 2
    assert _csv_of(shown["resources"][1]) == SECOND
    assert model.Package.get(submission_id).private is True
    releases = model.Session.query(Release).filter(
        Release.statistic_id == statistic["id"]).all()
    assert sorted(len(r.resource_ids) for r in releases) == [1, 1]
    chart = helpers.call_action("sektoral_chart_data", {"user": "", "ignore_auth": False},
                                id=statistic["name"])
    assert [y["year"] for y in chart["by_year"]] == [2023, 2024, 2025]

    # the audit log of the statistic names both cycles
    history = call_as(users["staf"], "sektoral_history", id=statistic["id"])
    assert {row["cycle_code"] for row in history} == {"2025-S2", "2026-S1"}
    assert [r["transition"] for r in history].count("publish") == 2
    # each cycle's public page lists the statistic
    public = helpers.call_action("sektoral_public_cycle_list", {"user": "", "ignore_auth": False})
    assert {c["code"]: c["published"] for c in public} == {
        "2025-S2": 1, "2026-S1": 1}
    for code in ("2025-S2", "2026-S1"):
        page = helpers.call_action("sektoral_public_cycle_show",
                                   {"user": "", "ignore_auth": False}, id=code)
        assert [d["id"] for d in page["datasets"]] == [statistic["id"]]

    # the database never lets a submission out, whoever asks
    sysadmin = factories.Sysadmin()
    with pytest.raises(tk.ValidationError):
        call_as(sysadmin, "package_patch", id=submission_id, private=False)
    assert model.Package.get(submission_id).private is True


def test_carry_over_is_refused_for_an_unknown_cycle_and_creates_nothing(
        people):
    with pytest.raises(tk.ValidationError) as err:
        call_as(people["staf"], "sektoral_cycle_create", code="2026-S1",
                title="S1", start_date="2026-01-05", from_cycle="NO-SUCH")
    assert "from_cycle" in err.value.error_dict
    assert helpers.call_action("sektoral_cycle_list") == []


def test_a_statistic_is_in_a_cycle_once(people):
    statistic = _first_cycle(people)
    call_as(people["staf"], "sektoral_cycle_create", code="2026-S1",
            title="S1", start_date="2026-01-05", from_cycle="2025-S2")
    with pytest.raises(tk.ValidationError) as err:
        call_as(people["staf"], "sektoral_item_create", cycle="2026-S1",
                statistic=statistic["name"])
    assert "statistic" in err.value.error_dict


def test_the_data_list_import_matches_known_statistics(people):
    statistic = _first_cycle(people)
    call_as(people["staf"], "sektoral_cycle_create", code="2026-S1",
            title="S1", start_date="2026-01-05")
    content = (
        "OPD,Judul,Satuan,Level Penyajian,Frekuensi,Urusan\n"
        "dinas-dukcapil,jumlah penduduk menurut kabupaten/kota ,jiwa,"
        "Kabupaten/Kota,Tahunan,2.12\n"
        "dinas-dukcapil,Jumlah Akta Kelahiran,lembar,Kabupaten/Kota,"
        "Tahunan,2.12\n").encode()
    from werkzeug.datastructures import FileStorage

    upload = FileStorage(io.BytesIO(content), filename="daftar.csv")
    result = call_as(people["staf"], "sektoral_datalist_import",
                     cycle="2026-S1", upload=upload)
    assert [m["statistic_id"] for m in result["matched"]] == [statistic["id"]]
    assert result["new_rows"] == [3]
    assert len(result["created"]) == 2
    matched = call_as(people["staf"], "package_show", id=result["created"][0])
    assert matched["name"] == "jumlah-penduduk-menurut-kabupaten-kota-2026-s1"
    assert matched["definisi"] == METADATA["definisi"]  # carried over
    fresh = call_as(people["staf"], "package_show", id=result["created"][1])
    assert fresh["name"] == "jumlah-akta-kelahiran"


def test_staff_start_a_cycle_from_the_previous_one_in_the_workspace(app):
    from tests.views.test_workspace import PASSWORD, Browser

    users = {role: factories.User(password=PASSWORD) for role in
             ("staf", "kasie", "kabid", "kadis", "opd", "other")}
    for role in ("staf", "kasie", "kabid", "kadis"):
        helpers.call_action("sektoral_position_assign",
                            user=users[role]["name"], position=role)
    factories.Organization(
        name="dinas-dukcapil",
        users=[{"name": users["opd"]["name"], "capacity": "editor"}])
    statistic = _first_cycle(users)
    staf = Browser(app, users["staf"])
    page = staf.get("/sektoral/cycle/new")
    assert 'name="from_cycle"' in page and "2025-S2" in page
    response = staf.submit("/sektoral/cycle/new", "/sektoral/cycle/new", {
        "code": "2026-S1", "title": "Siklus Semester I 2026",
        "start_date": "2026-01-05", "from_cycle": "2025-S2"},
        follow_redirects=True, status=200)
    html = response.get_data(as_text=True)
    assert "1 statistik dibawa dari 2025-S2" in html
    status = call_as(users["staf"], "sektoral_cycle_status", id="2026-S1")
    assert status["total"] == 1
    carried = model.Session.query(Release).count()
    assert carried == 1  # only the first cycle's release so far
    assert statistic["name"] + "-2026-s1" in html


def test_a_statistic_first_released_by_a_later_cycle(people):
    """Its first cycle never got it published: the later cycle's release
    makes it public, and its own item (still editable in the old cycle)
    does not let the OPD change the public dataset outside a release."""
    users = people
    call_as(users["staf"], "sektoral_cycle_create", code="2025-S2",
            title="S2 2025", start_date="2025-07-07")
    first = call_as(users["staf"], "sektoral_item_create", cycle="2025-S2",
                    owner_org="dinas-dukcapil", title=TITLE,
                    template="kabupaten_kota_tahunan", **METADATA)
    call_as(users["staf"], "sektoral_request", id=first["id"])  # abandoned
    cycle = call_as(users["staf"], "sektoral_cycle_create", code="2026-S1",
                    title="S1 2026", start_date="2026-01-05",
                    from_cycle="2025-S2")
    submission_id = cycle["carried_over"][0]
    call_as(users["staf"], "sektoral_request", id=submission_id)
    _upload(users, submission_id, SECOND)
    for name, role in STEPS:
        call_as(users[role], "sektoral_" + name, id=submission_id)
    anon = {"user": "", "ignore_auth": False}
    shown = helpers.call_action("package_show", dict(anon), id=first["id"])
    assert shown["private"] is False and len(shown["resources"]) == 1
    with pytest.raises(tk.NotAuthorized):
        call_as(users["opd"], "package_patch", id=first["id"], satuan="orang")
    with pytest.raises(tk.NotAuthorized):
        call_as(users["opd"], "resource_create", package_id=first["id"],
                url="http://example.com/x.csv", name="x")


def test_the_analysis_compares_with_the_previous_release(people, app):
    """Step 3 of the second cycle: the new period against the released
    series (year over year), the revised history flagged."""
    users = people
    _first_cycle(users)
    cycle = call_as(users["staf"], "sektoral_cycle_create", code="2026-S1",
                    title="S1", start_date="2026-01-05", from_cycle="2025-S2")
    submission_id = cycle["carried_over"][0]
    call_as(users["staf"], "sektoral_request", id=submission_id)
    _upload(users, submission_id, SECOND)
    call_as(users["opd"], "sektoral_submit", id=submission_id)
    call_as(users["kasie"], "sektoral_accept", id=submission_id)
    run_jobs()  # the analysis the accept enqueued
    analysis = call_as(users["staf"], "sektoral_analysis_show",
                       id=submission_id)
    against = analysis["result"]["previous_release"]
    assert against["release"] == "2025-S2"
    assert against["new_periods"] == [2025]
    assert [(r["period"], r["before"], r["after"])
            for r in against["revised"]] == [(2024, 101000, 101500)]
    assert [(r["period"], r["before_period"], r["change_pct"])
            for r in against["year_over_year"]] == [(2025, 2024, 2.0)]
    # the first cycle's item has nothing to compare with
    first = call_as(users["staf"], "package_search", q=TITLE,
                    include_private=True)["results"]
    own = next(d for d in first if d["id"] != submission_id)
    assert call_as(users["staf"], "sektoral_analysis_show", id=own["id"])[
        "result"]["previous_release"] is None
