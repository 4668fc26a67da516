"""Tables of the ``sektoral`` plugin (created only by its alembic migrations).

* ``sektoral_cycle``      one half-year cycle of the SOP
* ``sektoral_item``       the authoritative workflow stage of one dataset
                          (with a version number for conflict-checked moves)
* ``sektoral_transition`` the append-only audit log of every transition
* ``sektoral_position``   Walidata/Pembina positions assigned to users
"""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import (
    BigInteger, Column, Date, DateTime, ForeignKey, Index, Integer,
    UnicodeText,
)
from sqlalchemy.dialects.postgresql import JSONB

import ckan.plugins.toolkit as tk
from ckanext.sektoral import clock


def _uuid() -> str:
    return str(uuid.uuid4())


def _now() -> dt.datetime:
    return clock.utcnow()


class Cycle(tk.BaseModel):
    __tablename__ = "sektoral_cycle"

    id = Column(UnicodeText, primary_key=True, default=_uuid)
    code = Column(UnicodeText, nullable=False, unique=True)
    title = Column(UnicodeText, nullable=False)
    start_date = Column(Date, nullable=False)
    status = Column(UnicodeText, nullable=False, default="open")
    notes = Column(UnicodeText, nullable=False, default="")
    # {"2": "2026-01-12", ...}: the actual start of each step that began.
    step_starts = Column(JSONB, nullable=False, default=dict)
    created = Column(DateTime, nullable=False, default=_now)
    created_by = Column(UnicodeText, nullable=False)

    def as_dict(self) -> dict[str, Any]:
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


class Item(tk.BaseModel):
    """Workflow state of one dataset of a cycle's data list."""

    __tablename__ = "sektoral_item"

    package_id = Column(UnicodeText, primary_key=True)
    cycle_id = Column(UnicodeText, ForeignKey("sektoral_cycle.id"),
                      nullable=False)
    owner_org = Column(UnicodeText, nullable=False)
    stage = Column(UnicodeText, nullable=False)
    version = Column(Integer, nullable=False, default=1)
    stage_changed = Column(DateTime, nullable=False, default=_now)
    times_returned = Column(Integer, nullable=False, default=0)
    first_submitted = Column(DateTime)
    template = Column(UnicodeText)  # Table Schema template name, if any

    __table_args__ = (
        Index("sektoral_item_cycle_stage", "cycle_id", "stage"),
        Index("sektoral_item_owner_org", "owner_org"),
    )


class Transition(tk.BaseModel):
    """One row per transition; never updated (a trigger refuses UPDATE)."""

    __tablename__ = "sektoral_transition"

    id = Column(BigInteger, primary_key=True, autoincrement=True)
    package_id = Column(UnicodeText, nullable=False)
    cycle_id = Column(UnicodeText, nullable=False)
    transition = Column(UnicodeText, nullable=False)
    from_stage = Column(UnicodeText)
    to_stage = Column(UnicodeText, nullable=False)
    actor_id = Column(UnicodeText, nullable=False)
    actor_name = Column(UnicodeText, nullable=False)
    position = Column(UnicodeText, nullable=False)
    note = Column(UnicodeText, nullable=False, default="")
    created = Column(DateTime, nullable=False, default=_now)

    __table_args__ = (
        Index("sektoral_transition_package", "package_id", "id"),
        Index("sektoral_transition_cycle", "cycle_id", "to_stage"),
    )

    def as_dict(self) -> dict[str, Any]:
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


class UserPosition(tk.BaseModel):
    __tablename__ = "sektoral_position"

    user_id = Column(UnicodeText, primary_key=True)
    position = Column(UnicodeText, primary_key=True)
    granted_by = Column(UnicodeText, nullable=False)
    granted = Column(DateTime, nullable=False, default=_now)

