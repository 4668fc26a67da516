"""A statistic over all its releases on its public presentation.

Two cycles of one statistic (as in ``tests/logic/test_recurring.py``):
the first releases 2023 and 2024, the second only the new year 2025 and a
revised 2024. The chart, the preview and the exports show one series from
the first release to the last, with the revised 2024 and the revision
listed; the dataset page lists both releases ("Rilis"), newest first,
each with its file downloadable; the submission itself (never released)
shows its own file only.
"""
from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from typing import Any, Iterator

import pytest

from ckan.tests import factories, helpers

from ckanext.sektoral.core import tables
from ckanext.sektoral.demo import logged_in
from tests.factories import call_as, run_jobs, upload_resource
from tests.logic.test_recurring import HEADER, METADATA

pytestmark = pytest.mark.usefixtures("with_plugins_module")

TITLE = "Jumlah Penduduk Menurut Kabupaten/Kota"
P = "82,Provinsi Maluku Utara,8271,Kota Ternate,"
FIRST = (HEADER + P + "100000,jiwa,2023\n" + P + "101000,jiwa,2024\n"
         ).encode()
#: the second cycle's file: only the new year, and 2024 revised
SECOND = (HEADER + P + "101500,jiwa,2024\n" + P + "103000,jiwa,2025\n"
          ).encode()
STEPS = (("submit", "opd"), ("accept", "kasie"), ("process", "staf"),
         ("draft", "staf"), ("check", "kabid"), ("approve", "kadis"),
         ("publish", "staf"))
ANON = {"user": "", "ignore_auth": False}
REVISION = {"key": {"kode_kabupaten_kota": "8271", "tahun": "2024"},
            "period": 2024, "before": 101000, "after": 101500,
            "release": "2026-S1"}


def _upload(users: dict[str, Any], package_id: str, content: bytes,
            filename: str) -> dict[str, Any]:
    with logged_in(users["opd"]["name"]):
        resource = upload_resource(
            users["opd"], package_id, content, filename, name=filename,
            format="CSV", jenis_berkas="data",
            schema=json.dumps(tables.load("kabupaten_kota_tahunan")))
    run_jobs()
    return resource


def _walk(users: dict[str, Any], item_id: str) -> None:
    for name, role in STEPS:
        call_as(users[role], "sektoral_" + name, id=item_id)


def _years(chart: dict[str, Any]) -> list[tuple[Any, Any]]:
    return [(y["year"], y["value"]) for y in chart["by_year"]]


@pytest.fixture(scope="module")
def world(clean_db_module: None, reset_queues: Any
          ) -> Iterator[dict[str, Any]]:
    """Both cycles of the statistic, built once (uploads and validation
    jobs are slow); what the public saw before the second publication is
    kept in ``before``."""
    from ckan.lib import search

    search.clear_all()
    reset_queues()
    with helpers._get_test_app().flask_app.test_request_context():
        users = {role: factories.User() for role in
                 ("staf", "kasie", "kabid", "kadis", "opd")}
        for role in ("staf", "kasie", "kabid", "kadis"):
            helpers.call_action("sektoral_position_assign",
                                user=users[role]["name"], position=role)
        factories.Organization(
            name="dinas-dukcapil",
            users=[{"name": users["opd"]["name"], "capacity": "editor"}])
        call_as(users["staf"], "sektoral_cycle_create", code="2025-S2",
                title="Siklus Semester II 2025", start_date="2025-07-07")
        statistic = call_as(users["staf"], "sektoral_item_create",
                            cycle="2025-S2", owner_org="dinas-dukcapil",
                            title=TITLE, template="kabupaten_kota_tahunan",
                            **METADATA)
        call_as(users["staf"], "sektoral_request", id=statistic["id"])
        first = _upload(users, statistic["id"], FIRST, "penduduk-2024.csv")
        _walk(users, statistic["id"])

        cycle = call_as(users["staf"], "sektoral_cycle_create",
                        code="2026-S1", title="Siklus Semester I 2026",
                        start_date="2026-01-05", from_cycle="2025-S2")
        submission_id = cycle["carried_over"][0]
        call_as(users["staf"], "sektoral_request", id=submission_id)
        call_as(users["opd"], "package_patch", id=submission_id,
                tahun_akhir="2025")
        second = _upload(users, submission_id, SECOND, "penduduk-2025.csv")
        before = {
            "public": helpers.call_action("sektoral_chart_data", dict(ANON),
                                          id=statistic["id"]),
            "submission": call_as(users["staf"], "sektoral_chart_data",
                                  id=submission_id)}
        _walk(users, submission_id)
    reset_queues()
    yield {"users": users, "statistic": statistic, "before": before,
           "files": {"2025-S2": first, "2026-S1": second}}


def test_the_unreleased_period_stays_out_of_the_series(world):
    public = world["before"]["public"]
    assert _years(public) == [(2023, 100000), (2024, 101000)]
    assert public["revisions"] == []
    assert [r["cycle_code"] for r in public["releases"]] == ["2025-S2"]
    # the submission, never released, shows its own newest file
    own = world["before"]["submission"]
    assert _years(own) == [(2024, 101500), (2025, 103000)]
    assert own["releases"] == [] and own["revisions"] == []


def test_chart_covers_every_release_with_the_revised_value(world):
    chart = helpers.call_action("sektoral_chart_data", dict(ANON),
                                id=world["statistic"]["name"])
    assert chart["available"] is True
    assert _years(chart) == [(2023, 100000), (2024, 101500), (2025, 103000)]
    assert chart["revisions"] == [REVISION]
    assert [r["cycle_code"] for r in chart["releases"]] == [
        "2025-S2", "2026-S1"]
    assert all(r["released"] for r in chart["releases"])
    assert chart["resource_id"] == world["files"]["2026-S1"]["id"]
    assert chart["rows"] == 3 and len(chart["preview"]) == 3
    nilai = chart["columns"].index("nilai")
    assert [row[nilai] for row in chart["preview"]] == [
        100000, 101500, 103000]


def test_exports_hold_the_combined_series(world, app):
    name = world["statistic"]["name"]
    response = app.get(f"/dataset/{name}/download/csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(r["tahun"], r["nilai"]) for r in rows] == [
        ("2023", "100000"), ("2024", "101500"), ("2025", "103000")]

    from frictionless import Package
    import tempfile

    response = app.get(f"/dataset/{name}/download/datapackage")
    assert response.status_code == 200
    with tempfile.TemporaryDirectory() as tmp:
        zipfile.ZipFile(io.BytesIO(response.data)).extractall(tmp)
        package = Package(f"{tmp}/datapackage.json")
        report = package.validate()  # one row per primary key
        assert report.valid, report.flatten(["message"])
        assert [int(r["nilai"]) for r in package.resources[0].read_rows()
                ] == [100000, 101500, 103000]


def test_page_lists_both_releases_with_working_downloads(world, app):
    name = world["statistic"]["name"]
    html = app.get(f"/dataset/{name}").get_data(as_text=True)
    section = re.search(r'<section[^>]*id="sektoral-releases".*?</section>',
                        html, re.S).group(0)
    releases = [(re.search(r'data-cycle="([^"]+)"', part).group(1), part)
                for part in section.split('<li class="sektoral-release ')[1:]]
    assert [code for code, _body in releases] == ["2026-S1", "2025-S2"]
    assert "Rilis 2026-S1" in section and "Rilis 2025-S2" in section
    current = {code: "Terkini" in body for code, body in releases}
    assert current == {"2026-S1": True, "2025-S2": False}
    for code, body in releases:
        resource = world["files"][code]
        link = re.search(r'<a href="([^"]+)" data-resource="%s"'
                         % resource["id"], body).group(1)
        download = app.get(link)
        assert download.status_code == 200, link
        assert download.data == (FIRST if code == "2025-S2" else SECOND)
    # the revision is listed with the release that revised it
    revisions = re.search(r'<table[^>]*id="sektoral-revisions".*?</table>',
                          html, re.S).group(0)
    assert "Kota Ternate" in revisions and "2026-S1" in revisions
    assert "101.000" in revisions and "101.500" in revisions


def test_a_withdrawn_statistic_keeps_its_releases_unlinked(world, app):
    """Last: it withdraws the statistic."""
    name = world["statistic"]["name"]
    call_as(world["users"]["staf"], "sektoral_withdraw",
            id=world["statistic"]["id"], note="Angka salah hitung")
    html = app.get(f"/dataset/{name}").get_data(as_text=True)
    assert "sektoral-notice--withdrawn" in html
    section = re.search(r'<section[^>]*id="sektoral-releases".*?</section>',
                        html, re.S).group(0)
    assert "Rilis 2025-S2" in section and "data-resource=" not in section
    assert app.get(world["files"]["2025-S2"]["url"]).status_code == 410
