"""The documents actions honour ``defer_commit`` as CKAN core actions do:
the caller owns the transaction. A rollback leaves no letter, compilation,
report version or narrative behind and no job in the queue (a job
enqueued before the commit would look for a row that may never exist);
after the commit, ``service.after_commit`` enqueues the jobs."""
from __future__ import annotations

from typing import Any

import pytest

from ckan import model
from ckan.lib import jobs
from ckan.tests import factories, helpers

from ckanext.sektoral.analysis import job as analysis_job
from ckanext.sektoral.logic import service
from ckanext.sektoral.model.documents import (
    Document, ReportNarrative, ReportVersion,
)


@pytest.fixture
def cycle(clean_db) -> dict[str, Any]:
    app = helpers._get_test_app().flask_app
    with app.test_request_context():
        admin = factories.Sysadmin()
        staf = factories.User()
        helpers.call_action("sektoral_position_assign", {"user": admin["name"]},
                            user=staf["name"], position="staf")
        org = factories.Organization(name="dinas-pangan", title="Dinas Pangan")
        ctx = {"user": staf["name"], "ignore_auth": False}
        helpers.call_action("sektoral_cycle_create", dict(ctx), code="2026-S1",
                            title="Siklus Semester I 2026",
                            start_date="2026-01-05")
        helpers.call_action("sektoral_item_create", dict(ctx), cycle="2026-S1",
                            owner_org=org["name"], title="Produksi Beras")
        jobs.get_queue(analysis_job.QUEUE).empty()
        yield {"staf": staf}


def _rows() -> dict[str, int]:
    return {table.__name__: model.Session.query(table).count()
            for table in (Document, ReportVersion, ReportNarrative)}


def _queued() -> int:
    return len(jobs.get_queue(analysis_job.QUEUE).jobs)


def test_a_rolled_back_caller_leaves_no_document_and_no_job(cycle):
    before = _rows()
    context = {"user": cycle["staf"]["name"], "defer_commit": True,
               "ignore_auth": False}
    letters = helpers.call_action("sektoral_letters_generate", context,
                                  cycle="2026-S1")
    compilation = helpers.call_action("sektoral_compilation_generate",
                                      context, cycle="2026-S1")
    report = helpers.call_action("sektoral_report_generate", context,
                                 cycle="2026-S1")
    helpers.call_action("sektoral_report_narrative_update", context,
                        cycle="2026-S1", chapter="kata_pengantar",
                        text="Pengantar")
    assert len(letters) == 1
    assert compilation["job_id"] is None and report["job_id"] is None
    assert _queued() == 0
    model.Session.rollback()
    assert _rows() == before
    assert _queued() == 0


def test_after_the_callers_commit_the_jobs_are_enqueued(cycle):
    context = {"user": cycle["staf"]["name"], "defer_commit": True,
               "ignore_auth": False}
    compilation = helpers.call_action("sektoral_compilation_generate",
                                      context, cycle="2026-S1")
    report = helpers.call_action("sektoral_report_generate", context,
                                 cycle="2026-S1")
    model.Session.commit()
    service.after_commit(context)
    queued = {job.id for job in jobs.get_queue(analysis_job.QUEUE).jobs}
    assert compilation["job_id"] in queued and report["job_id"] in queued
    assert len(queued) == 2


def test_without_defer_commit_the_action_commits_and_enqueues(cycle):
    context = {"user": cycle["staf"]["name"], "ignore_auth": False}
    report = helpers.call_action("sektoral_report_generate", context,
                                 cycle="2026-S1")
    model.Session.rollback()
    assert model.Session.get(ReportVersion, report["id"]) is not None
    assert report["job_id"] in {
        job.id for job in jobs.get_queue(analysis_job.QUEUE).jobs}
