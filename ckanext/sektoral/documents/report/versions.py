"""Versions of a cycle's report: each (re)generation is a new
``sektoral_report_version`` row, recorded ``pending`` by the action and
rendered by the job :func:`run_report` (``ok`` with its files, or
``failed`` with the error, the previous version staying current); the
approver's approval marks the current version (:func:`approve_current`),
the one publication uses (:func:`approved_version`)."""
from __future__ import annotations

import logging
from typing import Optional

import sqlalchemy as sa

from ckan import model

from ckanext.sektoral import clock
from ckanext.sektoral.core import contracts
from ckanext.sektoral.documents import store
from ckanext.sektoral.documents.report import output
from ckanext.sektoral.model import Cycle
from ckanext.sektoral.model.documents import ReportVersion

log = logging.getLogger(__name__)


def version_dict(row: ReportVersion) -> contracts.ReportVersionRecord:
    return {
        "id": row.id, "cycle_id": row.cycle_id, "version": row.version,
        "status": row.status, "error": row.error,
        "created": row.created.isoformat() if row.created else None,
        "created_by": row.created_by, "approved": bool(row.approved),
        "approved_by": row.approved_by,
        "approved_at": row.approved_at.isoformat() if row.approved_at
        else None,
        "files": {k: store.abspath(v) for k, v in (row.files or {}).items()},
    }


def _current(cycle_id: str) -> Optional[ReportVersion]:
    return model.Session.query(ReportVersion).filter(
        ReportVersion.cycle_id == cycle_id,
        ReportVersion.status == "ok").order_by(
        ReportVersion.version.desc()).first()


def current_version(cycle_id: str) -> Optional[contracts.ReportVersionRecord]:
    """The latest successfully rendered version, or None."""
    row = _current(_cycle_id(cycle_id))
    return version_dict(row) if row else None


def approve_current(cycle_id: str, user_name: Optional[str]
                    ) -> Optional[contracts.ReportVersionRecord]:
    """Mark the current version approved (committed); None if none."""
    row = _current(_cycle_id(cycle_id))
    if row is None:
        return None
    row.approved = True
    row.approved_by = user_name or ""
    row.approved_at = clock.utcnow()
    model.Session.add(row)
    model.Session.commit()
    return version_dict(row)


def approved_version(cycle_id: str
                     ) -> Optional[contracts.ReportVersionRecord]:
    """The latest approved version (publication uses its PDF), or None."""
    row = model.Session.query(ReportVersion).filter(
        ReportVersion.cycle_id == _cycle_id(cycle_id),
        ReportVersion.status == "ok",
        ReportVersion.approved.is_(True)).order_by(
        ReportVersion.version.desc()).first()
    return version_dict(row) if row else None


def list_versions(cycle_id: str) -> list[contracts.ReportVersionRecord]:
    rows = model.Session.query(ReportVersion).filter(
        ReportVersion.cycle_id == _cycle_id(cycle_id)).order_by(
        ReportVersion.version.desc())
    return [version_dict(r) for r in rows]


def _cycle_id(id_or_code: str) -> str:
    row = model.Session.query(Cycle.id).filter(
        sa.or_(Cycle.id == id_or_code, Cycle.code == id_or_code)).first()
    return row[0] if row else id_or_code


def new_version(cycle: Cycle, user_name: str) -> ReportVersion:
    """Record a pending version (flushed: the caller commits, then
    enqueues the job that renders it)."""
    last = model.Session.query(sa.func.max(ReportVersion.version)).filter(
        ReportVersion.cycle_id == cycle.id).scalar() or 0
    row = ReportVersion(cycle_id=cycle.id, version=last + 1,
                        status="pending", created_by=user_name,
                        created=clock.utcnow(), files={})
    model.Session.add(row)
    model.Session.flush()
    return row


def run_report(version_id: str) -> str:
    """Job: render one version; returns its status."""
    row = model.Session.get(ReportVersion, version_id)
    if row is None:
        return "not_found"
    cycle = model.Session.get(Cycle, row.cycle_id)
    try:
        outputs = output.render_all(cycle, row.version)
        base = f"{cycle.id}/report/v{row.version}"
        files = {}
        for ext, content in outputs.items():
            files[ext] = store.write_atomic(
                f"{base}/laporan-{cycle.code}-v{row.version}.{ext}", content)
        row.files = files
        row.status = "ok"
        row.error = ""
    except Exception as exc:
        log.exception("report version %s of %s failed", row.version,
                      cycle.code)
        model.Session.rollback()
        row = model.Session.get(ReportVersion, version_id)
        row.status = "failed"
        row.error = f"{type(exc).__name__}: {exc}"
    model.Session.add(row)
    model.Session.commit()
    return row.status
