"""Benchmark of ``package_search`` on the PostgreSQL search backend.

Usage::

    .venv/bin/python bench/bench_search.py --ckan-ini test.ini
    .venv/bin/python bench/bench_search.py --ckan-ini test.ini --datasets 1000 --runs 200

What it does:

1. loads CKAN from the ini file (``ckan.cli.load_config`` +
   ``ckan.config.middleware.make_app``); ``sektoral_pgsearch`` must be in
   ``ckan.plugins`` and its migration applied;
2. switches ``ckan.site_id`` *in this process only* to ``sektoral-bench``
   and writes ``--datasets`` synthetic index documents (the shape CKAN's
   ``PackageSearchIndex`` produces: tags, groups, res_format lists,
   permission labels, a ``validated_data_dict`` of realistic size; 10 % are
   private) with that site id. Only documents of that site id are ever
   deleted, so no real dataset or index entry is touched; still, the
   script refuses to run on a database whose name does not contain
   ``test`` unless ``--allow-any-db`` is given -- use the test database;
3. times ``package_search`` through CKAN's action layer (anonymous user,
   so the ``permission_labels`` filter applies; one variant as sysadmin
   with ``include_private``) with 3 facets (organization, tags,
   res_format) and several q/fq variants, ``--runs`` times each;
4. prints median and p95 in milliseconds and appends one JSON line to
   ``bench/results/search.json``; removes the documents (``--keep`` to
   leave them).
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import statistics
import sys
import time
import uuid
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BENCH_SITE_ID = "sektoral-bench"
FACETS = '["organization", "tags", "res_format"]'

WORDS = ("penduduk miskin kesehatan pendidikan sekolah guru air bersih "
         "jalan jembatan pertanian padi jagung ikan nelayan pariwisata hotel "
         "inflasi harga pasar tenaga kerja pengangguran stunting gizi balita "
         "puskesmas rumah sakit listrik internet desa kampung distrik "
         "anggaran belanja pendapatan pajak retribusi hutan tambang").split()
TAGS = ["ekonomi", "kesehatan", "pendidikan", "infrastruktur", "sosial",
        "pertanian", "kelautan", "pariwisata", "keuangan", "lingkungan",
        "kependudukan", "ketenagakerjaan"]
FORMATS = ["CSV", "XLSX", "PDF", "JSON", "ZIP"]
ORGS = ["dinas-{}".format(n) for n in (
    "kesehatan", "pendidikan", "pu", "pertanian", "perikanan", "pariwisata",
    "keuangan", "lingkungan-hidup", "dukcapil", "tenaga-kerja", "sosial",
    "kominfo", "bappeda", "bps-kabupaten", "perhubungan")]
GROUPS = ["statistik-dasar", "statistik-sektoral", "sdgs", "rpjmd"]


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1,
                       int(round(fraction * len(ordered) + 0.5)) - 1))
    return ordered[index]


def synthetic_document(number: int, now: datetime.datetime,
                       rng: random.Random) -> dict[str, Any]:
    """One index document as ``PackageSearchIndex.index_package`` builds it."""
    org = rng.choice(ORGS)
    org_id = "org-" + org
    private = rng.random() < 0.1
    name = "bench-dataset-{:05d}".format(number)
    title = " ".join(rng.sample(WORDS, 4)).title() + " {}".format(
        2015 + number % 10)
    notes = " ".join(rng.choice(WORDS) for _ in range(40))
    tags = sorted(rng.sample(TAGS, rng.randint(1, 4)))
    formats = [rng.choice(FORMATS) for _ in range(rng.randint(0, 3))]
    created = now - datetime.timedelta(days=rng.randint(0, 900),
                                       seconds=number)
    modified = created + datetime.timedelta(days=rng.randint(0, 60))
    dataset_id = str(uuid.UUID(int=rng.getrandbits(128)))
    resources = [{"id": str(uuid.UUID(int=rng.getrandbits(128))),
                  "name": "Tabel {} {}".format(i + 1, title), "format": f,
                  "url": "http://data.example/{}/{}.{}".format(
                      name, i, f.lower()), "description": notes[:120]}
                 for i, f in enumerate(formats)]
    package = {"id": dataset_id, "name": name, "title": title,
               "notes": notes, "type": "data-sektoral", "private": private,
               "owner_org": org_id, "state": "active", "tags": [
                   {"name": t} for t in tags], "resources": resources,
               "organization": {"name": org, "title": org.title()},
               "metadata_created": created.isoformat(),
               "metadata_modified": modified.isoformat()}
    data_dict = json.dumps(package)
    return {
        "id": dataset_id,
        "index_id": uuid.uuid5(uuid.NAMESPACE_URL, dataset_id).hex,
        "site_id": BENCH_SITE_ID,
        "entity_type": "package",
        "dataset_type": "data-sektoral",
        "type": "data-sektoral",
        "name": name,
        "title": title,
        "title_string": title,
        "notes": notes,
        "state": "active",
        "private": private,
        "capacity": "private" if private else "public",
        "owner_org": org_id,
        "organization": org,
        "groups": rng.sample(GROUPS, rng.randint(0, 2)),
        "tags": tags,
        "num_tags": len(tags),
        "num_resources": len(formats),
        "res_format": formats,
        "res_name": [r["name"] for r in resources],
        "res_description": [r["description"] for r in resources],
        "res_url": [r["url"] for r in resources],
        "license_id": "cc-by",
        "metadata_created": created.replace(tzinfo=None).isoformat() + "Z",
        "metadata_modified": modified.replace(tzinfo=None).isoformat() + "Z",
        "permission_labels": ["member-" + org_id] if private else ["public"],
        "data_dict": data_dict,
        "validated_data_dict": data_dict,
    }


def load_ckan(ini: str) -> None:
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    make_app(load_config(ini))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ckan-ini", default=os.path.join(ROOT, "test.ini"))
    parser.add_argument("--datasets", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--output", default=os.path.join(
        HERE, "results", "search.json"))
    parser.add_argument("--keep", action="store_true",
                        help="leave the synthetic documents in the index")
    parser.add_argument("--allow-any-db", action="store_true",
                        help="run even if the database name lacks 'test'")
    args = parser.parse_args(argv)

    load_ckan(args.ckan_ini)

    import sqlalchemy as sa
    import ckan.logic as logic
    import ckan.model as model
    from ckan.common import config
    from ckanext.sektoral.search import backend, patch

    url = sa.engine.make_url(config["sqlalchemy.url"])
    if "test" not in (url.database or "") and not args.allow_any_db:
        print("Refusing to run on database {!r}: use the test database "
              "(or --allow-any-db).".format(url.database), file=sys.stderr)
        return 2
    if not patch.is_installed():
        print("sektoral_pgsearch is not loaded from {}".format(args.ckan_ini),
              file=sys.stderr)
        return 2
    if not backend.check_schema_version():
        print("Search index table missing: ckan -c {} db upgrade -p "
              "sektoral_pgsearch".format(args.ckan_ini), file=sys.stderr)
        return 2

    # Only this process sees the bench site id: everything it writes,
    # searches and deletes is scoped to it.
    config["ckan.site_id"] = BENCH_SITE_ID
    conn = backend.make_connection()
    conn.delete(q='+site_id:"{}"'.format(BENCH_SITE_ID))

    rng = random.Random(20240517)
    now = datetime.datetime.now(datetime.timezone.utc)
    docs = [synthetic_document(n, now, rng) for n in range(args.datasets)]
    started = time.perf_counter()
    for offset in range(0, len(docs), 200):
        conn.add(docs[offset:offset + 200], commit=False)
    index_seconds = time.perf_counter() - started
    with model.meta.engine.begin() as db:
        db.execute(sa.text("ANALYZE sektoral_pgsearch_document"))
    print("indexed {} documents in {:.2f} s".format(len(docs), index_seconds))

    sysadmin = logic.get_action("get_site_user")({"ignore_auth": True}, {})
    anonymous: dict[str, Any] = {"ignore_auth": False, "user": ""}
    admin: dict[str, Any] = {"ignore_auth": False, "user": sysadmin["name"]}
    variants: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
        ("all", anonymous, {"q": ""}),
        ("free-text", anonymous, {"q": "kesehatan"}),
        ("free-text-3-terms-mm", anonymous, {"q": "penduduk miskin desa"}),
        ("fielded-q-and-fq", anonymous,
         {"q": "tags:ekonomi", "fq": "res_format:CSV"}),
        ("fq-date-range-title-sort", anonymous,
         {"fq": "metadata_modified:[NOW-180DAYS TO *]",
          "sort": "title_string asc"}),
        ("org-filter-page-3", anonymous,
         {"fq": 'organization:"dinas-kesehatan"', "start": 40}),
        ("sysadmin-include-private", admin,
         {"q": "pendidikan", "include_private": True}),
    ]
    search = logic.get_action("package_search")
    results: dict[str, dict[str, float]] = {}
    print("{:<28} {:>8} {:>10} {:>10}".format("variant", "count",
                                              "median ms", "p95 ms"))
    for label, context, params in variants:
        timings: list[float] = []
        count = 0
        for _ in range(args.runs):
            data = dict(params, rows=20, **{"facet.field": FACETS})
            started = time.perf_counter()
            result = search(dict(context), data)
            timings.append((time.perf_counter() - started) * 1000.0)
            count = result["count"]
            model.Session.remove()
        results[label] = {
            "count": count,
            "median_ms": round(statistics.median(timings), 3),
            "p95_ms": round(percentile(timings, 0.95), 3),
        }
        print("{:<28} {:>8} {:>10.2f} {:>10.2f}".format(
            label, count, results[label]["median_ms"], results[label]["p95_ms"]))

    all_timings_median = statistics.median(
        r["median_ms"] for r in results.values())
    line = {
        "benchmark": "package_search",
        "backend": "sektoral_pgsearch",
        "timestamp": datetime.datetime.now(datetime.timezone.utc).isoformat(),
        "datasets": args.datasets,
        "runs": args.runs,
        "facets": json.loads(FACETS),
        "rows": 20,
        "index_seconds": round(index_seconds, 3),
        "median_of_medians_ms": round(all_timings_median, 3),
        "variants": results,
    }
    os.makedirs(os.path.dirname(args.output), exist_ok=True)
    with open(args.output, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(line) + "\n")
    print("results appended to {}".format(args.output))

    if not args.keep:
        conn.delete(q='+site_id:"{}"'.format(BENCH_SITE_ID))
    return 0


if __name__ == "__main__":
    sys.exit(main())
