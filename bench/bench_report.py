"""Benchmark of the draft report of a cycle of 300 datasets.

Usage::

    .venv/bin/python bench/bench_report.py --ckan-ini test.ini
    .venv/bin/python bench/bench_report.py --ckan-ini test.ini --datasets 300

What it does:

1. loads CKAN from the ini file; refuses a database whose name lacks
   ``test`` (unless ``--allow-any-db``);
2. creates a cycle ``BENCH-<random>`` with ``--datasets`` items spread
   over 12 OPD and 12 urusan, through the real actions (as the site
   user), each with an uploaded CSV of 10 kabupaten/kota x 5 years (with
   BPS symbols), validated by ckanext-validation's job; the items are put
   in stage ``diterima`` directly (the workflow is not what is measured);
3. runs the analysis job of every dataset (timed: it runs on acceptance
   in real use), then times one report version end to end
   (``report.run_report``: data, tables, charts, HTML, PDF, DOCX);
4. prints the times, pages and sizes and appends one JSON line to
   ``bench/results/report.json``; deletes the cycle and its datasets
   (``--keep`` to leave them). Target: report < 60 s for 300 datasets.
"""
from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import random
import subprocess
import sys
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
URUSAN = ["1.01", "1.02", "1.03", "1.06", "2.07", "2.09", "2.12", "2.15",
          "3.25", "3.26", "3.27", "2.16"]
REGIONS = [(8201, "Kabupaten Halmahera Barat"),
           (8202, "Kabupaten Halmahera Tengah"),
           (8203, "Kabupaten Halmahera Utara"),
           (8204, "Kabupaten Halmahera Selatan"),
           (8205, "Kabupaten Kepulauan Sula"),
           (8206, "Kabupaten Halmahera Timur"),
           (8207, "Kabupaten Pulau Morotai"),
           (8208, "Kabupaten Pulau Taliabu"),
           (8271, "Kota Ternate"), (8272, "Kota Tidore Kepulauan")]


def csv_bytes(rng: random.Random) -> bytes:
    lines = ["kode_provinsi,nama_provinsi,kode_kabupaten_kota,"
             "nama_kabupaten_kota,nilai,satuan,tahun"]
    for code, name in REGIONS:
        base = rng.randint(100, 100000)
        for year in range(2020, 2025):
            value = "..." if rng.random() < 0.03 else str(
                int(base * (1 + rng.uniform(-0.2, 0.3))))
            lines.append(f"82,Provinsi Maluku Utara,{code},{name},{value},"
                         f"unit,{year}")
    return ("\n".join(lines) + "\n").encode()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ckan-ini", default=os.path.join(ROOT, "test.ini"))
    parser.add_argument("--datasets", type=int, default=300)
    parser.add_argument("--output", default=os.path.join(
        HERE, "results", "report.json"))
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--allow-any-db", action="store_true")
    args = parser.parse_args(argv)

    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(args.ckan_ini))
    flask_app = getattr(app, "_wsgi_app", app)
    flask_app = getattr(flask_app, "apps", {}).get("flask_app", flask_app)

    import sqlalchemy as sa
    import ckan.plugins.toolkit as tk
    from ckan import model
    from ckan.common import config

    url = sa.engine.make_url(config["sqlalchemy.url"])
    if "test" not in (url.database or "") and not args.allow_any_db:
        print(f"Refusing to run on database {url.database!r}: use the test "
              "database (or --allow-any-db).", file=sys.stderr)
        return 2

    with flask_app.test_request_context():
        return run(args, tk, model)


def run(args, tk, model) -> int:
    from werkzeug.datastructures import FileStorage

    from ckanext.sektoral import demo

    from ckanext.sektoral.core import tables
    from ckanext.sektoral.analysis import job as analysis_job
    from ckanext.sektoral.documents import report
    from ckanext.sektoral.model import Item

    rng = random.Random(20260105)
    site = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    ctx = lambda: {"user": site["name"], "ignore_auth": True}  # noqa: E731
    tag = uuid.uuid4().hex[:6]
    code = f"BENCH-{tag}"
    orgs = []
    for n in range(12):
        orgs.append(tk.get_action("organization_create")(ctx(), {
            "name": f"bench-opd-{tag}-{n}", "title": f"Dinas Bench {n + 1}"}))
    tk.get_action("sektoral_cycle_create")(ctx(), {
        "code": code, "title": f"Siklus Bench {tag}",
        "start_date": "2026-01-05"})
    schema = json.dumps(tables.load("kabupaten_kota_tahunan"))
    started = time.perf_counter()
    ids = []
    with demo.logged_in(site["name"]):
        for n in range(args.datasets):
            item = tk.get_action("sektoral_item_create")(ctx(), {
                "cycle": code, "owner_org": orgs[n % 12]["name"],
                "title": f"Data Bench {n + 1:03d} Menurut Kabupaten/Kota",
                "template": "kabupaten_kota_tahunan",
                "urusan_pemerintahan": URUSAN[n % len(URUSAN)],
                "satuan": "unit", "level_penyajian": "kabupaten_kota",
                "frekuensi_penerbitan": "tahunan",
                "definisi": "Definisi data bench."})
            upload = FileStorage(stream=io.BytesIO(csv_bytes(rng)),
                                 filename="data.csv", content_type="text/csv")
            tk.get_action("resource_create")(ctx(), {
                "package_id": item["id"], "url": "data.csv", "upload": upload,
                "name": "data.csv", "format": "CSV", "jenis_berkas": "data",
                "schema": schema})
            ids.append(item["id"])
        demo.run_validation_jobs()
    model.Session.query(Item).filter(Item.package_id.in_(ids)).update(
        {"stage": "diterima"}, synchronize_session=False)
    model.Session.commit()
    setup = time.perf_counter() - started
    print(f"set up {len(ids)} datasets in {setup:.1f} s")

    started = time.perf_counter()
    for package_id in ids:
        analysis_job.run_analysis(package_id)
    analysis_s = time.perf_counter() - started
    print(f"analysis jobs: {analysis_s:.1f} s "
          f"({1000 * analysis_s / len(ids):.0f} ms per dataset)")

    from ckanext.sektoral.model import Cycle
    cycle = model.Session.query(Cycle).filter(Cycle.code == code).one()
    version = report.new_version(cycle, site["name"])
    started, cpu0 = time.perf_counter(), os.times()
    status = report.run_report(version.id)
    report_s = time.perf_counter() - started
    cpu1 = os.times()
    # CPU seconds of this process and of the child that renders the DOCX:
    # independent of other load on the machine (wall time is not).
    cpu_s = (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)
    child_cpu_s = (cpu1.children_user - cpu0.children_user) + (
        cpu1.children_system - cpu0.children_system)
    load = os.getloadavg()[0]
    current = report.current_version(cycle.id)
    pages = None
    if current:
        info = subprocess.run(["pdfinfo", current["files"]["pdf"]],
                              capture_output=True, text=True).stdout
        pages = next((int(line.split()[-1]) for line in info.splitlines()
                      if line.startswith("Pages:")), None)
    sizes = {k: os.path.getsize(v) for k, v in
             (current["files"].items() if current else [])}
    print(f"report ({status}): {report_s:.1f} s for {len(ids)} datasets "
          f"(CPU {cpu_s:.1f} s + DOCX child {child_cpu_s:.1f} s in "
          f"parallel; load average {load:.1f} on {os.cpu_count()} CPUs), "
          f"{pages} PDF pages, sizes {sizes} (target < 60 s)")

    os.makedirs(os.path.dirname(args.output), exist_ok=True)
    with open(args.output, "a", encoding="utf-8") as handle:
        handle.write(json.dumps({
            "when": datetime.datetime.now(datetime.timezone.utc).isoformat(),
            "datasets": len(ids), "setup_s": round(setup, 2),
            "analysis_s": round(analysis_s, 2),
            "report_s": round(report_s, 2), "status": status,
            "report_cpu_s": round(cpu_s, 2),
            "docx_child_cpu_s": round(child_cpu_s, 2),
            "load_average": round(load, 2), "cpus": os.cpu_count(),
            "pdf_pages": pages, "sizes": sizes}) + "\n")
    print(f"results appended to {args.output}")
    if not args.keep:
        demo.delete_cycle(cycle.id)
        for org in orgs:
            tk.get_action("group_purge")(ctx(), {"id": org["id"]})
    return 0 if status == "ok" and report_s < 60 else 1


if __name__ == "__main__":
    sys.exit(main())
