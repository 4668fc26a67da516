"""Who a transition mail goes to and who an item waits on (the rules,
no query)."""
from __future__ import annotations

from typing import Optional

from ckanext.sektoral import config
from ckanext.sektoral.core import stages
from ckanext.sektoral.core.stages import Position, Stage

#: Recipients marker: the producing OPD's contacts.
OPD = "opd"

#: Stages in which an item waits on its OPD (reminders go to the OPD).
OPD_WAITING: frozenset[Stage] = frozenset({Stage.REQUESTED, Stage.RETURNED})

def audience(event: str,
             chain: Optional[stages.ApprovalChain] = None) -> tuple[str, ...]:
    """Who a transition notifies: :data:`OPD` and/or position values
    (empty: the event sends no mail)."""
    chain = chain or config.approval_chain()
    table: dict[str, tuple[str, ...]] = {
        "request": (OPD,),
        "return": (OPD,),
        "accept": (OPD,),
        "publish": (OPD,),
        "submit": (Position.KASIE.value, Position.STAF.value),
        "draft": (stages.reviewer_at(Stage.IN_REPORT, chain).value,),
        "check": (chain.approver.value,),
        "return_report": (Position.STAF.value,),
    }
    return table.get(event, ())


def waiting_on(stage: Stage, chain: stages.ApprovalChain) -> Optional[str]:
    """Who must act next on an item at ``stage`` (None when published)."""
    if stage in OPD_WAITING:
        return OPD
    if stage == Stage.SUBMITTED:
        return Position.KASIE.value
    if stage in (Stage.IN_REPORT, Stage.CHECKED):
        return stages.reviewer_at(stage, chain).value
    if stage in (Stage.PLANNED, Stage.ACCEPTED, Stage.PROCESSED,
                 Stage.APPROVED):
        return Position.STAF.value
    return None
