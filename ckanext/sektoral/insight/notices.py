"""The public notices of a published dataset: its withdrawal while in
force (downloads and chart series answer 410 with it) and its revision,
with the dates it was published (read from the audit log). Read by the
public pages, the DCAT record, the national-portal push and publication
itself."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Optional

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.sektoral.core import contracts
from ckanext.sektoral.model import Transition
from ckanext.sektoral.model.publication import REVISION, WITHDRAWAL, Notice


def publish_dates(package_id: str) -> contracts.PublishDates:
    """First and last publication of a dataset (from the audit log)."""
    first, last = model.Session.query(
        sa.func.min(Transition.created), sa.func.max(Transition.created)
    ).filter(Transition.package_id == package_id,
             Transition.transition == "publish").one()
    return {"first_published": first.isoformat() if first else None,
            "last_published": last.isoformat() if last else None}


def _last_publish(package_id: str) -> Optional[dt.datetime]:
    return model.Session.query(sa.func.max(Transition.created)).filter(
        Transition.package_id == package_id,
        Transition.transition == "publish").scalar()


def _current_withdrawal(package_id: str) -> Optional[Notice]:
    """The withdrawal in force: the latest withdrawal notice, unless the
    dataset was published again after it (a revision lifted it)."""
    withdrawal = model.Session.query(Notice).filter(
        Notice.package_id == package_id, Notice.kind == WITHDRAWAL).order_by(
        Notice.created.desc()).first()
    if withdrawal is None:
        return None
    last = _last_publish(package_id)
    if last is not None and last > withdrawal.created:
        return None
    return withdrawal


def withdrawal_notice(package_id: str) -> Optional[contracts.WithdrawalNotice]:
    """The withdrawal in force of a dataset (its notice, ``state``
    ``withdrawn``), or None: the gate of every data download and chart
    series."""
    withdrawal = _current_withdrawal(package_id)
    if withdrawal is None:
        return None
    return {**withdrawal.as_dict(), **publish_dates(package_id),
            "state": "withdrawn"}


def withdrawal_text(notice: Mapping[str, Any]) -> str:
    """The notice as one sentence (410 answers, API, DCAT)."""
    created = (notice.get("created") or "")[:10]
    return tk._("This dataset was withdrawn on %(date)s and its data must "
                "no longer be used. Withdrawal notice: %(note)s") % {
        "date": created, "note": notice.get("note") or ""}


def notice_for(package_id: str) -> Optional[contracts.PublicNotice]:
    """The public notice of a dataset: its withdrawal while in force
    (always shown), else its latest revision (open while the dataset is
    being corrected, then shown as revised with the date it was published
    again); None if the dataset has neither."""
    withdrawn = withdrawal_notice(package_id)
    if withdrawn is not None:
        return withdrawn
    revision: Optional[Notice] = model.Session.query(Notice).filter(
        Notice.package_id == package_id, Notice.kind == REVISION).order_by(
        Notice.created.desc()).first()
    if revision is None:
        return None
    data = revision.as_dict()
    dates = publish_dates(package_id)
    republished = model.Session.query(sa.func.min(Transition.created)).filter(
        Transition.package_id == package_id,
        Transition.transition == "publish",
        Transition.created > revision.created).scalar()
    notice: contracts.RevisionNotice = {
        **data, **dates,
        "state": "revised" if republished else "under_revision",
        "revised": republished.isoformat() if republished else None}
    return notice
