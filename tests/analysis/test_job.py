"""The analysis job: enqueued only on accept, and a dataset without a
valid data file is stored as ``no_data`` (never dropped)."""
from __future__ import annotations

import pytest

from ckan.lib import jobs

from ckanext.sektoral.analysis import job

pytestmark = pytest.mark.usefixtures("clean_db", "clean_queues",
                                     "with_request_context")


@pytest.fixture
def item__template():
    """The registered ``item`` fixture (tests/factories.py), with a data
    file template."""
    return "kabupaten_kota_tahunan"


def test_no_valid_data_file_is_stored_as_no_data(item):
    assert job.run_analysis(item["id"]) == "no_data"
    row = job.get(item["id"])
    assert row.status == "no_data" and row.result["files"] == []
    assert row.cycle_id is not None


def test_hook_enqueues_on_accept_only(item):
    queue = jobs.get_queue(job.QUEUE)
    before = len(queue)
    job.on_transition({"transition": "submit", "package_id": item["id"]})
    assert len(queue) == before
    job.on_transition({"transition": "accept", "package_id": item["id"]})
    assert len(queue) == before + 1
    assert queue.jobs[-1].args == [item["id"]]


def test_unknown_dataset_does_not_raise():
    assert job.run_analysis("no-such-dataset") == "not_found"
