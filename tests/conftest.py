"""Shared fixtures of the ckanext-sektoral test suite.

Tests run through CKAN's pytest plugin (``--ckan-ini=test.ini``) against
real PostgreSQL and Redis. ``clean_db`` is overridden, as CKAN's own
``ckanext/activity/tests/conftest.py`` does, so that the extension's own
tables (alembic migrations of ``sektoral`` and ``sektoral_pgsearch``) exist
after the reset.
"""
import pytest


@pytest.fixture
def clean_db(reset_db, migrate_db_for):
    reset_db()
    migrate_db_for("sektoral")
    migrate_db_for("sektoral_pgsearch")
