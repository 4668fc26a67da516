"""The national portal push, against a second, real CKAN (``remote_ckan``)."""
from __future__ import annotations

import rq
import pytest

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import jobs
from ckan.tests import factories, helpers

from ckanext.sektoral import demo
from ckanext.sektoral.model import Item
from ckanext.sektoral.model.publication import PushState
from ckanext.sektoral.publication import remote, service
from tests.factories import call_as, run_jobs
from tests.publication.conftest import PDF

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index", "clean_queues")

STAF = {"name": "walidata-staf"}
DEMO = demo.data()


@pytest.fixture
def demo_cycle(monkeypatch, tmp_path, app):
    """The demo cycle 2026-S1, loaded by the demo loader through the real
    actions, reduced to a few items (its 2 approved ones, 2 already
    published one by one, 1 in the draft report) to keep the test short;
    plus an approved report version (a real small PDF)."""
    few = tuple(i for i in DEMO.items if i.stage in ("disetujui",)) + tuple(
        i for i in DEMO.items if i.stage == "dipublikasikan")[:2] + tuple(
        i for i in DEMO.items if i.stage == "dalam_laporan")[:1]
    monkeypatch.setattr(demo, "data", lambda path=None: DEMO.only(few))
    with app.flask_app.test_request_context():
        demo.seed("Demo-Test-2026")
        demo.load_cycle()
    pdf = tmp_path / "laporan.pdf"
    pdf.write_bytes(PDF)
    monkeypatch.setattr(service, "approved_report", lambda cycle_id: {
        "id": "rv-1", "version": 1, "approved": True,
        "files": {"pdf": str(pdf)}})
    return few


@pytest.fixture
def portal(remote_ckan, ckan_config, monkeypatch):
    for key, value in {
        "ckanext.sektoral.portal.enabled": True,
        "ckanext.sektoral.portal.url": remote_ckan.url,
        "ckanext.sektoral.portal.api_token": remote_ckan.token,
        "ckanext.sektoral.portal.organization_map": [
            f"{DEMO.walidata_org}:{remote_ckan.organization}"],
        "ckanext.sektoral.portal.default_organization":
            remote_ckan.organization,
        "ckanext.sektoral.portal.name_prefix": "malut",
        "ckanext.sektoral.portal.retries": 0,
    }.items():
        monkeypatch.setitem(ckan_config, key, value)
    api = remote_ckan.api()
    # an empty national portal for each test
    for name in remote_datasets(api):  # private (withdrawn) ones too
        api.action.dataset_purge(id=name)
    assert remote_datasets(api) == {}
    return api


def remote_datasets(api) -> dict[str, dict]:
    result = api.action.package_search(q="*:*", rows=100,
                                       include_private=True)
    return {d["name"]: d for d in result["results"]}


def extras(dataset: dict) -> dict[str, str]:
    return {e["key"]: e["value"] for e in dataset.get("extras") or []}


def test_publish_the_demo_cycle_and_find_it_on_the_national_portal(
        demo_cycle, portal, app):
    api = portal
    before = {p.id for p in model.Session.query(model.Package).filter(
        model.Package.private.is_(False), model.Package.state == "active")}
    assert len(before) == 2  # published one by one by the demo loader

    result = call_as(STAF, "sektoral_cycle_publish", id=DEMO.cycle.code)
    assert len(result["published"]) == 2
    # publication queued one push per public dataset of the cycle
    assert run_jobs(remote.QUEUE) == 3
    # ... the CLI pushes the whole cycle (the two published earlier too)
    api_status = call_as(STAF, "sektoral_push", cycle=DEMO.cycle.code)
    assert len(api_status["queued"]) == 5
    assert run_jobs(remote.QUEUE) == 5

    public = {p.id: p.name for p in model.Session.query(model.Package).filter(
        model.Package.private.is_(False), model.Package.state == "active")}
    assert len(public) == 5  # 4 datasets + the publikasi
    found = remote_datasets(api)
    assert sorted(found) == sorted(remote.remote_name(n, "malut")
                                   for n in public.values())
    for name, dataset in found.items():
        meta = extras(dataset)
        assert public[meta["sektoral_source_id"]] in name
        assert meta["sektoral_status"] == "published"
        assert dataset["private"] is False
        assert dataset["organization"]["name"] == "pemerintah-daerah"
        local = helpers.call_action("package_show", id=meta["sektoral_source_id"])
        assert dataset["title"] == local["title"]
        assert [r["url"] for r in dataset["resources"]] == [
            r["url"] for r in local["resources"]]
    publikasi = found[remote.remote_name(result["publikasi"]["name"], "malut")]
    assert extras(publikasi)["kode_siklus"] == DEMO.cycle.code
    assert publikasi["resources"][0]["format"] == "PDF"
    # anonymous visitors of the national portal find them too
    anonymous = api.__class__(api.address).action.package_search(
        q="*:*", rows=100)
    assert anonymous["count"] == 5

    status = call_as(STAF, "sektoral_push_status", cycle=DEMO.cycle.code)
    assert {s["status"] for s in status} == {"pushed"}
    assert all(s["remote_id"] and s["last_pushed"] for s in status)
    remote_ids = {s["package_id"]: s["remote_id"] for s in status}

    # Pushing again updates, never duplicates.
    call_as(STAF, "sektoral_push", cycle=DEMO.cycle.code)
    run_jobs(remote.QUEUE)
    again = remote_datasets(api)
    assert sorted(again) == sorted(found)
    assert {d["id"] for d in again.values()} == set(remote_ids.values())
    assert all(len(again[n]["resources"]) == len(found[n]["resources"])
               and {r["id"] for r in again[n]["resources"]}
               == {r["id"] for r in found[n]["resources"]} for n in found)

    # A local correction (reopen, edit, approve, publish again) reaches
    # the national portal by itself.
    target = result["published"][0]
    call_as(STAF, "sektoral_reopen", id=target, note="Koreksi judul")
    call_as(STAF, "package_patch", id=target, title="Judul Terkoreksi 2026")
    call_as({"name": "walidata-kabid"}, "sektoral_check", id=target)
    call_as({"name": "walidata-kadis"}, "sektoral_approve", id=target)
    assert run_jobs(remote.QUEUE) == 1  # the reopen's push (still public)
    call_as(STAF, "sektoral_publish", id=target)
    assert run_jobs(remote.QUEUE) == 1
    updated = api.action.package_show(id=remote_ids[target])
    assert updated["title"] == "Judul Terkoreksi 2026"
    assert len(remote_datasets(api)) == 5

    # A withdrawal marks the remote copy withdrawn.
    call_as(STAF, "sektoral_withdraw", id=target,
            note="Ditarik karena sumber data dicabut")
    assert run_jobs(remote.QUEUE) == 1
    withdrawn = api.action.package_show(id=remote_ids[target])
    assert withdrawn["private"] is True
    assert extras(withdrawn)["sektoral_status"] == "withdrawn"
    assert "Ditarik karena sumber data dicabut" in extras(withdrawn)[
        "sektoral_withdrawal_notice"]
    assert "Ditarik karena sumber data dicabut" in withdrawn["notes"]
    assert model.Session.get(PushState, target).status == "withdrawn"
    assert len(remote_datasets(api)) == 5


def test_a_failing_push_is_retried_and_recorded(demo_cycle, portal,
                                                ckan_config, monkeypatch):
    result = call_as(STAF, "sektoral_cycle_publish", id=DEMO.cycle.code)
    run_jobs(remote.QUEUE)
    target = result["published"][0]
    # the national portal is down
    monkeypatch.setitem(ckan_config, "ckanext.sektoral.portal.url",
                        "http://127.0.0.1:9")
    monkeypatch.setitem(ckan_config, "ckanext.sektoral.portal.timeout", 2)
    monkeypatch.setitem(ckan_config, "ckanext.sektoral.portal.retries", 2)
    attempts_before = model.Session.get(PushState, target).attempts
    call_as(STAF, "sektoral_push", id=target)
    queue = jobs.get_queue(remote.QUEUE)
    rq.SimpleWorker([queue], connection=queue.connection).work(burst=True)
    failed = rq.registry.FailedJobRegistry(queue=queue)
    assert failed.count == 1  # after the first attempt and two retries
    for job_id in failed.get_job_ids():
        failed.remove(job_id, delete_job=True)
    model.Session.expire_all()
    state = model.Session.get(PushState, target)
    assert state.attempts == attempts_before + 3
    assert state.status == "error" and "Connection" in state.error
    assert state.remote_id  # the earlier push is remembered


def test_push_refuses_unpublished_datasets_and_an_unconfigured_portal(
        demo_cycle, ckan_config, monkeypatch):
    waiting = model.Session.query(Item).filter(
        Item.stage == "disetujui").first().package_id
    with pytest.raises(tk.ValidationError) as err:
        call_as(STAF, "sektoral_push", id=waiting)
    assert "portal" in err.value.error_dict
    monkeypatch.setitem(ckan_config, "ckanext.sektoral.portal.url",
                        "http://127.0.0.1:9")
    with pytest.raises(tk.ValidationError) as err:
        call_as(STAF, "sektoral_push", id=waiting)
    assert "id" in err.value.error_dict
    assert len(jobs.get_queue(remote.QUEUE)) == 0


ROLES = [("walidata-staf", True, True), ("walidata-kasie", False, True),
         ("walidata-kadis", False, True), ("bps-malut", False, True),
         ("producer", False, False), ("anon", False, False)]


def test_who_may_push_and_see_the_push_state(demo_cycle, ckan_config,
                                             monkeypatch):
    """One demo load for every role (loading it costs ~10 s)."""
    monkeypatch.setitem(ckan_config, "ckanext.sektoral.portal.url",
                        "http://127.0.0.1:9")
    producer = factories.User()["name"]
    helpers.call_action("organization_member_create", id=demo_cycle[0].org,
                        username=producer, role="editor")
    for role, push, status in ROLES:
        user = {"producer": producer, "anon": ""}.get(role, role)
        context = {"user": user}
        for action, allowed in (("sektoral_push", push),
                                ("sektoral_push_status", status)):
            if allowed:
                assert helpers.call_auth(action, context,
                                         cycle=DEMO.cycle.code), role
            else:
                with pytest.raises(tk.NotAuthorized):
                    helpers.call_auth(action, dict(context),
                                      cycle=DEMO.cycle.code)
        if status:
            rows = helpers.call_action("sektoral_push_status", dict(context),
                                       cycle=DEMO.cycle.code)
            assert len(rows) == 2
            assert {r["status"] for r in rows} <= {"never", "queued"}
        if push:
            queued = call_as({"name": user}, "sektoral_push",
                             cycle=DEMO.cycle.code)
            assert len(queued["queued"]) == 2  # published one by one


def test_cli_publishes_and_pushes_a_cycle(demo_cycle, portal, cli,
                                          ckan_config, monkeypatch):
    from ckan.cli.cli import ckan

    monkeypatch.setitem(ckan_config, "ckanext.sektoral.portal.enabled",
                        False)

    def run(*args: str, code: int = 0) -> str:
        result = cli.invoke(ckan, ["sektoral", "publication", *args])
        assert result.exit_code == code, (result.output, result.exception)
        return result.output

    out = run("publish", DEMO.cycle.code, "--user", "walidata-staf")
    assert "Published 2 datasets" in out
    assert len(jobs.get_queue(remote.QUEUE)) == 0  # automatic push is off
    out = run("push", DEMO.cycle.code, "--sync", "--user", "walidata-staf")
    assert "5 datasets pushed" in out
    assert len(remote_datasets(portal)) == 5
    out = run("push", DEMO.cycle.code, "--user", "walidata-staf")
    assert "5 push jobs queued" in out
    run_jobs(remote.QUEUE)
    assert len(remote_datasets(portal)) == 5  # re-push: no duplicates
    out = run("status", DEMO.cycle.code)
    assert out.count("pushed") == 5
    # who may not: a Kasie may not push
    run("push", DEMO.cycle.code, "--sync", "--user", "walidata-kasie",
        code=1)
