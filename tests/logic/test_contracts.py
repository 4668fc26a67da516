"""Every action's result against its contract
(``ckanext/sektoral/core/contracts.py``), so that a ``TypedDict`` and the
code that builds the dict cannot drift apart: a key added or removed on
either side fails here.

One world, built once through the real actions: the cycles of
``tests/insight/seed.py`` (requests, submissions, returns, a published
dataset with a validated data file), then every other action on top of
it (letters, compilation, report, approval of the whole cycle, its
publication, a revision, a withdrawal, the national-portal push). Every
result of an action called through ``ckan.tests.helpers.call_action``
(the seed's calls too) is recorded as JSON and checked, recursively, key
for key: each ``TypedDict`` has exactly its required keys, and no key it
does not declare. It fails if an action of the contracts was never
called, or a contract reachable from one was never met by a real value.
"""
from __future__ import annotations

import io
import json
import typing
from typing import Any, Iterator, Union

import pytest
from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.sektoral import plugin
from ckanext.sektoral.core import contracts
from tests.factories import call_as, run_jobs

#: Seen keys per TypedDict (by the check of one value).
Seen = dict[Any, set[str]]

DATALIST_HEADER = ("OPD,Judul,Satuan,Level Penyajian,Frekuensi,Urusan,"
                   "Template,Catatan\n")
DATALIST_ROW = "opd-a,Produksi Padi Uji,ton,Kabupaten/Kota,Tahunan,2.09,,\n"
#: The refused data list's ``rows`` (its ValidationError), also recorded.
DATALIST_ERRORS = "sektoral_datalist_import: rows"


def problems(value: Any, expected: Any, path: str, seen: Seen) -> list[str]:
    """Where ``value`` (JSON) does not have the keys of ``expected`` (a
    ``TypedDict``, or a list, dict, Optional or Union of them); the keys
    of each ``TypedDict`` met are added to ``seen``."""
    if typing.is_typeddict(expected):
        if not isinstance(value, dict):
            return [f"{path}: {expected.__name__} expected, got {value!r}"]
        keys = set(value)
        missing = expected.__required_keys__ - keys
        extra = keys - expected.__required_keys__ - expected.__optional_keys__
        if missing or extra:
            return [f"{path}: {expected.__name__}: missing {sorted(missing)},"
                    f" not in the contract {sorted(extra)}"]
        seen.setdefault(expected, set()).update(keys)
        hints = typing.get_type_hints(expected)
        return [p for key in sorted(keys)
                for p in problems(value[key], hints[key], f"{path}.{key}",
                                  seen)]
    origin, args = typing.get_origin(expected), typing.get_args(expected)
    if origin is Union:
        if value is None and type(None) in args:
            return []
        found = []
        for member in args:
            member_seen: Seen = {}
            found = problems(value, member, path, member_seen)
            if not found:
                for key, keys in member_seen.items():
                    seen.setdefault(key, set()).update(keys)
                return []
        return [f"{path}: matches none of {args}: {found}"]
    if origin is list:
        if not isinstance(value, list):
            return [f"{path}: list expected, got {value!r}"]
        return [p for i, item in enumerate(value)
                for p in problems(item, args[0], f"{path}[{i}]", seen)]
    if origin is dict:
        if not isinstance(value, dict):
            return [f"{path}: dict expected, got {value!r}"]
        return [p for key, item in value.items()
                for p in problems(item, args[1], f"{path}[{key!r}]", seen)]
    return []  # a plain value: its keys are all a contract says


def reachable(expected: Any, found: set[Any]) -> set[Any]:
    """Every ``TypedDict`` a value of ``expected`` may hold."""
    if typing.is_typeddict(expected):
        if expected not in found:
            found.add(expected)
            for hint in typing.get_type_hints(expected).values():
                reachable(hint, found)
    else:
        for arg in typing.get_args(expected):
            reachable(arg, found)
    return found


@pytest.fixture(scope="module")
def results(clean_db_module: None, reset_queues: Any
            ) -> Iterator[list[tuple[str, Any]]]:
    """``(action, JSON result)`` of every call of an action with a
    contract while the world is built (and the data-list errors)."""
    from ckan.lib import search

    from tests.insight import seed

    recorded: list[tuple[str, Any]] = []
    original = helpers.call_action

    def recording(action_name: str, context: Any = None, **kwargs: Any) -> Any:
        result = original(action_name, context, **kwargs)
        if action_name in contracts.ACTION_RESULTS:
            recorded.append((action_name, json.loads(json.dumps(result))))
        return result

    search.clear_all()
    reset_queues()
    app = helpers._get_test_app()
    with pytest.MonkeyPatch.context() as patch, \
            app.flask_app.test_request_context():
        patch.setattr(helpers, "call_action", recording)
        world = seed.seed()
        reset_queues()  # the seed's mail and analysis jobs
        _everything_else(world, recorded)
    reset_queues()
    yield recorded


def _everything_else(world: dict[str, Any],
                     recorded: list[tuple[str, Any]]) -> None:
    """Every action not called by the seed, on its world."""
    users, items = world["users"], world["items"]
    staf = users["staf"]
    kabid, kadis = users["kabid"], users["kadis"]
    # the publisher of the ``publikasi``: the staff member's organization
    factories.Organization(
        name="diskominfo-uji",
        users=[{"name": staf["name"], "capacity": "editor"}])

    call_as(staf, "sektoral_completeness", id=items["A2"])
    call_as(staf, "sektoral_cycle_show", id="PERF-1")
    call_as(staf, "sektoral_cycle_list")
    call_as(staf, "sektoral_cycle_status", id="PERF-1")
    call_as(staf, "sektoral_cycle_update", id="PERF-2", notes="Catatan uji")
    call_as(staf, "sektoral_history", id=items["A1"])
    call_as(staf, "sektoral_position_list")
    helpers.call_action("sektoral_position_assign",
                        user=users["outsider"]["name"], position="pembina")
    helpers.call_action("sektoral_position_revoke",
                        user=users["outsider"]["name"], position="pembina")
    call_as(users["opd_a"], "sektoral_inbox")
    call_as(staf, "sektoral_chart_data", id=items["A1"])
    call_as(staf, "sektoral_performance")

    call_as(staf, "sektoral_analysis_run", id=items["A1"])
    run_jobs()
    call_as(staf, "sektoral_analysis_show", id=items["A1"])

    call_as(staf, "sektoral_cycle_create", code="KONTRAK-1",
            title="Siklus Uji Kontrak", start_date="2026-07-06")
    call_as(staf, "sektoral_datalist_import", cycle="KONTRAK-1",
            upload=_csv(DATALIST_HEADER + DATALIST_ROW))
    # refused: an unknown OPD, and a title the OPD already has in the cycle
    with pytest.raises(tk.ValidationError) as refused:
        call_as(staf, "sektoral_datalist_import", cycle="KONTRAK-1",
                upload=_csv(DATALIST_HEADER + DATALIST_ROW
                            + DATALIST_ROW.replace("opd-a", "opd-x")))
    recorded.append((DATALIST_ERRORS,
                     json.loads(json.dumps(refused.value.error_dict["rows"]))))
    # the next cycle's data list names that statistic again: matched
    call_as(staf, "sektoral_cycle_create", code="KONTRAK-2",
            title="Siklus Uji Kontrak II", start_date="2026-07-06")
    call_as(staf, "sektoral_datalist_import", cycle="KONTRAK-2",
            upload=_csv(DATALIST_HEADER + DATALIST_ROW))

    # step 3 and 4 for the accepted items (A2, B2), one sent back
    call_as(staf, "sektoral_bulk_transition", transition="process",
            cycle="PERF-1")
    call_as(staf, "sektoral_bulk_transition", transition="draft",
            cycle="PERF-1")
    call_as(kabid, "sektoral_return_report", id=items["B2"],
            note="Periksa lagi.")
    call_as(staf, "sektoral_draft", id=items["B2"])

    call_as(staf, "sektoral_letters_generate", cycle="PERF-1")
    call_as(staf, "sektoral_letter_list", cycle="PERF-1")
    call_as(staf, "sektoral_compilation_generate", cycle="PERF-1")
    call_as(staf, "sektoral_report_narrative_update", cycle="PERF-1",
            chapter="kata_pengantar", text="Kata pengantar uji.")
    call_as(staf, "sektoral_report_generate", cycle="PERF-1")
    run_jobs()
    call_as(staf, "sektoral_compilation_list", cycle="PERF-1")
    call_as(staf, "sektoral_report_list", cycle="PERF-1")

    # step 5 for the whole cycle (approves the report), then step 6
    call_as(kabid, "sektoral_bulk_transition", transition="check",
            cycle="PERF-1")
    call_as(kadis, "sektoral_bulk_transition", transition="approve",
            cycle="PERF-1")
    call_as(staf, "sektoral_publication_show", id="PERF-1")
    published = call_as(staf, "sektoral_cycle_publish", id="PERF-1",
                        note="Rilis uji")
    call_as(staf, "sektoral_publication_show", id="PERF-1")
    call_as(None, "sektoral_public_cycle_list")
    call_as(None, "sektoral_public_cycle_show", id="PERF-1")
    # the next cycle carries the statistics over: a submission's diff
    # against its release, and a first cycle's item (all new)
    carried = call_as(staf, "sektoral_cycle_create", code="KONTRAK-3",
                      title="Siklus Uji II", start_date="2027-01-04",
                      from_cycle="PERF-1")["carried_over"]
    for submission_id in carried:  # released statistics and others
        call_as(staf, "sektoral_submission_diff", id=submission_id)
    call_as(staf, "sektoral_submission_diff", id=items["A1"])
    call_as(staf, "sektoral_chart_data", id=items["A1"])  # released

    call_as(staf, "sektoral_reopen", id=items["A1"], note="Koreksi angka.")
    call_as(staf, "sektoral_withdraw", id=items["B2"], note="Ditarik uji.")
    call_as(staf, "sektoral_chart_data", id=items["B2"])  # withdrawn
    call_as(staf, "sektoral_chart_data",  # not a data-sektoral dataset
            id=published["publikasi"]["id"])

    call_as(staf, "sektoral_push_status", cycle="PERF-1")  # never pushed
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(tk.config, "ckanext.sektoral.portal.url",
                      "http://portal.invalid")
        call_as(staf, "sektoral_push", cycle="PERF-1")  # queued, never run
        call_as(staf, "sektoral_push_status", cycle="PERF-1")


def _csv(text: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(text.encode("utf-8")),
                       filename="daftar.csv")


def test_every_action_has_a_contract():
    """A new action names its result's contract (or returns a dataset);
    the chained core actions return what core's do."""
    found = plugin._collect(f"{area}.action" for area in plugin.AREAS)
    registered = {name for name, action in found.items()
                  if not getattr(action, "chained_action", False)}
    assert registered and all(n.startswith("sektoral_") for n in registered)
    assert set(contracts.ACTION_RESULTS) | contracts.PACKAGE_RESULTS \
        == registered
    assert not set(contracts.ACTION_RESULTS) & contracts.PACKAGE_RESULTS


def test_every_result_has_the_keys_of_its_contract(results):
    seen: Seen = {}
    found = []
    for name, result in results:
        expected = (list[contracts.DataListError] if name == DATALIST_ERRORS
                    else contracts.ACTION_RESULTS[name])
        found += problems(result, expected, name, seen)
    assert not found, "\n".join(found)

    # nothing passed for want of a value: every action was called, every
    # contract met, every optional key present at least once
    called = {name for name, _result in results}
    assert not set(contracts.ACTION_RESULTS) - called
    expected_types = reachable(list[contracts.DataListError], set())
    for result_type in contracts.ACTION_RESULTS.values():
        reachable(result_type, expected_types)
    never = {t.__name__ for t in expected_types if t not in seen}
    assert not never, sorted(never)
    for t in expected_types:
        assert t.__optional_keys__ <= seen[t], t.__name__


def test_the_check_fails_on_a_key_added_or_removed(results):
    """The check is not vacuous: one key more, or one less, is refused,
    in a result and in a nested contract."""
    cycle = next(r for name, r in results if name == "sektoral_cycle_show")
    assert problems(cycle, contracts.Cycle, "cycle", {}) == []
    assert problems(dict(cycle, extra=1), contracts.Cycle, "cycle", {})
    assert problems({k: v for k, v in cycle.items() if k != "code"},
                    contracts.Cycle, "cycle", {})
    step = cycle["steps"][0]
    broken = dict(cycle, steps=[dict(step, extra=1)])
    assert problems(broken, contracts.Cycle, "cycle", {})
    assert problems([broken], list[contracts.Cycle], "cycles", {})
    assert problems(None, contracts.Cycle, "cycle", {})
    chart = next(r for name, r in results
                 if name == "sektoral_chart_data" and r["available"])
    assert problems(chart, contracts.ChartData, "chart", {}) == []
    assert problems(dict(chart, reason="x"), contracts.ChartData, "chart",
                    {})
