"""One vocabulary: every stage set, stage order, transition list and step
name comes from ``core/stages.py`` (no CKAN app needed).

The grep tests keep it so: a stored stage value written as a literal, or
a list of transition names, anywhere else in the package (Python and
templates) fails CI.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from ckanext.sektoral.core import stages as s
from ckanext.sektoral.core.stages import ApprovalChain, Position, Stage

PACKAGE = Path(s.__file__).resolve().parent.parent

#: Where a stage value may be written: its definition, and the migrations
#: (a migration freezes the values of its day).
ALLOWED = {Path("core/stages.py")}
ALLOWED_DIRS = {Path("migration")}
#: Modules another part of issue 13 splits (demo data into files under a
#: demo folder; the CLI into a package): they move to the names of
#: ``core/stages.py`` there (``SOP_ORDER``, ``path_to``, ``STEP_NAMES``,
#: ``required_actor``, ``transitions(chain)[name].target``). Empty this
#: set when that lands.
PENDING: set[Path] = set()

#: Lines naming a few transitions on purpose (a selection, not a copy of
#: the list): file -> the start of the line.
SELECTIONS = {
    "insight/performance.py": "COUNTED = (",  # the figures it counts
}

STAGE_LITERAL = re.compile(
    r"""(["'])(%s)\1""" % "|".join(re.escape(st.value) for st in Stage))
_NAMES = "|".join(re.escape(n) for n in
                  (*s.TRANSITION_ORDER, *s.after_publication()))
#: Two quoted transition names in a row: a copied list of transitions.
TRANSITION_LIST = re.compile(
    r"""(["'])(%s)\1\s*,\s*(["'])(%s)\3""" % (_NAMES, _NAMES))


def _sources() -> list[Path]:
    found = []
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix not in (".py", ".html") or not path.is_file():
            continue
        rel = path.relative_to(PACKAGE)
        if rel in ALLOWED or rel in PENDING or any(
                d in rel.parents for d in ALLOWED_DIRS):
            continue
        found.append(path)
    return found


def _hits(pattern: re.Pattern[str]) -> list[str]:
    hits = []
    for path in _sources():
        rel = path.relative_to(PACKAGE)
        for number, line in enumerate(
                path.read_text("utf-8").splitlines(), start=1):
            if pattern.search(line) and not line.startswith(
                    SELECTIONS.get(rel.as_posix(), "\0")):
                hits.append(f"{rel}:{number}: "
                            f"{line.strip()}")
    return hits


def test_the_grep_sees_the_package():
    names = {p.relative_to(PACKAGE).as_posix() for p in _sources()}
    assert "documents/compile.py" in names
    assert "templates/sektoral/workspace/cycle.html" in names
    assert STAGE_LITERAL.search('x = "dikirim"')
    assert STAGE_LITERAL.search("stages['disetujui']")
    assert not STAGE_LITERAL.search("data yang diterima lengkap")
    assert TRANSITION_LIST.search('("request", "submit")')


def test_no_stage_literal_outside_stages():
    """Use ``Stage.X`` or a named set of ``core/stages.py`` (templates:
    ``h.sektoral_vocabulary()``)."""
    assert _hits(STAGE_LITERAL) == []


def test_no_list_of_transitions_outside_stages():
    """Use ``TRANSITION_ORDER``, ``WALIDATA_TRANSITIONS``,
    ``APPROVAL_TRANSITIONS``, ``after_publication()`` ..."""
    assert _hits(TRANSITION_LIST) == []


def test_every_stage_has_a_badge_style():
    css = (PACKAGE / "assets" / "sektoral.css").read_text("utf-8")
    missing = [st.value for st in Stage
               if f".sektoral-stage--{st.value} " not in css]
    assert missing == []


# -- the named sets ----------------------------------------------------------------

CHAINS = [ApprovalChain(),
          ApprovalChain(checker=None),
          ApprovalChain(approver=Position.KABID, checker=Position.KASIE),
          ApprovalChain(approver=Position.KABID, checker=None)]


@pytest.mark.parametrize("chain", CHAINS)
def test_transition_order_names_every_transition_in_step_order(chain):
    table = s.transitions(chain)
    assert set(table) <= set(s.TRANSITION_ORDER)
    assert set(s.transitions(ApprovalChain())) == set(s.TRANSITION_ORDER)
    steps = [table[n].step for n in s.TRANSITION_ORDER if n in table]
    assert steps == sorted(steps)
    assert len(set(s.TRANSITION_ORDER)) == len(s.TRANSITION_ORDER)


def test_walidata_transitions_are_all_but_the_producers():
    assert s.PRODUCER_TRANSITIONS == {"submit"}
    # the order of the buttons on the Walidata pages, as before
    assert s.WALIDATA_TRANSITIONS == (
        "request", "accept", "return", "process", "draft", "check",
        "approve", "return_report", "publish")


def test_sets_follow_the_transitions():
    table = s.transitions()
    assert s.SUBMITTABLE == table["submit"].sources == {
        Stage.REQUESTED, Stage.RETURNED}
    assert s.SUBMITTABLE <= s.OPD_EDITABLE
    assert Stage.PLANNED not in s.REQUESTED_ONWARDS
    assert list(s.REQUESTED_ONWARDS) == s.ordered(s.REQUESTED_ONWARDS)
    assert len(s.REQUESTED_ONWARDS) == len(Stage) - 1
    assert s.AFTER_PUBLICATION == {Stage.PUBLISHED, Stage.WITHDRAWN}
    assert s.PUBLIC_STAGES < s.APPROVED_STAGES < s.ACCEPTED_STAGES
    assert s.SOP_ORDER == tuple(st for st in Stage
                                if st is not Stage.WITHDRAWN)


@pytest.mark.parametrize("chain", CHAINS)
def test_accepted_stages_are_those_reached_through_accept(chain):
    """Accepted: every stage a dataset reaches after ``accept`` along the
    steps; a withdrawn dataset is not compiled nor reported."""
    accepted = {st for st in s.SOP_ORDER
                if "accept" in (_path_or_none(st, chain) or ())}
    reachable = {st for st in s.ACCEPTED_STAGES
                 if _path_or_none(st, chain) is not None}
    assert accepted == reachable
    assert Stage.WITHDRAWN not in s.ACCEPTED_STAGES


def _path_or_none(stage, chain):
    try:
        return s.path_to(stage, chain)
    except ValueError:
        return None


def test_path_to_every_stage():
    assert s.path_to(Stage.PLANNED) == ()
    assert s.path_to(Stage.RETURNED) == ("request", "submit", "return")
    assert s.path_to(Stage.PUBLISHED) == (
        "request", "submit", "accept", "process", "draft", "check",
        "approve", "publish")
    assert s.path_to(Stage.WITHDRAWN)[-1] == "withdraw"
    no_checker = ApprovalChain(checker=None)
    assert "check" not in s.path_to(Stage.APPROVED, no_checker)
    with pytest.raises(ValueError):
        s.path_to(Stage.CHECKED, no_checker)
    # every step of a path is legal for the one who may take it
    for stage in Stage:
        current = Stage.PLANNED
        table = {**s.transitions(), **s.after_publication()}
        for name in s.path_to(stage):
            assert current in table[name].sources
            current = table[name].target
        assert current == stage


# -- the steps ---------------------------------------------------------------------

def test_every_step_has_a_name_and_someone_acting():
    assert set(s.STEP_NAMES) == set(s.STEPS) == {
        st.step for st in Stage if st.step}
    for chain in CHAINS:
        for step in s.STEPS:
            assert s.step_actors(step, chain)


def test_step_actors_follow_the_configured_chain():
    """The page used to say "Kabid and Kadis check and approve" whatever
    the configuration: who acts in step 5 is the chain's checker and
    approver."""
    assert s.step_actors(2) == (s.PRODUCER, Position.KASIE.value)
    assert s.step_actors(5) == (Position.KABID.value, Position.KADIS.value)
    assert s.step_actors(5, ApprovalChain(checker=None)) == (
        Position.KADIS.value,)
    kabid_alone = ApprovalChain(approver=Position.KABID, checker=None)
    assert s.step_actors(5, kabid_alone) == (Position.KABID.value,)
    text = s.describe_step(5, kabid_alone)
    assert "Kadis" not in text and "Kabid" in text
    assert s.describe_step(5) == (
        "Check and approval: Head of division (Kabid), Head of agency "
        "(Kadis)")
    assert s.describe_step(2).endswith(
        "the producing OPD, Head of section (Kasie)")


def test_actor_label_is_who_may():
    table = s.transitions()
    assert s.who_may(table["submit"], Stage.REQUESTED) == s.actor_label(
        s.PRODUCER)
    assert s.who_may(table["accept"], Stage.SUBMITTED) == s.actor_label(
        Position.KASIE.value)


def test_next_actor_at_every_stage():
    """Who acts next (notify.py's reminders keep a copy of this table:
    ``waiting_on``; it can use ``next_actor``)."""
    staf, kasie = Position.STAF.value, Position.KASIE.value
    kabid, kadis = Position.KABID.value, Position.KADIS.value
    expected = {
        Stage.PLANNED: staf, Stage.REQUESTED: s.PRODUCER,
        Stage.SUBMITTED: kasie, Stage.RETURNED: s.PRODUCER,
        Stage.ACCEPTED: staf, Stage.PROCESSED: staf,
        Stage.IN_REPORT: kabid, Stage.CHECKED: kadis, Stage.APPROVED: staf,
        Stage.PUBLISHED: None, Stage.WITHDRAWN: None,
    }
    assert {st: s.next_actor(st) for st in Stage} == expected
    no_checker = ApprovalChain(checker=None)
    assert s.next_actor(Stage.IN_REPORT, no_checker) == kadis
    assert {st for st in Stage if s.next_actor(st) == s.PRODUCER} == \
        s.SUBMITTABLE
