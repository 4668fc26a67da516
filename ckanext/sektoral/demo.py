"""Demo loader of the single-machine portal.

The data (organizations, users, the cycle and its items) are files of the
checkout's ``demo/`` folder, outside the runtime package: the wheel does
not ship them. :func:`data` reads them (``$SEKTORAL_DEMO_DATA`` or a
``path`` names another folder); this module only loads them:

* :func:`seed` (``ckan sektoral seed-demo``): the OPD of Pemprov Maluku
  Utara with their SDI organization fields, one user per role, and the
  Walidata / Pembina positions.
* :func:`load_cycle` (``ckan sektoral demo``, after :func:`seed`): the
  demo cycle (``2026-S1``) with 36 items of 12 OPD spread over every stage
  of the SOP. Items are created by importing a data list, and moved
  through the workflow only by the real actions, called as the user the
  SOP names for each step (staff requests, the OPD fills the metadata,
  uploads a data file and submits, the Kasie returns or accepts, staff
  process and draft, the Kabid checks, the Kadis approves, staff
  publish): the audit log, the activity streams, the validation reports
  and the search index are the ones real use produces.

Idempotent: every object of :func:`seed` is looked up first and created or
completed only when missing; :func:`load_cycle` does nothing when the
cycle exists, unless ``reset=True``, which first deletes the cycle's
datasets, files, validation reports, items and audit rows.

All data values are made up (plausible orders of magnitude for Maluku
Utara, not official figures); each dataset says so in its description.
"""
from __future__ import annotations

import contextlib
import csv
import dataclasses
import datetime as dt
import functools
import io
import json
import logging
import os
import pathlib
import random
import re
import time
from typing import Any, Iterable, Iterator, Optional, Union

import ckan.plugins.toolkit as tk
import flask
import flask_login
import rq
from ckan import model
from ckan.common import g
from ckan.lib import jobs, uploader
from werkzeug.datastructures import FileStorage

from ckanext.sektoral import notify

from ckanext.sektoral.core import codes, tables
from ckanext.sektoral import config as sektoral_config
from ckanext.sektoral.documents import demo as documents_demo
from ckanext.sektoral.logic.context import site_context, site_user
from ckanext.sektoral.model import Cycle, Item, Release, Transition
from ckanext.sektoral.core import stages
from ckanext.sektoral.core.stages import Stage

from ckanext.sektoral.core import formatting

log = logging.getLogger(__name__)

#: Environment variable naming the folder of the demo data files.
DATA_ENV = "SEKTORAL_DEMO_DATA"

#: The checkout's demo data (the folder next to ``ckanext/``).
DEFAULT_DATA_DIR = pathlib.Path(__file__).resolve().parents[2] / "demo"


class DemoDataError(Exception):
    """The demo data files are missing or wrong."""


# -- the data -------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class DemoOrg:
    """One OPD with the fields of the ``opd`` organization schema."""

    name: str
    title: str
    description: str
    singkatan: str = ""
    kode_opd: str = ""
    jenis_opd: str = "dinas"
    bidang_urusan: tuple[str, ...] = ()
    peran_sdi: tuple[str, ...] = ("produsen_data",)
    telepon: str = ""
    address: str = ""
    email_domain: str = ""

    def fields(self) -> dict[str, Any]:
        """The organization dict for ``organization_create``/``_patch``."""
        slug = self.singkatan.lower().replace(" ", "")
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "kode_opd": self.kode_opd,
            "singkatan": self.singkatan,
            "nama_resmi": self.title,
            "jenis_opd": self.jenis_opd,
            "bidang_urusan": list(self.bidang_urusan),
            "peran_sdi": list(self.peran_sdi),
            "kontak_nama": f"Pengelola Data {self.singkatan}",
            "kontak_jabatan": "Operator Data Sektoral",
            "kontak_email": f"data.{slug}@{self.email_domain}",
            "kontak_telepon": self.telepon,
            "alamat": self.address,
        }


@dataclasses.dataclass(frozen=True)
class DemoUser:
    name: str
    fullname: str
    role: str  # what the person does in the demo (shown to the operator)
    org: Optional[str] = None  # organization the user is a member of
    capacity: str = "editor"
    sysadmin: bool = False
    position: Optional[str] = None  # Walidata / Pembina position


#: Stages of the six SOP steps, in SOP order (the summary's order):
#: every stage a transition of the default chain leads to, and the first.
SOP_STAGES: tuple[Stage, ...] = tuple(
    s for s in Stage
    if s is Stage.PLANNED
    or s in {t.target for t in stages.transitions().values()})


@dataclasses.dataclass(frozen=True)
class DemoItem:
    """One item of the demo data list and how far it goes."""

    org: str
    title: str
    satuan: str
    template: str
    urusan: str
    stage: str  # a Stage value of SOP_STAGES
    sektor: str
    definisi: str
    #: ``count``: the province total ``base`` shared out by population;
    #: ``rate``: ``base`` plus each region's offset times ``spread``.
    kind: str = "count"
    base: float = 1000.0
    decimals: int = 0
    growth: float = 0.03
    spread: float = 1.0
    cara: str = "3"
    metode: tuple[str, ...] = ("data_sekunder",)
    frekuensi: str = "tahunan"
    konsep: str = ""
    #: Note of the Kasie's return (stage ``dikembalikan``).
    return_note: str = ""
    #: Returned once and resubmitted before going further (history).
    returned_once: str = ""
    #: Sent back by the checker after drafting (history).
    report_returned: str = ""
    #: BPS symbols replacing values: ``{(region code, year): symbol}``.
    symbols: tuple[tuple[int, int, str], ...] = ()
    #: Upload a data file that fails validation (and do not submit).
    bad_file: bool = False
    #: Fill the metadata (not for items the OPD has not started on).
    metadata: bool = True
    tags: tuple[str, ...] = ()

    @property
    def level(self) -> str:
        return ("provinsi" if self.template.startswith("provinsi")
                else "kabupaten_kota")

    @property
    def years(self) -> tuple[int, int]:
        return (2019, 2025) if self.level == "provinsi" else (2023, 2025)

    @property
    def needs_file(self) -> bool:
        return self.bad_file or (SOP_STAGES.index(Stage(self.stage))
                                 >= SOP_STAGES.index(Stage.SUBMITTED))


@dataclasses.dataclass(frozen=True)
class DemoCycle:
    code: str
    title: str
    start_date: dt.date
    notes: str = ""


@dataclasses.dataclass(frozen=True)
class DemoData:
    """The demo, as read from its folder by :func:`data`."""

    walidata_org: str
    email_domain: str
    cycle: DemoCycle
    orgs: tuple[DemoOrg, ...]
    users: tuple[DemoUser, ...]
    items: tuple[DemoItem, ...]
    #: BPS code of each kabupaten/kota -> (share of the province's
    #: population, offset of rate indicators from the province value).
    regions: dict[int, tuple[float, float]]

    def only(self, items: Iterable[DemoItem]) -> "DemoData":
        """A smaller demo: ``items``, the Walidata and their OPD, and the
        users of those organizations (and those of none)."""
        items = tuple(items)
        names = {self.walidata_org} | {i.org for i in items}
        return dataclasses.replace(
            self, items=items,
            orgs=tuple(o for o in self.orgs if o.name in names),
            users=tuple(u for u in self.users
                        if u.org is None or u.org in names))


def data_dir(path: Union[str, os.PathLike[str], None] = None) -> pathlib.Path:
    """The folder of the demo data: ``path``, else ``$SEKTORAL_DEMO_DATA``,
    else the checkout's ``demo/``."""
    return pathlib.Path(path or os.environ.get(DATA_ENV) or DEFAULT_DATA_DIR)


def data(path: Union[str, os.PathLike[str], None] = None) -> DemoData:
    """The demo data of :func:`data_dir` (read once per folder)."""
    return _read(data_dir(path).resolve())


@functools.lru_cache(maxsize=4)
def _read(folder: pathlib.Path) -> DemoData:
    if not (folder / "portal.json").is_file():
        raise DemoDataError(
            f"no demo data in {folder} (the demo/ folder of a checkout; "
            f"set ${DATA_ENV} or --data to its path)")
    try:
        portal = json.loads((folder / "portal.json").read_text("utf-8"))
        cycle = portal["cycle"]
        orgs = tuple(
            DemoOrg(**dict(o, bidang_urusan=tuple(o.get("bidang_urusan", ())),
                           peran_sdi=tuple(o.get("peran_sdi", ("produsen_data",))),
                           address=portal["address"],
                           email_domain=portal["email_domain"]))
            for o in json.loads((folder / "organizations.json")
                                .read_text("utf-8")))
        with open(folder / "users.csv", encoding="utf-8", newline="") as f:
            users = tuple(
                DemoUser(name=r["name"], fullname=r["fullname"],
                         role=r["role"], org=r["org"] or None,
                         capacity=r["capacity"] or "editor",
                         sysadmin=r["sysadmin"] == "yes",
                         position=r["position"] or None)
                for r in csv.DictReader(f))
        with open(folder / "regions.csv", encoding="utf-8", newline="") as f:
            regions = {int(r["kode_bps"]): (float(r["population_share"]),
                                            float(r["rate_offset"]))
                       for r in csv.DictReader(f)}
        items = tuple(_item(i) for i in json.loads(
            (folder / "items.json").read_text("utf-8")))
        return DemoData(
            walidata_org=portal["walidata_org"],
            email_domain=portal["email_domain"],
            cycle=DemoCycle(cycle["code"], cycle["title"],
                            dt.date.fromisoformat(cycle["start_date"]),
                            cycle.get("notes", "")),
            orgs=orgs, users=users, items=items, regions=regions)
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise DemoDataError(f"demo data in {folder}: {err!r}") from err


def _item(raw: dict[str, Any]) -> DemoItem:
    fields = dict(raw)
    if Stage(fields["stage"]) not in SOP_STAGES:
        raise ValueError(f"stage {fields['stage']!r} of {fields['title']!r}")
    for name in ("metode", "tags"):
        if name in fields:
            fields[name] = tuple(fields[name])
    fields["symbols"] = tuple(
        (int(s["kode_bps"]), int(s["tahun"]), s["symbol"])
        for s in fields.get("symbols", ()))
    return DemoItem(**fields)


def _site_user() -> str:
    return site_user()


def _context() -> dict[str, Any]:
    return site_context()


def _show(action: str, id_: str) -> Optional[dict[str, Any]]:
    try:
        return tk.get_action(action)(_context(), {"id": id_})
    except tk.ObjectNotFound:
        return None


def seed(password: str, demo: Optional[DemoData] = None) -> list[DemoUser]:
    """Create the demo organizations, users, memberships and positions if
    missing; complete the SDI fields of organizations created by an
    earlier version. Returns the demo users (created now or before)."""
    demo = demo or data()
    for org in demo.orgs:
        existing = _show("organization_show", org.name)
        if existing is None:
            tk.get_action("organization_create")(_context(), org.fields())
            log.info("created organization %s", org.name)
        elif not existing.get("kode_opd"):
            tk.get_action("organization_patch")(
                _context(), dict(org.fields(), id=existing["id"]))
            log.info("completed organization %s", org.name)
    for user in demo.users:
        if _show("user_show", user.name) is None:
            tk.get_action("user_create")(_context(), {
                "name": user.name,
                "fullname": user.fullname,
                "email": f"{user.name}@{demo.email_domain}",
                "password": password,
            })
            log.info("created user %s", user.name)
        if user.sysadmin:
            _make_sysadmin(user.name)
        if user.org:
            tk.get_action("organization_member_create")(_context(), {
                "id": user.org,
                "username": user.name,
                "role": user.capacity,
            })
        if user.position:
            tk.get_action("sektoral_position_assign")(_context(), {
                "user": user.name, "position": user.position})
    return list(demo.users)


def _make_sysadmin(name: str) -> None:
    obj = model.User.get(name)
    if obj is not None and not obj.sysadmin:
        obj.sysadmin = True
        model.Session.commit()


@dataclasses.dataclass
class LoadResult:
    cycle: str
    skipped: bool
    total: int = 0
    stages: dict[str, int] = dataclasses.field(default_factory=dict)


# -- numbers and data files -------------------------------------------------------

def angka_id(value: float, decimals: int) -> str:
    """Indonesian number format: ``1.234,56``."""
    return formatting.number(value, "id", decimals=decimals)


def _value(item: DemoItem, rng: random.Random, share: float, offset: float,
           year_index: int) -> float:
    trend = (1 + item.growth) ** year_index
    noise = 1 + rng.uniform(-0.03, 0.03)
    if item.kind == "rate":
        return (item.base + offset * item.spread) * trend * noise
    return item.base * share * trend * noise


def data_csv(item: DemoItem, bad: bool = False,
             profile: Optional[dict[int, tuple[float, float]]] = None) -> bytes:
    """A data file of ``item`` in the columns of its Table Schema template
    (BPS codes of ``schemas/codes/wilayah.csv``; Indonesian number format
    for ``*_angka_id`` templates; BPS symbols where ``item.symbols`` says).
    ``bad``: a file with two mistakes an OPD makes (an abbreviated region
    name, a note in a number cell) that validation must reject.
    ``profile``: the population share and rate offset of each regency
    (default: those of :func:`data`)."""
    if profile is None:
        profile = data().regions
    shipped = codes.shipped_dir()
    prov = codes.province(shipped)
    prov_code, prov_name = int(prov.extra["kode_bps"]), prov.label("id")
    descriptor = tables.load(item.template)
    header = [f["name"] for f in descriptor["fields"]]
    indonesian = item.template.endswith(tables.INDONESIAN_SUFFIX)
    symbols = {(code, year): symbol for code, year, symbol in item.symbols}
    rng = random.Random(item.title)
    first, last = item.years
    if item.level == "provinsi":
        regions = [(prov_code, prov_name, 1.0, 0.0)]
    else:
        regions = [(int(r.extra["kode_bps"]), r.label("id"),
                    *profile[int(r.extra["kode_bps"])])
                   for r in codes.regencies(shipped)]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for year in range(first, last + 1):
        for code, name, share, offset in regions:
            value = _value(item, rng, share, offset, year - first)
            cell = (angka_id(value, item.decimals) if indonesian
                    else f"{value:.{item.decimals}f}")
            cell = symbols.get((code, year), cell)
            row = {"kode_provinsi": prov_code, "nama_provinsi": prov_name,
                   "kode_kabupaten_kota": code, "nama_kabupaten_kota": name,
                   "nilai": cell, "satuan": item.satuan, "tahun": year}
            if bad and year == first and code == regions[0][0]:
                row["nama_kabupaten_kota"] = "Kab. Halbar"
                row["nilai"] = "belum ada"
            writer.writerow([row[h] for h in header])
    return out.getvalue().encode("utf-8")


def _metadata(item: DemoItem, org: DemoOrg) -> dict[str, Any]:
    first, last = item.years
    fields: dict[str, Any] = {
        "notes": (f"{item.title}, Provinsi Maluku Utara {first}-{last}. "
                  f"{item.definisi}\n\nData contoh portal demo, bukan angka "
                  f"resmi."),
        "frekuensi_penerbitan": item.frekuensi,
        "tahun_awal": str(first),
        "tahun_akhir": str(last),
        "definisi": item.definisi,
        "cara_pengumpulan_data": item.cara,
        "metode_pengumpulan_data": list(item.metode),
        "sektor_kegiatan": item.sektor,
        "klasifikasi_akses": "publik",
        "status_angka": "sementara",  # the last year is preliminary
        "maintainer": f"Pengelola Data {org.singkatan}",
        "maintainer_email": org.fields()["kontak_email"],
    }
    if item.tags:
        fields["tags"] = [{"name": t} for t in item.tags]
    if item.konsep and not item.returned_once:
        fields["konsep"] = item.konsep
    return fields


# -- acting as a user -------------------------------------------------------------

@contextlib.contextmanager
def logged_in(user_name: str) -> Iterator[None]:
    """Run the block in a fresh Flask request (and app) context where
    ``user_name`` is the logged-in user.

    Why: ckanext-validation 2.2.0's ``resource_validation_run`` (called by
    ``resource_create`` to enqueue the validation job) reads the resource
    with ``resource_show({}, ...)``: an empty context, which CKAN fills
    with ``g.user`` (``ckan.logic._prepopulate_context``). Outside a web
    request that is anonymous, and anonymous may not read the resource of
    a *private* dataset, so every upload to an unpublished item would fail
    from the command line. Uploading as the OPD user "logged in" in a test
    request context is what the web form does; no auth is bypassed and
    the compat layer stays untouched. A new app context gives the block
    its own ``g``, so nothing leaks to the caller's context.
    """
    app = flask.current_app._get_current_object()  # type: ignore[attr-defined]
    user = model.User.get(user_name)
    lang = (flask.request.environ.get("CKAN_LANG")
            if flask.has_request_context() else None)
    with app.app_context(), app.test_request_context(
            environ_base={"CKAN_LANG": lang} if lang else None):
        g.user = user.name
        g.userobj = user
        flask_login.login_user(user)
        yield


@contextlib.contextmanager
def _quiet(*loggers: str) -> Iterator[None]:
    """Silence the named loggers in the block (below CRITICAL)."""
    saved = [(logging.getLogger(n), logging.getLogger(n).level)
             for n in loggers]
    for logger, _ in saved:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for logger, level in saved:
            logger.setLevel(level)


# -- the loader --------------------------------------------------------------------

class _Runner:
    """Calls actions as the demo users (auth checked)."""

    def __init__(self, demo: DemoData,
                 chain: Optional[stages.ApprovalChain] = None) -> None:
        self.chain = chain or sektoral_config.approval_chain()
        self.table = stages.transitions(self.chain)
        self.holders = {u.position: u.name for u in demo.users if u.position}
        self.staf = self.holders[stages.Position.STAF.value]
        self.producers = {u.org: u.name for u in demo.users
                          if u.role == stages.PRODUCER}

    @staticmethod
    def call(user: str, action: str, **data: Any) -> Any:
        return tk.get_action(action)({"user": user}, data)

    def actor(self, transition: str, item: DemoItem, stage: Stage) -> str:
        """The demo user the SOP names for ``transition`` at ``stage``."""
        needed = stages.required_actor(self.table[transition], stage,
                                       self.chain)
        if needed == stages.PRODUCER:
            return self.producers[item.org]
        return self.holders[needed]

    def path(self, target: Stage) -> list[str]:
        """The transitions that bring a new item to ``target`` (the
        shortest way through the chain's transition table)."""
        paths: dict[Stage, list[str]] = {Stage.PLANNED: []}
        frontier = [Stage.PLANNED]
        while frontier and target not in paths:
            reached = []
            for stage in frontier:
                for t in self.table.values():
                    if stage in t.sources and t.target not in paths:
                        paths[t.target] = paths[stage] + [t.name]
                        reached.append(t.target)
            frontier = reached
        return paths[target]

    def steps(self, item: DemoItem) -> list[str]:
        """The transitions of ``item`` after its request letter. Under a
        chain without a checker, an item meant to be checked stops where
        the approver acts (the draft report)."""
        target = Stage(item.stage)
        reachable = {Stage.PLANNED} | {t.target for t in self.table.values()}
        if target not in reachable:
            target = Stage.IN_REPORT
        return [s for s in self.path(target) if s != "request"]  # sent already


def load_cycle(reset: bool = False,
               demo: Optional[DemoData] = None) -> LoadResult:
    """Create the demo cycle with its items at every stage (needs
    :func:`seed` first). Does nothing if the cycle exists, unless
    ``reset``: then the cycle is deleted and loaded again."""
    demo = demo or data()
    code = demo.cycle.code
    existing = model.Session.query(Cycle).filter(Cycle.code == code).first()
    if existing is not None:
        if not reset:
            documents_demo.generate(code)  # the missing documents only
            return LoadResult(code, skipped=True)
        delete_cycle(existing.id)

    run = _Runner(demo)
    orgs = {o.name: o for o in demo.orgs}
    mail_jobs_before = _mail_job_ids()
    run.call(run.staf, "sektoral_cycle_create", code=code,
             title=demo.cycle.title,
             start_date=demo.cycle.start_date.isoformat(),
             notes=demo.cycle.notes)

    # Step 1: staff import the data list, then send the request letters.
    ids = _import_datalist(run, demo)
    items = list(zip(demo.items, ids, strict=False))
    for item, pkg_id in items:
        if item.stage != Stage.PLANNED:
            run.call(run.actor("request", item, Stage.PLANNED),
                     "sektoral_request", id=pkg_id)

    # Step 2: the OPD fill the metadata and upload their data files ...
    for item, pkg_id in items:
        if item.stage != Stage.PLANNED and item.metadata:
            run.call(run.producers[item.org], "package_patch", id=pkg_id,
                     **_metadata(item, orgs[item.org]))
    resources: dict[str, str] = {}
    for item, pkg_id in items:
        if item.needs_file:
            resources[pkg_id] = _upload(run.producers[item.org], item,
                                        pkg_id, profile=demo.regions)
    # ... which ckanext-validation checks in the background (RQ): run the
    # queued jobs here, in this process, so the submissions pass the gate.
    run_validation_jobs()
    statuses = _wait_for_validation(resources)
    for item, pkg_id in items:
        status = statuses.get(pkg_id)
        expected = "failure" if item.bad_file else "success"
        if item.needs_file and status != expected:
            raise RuntimeError(f"demo data file of {item.title!r}: validation "
                               f"{status}, expected {expected}")

    # Steps 2-6 as far as each item goes.
    for item, pkg_id in items:
        if not item.bad_file:
            _walk(run, item, pkg_id)
    _drop_mail_jobs(_mail_job_ids() - mail_jobs_before)
    documents_demo.generate(code)  # letters, analyses, compilation, report
    return _summary(code)


def _mail_queue() -> Any:
    """The RQ queue of the workflow's e-mails."""
    return jobs.get_queue(notify.QUEUE)


def _mail_job_ids() -> set[str]:
    return set(_mail_queue().job_ids)


def _drop_mail_jobs(job_ids: set[str]) -> None:
    """Every transition queues its e-mails; the demo's history is acted
    out in seconds, not lived: its mails are not sent."""
    queue = _mail_queue()
    for job_id in job_ids:
        with contextlib.suppress(rq.exceptions.NoSuchJobError):
            rq.job.Job.fetch(job_id, connection=queue.connection).delete()
    if job_ids:
        log.info("dropped %s e-mail jobs of the demo history", len(job_ids))


def _import_datalist(run: _Runner, demo: DemoData) -> list[str]:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["OPD", "Judul Data", "Satuan", "Level Penyajian",
                     "Frekuensi Penerbitan", "Urusan Pemerintahan",
                     "Template Table Schema", "Catatan"])
    for item in demo.items:
        writer.writerow([item.org, item.title, item.satuan, item.level,
                         item.frekuensi, item.urusan, item.template, ""])
    upload = FileStorage(stream=io.BytesIO(out.getvalue().encode("utf-8")),
                         filename=f"daftar-data-{demo.cycle.code}.csv")
    result = run.call(run.staf, "sektoral_datalist_import",
                      cycle=demo.cycle.code, upload=upload)
    return list(result["created"])


def _upload(user: str, item: DemoItem, pkg_id: str, bad: bool = False,
            profile: Optional[dict[int, tuple[float, float]]] = None) -> str:
    first, last = item.years
    slug = re.sub(r"[^a-z0-9]+", "-", item.title.lower()).strip("-")[:60]
    filename = f"{slug.rstrip('-')}-{first}-{last}.csv"
    content = data_csv(item, bad=bad or item.bad_file, profile=profile)
    upload = FileStorage(stream=io.BytesIO(content), filename=filename,
                         content_type="text/csv")
    with logged_in(user):
        resource = _Runner.call(
            user, "resource_create", package_id=pkg_id, url=filename,
            upload=upload, name=filename, format="CSV", jenis_berkas="data",
            periode_data=f"{first}/{last}",
            description=f"{item.title}, {first}-{last} (data contoh).",
            schema=json.dumps(tables.load(item.template)))
    return resource["id"]


def run_validation_jobs() -> int:
    """Run the jobs queued on CKAN's default queue now, in this process
    (an RQ ``SimpleWorker`` in burst mode: no fork), as ``ckan jobs
    worker`` would. Returns how many ran. A failed job is logged, not
    raised: the queue may hold older jobs that are not the loader's; the
    loader checks the validation report of each of its own files."""
    queue = jobs.get_queue()
    job_ids = set(queue.job_ids)
    if not job_ids:
        return 0
    worker = rq.SimpleWorker([queue], connection=queue.connection)
    worker.work(burst=True, logging_level="WARNING")
    failed = rq.registry.FailedJobRegistry(queue=queue)
    for job_id in job_ids & set(failed.get_job_ids()):
        log.warning("background job %s failed", job_id)
    return len(job_ids)


def _wait_for_validation(resource_ids: dict[str, str],
                         timeout: float = 60.0) -> dict[str, Optional[str]]:
    """Validation status of each resource, waiting while a report is still
    being made (a ``ckan jobs worker`` running at the same time may have
    taken some of the jobs)."""
    deadline = time.monotonic() + timeout
    while True:
        statuses = {pkg_id: _validation_status(res_id)
                    for pkg_id, res_id in resource_ids.items()}
        pending = [s for s in statuses.values() if s in ("created", "running")]
        if not pending or time.monotonic() > deadline:
            return statuses
        time.sleep(0.5)
        run_validation_jobs()


def _validation_status(resource_id: Optional[str]) -> Optional[str]:
    if resource_id is None:
        return None
    try:
        return tk.get_action("resource_validation_show")(
            {"ignore_auth": True}, {"resource_id": resource_id})["status"]
    except tk.ObjectNotFound:
        return None


def _walk(run: _Runner, item: DemoItem, pkg_id: str) -> None:
    stage = Stage.REQUESTED
    for transition in run.steps(item):
        note = item.return_note if transition == "return" else ""
        run.call(run.actor(transition, item, stage), f"sektoral_{transition}",
                 id=pkg_id, note=note)
        stage = run.table[transition].target
        if transition == "submit" and item.returned_once:
            # The Kasie returns it once; the OPD completes it and resubmits.
            run.call(run.actor("return", item, stage), "sektoral_return",
                     id=pkg_id, note=item.returned_once)
            patch: dict[str, Any] = {"konsep": item.konsep or item.definisi}
            run.call(run.producers[item.org], "package_patch", id=pkg_id,
                     **patch)
            run.call(run.producers[item.org], "sektoral_submit", id=pkg_id)
        if transition == "draft" and item.report_returned:
            run.call(run.actor("return_report", item, stage),
                     "sektoral_return_report", id=pkg_id,
                     note=item.report_returned)
            stage = run.table["return_report"].target
            if item.stage != stage:
                run.call(run.actor("draft", item, stage), "sektoral_draft",
                         id=pkg_id)
                stage = run.table["draft"].target


def _summary(code: str) -> LoadResult:
    status = tk.get_action("sektoral_cycle_status")(_context(), {"id": code})
    counts = {s.value: status["stages"].get(s.value, 0) for s in SOP_STAGES}
    return LoadResult(code, skipped=False, total=status["total"],
                      stages=counts)


def delete_cycle(cycle_id: str) -> None:
    """Delete a cycle with its datasets (purged, with their uploaded files
    and validation reports), items and audit rows. The audit log refuses
    UPDATE, not DELETE: removing a whole demo cycle is an administrator's
    act, not a change of history."""
    package_ids = [r[0] for r in model.Session.query(Item.package_id).filter(
        Item.cycle_id == cycle_id)]
    resource_ids: list[str] = []
    for pkg_id in package_ids:
        pkg = model.Package.get(pkg_id)
        if pkg is None:
            continue
        for res in pkg.resources_all:
            resource_ids.append(res.id)
            if res.url_type == "upload":
                path = uploader.get_resource_uploader(
                    {"id": res.id, "url_type": "upload", "url": res.url}
                ).get_path(res.id)
                with contextlib.suppress(OSError):
                    os.remove(path)
        # CKAN's search hook re-reads the purged dataset for the "changed"
        # notification of its resources and logs NotFound with a traceback
        # (the index entry itself is removed by the "deleted" one): noise.
        with _quiet("ckan.model.modification"):
            tk.get_action("dataset_purge")(_context(), {"id": pkg_id})
    if resource_ids:
        try:
            from ckanext.validation.model import Validation
        except ImportError:  # validation plugin not installed
            Validation = None  # noqa: N806
        if Validation is not None:
            model.Session.query(Validation).filter(
                Validation.resource_id.in_(resource_ids)).delete(
                synchronize_session=False)
    model.Session.query(Transition).filter(
        Transition.cycle_id == cycle_id).delete(synchronize_session=False)
    model.Session.query(Release).filter(
        Release.cycle_id == cycle_id).delete(synchronize_session=False)
    model.Session.query(Item).filter(Item.cycle_id == cycle_id).delete(
        synchronize_session=False)
    model.Session.query(Cycle).filter(Cycle.id == cycle_id).delete(
        synchronize_session=False)
    model.Session.commit()
    log.info("deleted cycle %s with %s datasets", cycle_id, len(package_ids))
