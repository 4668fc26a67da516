"""Publication of a cycle, revisions and withdrawals (step 6 of the SOP).

* :func:`publish_cycle`: every approved item of a cycle becomes public,
  the approved report version, rendered again as the final report of
  exactly those items (:func:`final_report`), becomes a public
  ``publikasi`` dataset linked to them, publication dates are set -- in one database
  transaction: a failure anywhere publishes nothing (no stage changed, no
  audit row, no ``publikasi``, nothing indexed, no file left behind).
* :func:`reopen`: staff reopen a published dataset for a logged revision
  (back to the draft report; checked, approved and published again with
  ``sektoral_publish``); the dataset stays public with a revision notice.
* :func:`withdraw`: staff withdraw a published dataset with a public
  notice that stays on its page; from then on its data is not served
  (:func:`withdrawal_notice`: downloads and chart series answer 410 with
  the notice; the files stay stored). Only a logged revision (reopen,
  check, approve, publish) brings corrected data back; its publication
  lifts the withdrawal.

Actions call these after their auth check; nothing here reads the request.
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import uuid
from typing import Any, Optional

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import uploader

from ckanext.sektoral.documents import report as documents_report
# what the public sees of a dataset: its notices (one place)
from ckanext.sektoral.insight.notices import (  # noqa: F401 (re-exported)
    notice_for, publish_dates, withdrawal_notice, withdrawal_text,
)
from ckanext.sektoral.logic import permissions, releases
from ckanext.sektoral.logic import service as wf
from ckanext.sektoral.logic.context import site_context
from ckanext.sektoral.model import Cycle, Item, Transition, UserPosition
from ckanext.sektoral.model.publication import (
    REVISION, WITHDRAWAL, Notice, Publication,
)
from ckanext.sektoral.core import contracts, stages
from ckanext.sektoral.core.stages import Stage
from ckanext.sektoral import clock

log = logging.getLogger(__name__)

PUBLIKASI = "publikasi"

#: MIME types of the report files, by format key.
REPORT_FORMATS = {
    "pdf": ("PDF", "application/pdf"),
    "html": ("HTML", "text/html"),
    "docx": ("DOCX", "application/vnd.openxmlformats-officedocument."
                     "wordprocessingml.document"),
}


# -- the report -----------------------------------------------------------------

def approved_report(cycle_id: str
                    ) -> Optional[contracts.ReportVersionRecord]:
    """The cycle's approved report version (documents area), or None."""
    version = documents_report.approved_version(cycle_id)
    if not version or not version.get("approved"):
        return None
    return version


def final_report(cycle: Cycle, report: contracts.ReportVersionRecord,
                 package_ids: list[str], workdir: str) -> dict[str, str]:
    """The approved version rendered as the final report of the datasets
    ``package_ids`` (files under ``workdir``, by format); empty when the
    documents area cannot render it (the approved files are then used)."""
    outputs = documents_report.render_final(
        cycle, int(report.get("version") or 0), package_ids)
    files = {}
    for key, content in outputs.items():
        if key not in REPORT_FORMATS:
            continue
        path = os.path.join(workdir, f"laporan-{cycle.code.lower()}.{key}")
        with open(path, "wb") as f:
            f.write(content)
        files[key] = path
    return files


# -- publication of a cycle -------------------------------------------------------

def get_publication(cycle_id: str) -> Optional[Publication]:
    return model.Session.get(Publication, cycle_id)


def publication_organization(user: model.User) -> model.Group:
    """Publisher of the ``publikasi`` dataset: the configured organization,
    else the first organization the acting staff member belongs to."""
    name = tk.config.get("ckanext.sektoral.publication.organization") or ""
    if name:
        org = model.Group.get(name)
        if org is not None and org.is_organization and org.state == "active":
            return org
        raise tk.ValidationError({"organization": [tk._(
            "The publisher organization configured in "
            "ckanext.sektoral.publication.organization was not found: "
            "%(name)s") % {"name": name}]})
    def first_org_of(user_ids: Any) -> Optional[model.Group]:
        return model.Session.query(model.Group).join(
            model.Member, model.Member.group_id == model.Group.id).filter(
            model.Member.table_name == "user",
            model.Member.table_id.in_(user_ids),
            model.Member.state == "active",
            model.Group.is_organization.is_(True),
            model.Group.state == "active").order_by(model.Group.name).first()

    # the acting staff member's, else (a sysadmin acting) any staff's
    org = first_org_of([user.id]) or first_org_of(
        model.Session.query(UserPosition.user_id).filter(
            UserPosition.position == stages.Position.STAF.value))
    if org is None:
        raise tk.ValidationError({"organization": [tk._(
            "No publisher organization: set "
            "ckanext.sektoral.publication.organization or make the staff "
            "member a member of the Walidata's organization")]})
    return org


def publication_preview(cycle_ref: str) -> contracts.PublicationPreview:
    """What :func:`publish_cycle` would do (for the confirmation page)."""
    cycle = wf.get_cycle(cycle_ref)
    rows = model.Session.query(Item.package_id, model.Package.name,
                               model.Package.title).join(
        model.Package, model.Package.id == Item.package_id).filter(
        Item.cycle_id == cycle.id, Item.stage == Stage.APPROVED.value,
        model.Package.state == "active").order_by(model.Package.title).all()
    not_ready = model.Session.query(sa.func.count()).select_from(Item).filter(
        Item.cycle_id == cycle.id, Item.stage.notin_(
            [Stage.APPROVED.value, Stage.PUBLISHED.value,
             Stage.WITHDRAWN.value])).scalar()
    publication = get_publication(cycle.id)
    return {
        "cycle": wf.cycle_dict(cycle),
        "datasets": [{"id": r[0], "name": r[1], "title": r[2] or r[1]}
                     for r in rows],
        "not_ready": int(not_ready or 0),
        "report": approved_report(cycle.id),
        "publication": publication.as_dict() if publication else None,
    }


def publish_cycle(context: dict[str, Any], cycle_ref: str,
                  note: str = "") -> contracts.CyclePublished:
    """Publish every approved item of a cycle with its approved report,
    all or nothing: the engine's move of each item, the ``publikasi`` and
    the publication record in one transaction, committed here (the
    report files are moved into place after the commit, so
    ``defer_commit`` is not offered), then one event for the batch."""
    user = wf.acting_user(context)
    cycle = wf.get_cycle(cycle_ref)
    if get_publication(cycle.id) is not None:
        raise tk.ValidationError({"cycle": [tk._(
            "This cycle is already published. Revised datasets are "
            "published one by one (Publish).")]})
    report = approved_report(cycle.id)
    if report is None:
        raise tk.ValidationError({"report": [tk._(
            "The cycle has no approved report: a cycle is published with "
            "its report, approved by the approver. Approve the report "
            "version first.")]})
    files = {k: v for k, v in (report.get("files") or {}).items()
             if k in REPORT_FORMATS and v and os.path.isfile(v)}
    if not files:
        raise tk.ValidationError({"report": [tk._(
            "The approved report has no file to publish")]})
    items = model.Session.query(Item).join(
        model.Package, model.Package.id == Item.package_id).filter(
        Item.cycle_id == cycle.id, Item.stage == Stage.APPROVED.value,
        model.Package.state == "active").order_by(Item.package_id).all()
    if not items:
        raise tk.ValidationError({"cycle": [tk._(
            "No dataset of this cycle is approved")]})
    org = publication_organization(user)
    staged: list[tuple[str, str]] = []  # (temp path, final path)
    rows: list[Transition] = []
    workdir = tempfile.mkdtemp(prefix="sektoral-final-report-")
    try:
        # The published report: the approved version rendered as final,
        # from the datasets published now and nothing else.
        files = final_report(cycle, report, [i.package_id for i in items],
                             workdir) or files
        for item in items:  # each made public by the engine
            rows.append(wf.move(user, "publish", item.package_id, note))
        # the public datasets it covers: the statistics released
        package = _create_publikasi(
            cycle, org, releases.statistic_ids([i.package_id for i in items]),
            files, staged)
        publication = Publication(
            cycle_id=cycle.id, package_id=package["id"],
            report_version_id=str(report.get("id") or "") or None,
            report_version=report.get("version"),
            published=clock.utcnow(), published_by=user.name,
            dataset_count=len(items))
        model.Session.add(publication)
        model.Session.flush()
        model.Session.commit()
    except Exception:
        model.Session.rollback()
        for temp, _final in staged:
            _remove(temp)
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    for temp, final in staged:  # committed: move the files into place
        os.replace(temp, final)
    shutil.rmtree(workdir, ignore_errors=True)
    model.Session.expire_all()
    wf.reindex(package["id"])
    stored = get_publication(cycle.id)
    assert stored is not None  # committed above
    done = stored.as_dict()
    # one event for the whole publication (mail, national portal push)
    wf.committed("publish", [row.as_dict() for row in rows], done)
    return {
        "publication": done,
        "publikasi": tk.get_action("package_show")(
            site_context(), {"id": package["id"]}),
        "published": releases.statistic_ids([i.package_id for i in items]),
        "submissions": [i.package_id for i in items],
    }


def _create_publikasi(cycle: Cycle, org: model.Group, package_ids: list[str],
                      files: dict[str, str],
                      staged: list[tuple[str, str]]) -> dict[str, Any]:
    """The public ``publikasi`` dataset of the cycle with the report files
    as uploaded resources (deferred commit; files written to temp paths
    next to their final place and listed in ``staged``)."""
    year = cycle.start_date.year
    resources = []
    for key in ("pdf", "html", "docx"):
        if key not in files:
            continue
        fmt, mimetype = REPORT_FORMATS[key]
        path = files[key]
        filename = "laporan-{}.{}".format(cycle.code.lower(), key)
        resources.append({
            "name": filename, "url": filename, "url_type": "upload",
            "format": fmt, "mimetype": mimetype,
            "size": os.path.getsize(path), "jenis_berkas": "laporan",
            "description": tk._("Report of cycle %(code)s (%(format)s)") % {
                "code": cycle.code, "format": fmt},
        })
    name = "publikasi-" + cycle.code.lower().replace(".", "-").replace("_", "-")
    if model.Package.get(name) is not None:
        name = "{}-{}".format(name, uuid.uuid4().hex[:6])
    data = {
        "type": PUBLIKASI, "name": name[:100],
        "title": tk._("Sectoral Statistics: %(title)s") % {"title": cycle.title},
        "notes": cycle.notes or tk._(
            "Report of the sectoral statistics cycle %(code)s with the "
            "datasets it covers.") % {"code": cycle.code},
        "owner_org": org.id, "private": False,
        "kode_siklus": cycle.code,
        "tahun_awal": str(year), "tahun_akhir": str(year),
        "tanggal_terbit": clock.today().isoformat(),
        "dataset_tercakup": json.dumps(package_ids),
        "resources": resources,
    }
    package = tk.get_action("package_create")(
        site_context(defer_commit=True, sektoral_publication=True), data)
    upload = uploader.get_resource_uploader({})
    by_format = {r["format"]: r for r in package["resources"]}
    for key in ("pdf", "html", "docx"):
        if key not in files:
            continue
        resource = by_format[REPORT_FORMATS[key][0]]
        final = upload.get_path(resource["id"])
        os.makedirs(os.path.dirname(final), exist_ok=True)
        temp = "{}.tmp-{}".format(final, uuid.uuid4().hex[:8])
        staged.append((temp, final))
        shutil.copyfile(files[key], temp)
    return package


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass


# -- revision and withdrawal ------------------------------------------------------

def reopen(context: dict[str, Any], package_id: str, note: str,
           version: Optional[int] = None) -> contracts.NoticeTransition:
    """Reopen a published dataset for a logged revision (stays public)."""
    return _after_publication(context, package_id, "reopen", REVISION, note,
                              version)


def withdraw(context: dict[str, Any], package_id: str, note: str,
             version: Optional[int] = None) -> contracts.NoticeTransition:
    """Withdraw a published dataset with a public notice (its data is no
    longer served until a revision of it is published)."""
    return _after_publication(context, package_id, "withdraw", WITHDRAWAL,
                              note, version)


def _after_publication(context: dict[str, Any], package_id: str, name: str,
                       kind: str, note: str,
                       version: Optional[int]) -> contracts.NoticeTransition:
    """Reopen or withdraw: the engine's move plus the public notice, one
    unit of work (``defer_commit`` honoured as by the engine)."""
    user = wf.acting_user(context)
    item = wf.require_item(package_id)
    note = (note or "").strip()
    with wf.atomic(context):
        row = wf.move(user, name, item.package_id, note, version)
        model.Session.add(Notice(
            package_id=item.package_id, kind=kind, note=note,
            created=clock.utcnow(), created_by=user.name))
    data = wf.settle(context, name, [row])[0]
    return {**data, "status": wf.item_info(item.package_id),
            "notice": notice_for(item.package_id)}


def may_after_publication(user: Optional[str], name: str,
                          package_id: str) -> bool:
    """Auth helper: does the user hold the position ``name`` needs?"""
    if not user:
        return False
    if permissions.is_sysadmin(user):
        return True
    rule = stages.after_publication()[name]
    pkg = model.Package.get(package_id or "")
    actor = permissions.actor(user, pkg.owner_org if pkg else None)
    return stages.actor_may(actor, rule, Stage.PUBLISHED)
