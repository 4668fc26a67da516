"""The SOP state machine, without a CKAN app."""
import itertools

import pytest

from ckanext.sektoral.core import stages as s
from ckanext.sektoral.core.stages import (
    Actor, ApprovalChain, Position, Stage, TransitionError, plan,
)


def actor(*positions, producer=False, sysadmin=False):
    return Actor("u", sysadmin=sysadmin, producer=producer,
                 positions=frozenset(positions))


STAF = actor(Position.STAF)
KASIE = actor(Position.KASIE)
KABID = actor(Position.KABID)
KADIS = actor(Position.KADIS)
OPD = actor(producer=True)
PEMBINA = actor(Position.PEMBINA)
NOBODY = actor()

HAPPY_PATH = [
    (Stage.PLANNED, "request", STAF, Stage.REQUESTED),
    (Stage.REQUESTED, "submit", OPD, Stage.SUBMITTED),
    (Stage.SUBMITTED, "return", KASIE, Stage.RETURNED),
    (Stage.RETURNED, "submit", OPD, Stage.SUBMITTED),
    (Stage.SUBMITTED, "accept", KASIE, Stage.ACCEPTED),
    (Stage.ACCEPTED, "process", STAF, Stage.PROCESSED),
    (Stage.PROCESSED, "draft", STAF, Stage.IN_REPORT),
    (Stage.IN_REPORT, "check", KABID, Stage.CHECKED),
    (Stage.CHECKED, "approve", KADIS, Stage.APPROVED),
    (Stage.APPROVED, "publish", STAF, Stage.PUBLISHED),
]


@pytest.mark.parametrize("stage, name, who, target", HAPPY_PATH)
def test_happy_path(stage, name, who, target):
    note = "lengkapi satuan" if name == "return" else ""
    assert plan(stage, name, who, note).target == target


@pytest.mark.parametrize("stage, name, who, target", HAPPY_PATH)
def test_only_the_right_actor(stage, name, who, target):
    note = "catatan"
    for other in (STAF, KASIE, KABID, KADIS, OPD, PEMBINA, NOBODY):
        if other is who:
            continue
        with pytest.raises(TransitionError) as err:
            plan(stage, name, other, note)
        assert err.value.code == "not_authorized"


def test_sysadmin_may_do_everything_legal():
    for stage, name, _who, target in HAPPY_PATH:
        assert plan(stage, name, actor(sysadmin=True), "n").target == target


def test_illegal_transitions_name_the_stage_and_who_may_act():
    with pytest.raises(TransitionError) as err:
        plan(Stage.PLANNED, "accept", KASIE)
    assert err.value.code == "illegal_transition"
    text = str(err.value)
    assert "Planned" in text and "Send request" in text and "Walidata staff" in text


def test_every_stage_pair_not_in_the_table_is_refused():
    table = s.transitions()
    for stage, name in itertools.product(Stage, table):
        if stage in table[name].sources:
            continue
        with pytest.raises(TransitionError):
            plan(stage, name, actor(sysadmin=True), "note")


def test_published_is_final():
    assert s.available(Stage.PUBLISHED, actor(sysadmin=True)) == []


@pytest.mark.parametrize("name, stage, who", [
    ("return", Stage.SUBMITTED, KASIE),
    ("return_report", Stage.IN_REPORT, KABID),
    ("return_report", Stage.CHECKED, KADIS),
])
def test_returns_need_a_note(name, stage, who):
    with pytest.raises(TransitionError) as err:
        plan(stage, name, who, "   ")
    assert err.value.code == "note_required"
    assert plan(stage, name, who, "perbaiki bab 2").target in (
        Stage.RETURNED, Stage.PROCESSED)


def test_report_returns_go_back_to_staff_and_reviewer_depends_on_stage():
    assert plan(Stage.IN_REPORT, "return_report", KABID, "x").target == Stage.PROCESSED
    with pytest.raises(TransitionError):
        plan(Stage.IN_REPORT, "return_report", KADIS, "x")
    with pytest.raises(TransitionError):
        plan(Stage.CHECKED, "return_report", KABID, "x")


def test_chain_without_checker():
    chain = ApprovalChain(approver=Position.KADIS, checker=None)
    assert "check" not in s.transitions(chain)
    assert plan(Stage.IN_REPORT, "approve", KADIS, chain=chain).target == Stage.APPROVED
    assert plan(Stage.IN_REPORT, "return_report", KADIS, "x", chain=chain)


def test_chain_with_other_positions():
    chain = ApprovalChain(approver=Position.KABID, checker=Position.KASIE)
    assert plan(Stage.IN_REPORT, "check", KASIE, chain=chain).target == Stage.CHECKED
    assert plan(Stage.CHECKED, "approve", KABID, chain=chain).target == Stage.APPROVED
    with pytest.raises(TransitionError):
        plan(Stage.CHECKED, "approve", KADIS, chain=chain)


def test_checker_and_approver_must_differ():
    with pytest.raises(ValueError):
        ApprovalChain(approver=Position.KADIS, checker=Position.KADIS)


def test_translate_is_applied_to_message_parts():
    table = {"Planned": "Direncanakan", "Send request": "Kirim permintaan",
             "Walidata staff": "Staf Walidata", "Accept": "Terima"}
    with pytest.raises(TransitionError) as err:
        plan(Stage.PLANNED, "accept", KASIE, translate=lambda m: table.get(m, m))
    assert err.value.params["stage"] == "Direncanakan"
    assert "Kirim permintaan (Staf Walidata)" in err.value.params["next"]


def test_every_stage_has_label_and_step():
    for stage in Stage:
        assert stage.label
    assert Stage.PUBLISHED.step is None
    assert [Stage.PLANNED.step, Stage.SUBMITTED.step, Stage.APPROVED.step] == [1, 2, 6]


def test_parse_positions_ignores_unknown():
    assert s.parse_positions(["staf", "bogus"]) == frozenset({Position.STAF})


def test_a_withdrawn_dataset_comes_back_only_through_a_revision():
    table = s.after_publication()
    assert plan(Stage.WITHDRAWN, "reopen", STAF, "dihitung ulang",
                table=table).target == Stage.IN_REPORT
    with pytest.raises(TransitionError):
        plan(Stage.WITHDRAWN, "withdraw", STAF, "lagi", table=table)
    with pytest.raises(TransitionError):
        plan(Stage.WITHDRAWN, "reopen", KASIE, "x", table=table)
    with pytest.raises(TransitionError) as err:
        plan(Stage.WITHDRAWN, "reopen", STAF, " ", table=table)
    assert err.value.code == "note_required"
