"""Every action of the extension has the same shape: it asks its own auth
function before anything else, takes its input through a navl schema,
carries a docstring that ``help_show`` serves, and reads are GET-able.

The auth-first walk replaces ``ckan.authz.is_authorized`` by a spy that
refuses every question, naming it: the first ``tk.check_access`` of the
action must be the action's own name. An action that looks a dataset or
a cycle up first fails with ObjectNotFound or a ValidationError; one that
asks another auth first (``package_show``, a permission) fails with that
name; one that never checks gets through. The input names nothing that
exists but passes every schema, so only a lookup can fail before the
auth.

The existence wrapper (``logic/existence.py``) runs around some actions
before they start (a dataset the caller may not read answers 404): it is
proven by ``tests/security``; here the actions are walked as their areas
define them.
"""
from __future__ import annotations

from typing import Any

import pytest

import ckan.logic as logic
from ckan import authz, model

from ckanext.sektoral import plugin

#: Input that passes every schema and names nothing that exists.
BOGUS: dict[str, Any] = {
    "id": "no-such-dataset",
    "ids": ["no-such-dataset"],
    "cycle": "NO-SUCH-CYCLE",
    "organization": "no-such-org",
    "owner_org": "no-such-org",
    "transition": "request",
    "user": "no-such-user",
    "position": "staf",
    "code": "NO-SUCH-CYCLE",
    "title": "Nothing",
    "start_date": "2099-01-05",
    "chapter": "no-such-chapter",
    "text": "nothing",
    "note": "nothing",
}

#: Chained core actions that run code of the extension before core's own
#: check (the others run theirs after core's action, which checked).
CHAINED_CHECKING_FIRST = ("package_delete", "package_update",
                          "bulk_update_public", "bulk_update_private",
                          "bulk_update_delete")


def _own_actions() -> dict[str, Any]:
    """The actions as the areas define them (``__all__`` of each
    ``<area>.action``), without the chained core ones."""
    found = plugin._collect(f"{area}.action" for area in plugin.AREAS)
    return {name: fn for name, fn in found.items()
            if not getattr(fn, "chained_action", False)}


@pytest.fixture(scope="module")
def request_context(with_plugins_module):
    """One Flask request context for the walk (messages are translated)."""
    from ckan.common import config
    from ckan.config.middleware import make_app

    app = make_app(config)
    with app._wsgi_app.test_request_context():
        yield


def test_every_registered_action_of_the_extension_is_walked(
        with_plugins_module):
    registered = {name for name in logic._actions
                  if name.startswith("sektoral_")}
    assert registered, "the plugin registered no action"
    assert registered == set(_own_actions())
    assert all(name.startswith("sektoral_") for name in _own_actions())


@pytest.fixture
def spy(request_context, monkeypatch):
    asked: list[str] = []

    def is_authorized(action: str, context: Any,
                      data_dict: Any = None) -> dict[str, Any]:
        asked.append(action)
        return {"success": False, "msg": "spy refused " + action}

    monkeypatch.setattr(authz, "is_authorized", is_authorized)
    return asked


def _walk() -> list[str]:
    return sorted(_own_actions()) + list(CHAINED_CHECKING_FIRST)


@pytest.mark.parametrize("name", _walk())
def test_the_action_asks_its_own_auth_first(name, spy):
    action = _own_actions().get(name) or _chained(name)
    context = {"user": "no-such-user", "model": model}
    with pytest.raises(logic.NotAuthorized) as refused:
        action(context, dict(BOGUS))
    assert spy and spy[0] == name, spy
    assert str(refused.value) == "spy refused " + name


def _chained(name: str) -> Any:
    """A chained core action of the extension, with core's action as the
    next one."""
    import importlib

    own = plugin._collect(f"{area}.action" for area in plugin.AREAS)[name]
    core = None
    for module_name in ("ckan.logic.action.delete", "ckan.logic.action.update",
                        "ckan.logic.action.get"):
        core = getattr(importlib.import_module(module_name), name, None)
        if core is not None:
            break
    assert core is not None, name
    return lambda context, data_dict: own(core, context, data_dict)


@pytest.mark.parametrize("name", sorted(_own_actions()))
def test_the_action_has_a_schema_and_a_docstring(name):
    action = _own_actions()[name]
    # @validate (ckan.logic.validate) wraps with functools.wraps
    assert getattr(action, "__wrapped__", None) is not None, (
        "%s takes its input without @validate(schema)" % name)
    doc = (action.__doc__ or "").strip()
    assert doc and "Example::" in doc, (
        "%s needs a reST docstring with an example (help_show)" % name)


READS = {"sektoral_completeness", "sektoral_cycle_show", "sektoral_cycle_list",
         "sektoral_cycle_status", "sektoral_history", "sektoral_position_list",
         "sektoral_letter_list", "sektoral_compilation_list",
         "sektoral_report_list", "sektoral_analysis_show",
         "sektoral_publication_show", "sektoral_push_status",
         "sektoral_performance", "sektoral_chart_data",
         "sektoral_public_cycle_list", "sektoral_public_cycle_show",
         "sektoral_inbox", "sektoral_submission_diff"}


def test_reads_are_side_effect_free_and_writes_are_not():
    for name, action in _own_actions().items():
        assert bool(getattr(action, "side_effect_free", False)) is (
            name in READS), name


def test_help_show_serves_every_docstring(with_plugins_module):
    from ckan.tests import helpers

    for name, action in _own_actions().items():
        served = helpers.call_action("help_show", name=name)
        assert served and served == action.__doc__, name


def test_defer_commit_is_honoured(clean_db_module):
    """With ``defer_commit`` the action leaves the commit to its caller: a
    rollback undoes it (as CKAN core actions do)."""
    from ckan.tests import factories, helpers

    from ckanext.sektoral.model import Cycle, UserPosition

    admin = factories.Sysadmin()
    user = factories.User()
    context = {"user": admin["name"], "defer_commit": True}
    helpers.call_action("sektoral_cycle_create", dict(context),
                        code="DEFER-1", title="Deferred",
                        start_date="2026-01-05")
    helpers.call_action("sektoral_position_assign", dict(context),
                        user=user["name"], position="staf")
    model.Session.rollback()
    assert model.Session.query(Cycle).filter(
        Cycle.code == "DEFER-1").first() is None
    assert model.Session.query(UserPosition).filter(
        UserPosition.user_id == user["id"]).first() is None
    # without it, the action commits
    helpers.call_action("sektoral_cycle_create", {"user": admin["name"]},
                        code="DEFER-2", title="Committed",
                        start_date="2026-01-05")
    model.Session.rollback()
    assert model.Session.query(Cycle).filter(
        Cycle.code == "DEFER-2").first() is not None
