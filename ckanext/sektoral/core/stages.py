"""The SOP as a state machine: stages, positions and transitions.

Plain Python, no CKAN import: the actions in ``logic/`` ask this module
whether an actor may move a dataset from its current stage, and which
stage follows. Messages are English msgids marked with ``N_`` so that
Babel extracts them; the action layer translates them (Indonesian first).

Stages of one dataset (an item of a cycle's data list), with the SOP step
each belongs to::

    direncanakan  planned        step 1  listed, request not sent yet
    diminta       requested      step 2  request letter sent to the OPD
    dikirim       submitted      step 2  OPD submitted (completeness gate passed)
    dikembalikan  returned       step 2  Kasie returned it with a note
    diterima      accepted       step 3  Kasie validated it complete
    diolah        processed      step 4  staff compiled/processed/analysed it
    dalam_laporan in_report      step 5  in the cycle's draft report
    diperiksa     checked        step 5  checked by the checker (default Kabid)
    disetujui     approved       step 6  approved by the approver (default Kadis)
    dipublikasikan published     done    public on the portal

The approval chain is configuration: an optional checker position and an
approver position (default: Kabid checks, Kadis approves). Without a
checker, the approver acts on ``dalam_laporan`` directly.
"""
from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable, Iterable
from typing import Optional

Translate = Callable[[str], str]


def _identity(message: str) -> str:
    return message


def N_(message: str) -> str:
    """Mark a msgid for extraction; translated where it is shown."""
    return message


class Stage(str, enum.Enum):
    PLANNED = "direncanakan"
    REQUESTED = "diminta"
    SUBMITTED = "dikirim"
    RETURNED = "dikembalikan"
    ACCEPTED = "diterima"
    PROCESSED = "diolah"
    IN_REPORT = "dalam_laporan"
    CHECKED = "diperiksa"
    APPROVED = "disetujui"
    PUBLISHED = "dipublikasikan"
    WITHDRAWN = "ditarik"

    @property
    def label(self) -> str:
        return STAGE_LABELS[self]

    @property
    def step(self) -> Optional[int]:
        """The SOP step a dataset in this stage waits in (None when done)."""
        return STAGE_STEPS[self]


STAGE_LABELS: dict[Stage, str] = {
    Stage.PLANNED: N_("Planned"),
    Stage.REQUESTED: N_("Requested"),
    Stage.SUBMITTED: N_("Submitted"),
    Stage.RETURNED: N_("Returned"),
    Stage.ACCEPTED: N_("Accepted"),
    Stage.PROCESSED: N_("Processed"),
    Stage.IN_REPORT: N_("In draft report"),
    Stage.CHECKED: N_("Checked"),
    Stage.APPROVED: N_("Approved"),
    Stage.PUBLISHED: N_("Published"),
    Stage.WITHDRAWN: N_("Withdrawn"),
}

STAGE_STEPS: dict[Stage, Optional[int]] = {
    Stage.PLANNED: 1,
    Stage.REQUESTED: 2,
    Stage.SUBMITTED: 2,
    Stage.RETURNED: 2,
    Stage.ACCEPTED: 3,
    Stage.PROCESSED: 4,
    Stage.IN_REPORT: 5,
    Stage.CHECKED: 5,
    Stage.APPROVED: 6,
    Stage.PUBLISHED: None,
    Stage.WITHDRAWN: None,
}

#: Stages in which the producing OPD may edit its dataset.
OPD_EDITABLE: frozenset[Stage] = frozenset(
    {Stage.PLANNED, Stage.REQUESTED, Stage.RETURNED}
)


class Position(str, enum.Enum):
    """Positions of the Walidata (and the Pembina Data) kept by the extension."""

    STAF = "staf"
    KASIE = "kasie"
    KABID = "kabid"
    KADIS = "kadis"
    PEMBINA = "pembina"

    @property
    def label(self) -> str:
        return POSITION_LABELS[self]


POSITION_LABELS: dict[Position, str] = {
    Position.STAF: N_("Walidata staff"),
    Position.KASIE: N_("Head of section (Kasie)"),
    Position.KABID: N_("Head of division (Kabid)"),
    Position.KADIS: N_("Head of agency (Kadis)"),
    Position.PEMBINA: N_("Data supervisor (BPS)"),
}

#: Positions of the Walidata proper (they see every OPD's datasets).
WALIDATA_POSITIONS: frozenset[Position] = frozenset(
    {Position.STAF, Position.KASIE, Position.KABID, Position.KADIS}
)

PRODUCER = "produsen"  # the OPD's own editors/admins: not a Position


@dataclasses.dataclass(frozen=True)
class ApprovalChain:
    """Who checks (optional) and who approves the draft report."""

    approver: Position = Position.KADIS
    checker: Optional[Position] = Position.KABID

    def __post_init__(self) -> None:
        if self.checker == self.approver:
            raise ValueError("the checker and the approver must differ")


@dataclasses.dataclass(frozen=True)
class Actor:
    """Who is acting, as far as the workflow rules are concerned."""

    name: str
    sysadmin: bool = False
    positions: frozenset[Position] = frozenset()
    producer: bool = False  # editor/admin of the dataset's organization

    def holds(self, position: Position) -> bool:
        return position in self.positions


@dataclasses.dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[Stage]
    target: Stage
    step: int
    actor: str  # a Position value or PRODUCER
    note_required: bool = False
    label: str = ""


def transitions(chain: ApprovalChain = ApprovalChain()) -> dict[str, Transition]:
    """All transitions under the given approval chain, by name."""
    staf = Position.STAF.value
    kasie = Position.KASIE.value
    items = [
        Transition("request", frozenset({Stage.PLANNED}), Stage.REQUESTED, 1,
                   staf, label=N_("Send request")),
        Transition("submit", frozenset({Stage.REQUESTED, Stage.RETURNED}),
                   Stage.SUBMITTED, 2, PRODUCER, label=N_("Submit")),
        Transition("return", frozenset({Stage.SUBMITTED}), Stage.RETURNED, 2,
                   kasie, note_required=True, label=N_("Return to OPD")),
        Transition("accept", frozenset({Stage.SUBMITTED}), Stage.ACCEPTED, 2,
                   kasie, label=N_("Accept")),
        Transition("process", frozenset({Stage.ACCEPTED}), Stage.PROCESSED, 3,
                   staf, label=N_("Mark processed")),
        Transition("draft", frozenset({Stage.PROCESSED}), Stage.IN_REPORT, 4,
                   staf, label=N_("Include in draft report")),
        Transition("publish", frozenset({Stage.APPROVED}), Stage.PUBLISHED, 6,
                   staf, label=N_("Publish")),
    ]
    if chain.checker is not None:
        items.append(Transition(
            "check", frozenset({Stage.IN_REPORT}), Stage.CHECKED, 5,
            chain.checker.value, label=N_("Mark checked")))
        items.append(Transition(
            "approve", frozenset({Stage.CHECKED}), Stage.APPROVED, 5,
            chain.approver.value, label=N_("Approve")))
    else:
        items.append(Transition(
            "approve", frozenset({Stage.IN_REPORT}), Stage.APPROVED, 5,
            chain.approver.value, label=N_("Approve")))
    # Returning the report at an approval step sends it back to staff;
    # who may do it depends on the stage (see reviewer_at).
    review_from = frozenset({Stage.IN_REPORT, Stage.CHECKED}
                            if chain.checker is not None else {Stage.IN_REPORT})
    items.append(Transition(
        "return_report", review_from, Stage.PROCESSED, 5,
        chain.approver.value, note_required=True,
        label=N_("Return report to staff")))
    return {t.name: t for t in items}


def after_publication() -> dict[str, Transition]:
    """Transitions of a published dataset (outside the six steps, so not in
    :func:`transitions`): staff reopen it for a logged revision (it goes
    back to the draft report, is checked and approved again, then
    published again with ``publish``), or withdraw it with a public notice.
    A withdrawn dataset is never edited or withdrawn again; only a logged
    revision (``reopen``) can bring corrected data back, through the same
    check, approval and publication. Both need a note."""
    staf = Position.STAF.value
    items = [
        Transition("reopen", frozenset({Stage.PUBLISHED, Stage.WITHDRAWN}),
                   Stage.IN_REPORT, 6, staf, note_required=True,
                   label=N_("Reopen for revision")),
        Transition("withdraw", frozenset({Stage.PUBLISHED}), Stage.WITHDRAWN,
                   6, staf, note_required=True, label=N_("Withdraw")),
    ]
    return {t.name: t for t in items}


class TransitionError(Exception):
    """A transition that the rules refuse.

    ``message`` is an English msgid with ``%(name)s`` placeholders filled
    from ``params`` after translation; ``code`` is stable for API clients.
    """

    def __init__(self, code: str, message: str, **params: str) -> None:
        super().__init__(message % params if params else message)
        self.code = code
        self.message = message
        self.params = params


def reviewer_at(stage: Stage, chain: ApprovalChain) -> Position:
    """Who reviews the draft report while it is at ``stage``."""
    if stage == Stage.IN_REPORT and chain.checker is not None:
        return chain.checker
    return chain.approver


def required_actor(transition: Transition, stage: Stage,
                   chain: ApprovalChain) -> str:
    """The position value (or PRODUCER) that may perform it from ``stage``."""
    if transition.name == "return_report":
        return reviewer_at(stage, chain).value
    return transition.actor


def actor_may(actor: Actor, transition: Transition, stage: Stage,
              chain: ApprovalChain = ApprovalChain()) -> bool:
    """Whether the actor holds what ``transition`` needs at ``stage``."""
    if actor.sysadmin:
        return True
    needed = required_actor(transition, stage, chain)
    if needed == PRODUCER:
        return actor.producer
    return actor.holds(Position(needed))


def may_ever(actor: Actor, transition: Transition,
             chain: ApprovalChain = ApprovalChain()) -> bool:
    """Whether the actor holds what ``transition`` needs at one of its
    source stages at least (the coarse check before any dataset is read)."""
    return any(actor_may(actor, transition, stage, chain)
               for stage in transition.sources)


def who_may(transition: Transition, stage: Stage,
            chain: ApprovalChain = ApprovalChain(),
            translate: Translate = _identity) -> str:
    """Who may act, for messages (``translate`` is e.g. ``tk._``)."""
    return actor_label(required_actor(transition, stage, chain), translate)


def actor_label(actor: str, translate: Translate = _identity) -> str:
    """The name of an actor (a Position value or PRODUCER), for messages
    and pages."""
    if actor == PRODUCER:
        return translate(N_("the producing OPD"))
    return translate(POSITION_LABELS[Position(actor)])


def plan(stage: Stage, name: str, actor: Actor, note: str = "",
         chain: ApprovalChain = ApprovalChain(),
         translate: Translate = _identity,
         table: Optional[dict[str, Transition]] = None) -> Transition:
    """Check one transition; return it, or raise :class:`TransitionError`.

    Checks, in order: the transition exists; it starts from ``stage``; the
    actor may perform it; a required note is present. ``translate``
    translates the parts of the message built here (stage and position
    names); the caller translates ``TransitionError.message`` itself.
    ``table``: the transitions to look ``name`` up in (default: the six
    steps', :func:`transitions`; e.g. :func:`after_publication`).
    """
    if table is None:
        table = transitions(chain)
    if name not in table:
        raise TransitionError(
            "unknown_transition", N_("Unknown transition: %(name)s"),
            name=name)
    transition = table[name]
    action = translate(transition.label)
    if stage not in transition.sources:
        raise TransitionError(
            "illegal_transition",
            N_("Cannot %(action)s: the dataset is at stage "
               "\"%(stage)s\". At this stage: %(next)s."),
            action=action, stage=translate(stage.label),
            next=describe_next(stage, chain, translate) or "-")
    if not actor_may(actor, transition, stage, chain):
        raise TransitionError(
            "not_authorized",
            N_("Only %(who)s may %(action)s at stage \"%(stage)s\"."),
            who=who_may(transition, stage, chain, translate), action=action,
            stage=translate(stage.label))
    if transition.note_required and not note.strip():
        raise TransitionError(
            "note_required", N_("A note is required to %(action)s."),
            action=action)
    return transition


def available(stage: Stage, actor: Actor,
              chain: ApprovalChain = ApprovalChain()) -> list[Transition]:
    """Transitions the actor may perform from ``stage`` (for the UI)."""
    return [t for t in transitions(chain).values()
            if stage in t.sources and actor_may(actor, t, stage, chain)]


def describe_next(stage: Stage, chain: ApprovalChain = ApprovalChain(),
                  translate: Translate = _identity) -> str:
    """'transition (who)' pairs possible from ``stage``, for messages."""
    return "; ".join(
        f"{translate(t.label)} ({who_may(t, stage, chain, translate)})"
        for t in transitions(chain).values() if stage in t.sources)


def parse_positions(values: Iterable[str]) -> frozenset[Position]:
    """Positions from their stored values; unknown values are ignored."""
    known = {p.value: p for p in Position}
    return frozenset(known[v] for v in values if v in known)


# -- the vocabulary ------------------------------------------------------------
#
# Every set of stages, order of stages, list of transitions and step name
# used elsewhere is named here; other modules and the templates (through
# the ``sektoral_vocabulary`` helper) use these names, never literals
# (``tests/core/test_vocabulary.py`` greps the package for copies).

#: The stages of the six steps in SOP order (every stage but withdrawn,
#: which lies outside the steps): listings, counts, the demo cycle.
SOP_ORDER: tuple[Stage, ...] = tuple(s for s in Stage if s is not Stage.WITHDRAWN)

#: Stages from which the producing OPD submits (the sources of
#: ``submit``): what the OPD has to act on in its inbox.
SUBMITTABLE: frozenset[Stage] = transitions()["submit"].sources

#: Stages of an item whose request was sent: the OPD's inbox lists them
#: (a planned item is the Walidata's business, step 1), in SOP order.
REQUESTED_ONWARDS: tuple[Stage, ...] = tuple(
    s for s in Stage if s is not Stage.PLANNED)

#: Stages of a dataset the Kasie accepted (step 3 onwards) and that is
#: not withdrawn: compiled, analysed and shown in the draft report.
ACCEPTED_STAGES: frozenset[Stage] = frozenset({
    Stage.ACCEPTED, Stage.PROCESSED, Stage.IN_REPORT, Stage.CHECKED,
    Stage.APPROVED, Stage.PUBLISHED})

#: Stages of a dataset whose report was approved and that is not
#: withdrawn (approved, published).
APPROVED_STAGES: frozenset[Stage] = frozenset(
    {Stage.APPROVED, Stage.PUBLISHED})

#: Stages in which a dataset is public on the portal.
PUBLIC_STAGES: frozenset[Stage] = frozenset({Stage.PUBLISHED})

#: Stages after publication (the sources of :func:`after_publication`):
#: corrected only through a logged revision (``reopen``).
AFTER_PUBLICATION: frozenset[Stage] = frozenset().union(
    *(t.sources for t in after_publication().values()))

#: Names of the six steps' transitions in SOP order, whatever the chain
#: (``check`` exists only with a checker): auth functions, actions,
#: buttons in this order.
TRANSITION_ORDER: tuple[str, ...] = (
    "request", "submit", "accept", "return", "process", "draft", "check",
    "approve", "return_report", "publish")

#: Transitions the producing OPD performs; the others are the Walidata's.
PRODUCER_TRANSITIONS: frozenset[str] = frozenset(
    name for name, t in transitions().items() if t.actor == PRODUCER)

#: Transitions of the Walidata, in SOP order (offered on its pages).
WALIDATA_TRANSITIONS: tuple[str, ...] = tuple(
    name for name in TRANSITION_ORDER if name not in PRODUCER_TRANSITIONS)

#: The approval chain's transitions, the checker's first (``check``
#: exists only with a checker): the approval inbox, the approval sheet.
APPROVAL_TRANSITIONS: tuple[str, ...] = ("check", "approve")

#: The six SOP steps.
STEPS: tuple[int, ...] = (1, 2, 3, 4, 5, 6)

#: The name of each SOP step, the same under every approval chain (who
#: acts in it: :func:`step_actors`).
STEP_NAMES: dict[int, str] = {
    1: N_("Data list and request letters"),
    2: N_("Collection and validation"),
    3: N_("Processing and analysis"),
    4: N_("Draft report"),
    5: N_("Check and approval"),
    6: N_("Publication"),
}


def ordered(values: Iterable[Stage]) -> list[Stage]:
    """The stages in SOP order (e.g. of a set above)."""
    chosen = set(values)
    return [s for s in Stage if s in chosen]


def step_actors(step: int, chain: ApprovalChain = ApprovalChain()
                ) -> tuple[str, ...]:
    """Who acts in ``step`` under ``chain``: position values (or PRODUCER),
    each once, in the order of the step's transitions."""
    table = transitions(chain)
    found: list[str] = []
    for name in TRANSITION_ORDER:
        transition = table.get(name)
        if transition is None or transition.step != step:
            continue
        for stage in ordered(transition.sources):
            needed = required_actor(transition, stage, chain)
            if needed not in found:
                found.append(needed)
    return tuple(found)


def describe_step(step: int, chain: ApprovalChain = ApprovalChain(),
                  translate: Translate = _identity) -> str:
    """The step's name and who acts in it, e.g. "Check and approval:
    Head of division (Kabid), Head of agency (Kadis)"."""
    return "%s: %s" % (translate(STEP_NAMES[step]), ", ".join(
        actor_label(a, translate) for a in step_actors(step, chain)))


def path_to(stage: Stage, chain: ApprovalChain = ApprovalChain()
            ) -> tuple[str, ...]:
    """The shortest series of transitions that brings a planned dataset to
    ``stage`` under ``chain`` (e.g. the demo cycle's items); a stage that
    cannot be reached raises ``ValueError``."""
    table = {**transitions(chain), **after_publication()}
    names = [n for n in TRANSITION_ORDER if n in table] + [
        n for n in table if n not in TRANSITION_ORDER]
    paths: dict[Stage, tuple[str, ...]] = {Stage.PLANNED: ()}
    frontier = [Stage.PLANNED]
    while frontier and stage not in paths:
        reached = []
        for current in frontier:
            for name in names:
                target = table[name].target
                if current in table[name].sources and target not in paths:
                    paths[target] = paths[current] + (name,)
                    reached.append(target)
        frontier = reached
    if stage not in paths:
        raise ValueError(f"stage {stage.value} cannot be reached")
    return paths[stage]


def next_actor(stage: Stage, chain: ApprovalChain = ApprovalChain()
               ) -> Optional[str]:
    """Who must act next on a dataset at ``stage``: the actor (a Position
    value or PRODUCER) of the first of the six steps' transitions from it
    (e.g. for reminders); None when none leads on (published, withdrawn)."""
    table = transitions(chain)
    for name in TRANSITION_ORDER:
        if name in table and stage in table[name].sources:
            return required_actor(table[name], stage, chain)
    return None


#: Transitions that change what the public sees of a dataset (into a
#: public stage, or out of one): after them the national portal's copy is
#: pushed again.
PUBLIC_RECORD_TRANSITIONS: tuple[str, ...] = tuple(
    name for name, t in {**transitions(), **after_publication()}.items()
    if t.target in PUBLIC_STAGES or t.sources & PUBLIC_STAGES)
