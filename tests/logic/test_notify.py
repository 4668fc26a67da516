"""E-mail notifications: one mail job per workflow event, and the daily
reminder (real PostgreSQL and Redis; SMTP caught by ``mail_server``)."""
from __future__ import annotations

import datetime as dt
import email
import email.policy
import logging
from typing import Any

import pytest
import rq
from sqlalchemy import event

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import jobs, mailer
from ckan.tests import helpers

from ckanext.sektoral import config, notify
from ckanext.sektoral.logic import service
from ckanext.sektoral.model import Cycle, Transition
from tests.factories import (CycleFactory, ItemFactory, OpdEditorFactory,
                             OpdFactory, positioned, run_jobs)

pytestmark = pytest.mark.usefixtures("clean_queues")

TODAY = dt.date(2026, 3, 2)
CONTACT = "kontak.data@dinas.example"


# -- set-up -------------------------------------------------------------------

@pytest.fixture(scope="module")
def world(clean_db_module):
    users = positioned("staf", "kasie", "kabid", "kadis")
    # Created by the site user (an admin without an e-mail).
    org = OpdFactory(title="Dinas Kependudukan", kontak_email=CONTACT,
                     kontak_nama="Kontak Data Dukcapil")
    for capacity in ("editor", "admin", "member"):
        users[capacity] = OpdEditorFactory(organization=org,
                                           capacity=capacity)
    empty = OpdFactory(title="Dinas Tanpa Kontak")
    CycleFactory(user=users["staf"], code="N-1", title="Notifikasi",
                 start_date="2026-01-05")
    return {"users": users, "org": org, "empty": empty,
            "email": {r: u["email"] for r, u in users.items()}}


@pytest.fixture(autouse=True)
def hooked(monkeypatch, frozen_clock):
    """Pin today."""
    frozen_clock.set_today(TODAY)
    # The completeness gate is tested elsewhere; here items have no files.
    monkeypatch.setattr(service, "_submit_gate", lambda context, pid: None)


def _item(world: dict, stage: str, org: str = "org",
          title: str = "Jumlah Penduduk Menurut Kabupaten/Kota") -> str:
    return ItemFactory(user=world["users"]["staf"], cycle="N-1",
                       owner_org=world[org], title=title, stage=stage)["id"]


def _act(world: dict, role: str, name: str, item_id: str,
         note: str = "") -> dict[str, Any]:
    return helpers.call_action(
        "sektoral_" + name, {"user": world["users"][role]["name"]},
        id=item_id, note=note)


def _messages(mail_server) -> list[dict[str, Any]]:
    out = []
    for _, _sender, to, raw in mail_server.get_smtp_messages():
        msg = email.message_from_string(raw, policy=email.policy.default)
        out.append({"to": to if isinstance(to, str) else to[0],
                    "subject": str(msg["Subject"]),
                    "body": msg.get_body(("plain",)).get_content()})
    return out


@pytest.fixture
def notify_log(caplog, monkeypatch):
    """Records of the notify logger (test.ini: ``ckanext`` does not
    propagate to the root logger that ``caplog`` listens to, and loading
    the logging configuration disables loggers created before it)."""
    logger = logging.getLogger("ckanext.sektoral.notify")
    monkeypatch.setattr(logger, "disabled", False)
    logger.addHandler(caplog.handler)
    caplog.handler.setLevel(logging.WARNING)
    yield caplog
    logger.removeHandler(caplog.handler)


def _queued() -> list[rq.job.Job]:
    return jobs.get_queue(notify.QUEUE).jobs


# -- one mail job per event ---------------------------------------------------

OPD = {CONTACT, "editor", "admin"}  # the member and the site user: no mail

EVENTS = [
    # transition, stage before, actor, recipients, subject start, body text
    ("request", "direncanakan", "staf", OPD, "Permintaan data sektoral",
     "menyampaikan data dan metadata"),
    ("submit", "diminta", "editor", {"kasie", "staf"}, "Data masuk dari",
     "telah mengirimkan data"),
    ("return", "dikirim", "kasie", OPD, "Data dikembalikan",
     "Lengkapi definisi operasional."),
    ("accept", "dikirim", "kasie", OPD, "Data diterima", "diterima lengkap"),
    ("draft", "diolah", "staf", {"kabid"}, "Draf laporan menunggu pemeriksaan",
     "menunggu pemeriksaan Anda"),
    ("check", "dalam_laporan", "kabid", {"kadis"},
     "Draf laporan menunggu persetujuan", "menunggu persetujuan Anda"),
    ("return_report", "diperiksa", "kadis", {"staf"},
     "Draf laporan dikembalikan", "Perbaiki tabel 3."),
    ("publish", "disetujui", "staf", OPD, "Data dipublikasikan",
     "dapat diakses"),
]
NOTES = {"return": "Lengkapi definisi operasional.",
         "return_report": "Perbaiki tabel 3."}


@pytest.mark.parametrize("name,stage,actor,to,subject,text", EVENTS,
                         ids=[e[0] for e in EVENTS])
def test_event_mails_the_right_people(world, mail_server, name, stage, actor,
                                      to, subject, text):
    item_id = _item(world, stage)
    row = _act(world, actor, name, item_id, NOTES.get(name, ""))

    queued = _queued()
    assert len(queued) == 1
    assert queued[0].func is notify.send_transition_mail
    assert queued[0].args == (row["id"],) or queued[0].args == [row["id"]]
    assert queued[0].meta["title"].startswith("sektoral:")
    assert run_jobs(notify.QUEUE) == 1

    expected = {world["email"].get(r, r) for r in to}
    messages = _messages(mail_server)
    assert sorted(m["to"] for m in messages) == sorted(expected)
    pkg = model.Package.get(item_id)
    for m in messages:
        assert m["subject"].startswith("[Portal Satu Data (test)] " + subject)
        assert pkg.title in m["subject"]
        assert text in m["body"]
        assert "Jumlah Penduduk Menurut Kabupaten/Kota" in m["body"]
        assert f"http://test.ckan.net/dataset/{pkg.name}" in m["body"]
        assert "Dinas Kependudukan" in m["body"]
        assert "&#" not in m["body"] and "&amp;" not in m["body"]
    if name != "publish":  # a published item has no deadline any more
        info = service.item_info(item_id)
        assert "Tenggat" in messages[0]["body"]
        assert f"sisa {info['working_days_left']} hari kerja" in \
            messages[0]["body"]


def test_return_mail_content(world, mail_server):
    item_id = _item(world, "dikirim")
    _act(world, "kasie", "return", item_id, "Satuan belum diisi; lihat KBLI.")
    run_jobs(notify.QUEUE)
    body = _messages(mail_server)[0]["body"]
    # the note verbatim (no HTML escaping), the stage in Indonesian, the
    # due date of step 2 with the working days left on the pinned day
    assert "Catatan:\nSatuan belum diisi; lihat KBLI." in body
    assert "Tahap   : Dikembalikan" in body
    info = service.item_info(item_id)
    due = dt.date.fromisoformat(info["due"])
    assert info["working_days_left"] == config.calendar().working_days_between(
        TODAY, due)
    assert f"Tenggat : {due.day} " in body
    assert "Yth. " in body and "Mohon tidak membalas" in body


@pytest.mark.parametrize("name,stage,actor", [
    ("process", "diterima", "staf"), ("approve", "diperiksa", "kadis")])
def test_events_without_mail_enqueue_nothing(world, name, stage, actor):
    _act(world, actor, name, _item(world, stage))
    assert _queued() == []


def test_no_contacts_no_mail(world, mail_server, notify_log):
    item_id = _item(world, "direncanakan", org="empty")
    _act(world, "staf", "request", item_id)
    assert run_jobs(notify.QUEUE) == 1
    assert mail_server.get_smtp_messages() == []
    assert "nobody to notify" in notify_log.text
    assert "no data contact e-mail" in notify_log.text


def test_the_actor_is_not_notified(world, mail_server):
    # the OPD admin is also a data contact; the editor acts: the admin and
    # the contact get the mail, the editor does not
    item_id = _item(world, "diminta")
    recipients = notify.recipients_for(
        "request", world["org"]["id"],
        model.User.get(world["users"]["editor"]["name"]).id)
    assert {r.email for r in recipients} == {CONTACT,
                                             world["email"]["admin"]}
    assert item_id


def test_mail_failure_does_not_undo_the_transition(world, mail_server,
                                                   monkeypatch):
    calls = []

    def broken(*args: Any, **kwargs: Any) -> None:
        calls.append(args[1])
        raise mailer.MailerException("SMTP down")

    monkeypatch.setattr(mailer, "mail_recipient", broken)
    item_id = _item(world, "dikirim")
    row = _act(world, "kasie", "accept", item_id)
    assert row["to_stage"] == "diterima"
    assert service.get_item(item_id).stage == "diterima"

    queue = jobs.get_queue(notify.QUEUE)
    (job,) = queue.jobs
    rq.SimpleWorker([queue], connection=queue.connection).work(burst=True)
    failed = rq.registry.FailedJobRegistry(queue=queue)
    try:
        assert failed.get_job_ids() == [job.id]
        job.refresh()
        assert "SMTP down" in job.exc_info
        # one attempt and RETRIES retries, each trying all three addresses
        assert len(calls) == 3 * (1 + notify.RETRIES)
    finally:
        for job_id in failed.get_job_ids():
            failed.remove(job_id, delete_job=True)
    model.Session.remove()
    assert service.get_item(item_id).stage == "diterima"
    assert model.Session.query(Transition).filter(
        Transition.package_id == item_id,
        Transition.transition == "accept").count() == 1


def test_retry_skips_addresses_already_mailed(world, mail_server,
                                              monkeypatch):
    original = mailer.mail_recipient
    failed_once: set[str] = set()
    flaky = world["email"]["admin"]

    def sometimes(name, address, *args: Any, **kwargs: Any) -> None:
        if address == flaky and address not in failed_once:
            failed_once.add(address)
            raise mailer.MailerException("temporary failure")
        original(name, address, *args, **kwargs)

    monkeypatch.setattr(mailer, "mail_recipient", sometimes)
    _act(world, "staf", "request", _item(world, "direncanakan"))
    assert run_jobs(notify.QUEUE) == 1
    assert sorted(m["to"] for m in _messages(mail_server)) == sorted(
        [CONTACT, world["email"]["editor"], flaky])


def test_enqueue_failure_is_logged_not_raised(world, monkeypatch,
                                              notify_log):
    def down(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(tk, "enqueue_job", down)
    item_id = _item(world, "direncanakan")
    row = _act(world, "staf", "request", item_id)
    assert row["to_stage"] == "diminta"
    assert service.get_item(item_id).stage == "diminta"
    assert "could not enqueue" in notify_log.text


# -- reminders ----------------------------------------------------------------

@pytest.fixture(scope="module")
def reminders(world):
    """Cycle R-1 (open) and R-0 (closed); every other cycle closed."""
    staf = world["users"]["staf"]
    org = OpdFactory(
        title="Dinas Pangan", kontak_email="data@pangan.example",
        users=[{"name": world["users"]["editor"]["name"],
                "capacity": "editor"}])
    for code in ("R-1", "R-0"):
        CycleFactory(user=staf, code=code, title=code,
                     start_date="2026-01-05")
    ids: dict[str, str] = {}
    for key, cycle, stage, owner in [
            ("requested", "R-1", "diminta", org),
            ("returned", "R-1", "dikembalikan", org),
            ("accepted", "R-1", "diterima", org),
            ("planned", "R-1", "direncanakan", org),
            ("submitted", "R-1", "dikirim", org),
            ("processed", "R-1", "diolah", org),
            ("in_report", "R-1", "dalam_laporan", org),
            ("checked", "R-1", "diperiksa", org),
            ("published", "R-1", "dipublikasikan", org),
            ("closed_cycle", "R-0", "diminta", org),
            ("no_contact", "R-1", "diminta", world["empty"])]:
        ids[key] = ItemFactory(user=staf, cycle=cycle, owner_org=owner,
                               title="Data " + key, stage=stage)["id"]
    model.Session.query(Cycle).filter(Cycle.code != "R-1").update(
        {"status": "closed"})
    model.Session.commit()
    steps = service.cycle_schedule(service.get_cycle("R-1"))
    return {"org": org, "ids": ids, "due": {s.step: s.due for s in steps}}


def _working_days_before(day: dt.date, n: int) -> dt.date:
    """The day from which ``day`` is the n-th working day (inclusive)."""
    calendar = config.calendar()
    assert calendar.is_working_day(day)
    count = 1
    while count < n:
        day -= dt.timedelta(days=1)
        if calendar.is_working_day(day):
            count += 1
    return day


def _groups(results: list[dict]) -> dict[str, set[str]]:
    groups: dict[str, set[str]] = {}
    for r in results:
        titles = {i["title"] for i in r["items"]}
        assert groups.setdefault(r["group"], titles) == titles
    return groups


def test_remind_due_soon_and_late(world, reminders, mail_server):
    due2 = reminders["due"][2]
    on = _working_days_before(due2, 5)  # due2 is the 5th working day
    assert config.calendar().working_days_between(on, due2) == 5
    assert (due2 - on).days > 5  # weekends (and holidays) do not count

    results = notify.remind(days=5, today=on)
    groups = _groups(results)
    org = reminders["org"]["name"]
    assert groups == {
        org: {"Data requested", "Data returned"},  # step 2, 5 days left
        "kasie": {"Data submitted"},                # step 2, 5 days left
        "staf": {"Data planned"},                    # step 1, late
    }
    opd_mails = [r for r in results if r["group"] == org]
    assert sorted(r["recipient"] for r in opd_mails) == sorted(
        ["data@pangan.example", world["email"]["editor"]])
    # no kontak_nama: the contact is greeted by the organization's title
    assert {r["name"] for r in opd_mails if r["recipient"].startswith(
        "data@")} == {"Kontak Data Dinas Pangan"}
    assert all(r["sent"] for r in results)
    planned = next(r for r in results if r["group"] == "staf")["items"][0]
    assert planned["late"] is True
    assert planned["working_days_left"] == -config.calendar(
    ).working_days_between(reminders["due"][1] + dt.timedelta(days=1), on)

    messages = {m["to"]: m for m in _messages(mail_server)}
    assert len(mail_server.get_smtp_messages()) == len(results)
    body = messages["data@pangan.example"]["body"]
    assert "Data requested" in body and "Data returned" in body
    assert "sisa 5 hari kerja" in body and "Dinas Pangan" in body
    assert "Data accepted" not in body and "Data closed_cycle" not in body
    assert "Pengingat tenggat" in messages["data@pangan.example"]["subject"]
    staf_body = messages[world["email"]["staf"]]["body"]
    assert "terlambat" in staf_body and "Data planned" in staf_body

    # one working day earlier: step 2 is 6 working days away
    earlier = _working_days_before(due2, 6)
    assert _groups(notify.remind(days=5, today=earlier, dry_run=True)) == {
        "staf": {"Data planned"}}


def test_remind_approver_chain_and_dry_run(world, reminders, mail_server):
    on = reminders["due"][5]  # the last day of step 5
    results = notify.remind(days=1, today=on, dry_run=True)
    groups = _groups(results)
    assert groups["kabid"] == {"Data in_report"}
    assert groups["kadis"] == {"Data checked"}
    assert groups["kasie"] == {"Data submitted"}
    assert groups["staf"] == {"Data planned", "Data accepted",
                              "Data processed"}
    assert groups[reminders["org"]["name"]] == {"Data requested",
                                                "Data returned"}
    assert all(not r["sent"] for r in results)
    assert all(r["subject"] for r in results)
    assert mail_server.get_smtp_messages() == []  # dry run: nothing sent


def test_remind_uses_a_bounded_number_of_queries(world, reminders,
                                                 mail_server):
    statements = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    engine = model.meta.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        results = notify.remind(days=1, today=reminders["due"][5],
                                dry_run=True)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert sum(len(r["items"]) for r in results) >= 9
    assert len(statements) <= 6, statements
