"""Tables of the documents area (created by migration 5d0c2a7e9b16).

* ``sektoral_document``         generated files of a cycle: request letters
                                (one per OPD) and the compilation
* ``sektoral_report_version``   every (re)generation of a cycle's draft
                                report, with its files or its error
* ``sektoral_report_narrative`` the editable narrative per report chapter
* ``sektoral_analysis``         the step-3 analysis of one dataset
"""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Optional

from sqlalchemy import (
    Boolean, Column, DateTime, ForeignKey, Index, Integer, UnicodeText,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped

from ckanext.sektoral import clock
from ckanext.sektoral.core import contracts
from ckanext.sektoral.model.base import BaseModel


def _uuid() -> str:
    return str(uuid.uuid4())


def _now() -> dt.datetime:
    return clock.utcnow()


def _iso(value: Any) -> Any:
    return value.isoformat() if value is not None else None


class Document(BaseModel):
    """A generated document of a cycle (kind ``letter`` or ``compilation``)."""

    __tablename__ = "sektoral_document"

    id: Mapped[str] = Column(UnicodeText, primary_key=True, default=_uuid)
    cycle_id: Mapped[str] = Column(UnicodeText, ForeignKey(
        "sektoral_cycle.id", ondelete="CASCADE"), nullable=False)
    kind: Mapped[str] = Column(UnicodeText, nullable=False)
    owner_org: Mapped[Optional[str]] = Column(UnicodeText)  # letters: the OPD
    number: Mapped[str] = Column(UnicodeText, nullable=False, default="")
    status: Mapped[str] = Column(UnicodeText, nullable=False, default="pending")
    error: Mapped[str] = Column(UnicodeText, nullable=False, default="")
    files: Mapped[dict[str, str]] = Column(JSONB, nullable=False, default=dict)  # {"pdf": relpath}
    created: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=_now)
    created_by: Mapped[str] = Column(UnicodeText, nullable=False)

    __table_args__ = (
        Index("sektoral_document_cycle_kind", "cycle_id", "kind",
              "owner_org"),
    )

    def as_dict(self) -> contracts.DocumentRecord:
        return {"id": self.id, "cycle_id": self.cycle_id, "kind": self.kind,
                "owner_org": self.owner_org, "number": self.number,
                "status": self.status, "error": self.error,
                "formats": sorted((self.files or {}).keys()),
                "created": _iso(self.created), "created_by": self.created_by}


class ReportVersion(BaseModel):
    __tablename__ = "sektoral_report_version"

    id: Mapped[str] = Column(UnicodeText, primary_key=True, default=_uuid)
    cycle_id: Mapped[str] = Column(UnicodeText, ForeignKey(
        "sektoral_cycle.id", ondelete="CASCADE"), nullable=False)
    version: Mapped[int] = Column(Integer, nullable=False)
    status: Mapped[str] = Column(UnicodeText, nullable=False, default="pending")
    error: Mapped[str] = Column(UnicodeText, nullable=False, default="")
    files: Mapped[dict[str, str]] = Column(JSONB, nullable=False, default=dict)
    created: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=_now)
    created_by: Mapped[str] = Column(UnicodeText, nullable=False)
    approved: Mapped[bool] = Column(Boolean, nullable=False, default=False)
    approved_by: Mapped[Optional[str]] = Column(UnicodeText)
    approved_at: Mapped[Optional[dt.datetime]] = Column(DateTime)

    __table_args__ = (
        Index("sektoral_report_version_cycle", "cycle_id", "version",
              unique=True),
    )


class ReportNarrative(BaseModel):
    __tablename__ = "sektoral_report_narrative"

    cycle_id: Mapped[str] = Column(UnicodeText, ForeignKey(
        "sektoral_cycle.id", ondelete="CASCADE"), primary_key=True)
    chapter: Mapped[str] = Column(UnicodeText, primary_key=True)
    text: Mapped[str] = Column(UnicodeText, nullable=False, default="")
    updated: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=_now)
    updated_by: Mapped[str] = Column(UnicodeText, nullable=False)


class Analysis(BaseModel):
    """Latest analysis of one dataset (replaced by each run)."""

    __tablename__ = "sektoral_analysis"

    package_id: Mapped[str] = Column(UnicodeText, primary_key=True)
    cycle_id: Mapped[Optional[str]] = Column(UnicodeText, ForeignKey(
        "sektoral_cycle.id", ondelete="CASCADE"))
    status: Mapped[str] = Column(UnicodeText, nullable=False, default="pending")
    error: Mapped[str] = Column(UnicodeText, nullable=False, default="")
    result: Mapped[dict[str, Any]] = Column(JSONB, nullable=False, default=dict)
    threshold: Mapped[Optional[int]] = Column(Integer)
    created: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=_now)

    def as_dict(self) -> contracts.AnalysisRecord:
        return {"package_id": self.package_id, "cycle_id": self.cycle_id,
                "status": self.status, "error": self.error,
                "result": self.result or {}, "threshold": self.threshold,
                "created": _iso(self.created)}


# -- queries (the actions call these; no permission is checked here) --------

def letters(cycle_id: str, kind: str,
            org_id: Optional[str] = None) -> list[Document]:
    """The cycle's generated letters (of one OPD), by number."""
    from ckan import model

    query = model.Session.query(Document).filter(
        Document.cycle_id == cycle_id, Document.kind == kind,
        Document.status == "ok")
    if org_id:
        query = query.filter(Document.owner_org == org_id)
    return query.order_by(Document.number).all()


def of_kind(cycle_id: str, kind: str) -> list[Document]:
    """The cycle's documents of one kind, newest first (failed ones too)."""
    from ckan import model

    return model.Session.query(Document).filter(
        Document.cycle_id == cycle_id,
        Document.kind == kind).order_by(Document.created.desc()).all()
