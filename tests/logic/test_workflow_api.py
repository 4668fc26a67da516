"""One cycle through all six SOP steps, through the HTTP Action API only,
with the five roles (and one return and resubmission)."""
from __future__ import annotations

import io
import json
from typing import Any, Optional

import pytest

from ckan.tests import factories

from ckanext.sektoral.core import tables
from tests.factories import (OpdEditorFactory, OpdFactory, positioned,
                             run_jobs)

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index", "clean_queues")

VALID_CSV = (
    "kode_provinsi,nama_provinsi,kode_kabupaten_kota,nama_kabupaten_kota,"
    "nilai,satuan,tahun\n"
    "82,Provinsi Maluku Utara,8271,Kota Ternate,205001,jiwa,2023\n"
    "82,Provinsi Maluku Utara,8272,Kota Tidore Kepulauan,114480,jiwa,2023\n"
).encode("utf-8")

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


class Api:
    """Calls the Action API over HTTP as one user (API token)."""

    def __init__(self, app: Any, user: Optional[dict[str, Any]]) -> None:
        self.app = app
        self.headers = {}
        if user is not None:
            token = factories.APIToken(user=user["name"])["token"]
            self.headers = {"Authorization": token}

    def raw(self, action: str, files: Optional[dict[str, Any]] = None,
            **data: Any) -> Any:
        url = "/api/3/action/" + action
        if files:
            form = {k: (v if isinstance(v, str) else json.dumps(v))
                    for k, v in data.items()}
            form.update(files)
            return self.app.post(url, data=form, headers=self.headers)
        return self.app.post(url, json=data, headers=self.headers)

    def __call__(self, action: str, **data: Any) -> Any:
        response = self.raw(action, **data)
        body = response.json
        assert body["success"], (action, body.get("error"))
        return body["result"]

    def error(self, action: str, status: int, **data: Any) -> dict[str, Any]:
        response = self.raw(action, **data)
        assert response.status_code == status, (response.status_code,
                                                response.json)
        return response.json["error"]


@pytest.fixture
def people(app):
    users = positioned("staf", "kasie", "kabid", "kadis")
    org = OpdFactory(name="dinas-kependudukan")
    users["opd"] = OpdEditorFactory(organization=org)
    users["other_opd"] = OpdEditorFactory()
    apis = {role: Api(app, u) for role, u in users.items()}
    apis["sysadmin"] = Api(app, factories.Sysadmin())
    apis["anon"] = Api(app, None)
    return apis, org


def test_one_cycle_through_all_six_steps(people):
    api, org = people
    staf, kasie, kabid, kadis, opd = (api[r] for r in
                                      ("staf", "kasie", "kabid", "kadis", "opd"))

    # Step 1: staff open the cycle, list the data and send the request.
    cycle = staf("sektoral_cycle_create", code="2026-S1",
                 title="Siklus Semester I 2026", start_date="2026-01-05")
    assert [s["step"] for s in cycle["steps"]] == [1, 2, 3, 4, 5, 6]
    assert cycle["steps"][0]["due"] == "2026-01-09"
    item = staf("sektoral_item_create", cycle="2026-S1", owner_org=org["name"],
                title="Jumlah Penduduk Menurut Kabupaten/Kota",
                template="kabupaten_kota_tahunan", **METADATA)
    assert item["private"] is True
    assert item["sektoral"]["stage"] == "direncanakan"
    staf("sektoral_request", id=item["id"])

    # Step 2: the OPD cannot submit without a validated data file.
    error = opd.error("sektoral_submit", 409, id=item["id"])
    assert "completeness" in error and error["report"]["complete"] is False
    resource = opd.raw(
        "resource_create",
        files={"upload": (io.BytesIO(VALID_CSV), "penduduk.csv")},
        package_id=item["id"], name="penduduk.csv", format="CSV",
        jenis_berkas="data",
        schema=json.dumps(tables.load("kabupaten_kota_tahunan"))).json
    assert resource["success"], resource
    run_jobs()
    assert opd("sektoral_completeness", id=item["id"])["complete"] is True
    opd("sektoral_submit", id=item["id"])

    # ... the OPD cannot edit it any more; the Kasie returns it with a note.
    error = opd.error("package_patch", 403, id=item["id"], satuan="orang")
    assert kasie.error("sektoral_return", 409, id=item["id"])["stage"]
    kasie("sektoral_return", id=item["id"], note="Lengkapi konsep.")
    opd("package_patch", id=item["id"], konsep="Penduduk menurut domisili.")
    opd("sektoral_submit", id=item["id"])
    kasie("sektoral_accept", id=item["id"])

    # Steps 3-5: staff process and draft; Kabid checks; Kadis approves.
    staf("sektoral_process", id=item["id"])
    staf("sektoral_draft", id=item["id"])
    kabid("sektoral_check", id=item["id"])
    kadis("sektoral_approve", id=item["id"])

    # Nobody makes it public except by publication.
    error = api["sysadmin"].error("package_patch", 409, id=item["id"],
                                  private=False)
    assert "private" in error

    # Step 6: staff publish; the public finds and downloads it.
    result = staf("sektoral_publish", id=item["id"])
    assert result["to_stage"] == "dipublikasikan"
    shown = api["anon"]("package_show", id=item["id"])
    assert shown["private"] is False
    assert shown["sektoral"]["stage"] == "dipublikasikan"
    found = api["anon"]("package_search", q="Penduduk")
    assert [d["id"] for d in found["results"]] == [item["id"]]

    history = staf("sektoral_history", id=item["id"])
    assert [(h["transition"], h["from_stage"], h["to_stage"], h["position"])
            for h in history] == [
        ("create", None, "direncanakan", "staf"),
        ("request", "direncanakan", "diminta", "staf"),
        ("submit", "diminta", "dikirim", "produsen"),
        ("return", "dikirim", "dikembalikan", "kasie"),
        ("submit", "dikembalikan", "dikirim", "produsen"),
        ("accept", "dikirim", "diterima", "kasie"),
        ("process", "diterima", "diolah", "staf"),
        ("draft", "diolah", "dalam_laporan", "staf"),
        ("check", "dalam_laporan", "diperiksa", "kabid"),
        ("approve", "diperiksa", "disetujui", "kadis"),
        ("publish", "disetujui", "dipublikasikan", "staf"),
    ]
    assert history[3]["note"] == "Lengkapi konsep."
    # The audit log (officials' names, review notes) stays internal after
    # publication: the producing OPD reads it, the public and other OPD not.
    assert len(opd("sektoral_history", id=item["id"])) == len(history)
    api["anon"].error("sektoral_history", 403, id=item["id"])
    api["other_opd"].error("sektoral_history", 403, id=item["id"])

    status = staf("sektoral_cycle_status", id="2026-S1")
    assert status["total"] == 1 and status["stages"]["dipublikasikan"] == 1
    assert status["organizations"][0]["times_returned"] == 1
    cycle = staf("sektoral_cycle_show", id="2026-S1")
    assert all(s["started"] for s in cycle["steps"])


def test_unpublished_items_are_invisible_to_public_and_other_opd(people):
    api, org = people
    api["staf"]("sektoral_cycle_create", code="2026-S2", title="S2",
                start_date="2026-07-01")
    item = api["staf"]("sektoral_item_create", cycle="2026-S2",
                       owner_org=org["name"], title="Produksi Padi Sawah")
    resource = api["staf"]("resource_create", package_id=item["id"],
                           url="http://data.example/padi.csv", format="CSV")
    for who in ("anon", "other_opd"):
        # answered as if it did not exist (tests/security/test_existence.py)
        api[who].error("package_show", 404, id=item["id"])
        api[who].error("resource_show", 404, id=resource["id"])
        api[who].error("package_activity_list", 404, id=item["id"])
        download = api[who].app.get(
            "/dataset/{}/resource/{}/download".format(item["id"], resource["id"]),
            headers=api[who].headers)
        assert download.status_code in (403, 404)
        found = api[who]("package_search", q="Padi", include_private=True)
        assert found["count"] == 0
        api[who].error("sektoral_history", 404, id=item["id"])
    # The own OPD, every Walidata position and sysadmins see it.
    for who in ("opd", "staf", "kasie", "kabid", "kadis", "sysadmin"):
        assert api[who]("package_show", id=item["id"])["id"] == item["id"]
        found = api[who]("package_search", q="Padi", include_private=True)
        assert found["count"] == 1, who
    facets = api["staf"]("package_search", include_private=True,
                         **{"facet.field": ["sektoral_stage"]})
    assert facets["facets"]["sektoral_stage"] == {"direncanakan": 1}


def test_illegal_transition_names_stage_and_who_may_act(people):
    api, org = people
    api["staf"]("sektoral_cycle_create", code="X-1", title="X",
                start_date="2026-07-01")
    item = api["staf"]("sektoral_item_create", cycle="X-1",
                       owner_org=org["name"], title="Jumlah Nelayan")
    error = api["kasie"].error("sektoral_accept", 409, id=item["id"])
    message = error["stage"][0]
    assert "Direncanakan" in message and "Staf Walidata" in message, message


def test_cycle_status_query_count_does_not_grow_with_items(people):
    import sqlalchemy as sa
    from ckan import model

    api, org = people
    api["staf"]("sektoral_cycle_create", code="Q-1", title="Q",
                start_date="2026-07-01")

    def queries() -> int:
        count = 0

        def on_execute(*args, **kwargs):
            nonlocal count
            count += 1
        engine = model.meta.engine
        sa.event.listen(engine, "before_cursor_execute", on_execute)
        try:
            status = api["staf"]("sektoral_cycle_status", id="Q-1")
        finally:
            sa.event.remove(engine, "before_cursor_execute", on_execute)
        return count, status["total"]

    api["staf"]("sektoral_item_create", cycle="Q-1", owner_org=org["name"],
                title="Item 0")
    few = queries()
    for i in range(1, 6):
        api["staf"]("sektoral_item_create", cycle="Q-1",
                    owner_org=org["name"], title="Item %s" % i)
    many = queries()
    assert (few[1], many[1]) == (1, 6)
    assert many[0] == few[0]
