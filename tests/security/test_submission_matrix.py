"""The write matrix on the in-progress period of a published statistic.

While a later cycle's submission of a published statistic is collected
and reviewed, every core write of the write matrix, by every role with
every hostile spelling, on the submission in every stage: it never
becomes public (not even approved: only publication releases it, into
its statistic), and the rules of a private item hold. And the same calls
on the published statistic itself: it stays public with its released
files, changed by no one but a sysadmin.
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from ckan import model
from ckan.tests import helpers

from ckanext.sektoral.model import Item
from tests.factories import call_as
from tests.inbox.helpers import cycle, headers, item, people
from tests.security.test_write_matrix import (
    ROLES, _calls, _restore, _short, _snapshot, walk,
)


@pytest.fixture(scope="module")
def world(clean_db_module, reset_index):
    reset_index()
    w = people()
    cycle(w, "2025-S2")
    app = helpers._get_test_app()
    statistic = item(w, w["org"], "Statistik terbit", cycle_code="2025-S2")
    res = app.post("/api/3/action/resource_create", json={
        "package_id": statistic["id"], "name": "data.csv",
        "url": "http://data.example/data.csv", "format": "CSV"},
        headers=headers(w["staf"])).json["result"]
    # set-up only: approved, then published by the real step
    model.Session.execute(sa.update(Item).where(
        Item.package_id == statistic["id"]).values(stage="disetujui"))
    model.Session.commit()
    call_as(w["staf"], "sektoral_publish", id=statistic["id"])
    w["statistic"] = (call_as(w["sysadmin"], "package_show",
                              id=statistic["id"]), res)
    w["submissions"] = {}
    for n, stage in enumerate(SUBMISSION_STAGES):
        code = f"2026-S{n + 1}"
        carried = call_as(w["staf"], "sektoral_cycle_create", code=code,
                          title=code, start_date="2026-01-05",
                          from_cycle="2025-S2")["carried_over"]
        sub_id = carried[0]
        sub_res = app.post("/api/3/action/resource_create", json={
            "package_id": sub_id, "name": "baru.csv",
            "url": "http://data.example/baru.csv", "format": "CSV"},
            headers=headers(w["staf"])).json["result"]
        model.Session.execute(sa.update(Item).where(
            Item.package_id == sub_id).values(stage=stage))
        model.Session.commit()
        w["submissions"][stage] = (call_as(w["sysadmin"], "package_show",
                                           id=sub_id), sub_res)
    return w


#: The same code guards a submission as any private item (the whole
#: matrix is tests/security/test_write_matrix.py): here every role on the
#: approved submission (one step from release), and the producer, the
#: staff and a sysadmin on a requested and a published one (published:
#: released into its statistic, still never public itself).
SUBMISSION_STAGES = ("diminta", "disetujui", "dipublikasikan")
CASES = sorted({(role, "disetujui") for role in ROLES}
               | {(role, stage) for role in ("producer", "staf", "sysadmin")
                  for stage in ("diminta", "dipublikasikan")})


@pytest.mark.parametrize("role,stage", CASES)
def test_a_submission_is_written_as_a_private_item(app, world, role, stage):
    pkg, res = world["submissions"][stage]
    failures = walk(app, world, role, stage, pkg, res)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", [r for r in ROLES if r != "sysadmin"])
def test_the_published_statistic_is_changed_by_nobody(app, world, role):
    pkg, res = world["statistic"]
    user = world.get(role)
    failures = []
    for action, data in _calls(world, pkg, res):
        before = _snapshot(pkg["id"])
        app.post("/api/3/action/" + action, json=data,
                 headers=headers(user) if user else {}, status=None)
        after = _snapshot(pkg["id"])
        if after != before:
            failures.append("%s %s: %s -> %s" % (
                action, _short(data), before, after))
        _restore(pkg["id"], before)
        model.Session.remove()
        model.Package.get(pkg["id"]).private = False
        model.Session.commit()
    assert not failures, "\n".join(failures)
