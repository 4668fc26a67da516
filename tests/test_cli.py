"""``ckan sektoral ...`` commands, run through CKAN's ``cli`` fixture."""
from __future__ import annotations

import collections
import io
import re
from typing import Any

import pytest

from ckan import model
from ckan.cli.cli import ckan
from ckan.tests import factories, helpers

from ckanext.sektoral import demo
from ckanext.sektoral.model import Cycle, Item, Transition
from ckanext.sektoral.core import datalist
from tests.factories import CycleFactory, OpdFactory, StafUserFactory

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index", "clean_queues")

HEADER = "OPD,Judul,Satuan,Level Penyajian,Frekuensi,Urusan,Template,Catatan\n"
GOOD = (HEADER
        + "dinas-pangan,Produksi Beras,ton,Kabupaten/Kota,Tahunan,2.09,"
          "kabupaten_kota_tahunan,\n"
        + "Dinas Pangan,Harga Beras Eceran,rupiah/kg,provinsi,bulanan,"
          "2.09 Pangan,,per pasar\n")


def run(cli: Any, *args: str, code: int = 0) -> str:
    result = cli.invoke(ckan, ["sektoral", *args])
    assert result.exit_code == code, (result.exit_code, result.output,
                                      result.exception)
    return result.output


@pytest.fixture
def staf() -> dict[str, Any]:
    return StafUserFactory()


@pytest.fixture
def cycle_code(staf: dict[str, Any]) -> str:
    CycleFactory(user=staf, code="2026-S1", title="Siklus Semester I 2026",
                 start_date="2026-01-05")
    OpdFactory(name="dinas-pangan", title="Dinas Pangan")
    return "2026-S1"


def _items() -> int:
    model.Session.expire_all()
    return model.Session.query(Item).count()


def test_cycle_create_show_close_list(cli, staf):
    out = run(cli, "cycle", "create", "2026-S1", "--title",
              "Siklus Semester I 2026", "--start", "2026-01-05",
              "--user", staf["name"])
    assert "Cycle 2026-S1 created." in out
    assert "2026-01-09" in out  # step 1: 5 working days

    out = run(cli, "cycle", "show", "2026-S1")
    steps = [line for line in out.splitlines() if re.match(r"\d ", line)]
    assert [s.split()[0] for s in steps] == ["1", "2", "3", "4", "5", "6"]
    assert "2026-01-05  2026-01-09" in steps[0]
    assert "Items: 0" in out
    assert "created by: " + staf["name"] in out
    # The audit names the user given, not the site user.
    model.Session.expire_all()
    assert model.Session.query(Cycle).one().created_by == staf["name"]

    out = run(cli, "cycle", "close", "2026-S1", "-u", staf["name"])
    assert "Cycle 2026-S1 closed." in out
    out = run(cli, "cycle", "list", "--status", "closed")
    assert out.splitlines()[0].split()[:2] == ["CODE", "STATUS"]
    assert out.splitlines()[1].split()[:2] == ["2026-S1", "closed"]


def test_cycle_errors_exit_non_zero(cli, staf):
    helpers.call_action("sektoral_cycle_create", code="X-1", title="X",
                        start_date="2026-07-01")
    out = run(cli, "cycle", "create", "X-1", "--title", "X", "--start",
              "2026-07-01", code=1)
    assert "code: A cycle with this code already exists" in out
    out = run(cli, "cycle", "create", "X-2", "--title", "X", "--start",
              "2026-13-01", code=1)
    assert "start_date" in out
    assert "Not found" in run(cli, "cycle", "show", "NOPE", code=1)
    opd = factories.User()
    out = run(cli, "cycle", "create", "X-3", "--title", "X", "--start",
              "2026-07-01", "-u", opd["name"], code=1)
    assert "Not authorized: Only Walidata staff may do this" in out
    model.Session.expire_all()
    assert model.Session.query(Cycle).count() == 1


def test_import_creates_items_as_the_named_staff(cli, staf, cycle_code,
                                                tmp_path):
    factories.Organization(name="dkp", title="Dinas Kelautan dan Perikanan")
    path = tmp_path / "daftar.csv"
    path.write_text(GOOD + "dkp,Jumlah Nelayan,orang,kabupaten_kota,"
                    "tahunan,3.25,,\n", encoding="utf-8")

    out = run(cli, "import", cycle_code, str(path), "--dry-run", "-u", staf["name"])
    assert "Dry run: 3 rows are valid" in out and _items() == 0

    out = run(cli, "import", cycle_code, str(path), "-u", staf["name"])
    assert "Imported 3 items into 2026-S1." in out
    assert "Jumlah Nelayan" in out
    assert _items() == 3
    actors = {t.actor_name for t in model.Session.query(Transition)}
    assert actors == {staf["name"]}

    # --user is required: the audit log names the importer.
    run(cli, "import", cycle_code, str(path), code=2)


def test_import_with_errors_prints_each_row_and_creates_nothing(
        cli, staf, cycle_code, tmp_path):
    path = tmp_path / "daftar.csv"
    path.write_text(GOOD
                    + "dinas-pangan,Stok Beras,ton,kecamatan,harian,9.99,,\n"
                    + "dinas-entah,Jumlah Lumbung,,provinsi,tahunan,2.09,,\n",
                    encoding="utf-8")
    out = run(cli, "import", cycle_code, str(path), "-u", staf["name"], code=1)
    assert "nothing was imported" in out
    lines = [line.strip() for line in out.splitlines()]
    assert any(line.startswith("Row 4, Urusan") for line in lines), out
    assert any(line.startswith("Row 5, OPD") for line in lines), out
    assert any(line.startswith("Row 5, Satuan") for line in lines), out
    assert _items() == 0

    # Indonesian messages on request.
    out = run(cli, "--lang", "id", "import", cycle_code, str(path),
              "-u", staf["name"], code=1)
    assert "Baris 4, Urusan" in out



def test_import_template_round_trip(cli, tmp_path):
    """The templates written by the command parse back (CSV: its example
    row; XLSX: a row filled in as an OPD would, with the dropdown values)."""
    factories.Organization(name="dinkes", title="Dinas Kesehatan")
    lookup = {"Dinas Kesehatan": "dinkes"}

    csv_path = tmp_path / "daftar.csv"  # format from the extension
    assert "Wrote" in run(cli, "import-template", str(csv_path))
    result = datalist.parse_datalist(csv_path.read_bytes(), csv_path.name,
                                     lookup)
    assert result.ok, result.errors
    assert [(i.org, i.urusan) for i in result.items] == [("dinkes", "1.02")]

    xlsx_path = tmp_path / "daftar-data"
    assert "XLSX" in run(cli, "import-template", "--xlsx", str(xlsx_path))
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx_path.read_bytes()))
    # The OPD dropdown offers the portal's organizations.
    assert any(c.value == "Dinas Kesehatan"
               for row in book[datalist.SHEET_CODES].iter_rows() for c in row)
    sheet = book[datalist.SHEET_DATA]
    for col, value in enumerate(
            ["Dinas Kesehatan", "Jumlah Puskesmas", "unit", "Kabupaten/Kota",
             "Tahunan", "1.02 Kesehatan", "kabupaten_kota_tahunan", ""],
            start=1):
        sheet.cell(row=2, column=col, value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    result = datalist.parse_datalist(buffer.getvalue(), "daftar.xlsx", lookup)
    assert result.ok, result.errors
    assert [(i.org, i.judul) for i in result.items] == [
        ("dinkes", "Jumlah Puskesmas")]


def test_position_assign_list_revoke(cli):
    user = factories.User()
    out = run(cli, "position", "assign", user["name"], "kasie")
    assert f"{user['name']} holds kasie." in out
    out = run(cli, "position", "list")
    rows = [line.split() for line in out.splitlines()[1:]]
    assert [r[:2] for r in rows] == [["kasie", user["name"]]]
    out = run(cli, "position", "revoke", user["name"], "kasie")
    assert "no longer holds kasie" in out
    assert helpers.call_action("sektoral_position_list") == []
    assert "Unknown position" in run(cli, "position", "assign",
                                     user["name"], "bos", code=1)
    # Only sysadmins may assign positions (a Walidata position is not enough).
    helpers.call_action("sektoral_position_assign", user=user["name"],
                        position="staf")
    out = run(cli, "position", "assign", user["name"], "kadis",
              "-u", user["name"], code=1)
    assert "Not authorized" in out


def test_remind(cli, monkeypatch):
    notify = pytest.importorskip("ckanext.sektoral.notify")
    # The real module: nothing is due in an empty portal.
    assert "0 reminder(s) would be sent." in run(cli, "remind", "--dry-run")

    calls = []

    def fake_remind(days=5, today=None, dry_run=False):
        calls.append((days, dry_run))
        return [{"recipient": "data.dinkes@example.org",
                 "subject": "Pengingat tenggat", "items": [{}, {}]},
                {"recipient": "staf@example.org", "subject": "Pengingat",
                 "items": [{}]}]

    monkeypatch.setattr(notify, "remind", fake_remind)
    out = run(cli, "remind", "--days", "3", "--dry-run")
    assert calls == [(3, True)]
    lines = out.splitlines()
    assert lines[0] == ("[dry run] data.dinkes@example.org: Pengingat "
                        "tenggat (2 items)")
    assert lines[1] == "[dry run] staf@example.org: Pengingat (1 item)"
    assert "2 reminder(s) would be sent." in out

    # Sending for real: a mail that could not be sent fails the command
    # (cron then tells the administrator).
    def failing_remind(days=5, today=None, dry_run=False):
        return [{"recipient": "a@example.org", "subject": "S", "items": [{}],
                 "sent": True},
                {"recipient": "b@example.org", "subject": "S", "items": [],
                 "sent": False, "error": "SMTP down"}]

    monkeypatch.setattr(notify, "remind", failing_remind)
    out = run(cli, "remind", code=1)
    assert "b@example.org: S (0 items): NOT SENT: SMTP down" in out
    assert "1 reminder(s) sent." in out and "1 reminder(s) could not" in out


DEMO = demo.data()


def _designed_stages() -> dict[str, int]:
    counts = collections.Counter(i.stage for i in DEMO.items)
    return {s.value: counts.get(s.value, 0) for s in demo.SOP_STAGES}


def _object_counts() -> tuple[int, ...]:
    model.Session.expire_all()
    return (
        model.Session.query(model.Package).filter(
            model.Package.state == "active").count(),
        model.Session.query(model.Resource).filter(
            model.Resource.state == "active").count(),
        model.Session.query(model.Group).count(),
        model.Session.query(model.User).count(),
        model.Session.query(Item).count(),
        model.Session.query(Transition).count(),
        model.Session.query(Cycle).count(),
    )


def test_demo_loader(cli, app):
    out = run(cli, "demo", "--password", "Demo-Test-2026")
    designed = _designed_stages()
    assert sum(designed.values()) >= 30
    assert all(designed.values()), designed  # every stage has items
    for stage, count in designed.items():
        assert f"  {stage:<15} {count}" in out, out
    assert "bps-malut" in out and "Positions:" in out

    status = helpers.call_action("sektoral_cycle_status", id=DEMO.cycle.code)
    # every stage of the workflow is counted; the demo has none withdrawn
    assert status["stages"] == dict(designed, ditarik=0)
    assert len(status["organizations"]) == 12

    # The public sees exactly the published items.
    found = app.get("/api/3/action/package_search",
                    query_string={"rows": 100}).json["result"]
    assert found["count"] == designed["dipublikasikan"]
    titles = {d["title"] for d in found["results"]}
    assert "Jumlah Penduduk Menurut Kabupaten/Kota" in titles
    published = next(d for d in found["results"]
                     if d["title"] == "Jumlah Penduduk Menurut Kabupaten/Kota")
    assert published["resources"][0]["validation_status"] == "success"

    # A real audit log, written by the users the SOP names.
    history = helpers.call_action("sektoral_history", id=published["id"])
    assert [(h["transition"], h["actor_name"]) for h in history] == [
        ("create", "walidata-staf"), ("request", "walidata-staf"),
        ("submit", "opd-dukcapil"), ("return", "walidata-kasie"),
        ("submit", "opd-dukcapil"), ("accept", "walidata-kasie"),
        ("process", "walidata-staf"), ("draft", "walidata-staf"),
        ("check", "walidata-kabid"), ("approve", "walidata-kadis"),
        ("publish", "walidata-staf")]
    assert history[3]["note"]
    returned = model.Session.query(Transition).filter(
        Transition.transition == "return").all()
    assert returned and all(t.note for t in returned)

    # Validation reports: successes, and the one file meant to fail.
    from ckanext.validation.model import Validation

    statuses = collections.Counter(
        r[0] for r in model.Session.query(Validation.status))
    assert statuses["failure"] == 1
    assert statuses["success"] == sum(
        1 for i in DEMO.items if i.needs_file and not i.bad_file)

    # Organizations carry the OPD fields.
    org = helpers.call_action("organization_show", id="dinkes-malut")
    assert org["singkatan"] == "Dinkes" and org["bidang_urusan"] == ["1.02"]
    assert org["kontak_email"].endswith("@demo.sektoral.local")
    positions = {(p["user"], p["position"]) for p in
                 helpers.call_action("sektoral_position_list")}
    assert positions == {("walidata-staf", "staf"),
                         ("walidata-kasie", "kasie"),
                         ("walidata-kabid", "kabid"),
                         ("walidata-kadis", "kadis"),
                         ("bps-malut", "pembina")}

    # Twice: nothing duplicated.
    before = _object_counts()
    out = run(cli, "demo")
    assert "exists already" in out
    assert _object_counts() == before


def test_demo_reset_cycle_loads_it_again(cli, monkeypatch):
    # A small cycle keeps this test fast: the loader is the same.
    few = DEMO.only(i for i in DEMO.items
                    if i.title.startswith(("Jumlah Penduduk", "Jumlah Nelayan",
                                           "Ketersediaan")))
    monkeypatch.setattr(demo, "data", lambda path=None: few)
    run(cli, "demo")
    first = _object_counts()
    old_ids = {i.package_id for i in model.Session.query(Item)}
    out = run(cli, "demo", "--reset-cycle")
    assert f"Cycle {DEMO.cycle.code}: 3 items" in out
    assert _object_counts() == first
    model.Session.expire_all()
    assert not old_ids & {i.package_id for i in model.Session.query(Item)}


def test_demo_without_its_data_files_says_where_to_find_them(cli, tmp_path):
    out = run(cli, "demo", "--data", str(tmp_path / "nowhere"), code=1)
    assert "no demo data in" in out and "SEKTORAL_DEMO_DATA" in out
    assert model.Session.query(Cycle).count() == 0
