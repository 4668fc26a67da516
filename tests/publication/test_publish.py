"""Publication of a cycle (all or nothing), revision and withdrawal."""
from __future__ import annotations

import os
from typing import Any

import pytest

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories, helpers

from ckanext.sektoral import notify
from ckanext.sektoral.logic import service as wf
from ckanext.sektoral.model import Item, Release, Transition
from ckanext.sektoral.model.publication import Notice, Publication
from ckanext.sektoral.publication import service
from tests.factories import (CycleFactory, ItemFactory, OpdEditorFactory,
                             OpdFactory, call_as, positioned)
from tests.publication.conftest import PDF  # noqa: F401 (re-exported)

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index", "clean_queues")

METADATA = {
    "notes": "Data hasil pencatatan administrasi.",
    "frekuensi_penerbitan": "tahunan",
    "tahun_awal": "2024",
    "tahun_akhir": "2024",
    "level_penyajian": "kabupaten_kota",
    "definisi": "Definisi baku.",
    "satuan": "jiwa",
    "cara_pengumpulan_data": "3",
    "urusan_pemerintahan": "2.12",
}

@pytest.fixture
def walidata():
    users = positioned("staf", "kasie", "kabid", "kadis")
    users["sysadmin"] = factories.Sysadmin()
    OpdFactory(
        name="diskominfo",
        users=[{"name": users["staf"]["name"], "capacity": "editor"}])
    org = OpdFactory(name="dinas-kependudukan")
    users["opd"] = OpdEditorFactory(organization=org)
    CycleFactory(user=users["staf"], code="2026-S1",
                 title="Siklus Semester I 2026", start_date="2026-01-05")
    return users, org


def make_items(users: dict[str, Any], org: dict[str, Any], count: int,
               stage: str = "disetujui") -> list[str]:
    """Items created through the action and put straight at their stage
    (a setup shortcut: walking each item through the ten transitions is
    what tests/logic/test_workflow_api.py and the demo test do)."""
    return [ItemFactory(
        user=users["staf"], cycle="2026-S1", owner_org=org["name"],
        title=f"Jumlah Penduduk Kelompok {n + 1}", stage=stage,
        **METADATA)["id"] for n in range(count)]


def anon_search(q: str = "*:*") -> list[str]:
    result = helpers.call_action("package_search", {"user": ""}, q=q,
                                 rows=100)
    return sorted(d["id"] for d in result["results"])


def publish_rows() -> int:
    return model.Session.query(Transition).filter(
        Transition.transition == "publish").count()


def stored_files(root: str) -> list[str]:
    found = []
    for dirpath, _dirs, files in os.walk(os.path.join(root, "resources")):
        found += [os.path.join(dirpath, f) for f in files]
    return found


def test_publish_cycle_makes_every_approved_dataset_public(walidata, report,
                                                           app):
    users, org = walidata
    approved = make_items(users, org, 3)
    waiting = make_items(users, org, 1, stage="diolah")
    assert anon_search() == []

    result = call_as(users["staf"], "sektoral_cycle_publish", id="2026-S1",
                     note="Rilis semester I")

    assert sorted(result["published"]) == sorted(approved)
    for package_id in approved:
        shown = helpers.call_action("package_show", {"user": ""},
                                    id=package_id)
        assert shown["private"] is False
        assert shown["sektoral"]["stage"] == "dipublikasikan"
        dates = service.publish_dates(package_id)
        assert dates["first_published"] is not None
    assert model.Package.get(waiting[0]).private is True
    assert publish_rows() == 3
    row = model.Session.query(Transition).filter(
        Transition.transition == "publish").first()
    assert row.actor_name == users["staf"]["name"] and row.position == "staf"
    assert row.note == "Rilis semester I"

    publikasi = result["publikasi"]
    assert publikasi["type"] == "publikasi" and publikasi["private"] is False
    assert publikasi["kode_siklus"] == "2026-S1"
    assert sorted(publikasi["dataset_tercakup"]) == sorted(approved)
    assert publikasi["tanggal_terbit"] == wf.today().isoformat()
    assert publikasi["organization"]["name"] == "diskominfo"
    # the approved version rendered again as the final report of the
    # published datasets (tests/documents/test_final_report.py)
    formats = sorted(r["format"] for r in publikasi["resources"])
    assert formats == ["DOCX", "HTML", "PDF"]
    pdf = next(r for r in publikasi["resources"] if r["format"] == "PDF")
    response = app.get(pdf["url"].replace(tk.config["ckan.site_url"], ""))
    assert response.status_code == 200
    assert response.data.startswith(b"%PDF") and response.data != PDF

    assert anon_search() == sorted(approved + [publikasi["id"]])
    publication = model.Session.get(Publication, result["publication"][
        "cycle_id"])
    assert publication.report_version == 2
    assert publication.dataset_count == 3
    # the template helper of the public pages
    with app.flask_app.test_request_context():
        found = tk.h.sektoral_cycle_report("2026-S1")
    assert found["id"] == publikasi["id"]

    # Published once: a second call is refused.
    with pytest.raises(tk.ValidationError) as err:
        call_as(users["staf"], "sektoral_cycle_publish", id="2026-S1")
    assert "cycle" in err.value.error_dict


@pytest.mark.parametrize("where", ["the final report", "third dataset",
                                   "after the publikasi"])
def test_failure_half_way_publishes_nothing(walidata, report, monkeypatch,
                                            where):
    users, org = walidata
    approved = make_items(users, org, 4)
    storage = tk.config["ckan.storage_path"]
    files_before = stored_files(storage)
    history_before = model.Session.query(Transition).count()

    if where == "the final report":
        from ckanext.sektoral.documents import report as documents_report

        def render_final(*args, **kwargs):
            raise RuntimeError("injected failure")
        monkeypatch.setattr(documents_report, "render_final", render_final)
    elif where == "third dataset":
        from ckanext.sektoral.logic import releases

        original = releases._make_public
        calls = []

        def make_public(package_id):
            calls.append(package_id)
            if len(calls) == 3:
                raise RuntimeError("injected failure")
            original(package_id)
        monkeypatch.setattr(releases, "_make_public", make_public)
    else:
        original = service._create_publikasi

        def create(*args, **kwargs):
            original(*args, **kwargs)  # files staged, dataset flushed
            raise RuntimeError("injected failure")
        monkeypatch.setattr(service, "_create_publikasi", create)

    with pytest.raises(RuntimeError, match="injected failure"):
        call_as(users["staf"], "sektoral_cycle_publish", id="2026-S1")
    if where == "third dataset":
        assert len(calls) == 3

    model.Session.remove()
    assert all(model.Package.get(i).private for i in approved)
    stages = {s for (s,) in model.Session.query(Item.stage)}
    assert stages == {"disetujui"}
    assert model.Session.query(Transition).count() == history_before
    assert publish_rows() == 0
    assert model.Session.query(model.Package).filter(
        model.Package.type == "publikasi").count() == 0
    assert model.Session.query(Publication).count() == 0
    assert model.Session.query(Release).count() == 0
    assert anon_search() == []
    assert stored_files(storage) == files_before

    # ... and once the cause is gone, the same call publishes everything.
    monkeypatch.undo()
    monkeypatch.setattr(notify, "on_transition", lambda row: None)
    monkeypatch.setattr(service, "approved_report",
                        lambda cycle_id: report["version"])
    result = call_as(users["staf"], "sektoral_cycle_publish", id="2026-S1")
    assert sorted(result["published"]) == sorted(approved)


def test_publication_needs_the_approved_report(walidata, report):
    users, org = walidata
    approved = make_items(users, org, 2)
    report["version"] = None
    with pytest.raises(tk.ValidationError) as err:
        call_as(users["staf"], "sektoral_cycle_publish", id="2026-S1")
    assert "report" in err.value.error_dict
    assert "report" in str(err.value.error_dict["report"][0]).lower() or \
        "laporan" in str(err.value.error_dict["report"][0]).lower()
    assert all(model.Package.get(i).private for i in approved)
    assert publish_rows() == 0


def test_nothing_approved_is_refused(walidata, report):
    users, org = walidata
    make_items(users, org, 1, stage="diperiksa")
    with pytest.raises(tk.ValidationError) as err:
        call_as(users["staf"], "sektoral_cycle_publish", id="2026-S1")
    assert "cycle" in err.value.error_dict


@pytest.mark.parametrize("role, allowed", [
    ("staf", True), ("sysadmin", True), ("kasie", False), ("kabid", False),
    ("kadis", False), ("opd", False), ("anon", False)])
def test_who_may_publish_a_cycle(walidata, report, role, allowed):
    users, org = walidata
    make_items(users, org, 1)
    context = {"user": users[role]["name"] if role != "anon" else ""}
    if allowed:
        assert helpers.call_auth("sektoral_cycle_publish", context,
                                 id="2026-S1")
        call_as(users[role], "sektoral_cycle_publish", id="2026-S1")
    else:
        with pytest.raises(tk.NotAuthorized):
            helpers.call_auth("sektoral_cycle_publish", context, id="2026-S1")
        assert publish_rows() == 0


@pytest.mark.parametrize("role, allowed", [
    ("staf", True), ("kasie", True), ("kabid", True), ("kadis", True),
    ("opd", False), ("anon", False)])
def test_who_may_see_the_publication_preview(walidata, report, role, allowed):
    users, org = walidata
    make_items(users, org, 2)
    context = {"user": users[role]["name"] if role != "anon" else ""}
    if allowed:
        preview = helpers.call_action("sektoral_publication_show", context,
                                      id="2026-S1")
        assert len(preview["datasets"]) == 2 and preview["report"]
        assert preview["publication"] is None
    else:
        with pytest.raises(tk.NotAuthorized):
            helpers.call_auth("sektoral_publication_show", context,
                              id="2026-S1")


@pytest.fixture
def published(walidata, report):
    users, org = walidata
    ids = make_items(users, org, 2)
    call_as(users["staf"], "sektoral_cycle_publish", id="2026-S1")
    return users, ids


def test_published_dataset_is_corrected_only_through_a_revision(published,
                                                                app):
    users, (first, second) = published
    # Nobody but a sysadmin edits it directly, not even staff.
    for role in ("staf", "opd"):
        with pytest.raises(tk.NotAuthorized):
            call_as(users[role], "package_patch", id=first, satuan="orang")
    # Reopening needs a note and staff.
    with pytest.raises(tk.ValidationError) as err:
        call_as(users["staf"], "sektoral_reopen", id=first, note=" ")
    assert "stage" in err.value.error_dict
    for role in ("kasie", "kadis", "opd"):
        with pytest.raises(tk.NotAuthorized):
            call_as(users[role], "sektoral_reopen", id=first, note="x")

    row = call_as(users["staf"], "sektoral_reopen", id=first,
                  note="Koreksi angka Kota Ternate")
    assert row["transition"] == "reopen"
    assert row["from_stage"] == "dipublikasikan"
    assert row["to_stage"] == "dalam_laporan"
    assert row["notice"]["state"] == "under_revision"
    shown = helpers.call_action("package_show", {"user": ""}, id=first)
    assert shown["private"] is False  # stays public while corrected
    page = app.get("/dataset/" + shown["name"]).get_data(as_text=True)
    assert "Koreksi angka Kota Ternate" in page

    # Staff correct it, the checker and approver approve it again, staff
    # publish it again.
    call_as(users["staf"], "package_patch", id=first, satuan="orang")
    call_as(users["kabid"], "sektoral_check", id=first)
    call_as(users["kadis"], "sektoral_approve", id=first)
    call_as(users["staf"], "sektoral_publish", id=first)
    shown = helpers.call_action("package_show", {"user": ""}, id=first)
    assert shown["satuan"] == "orang"
    assert shown["sektoral"]["stage"] == "dipublikasikan"
    notice = service.notice_for(first)
    assert notice["state"] == "revised" and notice["revised"]
    names = [h["transition"] for h in helpers.call_action(
        "sektoral_history", id=first)]
    assert names[-5:] == ["publish", "reopen", "check", "approve", "publish"]
    # the other dataset was untouched
    assert service.notice_for(second) is None


def test_withdrawal_keeps_a_public_notice(published, app):
    users, (first, second) = published
    with pytest.raises(tk.ValidationError):
        call_as(users["staf"], "sektoral_withdraw", id=first, note="")
    for role in ("kasie", "kadis", "opd"):
        with pytest.raises(tk.NotAuthorized):
            call_as(users[role], "sektoral_withdraw", id=first, note="x")
    assert model.Session.query(Notice).count() == 0

    row = call_as(users["staf"], "sektoral_withdraw", id=first,
                  note="Sumber data dicabut oleh OPD")
    assert row["to_stage"] == "ditarik"
    shown = helpers.call_action("package_show", {"user": ""}, id=first)
    assert shown["sektoral"]["stage"] == "ditarik"
    notice = tk.h.sektoral_publication_notice(shown)
    assert notice["state"] == "withdrawn"
    assert notice["note"] == "Sumber data dicabut oleh OPD"
    page = app.get("/dataset/" + shown["name"]).get_data(as_text=True)
    assert "Sumber data dicabut oleh OPD" in page
    assert "sektoral-notice--withdrawn" in page
    # No second withdrawal, no edit; only a logged revision may bring
    # corrected data back (tests/insight/test_withdrawal.py).
    with pytest.raises(tk.ValidationError):
        call_as(users["staf"], "sektoral_withdraw", id=first, note="lagi")
    with pytest.raises(tk.NotAuthorized):
        call_as(users["staf"], "package_patch", id=first, notes="x")
    for role in ("kasie", "kadis", "opd"):
        with pytest.raises(tk.NotAuthorized):
            call_as(users[role], "sektoral_reopen", id=first, note="x")


def test_the_documents_area_report_is_asked(walidata):
    """Unpatched: the documents area's approved_version() is consulted and
    a cycle without an approved report version is refused."""
    users, org = walidata
    approved = make_items(users, org, 1)
    from ckanext.sektoral.documents import report as documents_report

    assert documents_report.approved_version("2026-S1") is None
    with pytest.raises(tk.ValidationError) as err:
        call_as(users["staf"], "sektoral_cycle_publish", id="2026-S1")
    assert "report" in err.value.error_dict
    assert model.Package.get(approved[0]).private is True


# -- one engine, one event ----------------------------------------------------------

def test_publishing_a_cycle_sends_one_event(walidata, report, events):
    users, org = walidata
    approved = make_items(users, org, 3)
    result = call_as(users["staf"], "sektoral_cycle_publish", id="2026-S1")
    assert len(events) == 1
    sender, kwargs = events[0]
    assert sender == "publish"
    assert sorted(r["package_id"] for r in kwargs["rows"]) == sorted(approved)
    assert {r["to_stage"] for r in kwargs["rows"]} == {"dipublikasikan"}
    assert kwargs["publication"]["package_id"] == result["publikasi"]["id"]


def test_a_failed_publication_sends_nothing(walidata, report, events,
                                            monkeypatch):
    users, org = walidata
    make_items(users, org, 2)

    def create(*args, **kwargs):
        raise RuntimeError("injected failure")
    monkeypatch.setattr(service, "_create_publikasi", create)
    with pytest.raises(RuntimeError):
        call_as(users["staf"], "sektoral_cycle_publish", id="2026-S1")
    assert events == []


def test_publication_and_workflow_share_the_conflict_error(published,
                                                           walidata):
    """reopen / withdraw move through the workflow's engine: a stale
    version gets the same error as any step's."""
    users, (first, _second) = published
    org = walidata[1]
    (checked,) = make_items(users, org, 1, stage="diperiksa")
    stale = model.Session.get(Item, checked).version - 1
    with pytest.raises(tk.ValidationError) as workflow:
        call_as(users["kadis"], "sektoral_approve", id=checked,
                version=stale)
    stale = model.Session.get(Item, first).version - 1
    for name in ("sektoral_withdraw", "sektoral_reopen"):
        with pytest.raises(tk.ValidationError) as publication:
            call_as(users["staf"], name, id=first, note="Koreksi",
                    version=stale)
        assert publication.value.error_dict == workflow.value.error_dict
    assert list(workflow.value.error_dict) == ["version"]
    assert model.Session.query(Notice).count() == 0


def test_publication_refusals_map_as_the_workflows(published, walidata):
    """The rules' refusals map to the same errors on both paths: who may
    not act gets NotAuthorized, a wrong stage ValidationError ``stage``."""
    users, (first, _second) = published
    (approved,) = make_items(users, walidata[1], 1)
    kasie = {"user": users["kasie"]["name"]}
    with pytest.raises(tk.NotAuthorized):
        service.withdraw(kasie, first, "x")
    with pytest.raises(tk.NotAuthorized):
        wf.transition(kasie, "publish", approved)
    staf = {"user": users["staf"]["name"]}
    with pytest.raises(tk.ValidationError) as publication:
        service.withdraw(staf, approved, "x")
    with pytest.raises(tk.ValidationError) as workflow:
        wf.transition(staf, "publish", first)
    assert list(publication.value.error_dict) == ["stage"]
    assert list(workflow.value.error_dict) == ["stage"]


def test_every_publish_pushes_single_and_bulk(walidata, monkeypatch):
    """The copies disagreed: ``sektoral_publish`` pushed to the national
    portal (an ``action_succeeded`` receiver), the same step through
    ``sektoral_bulk_transition`` did not. Now every committed publish,
    reopen and withdraw pushes (when the automatic push is on)."""
    from ckanext.sektoral.publication import remote

    pushed: list[list[str]] = []
    monkeypatch.setattr(remote, "enabled", lambda: True)
    monkeypatch.setattr(remote, "enqueue_many",
                        lambda ids: pushed.append(list(ids)) or [])
    users, org = walidata
    first, *bulk = make_items(users, org, 3)
    call_as(users["staf"], "sektoral_publish", id=first)
    assert pushed == [[first]]
    call_as(users["staf"], "sektoral_bulk_transition", transition="publish",
            ids=bulk)
    assert pushed[1:] == [bulk]
    call_as(users["staf"], "sektoral_withdraw", id=first, note="Ditarik")
    assert pushed[2:] == [[first]]


def test_publishing_marks_step_six_started(walidata):
    """The copies disagreed: the cycle publication recorded the start of
    step 6, a single ``sektoral_publish`` did not (its target stage has no
    step). Now every move into a final stage records the step it was done
    in."""
    users, org = walidata
    (item,) = make_items(users, org, 1)
    cycle = wf.get_cycle("2026-S1")
    assert "6" not in (cycle.step_starts or {})
    call_as(users["staf"], "sektoral_publish", id=item)
    model.Session.expire_all()
    assert "6" in wf.get_cycle("2026-S1").step_starts
