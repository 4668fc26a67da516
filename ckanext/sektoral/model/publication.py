"""Tables of publication (created only by the alembic migration
``8f3b6e1c4a27_publication``).

* ``sektoral_publication``  one row per published cycle: when, by whom,
                            the ``publikasi`` dataset and report version
* ``sektoral_notice``       public notices of published datasets: a
                            revision (reopened for correction) or a
                            withdrawal; a withdrawal notice is never removed
* ``sektoral_push``         national portal push state per dataset
                            (remote name and id, last push, last error)
"""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Optional

from sqlalchemy import (
    Column, DateTime, ForeignKey, Index, Integer, UnicodeText,
)
from sqlalchemy.orm import Mapped

from ckanext.sektoral import clock
from ckanext.sektoral.core import contracts
from ckanext.sektoral.model.base import BaseModel


def _uuid() -> str:
    return str(uuid.uuid4())


def _now() -> dt.datetime:
    return clock.utcnow()


def _iso(value: Optional[dt.datetime]) -> Optional[str]:
    return value.isoformat() if value else None


class Publication(BaseModel):
    """A published cycle."""

    __tablename__ = "sektoral_publication"

    # the foreign key is the migration's (8f3b6e1c4a27)
    cycle_id: Mapped[str] = Column(UnicodeText, ForeignKey("sektoral_cycle.id"),
                                   primary_key=True)
    package_id: Mapped[str] = Column(UnicodeText, nullable=False)  # the publikasi dataset
    report_version_id: Mapped[Optional[str]] = Column(UnicodeText)
    report_version: Mapped[Optional[int]] = Column(Integer)
    published: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=_now)
    published_by: Mapped[str] = Column(UnicodeText, nullable=False)
    dataset_count: Mapped[int] = Column(Integer, nullable=False, default=0)

    def as_dict(self) -> contracts.PublicationRecord:
        return {
            "cycle_id": self.cycle_id,
            "package_id": self.package_id,
            "report_version_id": self.report_version_id,
            "report_version": self.report_version,
            "published": _iso(self.published),
            "published_by": self.published_by,
            "dataset_count": self.dataset_count,
        }


#: Kinds of notices.
REVISION = "revision"
WITHDRAWAL = "withdrawal"


class Notice(BaseModel):
    """A public notice of a published dataset (revision or withdrawal)."""

    __tablename__ = "sektoral_notice"

    id: Mapped[str] = Column(UnicodeText, primary_key=True, default=_uuid)
    package_id: Mapped[str] = Column(UnicodeText, nullable=False)
    kind: Mapped[str] = Column(UnicodeText, nullable=False)  # REVISION / WITHDRAWAL
    note: Mapped[str] = Column(UnicodeText, nullable=False)
    created: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=_now)
    created_by: Mapped[str] = Column(UnicodeText, nullable=False)
    # A revision is closed when the dataset is published again.
    closed: Mapped[Optional[dt.datetime]] = Column(DateTime)

    __table_args__ = (
        Index("sektoral_notice_package", "package_id", "created"),
    )

    def as_dict(self) -> contracts.NoticeRecord:
        return {
            "id": self.id,
            "package_id": self.package_id,
            "kind": self.kind,
            "note": self.note,
            "created": _iso(self.created),
            "created_by": self.created_by,
            "closed": _iso(self.closed),
        }


class PushState(BaseModel):
    """Where a local dataset stands on the national portal."""

    __tablename__ = "sektoral_push"

    package_id: Mapped[str] = Column(UnicodeText, primary_key=True)
    remote_name: Mapped[str] = Column(UnicodeText, nullable=False)
    remote_id: Mapped[Optional[str]] = Column(UnicodeText)
    status: Mapped[str] = Column(UnicodeText, nullable=False, default="queued")
    attempts: Mapped[int] = Column(Integer, nullable=False, default=0)
    queued: Mapped[Optional[dt.datetime]] = Column(DateTime)
    last_pushed: Mapped[Optional[dt.datetime]] = Column(DateTime)
    error: Mapped[str] = Column(UnicodeText, nullable=False, default="")

    def as_dict(self) -> contracts.PushStateRecord:
        return {
            "package_id": self.package_id,
            "remote_name": self.remote_name,
            "remote_id": self.remote_id,
            "status": self.status,
            "attempts": self.attempts,
            "queued": _iso(self.queued),
            "last_pushed": _iso(self.last_pushed),
            "error": self.error,
        }
