"""Documents of the demo cycle (``make demo``): request letters, the
analyses of accepted datasets, the compilation and a draft report.

Idempotent: what exists already is left as it is.
"""
from __future__ import annotations

import logging
from typing import Any

from ckan import model

from ckanext.sektoral.analysis import job as analysis_job
from ckanext.sektoral.documents import compile as compile_mod
from ckanext.sektoral.documents import letter, report, store
from ckanext.sektoral.model import Item
from ckanext.sektoral.model.documents import Analysis
from ckanext.sektoral.core import stages

log = logging.getLogger(__name__)

STAFF = "walidata-staf"
APPROVER = "walidata-kadis"
APPROVED_STAGES = tuple(s.value for s in stages.ordered(stages.APPROVED_STAGES))


def generate(cycle_code: str) -> dict[str, Any]:
    """Produce the missing documents of a cycle, synchronously (the demo
    loader runs before the worker starts). Never raises: the demo data
    stands even if a document cannot be rendered."""
    done: dict[str, Any] = {}
    try:
        cycle = store.get_cycle(cycle_code)
        for org_id in letter.letter_orgs(cycle.id):
            if letter.get(cycle.id, org_id) is None:
                letter.generate(cycle, org_id, STAFF)
                model.Session.commit()
        done["letters"] = len(letter.letter_orgs(cycle.id))
        accepted = [r[0] for r in model.Session.query(Item.package_id).filter(
            Item.cycle_id == cycle.id,
            Item.stage.in_(compile_mod.ACCEPTED))]
        for package_id in accepted:
            if model.Session.get(Analysis, package_id) is None:
                analysis_job.run_analysis(package_id)
        done["analyses"] = len(accepted)
        if compile_mod.current(cycle.id) is None:
            compile_mod.run_compilation(compile_mod.new(cycle, STAFF).id)
        if report.current_version(cycle.id) is None:
            report.run_report(report.new_version(cycle, STAFF).id)
        approved = model.Session.query(Item).filter(
            Item.cycle_id == cycle.id,
            Item.stage.in_(APPROVED_STAGES)).count()
        if approved and report.approved_version(cycle.id) is None:
            report.approve_current(cycle.id, APPROVER)
        current = report.current_version(cycle.id)
        done["report"] = current["version"] if current else None
    except Exception:
        log.exception("documents of the demo cycle %s", cycle_code)
        model.Session.rollback()
    return done
