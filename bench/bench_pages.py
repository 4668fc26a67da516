"""Benchmark of each role's landing page on a cycle of 500 items.

Usage::

    .venv/bin/python bench/bench_pages.py --ckan-ini test.ini
    .venv/bin/python bench/bench_pages.py --ckan-ini test.ini --items 500 --runs 30

What it does:

1. loads CKAN from the ini file (the test database: the script refuses a
   database whose name does not contain ``test`` unless ``--allow-any-db``);
2. creates users for every role, an OPD and a cycle ``BENCH-<random>`` with
   ``--items`` items through the real ``sektoral_item_create`` action, then
   spreads them over the stages (a fifth submitted, a fifth in the draft
   report, ...) and indexes them;
3. requests each landing page in-process through CKAN's WSGI app as the
   user it belongs to (server time: routing, auth, queries, templates; no
   network), ``--runs`` times, counting SQL statements; then does it again
   with a tenth of the items to show whether the query count grows;
4. prints median and p95 per page and the query counts, appends one JSON
   line to ``bench/results/pages.json``, and deletes everything it made.

Target (issue 5): under 300 ms server time per landing page at 500 items,
and a query count that does not grow with the number of items.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import sys
import time
import uuid
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TARGET_MS = 300.0

PAGES = (  # (role, path, what it is)
    ("staf", "/sektoral/workspace", "Walidata workspace"),
    ("staf", "/sektoral/cycle/{cycle}", "cycle page (data list)"),
    ("kasie", "/sektoral/review", "review queue"),
    ("kabid", "/sektoral/approval", "approval inbox"),
    ("opd", "/sektoral/inbox", "OPD inbox"),
)

SPREAD = ("direncanakan", "diminta", "dikirim", "dikembalikan", "diterima",
          "diolah", "dalam_laporan", "diperiksa", "disetujui", "dikirim")


def _load(ini: str) -> Any:
    sys.path.insert(0, ROOT)
    from ckan.cli import load_config
    from ckan.config.middleware import make_app
    config = load_config(ini)
    return make_app(config)


def _count_queries() -> tuple[list[int], Any]:
    import sqlalchemy as sa
    from ckan import model
    counter = [0]

    def on_execute(*args: Any) -> None:
        counter[0] += 1
    sa.event.listen(model.meta.engine, "before_cursor_execute", on_execute)
    return counter, on_execute


def _setup(n_items: int) -> dict[str, Any]:
    import ckan.plugins.toolkit as tk
    from ckan import model
    from ckan.lib.search import rebuild
    from ckanext.sektoral.model import Item

    suffix = uuid.uuid4().hex[:8]
    site = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    ctx = lambda: {"user": site, "ignore_auth": True}  # noqa: E731
    users = {}
    for role in ("staf", "kasie", "kabid", "kadis", "opd"):
        users[role] = tk.get_action("user_create")(ctx(), {
            "name": f"bench-{role}-{suffix}",
            "email": f"bench-{role}-{suffix}@example.invalid",
            "password": "Bench-Password-2026"})["name"]
        if role != "opd":
            tk.get_action("sektoral_position_assign")(ctx(), {
                "user": users[role], "position": role})
    org = tk.get_action("organization_create")(ctx(), {
        "name": f"bench-opd-{suffix}", "title": f"Dinas Bench {suffix}",
        "users": [{"name": users["opd"], "capacity": "editor"}]})
    code = f"BENCH-{suffix}"
    tk.get_action("sektoral_cycle_create")({"user": users["staf"]}, {
        "code": code, "title": "Siklus Benchmark",
        "start_date": datetime.date.today().isoformat()})
    ids = []
    for i in range(n_items):
        ids.append(tk.get_action("sektoral_item_create")(
            {"user": users["staf"]},
            {"cycle": code, "owner_org": org["name"],
             "title": f"Data Bench {i:04d}", "satuan": "unit"})["id"])
    for i, package_id in enumerate(ids):
        model.Session.query(Item).filter(Item.package_id == package_id).update(
            {"stage": SPREAD[i % len(SPREAD)]})
    model.Session.commit()
    for package_id in ids:
        rebuild(package_id)
    return {"users": users, "org": org, "cycle": code, "ids": ids}


def _teardown(world: dict[str, Any]) -> None:
    import ckan.plugins.toolkit as tk
    from ckan import model
    from ckanext.sektoral import demo
    from ckanext.sektoral.logic import service

    demo.delete_cycle(service.get_cycle(world["cycle"]).id)
    site = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    ctx = {"user": site, "ignore_auth": True}
    tk.get_action("organization_purge")(dict(ctx), {"id": world["org"]["id"]})
    for name in world["users"].values():
        user = model.User.get(name)
        if user is not None:
            user.purge()
    model.Session.commit()


def _measure(app: Any, world: dict[str, Any], runs: int,
             counter: list[int]) -> dict[str, Any]:
    import ckan.plugins.toolkit as tk

    from ckan.tests.helpers import CKANTestApp
    # through CKAN's whole middleware stack (i18n, identification)
    client = CKANTestApp(app).test_client()
    tokens = {}
    with app._wsgi_app.test_request_context():
        for role, name in world["users"].items():
            tokens[role] = tk.get_action("api_token_create")(
                {"user": name, "ignore_auth": True},
                {"user": name, "name": "bench"})["token"]
    out = {}
    for role, path, label in PAGES:
        url = path.format(cycle=world["cycle"])
        headers = {"Authorization": tokens[role]}
        response = client.get(url, headers=headers)
        if response.status_code != 200:
            out[label] = {"error": response.status_code}
            continue
        counter[0] = 0
        client.get(url, headers=headers)
        queries = counter[0]
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            client.get(url, headers=headers)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        out[label] = {
            "url": path, "role": role, "queries": queries,
            "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[min(len(times) - 1,
                                      int(len(times) * 0.95))], 1),
        }
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ckan-ini", default=os.path.join(ROOT, "test.ini"))
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--allow-any-db", action="store_true")
    args = parser.parse_args()

    app = _load(args.ckan_ini)
    import ckan.plugins.toolkit as tk
    db_url = tk.config.get("sqlalchemy.url", "")
    if "test" not in db_url.rsplit("/", 1)[-1] and not args.allow_any_db:
        print(f"refusing to write to {db_url}: use a test database")
        return 2
    flask_app = app._wsgi_app
    counter, _listener = _count_queries()

    def run(n_items: int, runs: int) -> dict[str, Any]:
        # set-up and clean-up in a request context of their own; the pages
        # are requested outside it, each in its own request
        with flask_app.test_request_context():
            world = _setup(n_items)
        try:
            return _measure(app, world, runs, counter)
        finally:
            with flask_app.test_request_context():
                _teardown(world)

    small_items = max(len(SPREAD), args.items // 10)  # every stage present
    small_result = run(small_items, max(3, args.runs // 4))
    result = run(args.items, args.runs)

    print(f"\nLanding pages, {args.items} items, {args.runs} runs "
          f"(server time, in-process):")
    print(f"{'page':28} {'role':6} {'median':>9} {'p95':>9} "
          f"{'queries':>8} {'at ' + str(small_items):>8}")
    ok = True
    for label, row in result.items():
        if "error" in row:
            print(f"{label:28} HTTP {row['error']}")
            ok = False
            continue
        few = small_result.get(label, {}).get("queries", "?")
        print(f"{label:28} {row['role']:6} {row['median_ms']:>7} ms "
              f"{row['p95_ms']:>6} ms {row['queries']:>8} {few:>8}")
        ok = ok and row["median_ms"] < TARGET_MS and (
            few == "?" or row["queries"] <= few)
    print(f"target: median < {TARGET_MS:.0f} ms and queries not growing: "
          f"{'met' if ok else 'NOT met'}")
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    with open(os.path.join(HERE, "results", "pages.json"), "a") as handle:
        handle.write(json.dumps({
            "when": datetime.datetime.utcnow().isoformat(timespec="seconds"),
            "items": args.items, "runs": args.runs, "pages": result,
            "queries_at_tenth": {k: v.get("queries")
                                 for k, v in small_result.items()},
        }) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
