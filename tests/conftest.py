"""Shared fixtures of the ckanext-sektoral test suite.

Tests run through CKAN's pytest plugin (``--ckan-ini=test.ini``) against
real PostgreSQL and Redis. ``clean_db`` is overridden, as CKAN's own
``ckanext/activity/tests/conftest.py`` does, so that every table the
enabled plugins need exists after the reset: the migrations of
``activity`` (CKAN 2.11 keeps part of the activity schema there),
``sektoral`` and ``sektoral_pgsearch``, and ckanext-validation's table
(2.2.0 has no migrations; created as ``ckan validation init-db`` does).
"""
from __future__ import annotations

import os
import pathlib
import socket
import subprocess
import sys
from typing import Any, Callable, Iterator

import pytest
from pytest_factoryboy import register

from tests import factories, workers
from tests.factories import prepare_db


def pytest_configure(config: pytest.Config) -> None:
    # CKAN's pytest plugin uses this mark but does not declare it, and
    # pytest.ini runs with --strict-markers.
    config.addinivalue_line(
        "markers", "ckan_config(key, value): override a CKAN config option")
    # Runs before CKAN's pytest plugin reads test.ini (pytest_sessionstart).
    workers.isolate(os.environ.get("PYTEST_XDIST_WORKER", ""),
                    config.getoption("ckan_ini", None) or "test.ini")


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(config: pytest.Config,
                                  items: list[pytest.Item]) -> None:
    # With ``--dist loadgroup`` (scripts/test.sh), a module's tests stay on
    # one worker (module-scoped worlds and the remote portal are built
    # once), and every test of the live portal goes to the same worker, so
    # the session starts one demo portal, not one per worker.
    for item in items:
        group = ("live_portal" if "live_portal" in item.fixturenames
                 else item.nodeid.split("::", 1)[0])
        item.add_marker(pytest.mark.xdist_group(group))


# The factories as fixtures (``cycle``, ``cycle_factory``, ``item``, ...):
# see tests/factories.py.
register(factories.StafUserFactory)
register(factories.KasieUserFactory)
register(factories.KabidUserFactory)
register(factories.KadisUserFactory)
register(factories.PembinaUserFactory)
register(factories.OpdFactory)
register(factories.OpdEditorFactory)
register(factories.CycleFactory)
register(factories.ItemFactory)


@pytest.fixture
def clean_db(with_plugins: None, reset_db: Callable[[], None],
             migrate_db_for: Callable[[str], None]) -> None:
    """Empty database with every table of the enabled plugins.

    ``with_plugins`` comes first: the migrations are found through the
    loaded plugins, and a previous test's ``with_plugins`` unloads them.
    """
    prepare_db(reset_db, migrate_db_for)


@pytest.fixture(scope="module")
def with_plugins_module() -> Iterator[None]:
    """``with_plugins`` once per module (loading every plugin costs ~1.5 s,
    too much to pay for each of dozens of small tests)."""
    import ckan.plugins as plugins

    plugins.load_all()
    yield
    plugins.unload_all()


@pytest.fixture(scope="module")
def clean_db_module(with_plugins_module: None, reset_db: Callable[[], None],
                    migrate_db_for: Callable[[str], None]) -> None:
    """One database reset per test module, for tests that create objects
    with unique names and can share it (much faster than ``clean_db``)."""
    prepare_db(reset_db, migrate_db_for)


@pytest.fixture
def clean_index(with_plugins: None, reset_index: Callable[[], None]) -> None:
    """Empty search index; loads the plugins first, or ``clear_all`` would
    talk to Solr (CKAN's pytest plugin unloads them between tests)."""
    reset_index()


@pytest.fixture
def events() -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """Every ``sektoral:transition`` event sent during the test, as
    ``(sender, kwargs)``."""
    from ckanext.sektoral import signals

    sent: list[tuple[str, dict[str, Any]]] = []

    def receiver(sender: str, **kwargs: Any) -> None:
        sent.append((sender, kwargs))

    signals.transition.connect(receiver)
    yield sent
    signals.transition.disconnect(receiver)


# -- the live portal (browser tests, the leak matrix of tests/security) ----

ROOT = pathlib.Path(__file__).resolve().parents[1]
DEMO_PASSWORD = "Browser-Test-2026"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_portal(tmp_path_factory: Any) -> Iterator[dict[str, Any]]:
    """Run ``scripts/demo.sh`` on a fresh database; yield its base URL."""
    # Overridable so that two runs on one machine do not share a database
    # (read here, after tests/workers.py gave each xdist worker its own).
    browser_db = os.environ.get("SEKTORAL_BROWSER_DB", "ckan_test_browser")
    browser_redis = os.environ.get("SEKTORAL_BROWSER_REDIS",
                                   "redis://127.0.0.1:6379/2")
    port = _free_port()
    run_dir = tmp_path_factory.mktemp("live-portal")
    env = dict(
        os.environ,
        SEKTORAL_DB_URL=f"postgresql://ckan_default:pass@127.0.0.1/{browser_db}",
        SEKTORAL_REDIS_URL=browser_redis,
        SEKTORAL_PORT=str(port),
        SEKTORAL_DEMO_DIR=str(run_dir),
        SEKTORAL_DEMO_PASSWORD=DEMO_PASSWORD,
        VENV=str(pathlib.Path(sys.executable).parents[1]),
    )
    # Start from an empty database every session.
    subprocess.run(
        [str(ROOT / "scripts" / "ensure-services.sh"), browser_db],
        env=env, check=True,
    )
    demo = ROOT / "scripts" / "demo.sh"
    # the installation's ini, with secrets generated for this run
    ini = subprocess.run(["bash", str(demo), "ini"], env=env, check=True,
                         capture_output=True, text=True).stdout.strip()
    clean_env = dict(env, CKAN_SQLALCHEMY_URL=env["SEKTORAL_DB_URL"])
    subprocess.run(
        [pathlib.Path(sys.executable).with_name("ckan"), "-c", ini,
         "db", "clean", "--yes"],
        env=clean_env, check=True, capture_output=True,
    )
    result = subprocess.run(
        ["bash", str(demo)], env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        pytest.fail("make demo failed:\n" + result.stdout + result.stderr)
    try:
        yield {
            "url": f"http://127.0.0.1:{port}",
            "password": DEMO_PASSWORD,
            "demo_output": result.stdout + result.stderr,
            "run_dir": run_dir,
            "ini": ini,
            # the environment of the portal's commands (``ckan -c ini ...``)
            "env": clean_env,
        }
    finally:
        subprocess.run(["bash", str(demo), "stop"], env=env,
                       capture_output=True)


class FrozenClock:
    """The extension's one clock (``ckanext.sektoral.clock``), held still.

    ``set(moment)`` stops it at an aware datetime (naive means UTC, as
    stored); ``set_today(date)`` at noon of that date in the
    installation's time zone; ``tick(**timedelta)`` moves it on.
    """

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self._monkeypatch = monkeypatch

    def set(self, moment: Any) -> Any:
        import datetime as dt

        from ckanext.sektoral import clock

        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.timezone.utc)
        self._monkeypatch.setattr(clock, "_frozen", moment)
        return moment

    def set_today(self, day: Any) -> Any:
        import datetime as dt

        from ckanext.sektoral import clock

        tz = clock.timezone()
        noon = dt.datetime.combine(day, dt.time(12))
        localize = getattr(tz, "localize", None)
        return self.set(localize(noon) if localize else
                        noon.replace(tzinfo=tz))

    def tick(self, **delta: float) -> Any:
        import datetime as dt

        from ckanext.sektoral import clock

        return self.set(clock.now() + dt.timedelta(**delta))


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> FrozenClock:
    """The extension's clock frozen (at 2026-03-02 12:00 in the
    installation's time zone until the test sets another moment); only
    ``ckanext.sektoral.clock`` is patched, so every "now" and "today" of
    the extension follows it."""
    import datetime as dt

    frozen = FrozenClock(monkeypatch)
    frozen.set_today(dt.date(2026, 3, 2))
    return frozen
