"""Every action of the extension as every role: allowed or denied."""
from __future__ import annotations

from typing import Any

import pytest

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories

from ckanext.sektoral.logic.auth import TRANSITIONS
from ckanext.sektoral.model import Item
from tests.factories import (CycleFactory, ItemFactory, OpdEditorFactory,
                             OpdFactory, positioned, put_at_stage)

ROLES = ("anonymous", "other_opd", "own_opd", "staf", "kasie", "kabid",
         "kadis", "pembina", "sysadmin")
WALIDATA = {"staf", "kasie", "kabid", "kadis", "sysadmin"}
LOGGED_IN = set(ROLES) - {"anonymous"}
READERS = WALIDATA | {"own_opd", "pembina"}

EXPECTED: dict[str, set[str]] = {
    "sektoral_cycle_create": {"staf", "sysadmin"},
    "sektoral_cycle_update": {"staf", "sysadmin"},
    "sektoral_item_create": {"staf", "sysadmin"},
    "sektoral_datalist_import": {"staf", "sysadmin"},
    "sektoral_cycle_show": LOGGED_IN,
    "sektoral_cycle_list": LOGGED_IN,
    "sektoral_cycle_status": WALIDATA | {"pembina"},
    "sektoral_position_list": WALIDATA | {"pembina"},
    "sektoral_position_assign": {"sysadmin"},
    "sektoral_position_revoke": {"sysadmin"},
    "sektoral_history": READERS,
    "sektoral_completeness": READERS,
    "sektoral_submission_diff": READERS,
    "package_show": READERS,
    "sektoral_request": {"staf", "sysadmin"},
    "sektoral_submit": {"own_opd", "sysadmin"},
    "sektoral_return": {"kasie", "sysadmin"},
    "sektoral_accept": {"kasie", "sysadmin"},
    "sektoral_process": {"staf", "sysadmin"},
    "sektoral_draft": {"staf", "sysadmin"},
    "sektoral_check": {"kabid", "sysadmin"},
    "sektoral_approve": {"kadis", "sysadmin"},
    "sektoral_publish": {"staf", "sysadmin"},
    # at stage dalam_laporan the checker (Kabid) reviews
    "sektoral_return_report": {"kabid", "sysadmin"},
    # editing the item: own OPD while planned/requested/returned, staff always
    "package_update": {"own_opd", "staf", "sysadmin"},
    # a planned item may be removed from the data list by staff only
    "package_delete": {"staf", "sysadmin"},
    # decided from the step alone ("request" here) before any dataset is
    # read; every dataset is then checked with the step's own auth
    # (tests/logic/test_bulk_transition.py, tests/security/test_bulk_oracle.py)
    "sektoral_bulk_transition": {"staf", "sysadmin"},
}


def test_matrix_covers_every_action():
    from ckanext.sektoral.logic import action

    # chained core actions: tests/security
    core = {"package_update", "bulk_update_public", "bulk_update_private",
            "bulk_update_delete", "member_list", "package_delete",
            "package_owner_org_update"}
    assert set(action.__all__) - core <= set(EXPECTED)
    assert {"sektoral_" + t for t in TRANSITIONS} <= set(EXPECTED)


@pytest.fixture(scope="module")
def world(clean_db_module):
    users = positioned("staf", "kasie", "kabid", "kadis", "pembina")
    users["sysadmin"] = factories.Sysadmin()
    org = OpdFactory()
    users["own_opd"] = OpdEditorFactory(organization=org)
    users["other_opd"] = OpdEditorFactory()
    CycleFactory(user=users["staf"], code="AUTH-1", title="Auth",
                 start_date="2026-01-05")
    planned = ItemFactory(user=users["staf"], cycle="AUTH-1", owner_org=org,
                          title="Planned item")
    in_report = ItemFactory(user=users["staf"], cycle="AUTH-1",
                            owner_org=org, title="Item in the draft report",
                            stage="dalam_laporan")
    names = {r: (u["name"] if u else None) for r, u in users.items()}
    names["anonymous"] = None
    return {"users": names, "planned": planned["id"],
            "in_report": in_report["id"]}


@pytest.fixture(scope="module")
def request_context(world):
    """One Flask request context for the whole matrix (auth messages are
    translated); a fresh app per case would cost ~0.5 s each."""
    from ckan.config.middleware import make_app
    from ckan.common import config

    app = make_app(config)
    with app._wsgi_app.test_request_context():
        yield


def _data(action: str, world: dict) -> dict:
    if action in ("sektoral_cycle_show", "sektoral_cycle_update",
                  "sektoral_cycle_status"):
        return {"id": "AUTH-1"}
    if action in ("sektoral_cycle_list", "sektoral_position_list",
                  "sektoral_cycle_create", "sektoral_item_create",
                  "sektoral_datalist_import"):
        return {}
    if action == "sektoral_bulk_transition":
        return {"transition": "request", "ids": [world["planned"]]}
    if action.startswith("sektoral_position_"):
        return {"user": world["users"]["own_opd"], "position": "staf"}
    if action == "sektoral_return_report":
        return {"id": world["in_report"]}
    return {"id": world["planned"]}


@pytest.mark.parametrize("action", sorted(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_who_may_call(world, request_context, action, role):
    context = {"user": world["users"][role] or "", "model": model}
    try:
        tk.check_access(action, context, _data(action, world))
        allowed = True
    except tk.NotAuthorized:
        allowed = False
    assert allowed is (role in EXPECTED[action]), (action, role)


def test_submitted_item_is_locked_for_its_opd(world):
    put_at_stage([world["planned"]], "dikirim")
    try:
        for role, allowed in (("own_opd", False), ("staf", True)):
            context = {"user": world["users"][role], "model": model}
            try:
                tk.check_access("package_update", context,
                                {"id": world["planned"]})
                ok = True
            except tk.NotAuthorized:
                ok = False
            assert ok is allowed, role
    finally:
        put_at_stage([world["planned"]], "direncanakan")


# -- a plugin overriding a permission -------------------------------------------

def _producer_override(granted: set[str]) -> Any:
    import ckan.plugins as p

    @tk.chained_auth_function
    @tk.auth_allow_anonymous_access
    @tk.auth_sysadmins_check
    def sektoral_permission_producer(next_auth, context, data_dict):
        """Another plugin's rule: ``granted`` produce for every OPD."""
        if context.get("user") in granted:
            return {"success": True}
        return next_auth(context, data_dict)

    class ProducerOverride(p.SingletonPlugin):
        p.implements(p.IAuthFunctions)

        def get_auth_functions(self):
            return {"sektoral_permission_producer":
                    sektoral_permission_producer}

    return ProducerOverride(name="sektoral_test_producer_override")


@pytest.fixture
def producer_override(world):
    """A plugin, loaded for one test, that chains
    ``sektoral_permission_producer`` (as ``ckan.plugins.load`` would
    register it, without touching the rest of the configuration)."""
    from ckan import authz
    from ckan.plugins import core

    plugin = _producer_override({world["users"]["other_opd"],
                                 world["users"]["pembina"]})
    core._PLUGINS_SERVICE[plugin.name] = plugin
    authz.clear_auth_functions_cache()
    try:
        yield
    finally:
        core._PLUGINS_SERVICE.pop(plugin.name, None)
        authz.clear_auth_functions_cache()


def _may(world: dict, role: str, action: str) -> bool:
    from ckanext.sektoral.logic.permissions import dataset_org

    context = {"user": world["users"][role], "model": model}
    data = ({"organization": dataset_org(world["planned"])}
            if action == "sektoral_inbox" else {"id": world["planned"]})
    try:
        tk.check_access(action, context, data)
    except tk.NotAuthorized:
        return False
    return True


def test_without_the_override_the_other_opd_is_no_producer(
        world, request_context):
    assert not _may(world, "other_opd", "sektoral_submit")
    assert not _may(world, "other_opd", "sektoral_inbox")
    with pytest.raises(tk.NotAuthorized):
        tk.check_access("sektoral_bulk_transition",
                        {"user": world["users"]["pembina"], "model": model},
                        {"transition": "submit"})


def test_the_chained_producer_permission_decides(world, request_context,
                                                 producer_override):
    # the other OPD's editor is a producer of this item's OPD now: every
    # decision built on "producer" follows (submitting, its inbox)
    assert _may(world, "other_opd", "sektoral_submit")
    assert _may(world, "other_opd", "sektoral_inbox")
    # so does the bulk step's "producer of some OPD" (the Pembina is a
    # member of no OPD)
    context = {"user": world["users"]["pembina"], "model": model}
    tk.check_access("sektoral_bulk_transition", context,
                    {"transition": "submit"})
    # nobody else changed
    assert _may(world, "own_opd", "sektoral_submit")
    assert not _may(world, "kasie", "sektoral_submit")


def test_permissions_are_registered_auth_functions(world):
    from ckan import authz

    for name in ("sektoral_permission_position", "sektoral_permission_staff",
                 "sektoral_permission_walidata",
                 "sektoral_permission_read_all",
                 "sektoral_permission_producer"):
        assert authz.is_authorized(name, {"user": world["users"]["sysadmin"]},
                                   {"position": "staf"}) is not None
    # a sysadmin holds no position unless assigned one (the permissions
    # answer for sysadmins too: auth_sysadmins_check)
    from ckanext.sektoral.logic import permissions

    assert permissions.is_producer_of(world["users"]["own_opd"],
                                      permissions.dataset_org(world["planned"]))
    assert not permissions.is_producer_of_dataset(world["users"]["kasie"],
                                                  world["planned"])


def test_decisions_read_the_opd_from_the_dataset(world, request_context):
    """The item's copy of its OPD (``sektoral_item.owner_org``) may lag
    behind the dataset; who produces it is read from the dataset."""
    stale = factories.Organization()
    item = model.Session.get(Item, world["planned"])
    real = item.owner_org
    model.Session.query(Item).filter(Item.package_id == world["planned"]).update(
        {"owner_org": stale["id"]})
    model.Session.commit()
    try:
        assert _may(world, "own_opd", "sektoral_submit")
        assert not _may(world, "other_opd", "sektoral_submit")
    finally:
        model.Session.query(Item).filter(
            Item.package_id == world["planned"]).update({"owner_org": real})
        model.Session.commit()
