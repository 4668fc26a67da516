"""Tables of the ``sektoral`` plugin (created only by its alembic migrations).

* ``sektoral_cycle``      one half-year cycle of the SOP
* ``sektoral_item``       the authoritative workflow stage of one dataset
                          (with a version number for conflict-checked moves)
* ``sektoral_transition`` the append-only audit log of every transition
* ``sektoral_position``   Walidata/Pembina positions assigned to users
* ``sektoral_release``    each cycle's release of a statistic (its resources)
* ``sektoral_redirect``   old dataset names merged into a statistic

A statistic is one public dataset for good; each cycle's item is its
submission for that cycle. The first cycle's item is the statistic's own
dataset (``statistic_id == package_id``); a later cycle's item is a
private dataset of its own that publication releases into the statistic
(``logic/releases.py``).
"""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Optional

from sqlalchemy import (
    BigInteger, Column, Date, DateTime, ForeignKey, Index, Integer,
    UnicodeText, UniqueConstraint,
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


class Cycle(BaseModel):
    __tablename__ = "sektoral_cycle"

    id: Mapped[str] = Column(UnicodeText, primary_key=True, default=_uuid)
    code: Mapped[str] = Column(UnicodeText, nullable=False, unique=True)
    title: Mapped[str] = Column(UnicodeText, nullable=False)
    start_date: Mapped[dt.date] = Column(Date, nullable=False)
    status: Mapped[str] = Column(UnicodeText, nullable=False, default="open")
    notes: Mapped[str] = Column(UnicodeText, nullable=False, default="")
    # {"2": "2026-01-12", ...}: the actual start of each step that began.
    step_starts: Mapped[dict[str, Any]] = Column(JSONB, nullable=False, default=dict)
    created: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=_now)
    created_by: Mapped[str] = Column(UnicodeText, nullable=False)

    def as_dict(self) -> contracts.CycleRecord:
        return {
            "id": self.id,
            "code": self.code,
            "title": self.title,
            "start_date": self.start_date.isoformat(),
            "status": self.status,
            "notes": self.notes,
            "step_starts": dict(self.step_starts or {}),
            "created": self.created.isoformat(),
            "created_by": self.created_by,
        }


class Item(BaseModel):
    """Workflow state of one dataset of a cycle's data list."""

    __tablename__ = "sektoral_item"

    package_id: Mapped[str] = Column(UnicodeText, primary_key=True)
    cycle_id: Mapped[str] = Column(UnicodeText, ForeignKey("sektoral_cycle.id"),
                                   nullable=False)
    owner_org: Mapped[str] = Column(UnicodeText, nullable=False)
    stage: Mapped[str] = Column(UnicodeText, nullable=False)
    version: Mapped[int] = Column(Integer, nullable=False, default=1)
    stage_changed: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=_now)
    times_returned: Mapped[int] = Column(Integer, nullable=False, default=0)
    first_submitted: Mapped[Optional[dt.datetime]] = Column(DateTime)
    template: Mapped[Optional[str]] = Column(UnicodeText)  # Table Schema template name, if any
    # the statistic's public dataset (this item's own, or the one it is a
    # later cycle's submission for)
    statistic_id: Mapped[str] = Column(UnicodeText, nullable=False)

    __table_args__ = (
        Index("sektoral_item_cycle_stage", "cycle_id", "stage"),
        Index("sektoral_item_owner_org", "owner_org"),
        Index("sektoral_item_statistic", "statistic_id"),
    )

    @property
    def is_submission(self) -> bool:
        """A later cycle's submission (never public itself)."""
        return self.statistic_id != self.package_id


class Transition(BaseModel):
    """One row per transition; never updated (a trigger refuses UPDATE)."""

    __tablename__ = "sektoral_transition"

    id: Mapped[int] = Column(BigInteger, primary_key=True, autoincrement=True)
    package_id: Mapped[str] = Column(UnicodeText, nullable=False)
    cycle_id: Mapped[str] = Column(UnicodeText, nullable=False)
    transition: Mapped[str] = Column(UnicodeText, nullable=False)
    from_stage: Mapped[Optional[str]] = Column(UnicodeText)
    to_stage: Mapped[str] = Column(UnicodeText, nullable=False)
    actor_id: Mapped[str] = Column(UnicodeText, nullable=False)
    actor_name: Mapped[str] = Column(UnicodeText, nullable=False)
    position: Mapped[str] = Column(UnicodeText, nullable=False)
    note: Mapped[str] = Column(UnicodeText, nullable=False, default="")
    created: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=_now)

    __table_args__ = (
        Index("sektoral_transition_package", "package_id", "id"),
        Index("sektoral_transition_cycle", "cycle_id", "to_stage"),
    )

    def as_dict(self) -> contracts.TransitionRecord:
        return {
            "id": self.id,
            "package_id": self.package_id,
            "cycle_id": self.cycle_id,
            "transition": self.transition,
            "from_stage": self.from_stage,
            "to_stage": self.to_stage,
            "actor_id": self.actor_id,
            "actor_name": self.actor_name,
            "position": self.position,
            "note": self.note,
            "created": self.created.isoformat(),
        }


class Release(BaseModel):
    """A statistic released in a cycle: which of its resources hold that
    release's files (a revision published again replaces them)."""

    __tablename__ = "sektoral_release"

    id: Mapped[str] = Column(UnicodeText, primary_key=True, default=_uuid)
    statistic_id: Mapped[str] = Column(UnicodeText, nullable=False)
    cycle_id: Mapped[str] = Column(UnicodeText, ForeignKey("sektoral_cycle.id"),
                                   nullable=False)
    submission_id: Mapped[str] = Column(UnicodeText, nullable=False)
    resource_ids: Mapped[list[str]] = Column(JSONB, nullable=False, default=list)
    released: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=_now)
    released_by: Mapped[str] = Column(UnicodeText, nullable=False)

    __table_args__ = (
        UniqueConstraint("statistic_id", "cycle_id",
                         name="sektoral_release_statistic_cycle"),
    )


class Redirect(BaseModel):
    """The old name of a dataset merged into its statistic (migration
    ``e2b7c9a4f618``): ``/dataset/<name>`` redirects to the statistic."""

    __tablename__ = "sektoral_redirect"

    name: Mapped[str] = Column(UnicodeText, primary_key=True)
    package_id: Mapped[str] = Column(UnicodeText, nullable=False)


class UserPosition(BaseModel):
    __tablename__ = "sektoral_position"

    user_id: Mapped[str] = Column(UnicodeText, primary_key=True)
    position: Mapped[str] = Column(UnicodeText, primary_key=True)
    granted_by: Mapped[str] = Column(UnicodeText, nullable=False)
    granted: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=_now)

