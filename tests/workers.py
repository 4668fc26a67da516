"""Parallel test runs (pytest-xdist): one set of services per worker.

``scripts/test.sh`` runs the suite on several workers. Each worker but the
first gets its own PostgreSQL databases (the suffix ``_gw<N>``), its own
Redis databases and its own storage directory, through the environment
variables CKAN and the fixtures already read (``CKAN_SQLALCHEMY_URL``,
``CKAN_REDIS_URL``, ``CKAN_STORAGE_PATH``, ``SEKTORAL_BROWSER_DB``,
``SEKTORAL_BROWSER_REDIS``, ``SEKTORAL_REMOTE_DB``), so that no two
workers ever reset, index or queue into the same place. The first worker,
and a run without workers, use test.ini's values as before.
"""
from __future__ import annotations

import configparser
import os
import pathlib
import re
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[1]

#: Redis databases of a worker are its base ones shifted by this much per
#: worker index (modulo Redis' 16 databases).
REDIS_STRIDE = int(os.environ.get("SEKTORAL_TEST_REDIS_STRIDE", "4"))


def _ini_value(ini: str, key: str) -> str:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.read(ROOT / ini if not os.path.isabs(ini) else ini)
    return parser.get("app:main", key)


def _shift_redis(url: str, index: int) -> str:
    match = re.match(r"^(redis://[^/]+)/(\d+)$", url)
    if not match:
        raise ValueError(f"unexpected Redis URL for a test worker: {url}")
    return f"{match.group(1)}/{(int(match.group(2)) + REDIS_STRIDE * index) % 16}"


def _suffix_db(url: str, suffix: str) -> str:
    base, _, name = url.rpartition("/")
    return f"{base}/{name}{suffix}"


def isolate(worker: str, ini: str) -> None:
    """Point this process at the services of xdist worker ``worker``
    (``gw0``, ``gw1``, ...; empty without xdist) and create its
    databases."""
    match = re.fullmatch(r"gw(\d+)", worker)
    if not match or match.group(1) == "0":
        return
    index = int(match.group(1))
    suffix = f"_gw{index}"
    env = os.environ
    db_url = env.get("CKAN_SQLALCHEMY_URL") or _ini_value(ini, "sqlalchemy.url")
    redis_url = env.get("CKAN_REDIS_URL") or _ini_value(ini, "ckan.redis.url")
    storage = env.get("CKAN_STORAGE_PATH") or _ini_value(ini, "ckan.storage_path")
    browser_db = env.get("SEKTORAL_BROWSER_DB", "ckan_test_browser") + suffix
    remote_db = env.get("SEKTORAL_REMOTE_DB", "ckan_test_remote") + suffix
    env["CKAN_SQLALCHEMY_URL"] = _suffix_db(db_url, suffix)
    env["CKAN_REDIS_URL"] = _shift_redis(redis_url, index)
    env["SEKTORAL_BROWSER_REDIS"] = _shift_redis(
        env.get("SEKTORAL_BROWSER_REDIS", "redis://127.0.0.1:6379/2"), index)
    env["CKAN_STORAGE_PATH"] = storage.rstrip("/") + suffix
    env["SEKTORAL_BROWSER_DB"] = browser_db
    env["SEKTORAL_REMOTE_DB"] = remote_db
    pathlib.Path(env["CKAN_STORAGE_PATH"]).mkdir(parents=True, exist_ok=True)
    database = env["CKAN_SQLALCHEMY_URL"].rpartition("/")[2]
    subprocess.run(
        ["bash", str(ROOT / "scripts" / "ensure-services.sh"),
         database, browser_db, remote_db],
        check=True, capture_output=True,
    )
