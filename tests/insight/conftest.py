"""Fixtures of the insight tests: one seeded database per module."""
from __future__ import annotations

from typing import Any, Iterator

import pytest


@pytest.fixture(scope="module")
def seeded(clean_db_module: None, reset_queues: Any) -> Iterator[dict[str, Any]]:
    """The cycles of ``tests/insight/seed.py`` in a fresh database and
    search index, seeded once per module (uploads and validation jobs are
    slow) inside an app context."""
    from ckan.lib import search
    from ckan.tests import helpers

    from tests.insight import seed

    search.clear_all()
    reset_queues()
    app = helpers._get_test_app()
    with app.flask_app.test_request_context():
        data = seed.seed()
    reset_queues()  # the workflow e-mail jobs are not under test here
    yield data
