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

from typing import Callable, Iterator

import pytest

from tests.factories import prepare_db


def pytest_configure(config: pytest.Config) -> None:
    # CKAN's pytest plugin uses this mark but does not declare it, and
    # pytest.ini runs with --strict-markers.
    config.addinivalue_line(
        "markers", "ckan_config(key, value): override a CKAN config option")


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
