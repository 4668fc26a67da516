"""The leak matrix: every read path of the running portal, over real HTTP,
as each caller who may not read the unpublished items, for items in every
stage; no response carries an id, a name, a title, a resource id or file
bytes of an item the caller may not read.

The portal is ``make demo``'s (``live_portal``: ``scripts/demo.sh`` on its
own database; its demo cycle holds items at every stage of the SOP).
Callers authenticate with API tokens, which CKAN accepts on pages as well
as on the Action API.

Every registered action and every route of the app is classified below;
a new one makes :func:`test_every_action_and_route_is_classified` fail
until it is probed here (or its reason not to be is written down).
"""
from __future__ import annotations

import html
import json
import re
import subprocess
import sys
import urllib.parse
import uuid
from pathlib import Path
from typing import Any, Iterable, Optional

import pytest
import requests

PUBLISHED = "dipublikasikan"

# -- what is probed ---------------------------------------------------------

#: GET actions and the inputs they are probed with. ``{id}``, ``{name}``,
#: ``{title}``, ``{res}``, ``{org}``, ``{user}``, ``{cycle}`` and
#: ``{activity}`` are filled from each target item.
READ_ACTIONS: dict[str, list[dict[str, Any]]] = {
    "package_show": [{"id": "{id}"}, {"id": "{name}"}],
    "package_search": [
        {"q": "{title}", "include_private": "true", "include_drafts": "true"},
        {"fq": "name:{name}", "include_private": "true"},
        {"q": "id:{id}"},
        {"rows": "0", "facet.mincount": "0", "facet.limit": "-1",
         "facet.field": json.dumps(["title", "name", "notes", "res_url",
                                    "res_name", "definisi",
                                    "maintainer_email", "id"])},
    ],
    "package_list": [{}],
    "current_package_list_with_resources": [{"limit": "1000"}],
    "package_autocomplete": [{"q": "{title}"}, {"q": "{name}"}],
    "resource_search": [{"query": "name:{resname}"}, {"query": "url:{id}"}],
    "resource_show": [{"id": "{res}"}],
    "resource_view_list": [{"id": "{res}"}],
    "resource_view_show": [{"id": "{res}"}],
    "resource_validation_show": [{"resource_id": "{res}"}],
    "package_activity_list": [{"id": "{id}"}],
    "activity_show": [{"id": "{activity}", "include_data": "true"}],
    "activity_data_show": [{"id": "{activity}"}],
    "activity_diff": [{"id": "{activity}", "object_type": "package"}],
    "recently_changed_packages_activity_list": [{}],
    "dashboard_activity_list": [{}],
    "dashboard_new_activities_count": [{}],
    "organization_activity_list": [{"id": "{org}"}],
    "user_activity_list": [{"id": "{user}"}],
    "group_activity_list": [{"id": "{org}"}],
    "organization_show": [{"id": "{org}", "include_datasets": "true",
                           "include_users": "true"}],
    "group_show": [{"id": "{org}", "include_datasets": "true"}],
    "group_package_show": [{"id": "{org}"}],
    "organization_list": [{"all_fields": "true",
                           "include_dataset_count": "true"}],
    "organization_list_for_user": [{"include_dataset_count": "true"}],
    "group_list": [{"all_fields": "true"}],
    "group_list_authz": [{}],
    "member_list": [{"id": "{org}"}, {"id": "{org}",
                                      "object_type": "package"}],
    "dataset_follower_count": [{"id": "{id}"}],
    "dataset_follower_list": [{"id": "{id}"}],
    "am_following_dataset": [{"id": "{id}"}],
    "package_collaborator_list": [{"id": "{id}"}],
    "package_collaborator_list_for_user": [{"id": "{user}"}],
    "package_relationships_list": [{"id": "{id}"}],
    "user_show": [{"id": "{user}", "include_datasets": "true"}],
    "user_list": [{}],
    "user_autocomplete": [{"q": "opd"}],
    "sektoral_cycle_show": [{"id": "{cycle}"}],
    "sektoral_cycle_list": [{}],
    "sektoral_cycle_status": [{"id": "{cycle}"}],
    "sektoral_inbox": [{}, {"cycle": "{cycle}"}],
    "sektoral_history": [{"id": "{id}"}],
    "sektoral_completeness": [{"id": "{id}"}],
    "sektoral_submission_diff": [{"id": "{id}"}],
    "sektoral_chart_data": [{"id": "{id}"}],
    "sektoral_analysis_show": [{"id": "{id}"}],
    "sektoral_compilation_list": [{"cycle": "{cycle}"}],
    "sektoral_letter_list": [{"cycle": "{cycle}"}],
    "sektoral_report_list": [{"cycle": "{cycle}"}],
    "sektoral_performance": [{"cycle": "{cycle}"}],
    "sektoral_public_cycle_list": [{}],
    "sektoral_public_cycle_show": [{"id": "{cycle}"}],
    "sektoral_publication_show": [{"id": "{id}"}],
    "sektoral_push_status": [{"cycle": "{cycle}"}, {"id": "{id}"}],
    "sektoral_position_list": [{}],
}

#: GET actions that return nothing of any dataset (probed once, empty).
NO_DATASET_ACTIONS = {
    "am_following_group", "am_following_user", "api_token_list",
    "config_option_list", "config_option_show", "dataset_followee_count",
    "dataset_followee_list", "followee_count", "followee_list",
    "format_autocomplete", "get_site_user", "group_autocomplete",
    "group_followee_count", "group_followee_list", "group_follower_count",
    "group_follower_list", "help_show", "job_list", "job_show",
    "license_list", "member_roles_list", "organization_autocomplete",
    "organization_followee_count", "organization_followee_list",
    "organization_follower_count", "organization_follower_list",
    "scheming_dataset_schema_list", "scheming_dataset_schema_show",
    "scheming_organization_schema_list", "scheming_organization_schema_show",
    "status_show", "tag_autocomplete", "tag_list", "tag_search", "tag_show",
    "task_status_show", "term_translation_show", "user_followee_count",
    "user_followee_list", "user_follower_count", "user_follower_list",
    "vocabulary_list", "vocabulary_show",
}

#: Inputs of some of them (without one CKAN answers 500 or 409).
NO_DATASET_PARAMS = {
    "group_autocomplete": {"q": "dinas"},
    "organization_autocomplete": {"q": "dinas"},
    "tag_autocomplete": {"q": "pen"},
    "format_autocomplete": {"q": "cs"},
}

#: POST-only actions: they change things; who may call them and what they
#: may change is the write matrix's (tests/security/test_write_matrix.py),
#: the auth matrix's (tests/logic/test_auth_matrix.py) and, for references
#: to unreadable datasets, tests/security/test_existence.py.
WRITE_ACTIONS = {
    "activity_create", "api_token_create", "api_token_revoke",
    "bulk_update_delete", "bulk_update_private", "bulk_update_public",
    "config_option_update", "dashboard_mark_activities_old", "dataset_purge",
    "follow_dataset", "follow_group", "follow_user", "group_create",
    "group_delete", "group_member_create", "group_member_delete",
    "group_patch", "group_purge", "group_update", "job_cancel", "job_clear",
    "member_create", "member_delete", "organization_create",
    "organization_delete", "organization_member_create",
    "organization_member_delete", "organization_patch",
    "organization_purge", "organization_update",
    "package_collaborator_create", "package_collaborator_delete",
    "package_create", "package_create_default_resource_views",
    "package_delete", "package_owner_org_update", "package_patch",
    "package_relationship_create", "package_relationship_delete",
    "package_relationship_update", "package_resource_reorder",
    "package_revise", "package_update", "resource_create",
    "resource_create_default_resource_views", "resource_delete",
    "resource_patch", "resource_update", "resource_validation_delete",
    "resource_validation_run", "resource_validation_run_batch",
    "resource_view_clear", "resource_view_create", "resource_view_delete",
    "resource_view_reorder", "resource_view_update", "sektoral_accept",
    "sektoral_analysis_run", "sektoral_approve", "sektoral_bulk_transition",
    "sektoral_check", "sektoral_compilation_generate",
    "sektoral_cycle_create", "sektoral_cycle_publish",
    "sektoral_cycle_update", "sektoral_datalist_import", "sektoral_draft",
    "sektoral_item_create", "sektoral_letters_generate",
    "sektoral_position_assign", "sektoral_position_revoke",
    "sektoral_process", "sektoral_publish", "sektoral_push",
    "sektoral_reopen", "sektoral_report_generate",
    "sektoral_report_narrative_update", "sektoral_request",
    "sektoral_return", "sektoral_return_report", "sektoral_submit",
    "sektoral_withdraw", "send_email_notifications", "tag_create",
    "tag_delete", "task_status_delete", "task_status_update",
    "task_status_update_many", "term_translation_update",
    "term_translation_update_many", "unfollow_dataset", "unfollow_group",
    "unfollow_user", "user_create", "user_delete", "user_invite",
    "user_patch", "user_update", "vocabulary_create", "vocabulary_delete",
    "vocabulary_update",
}

#: Route endpoints that are not probed, and why.
SKIPPED_ENDPOINTS = {
    "static": "files of the code base",
    "webassets.index": "compiled CSS/JS",
    "api.action": "every action is probed through it (READ_ACTIONS)",
    "api.i18n_js_translations": "translation catalogs",
    "api.snippet": "template snippets without data",
    "home.redirect_locale": "redirects to the same path",
    "user.logout": "ends the session",
    "user.logged_out_page": "static page",
    "util.internal_redirect": "redirects",
    "util.primer": "only in debug mode",
}

#: Query strings added to search-like pages.
SEARCH_QUERIES = {
    "dataset.search": ["q={title}", "q=name:{name}"],
    "data-sektoral.search": ["q={title}", "q=name:{name}"],
    "publikasi.search": ["q={title}"],
    "feeds.general": [""],
    "feeds.custom": ["q={title}"],
    "api.dataset_autocomplete": ["incomplete={title}"],
    "activity.package_changes_multiple": ["new_id={activity}&old_id={activity}"],
    "sektoral_opd.inbox": ["q={title}"],
}

FORMATS = ("csv", "xlsx", "json", "pdf", "html", "docx", "zip")


# -- the portal's callers ---------------------------------------------------

def _cli(portal: dict[str, Any], *args: str) -> str:
    ckan = Path(sys.executable).with_name("ckan")
    out = subprocess.run([str(ckan), "-c", portal["ini"], *args],
                         env=portal["env"], check=True, capture_output=True,
                         text=True)
    return out.stdout


class Caller:
    def __init__(self, base: str, token: Optional[str]) -> None:
        self.base = base
        self.session = requests.Session()
        if token:
            self.session.headers["Authorization"] = token

    def get(self, path: str, params: Optional[dict[str, Any]] = None
            ) -> requests.Response:
        return self.session.get(self.base + path, params=params,
                                allow_redirects=False, timeout=60)

    def action(self, name: str, **params: Any) -> Any:
        response = self.get("/api/3/action/" + name, params)
        assert response.status_code == 200, (name, response.text[:500])
        return response.json()["result"]


@pytest.fixture(scope="module")
def portal(live_portal: dict[str, Any]) -> dict[str, Any]:
    base = live_portal["url"]
    out = _cli(live_portal, "user", "token", "add", "admin", "leak-matrix")
    admin_token = out.strip().splitlines()[-1].strip()
    admin = Caller(base, admin_token)

    def token(user: str) -> str:
        return admin.session.post(
            base + "/api/3/action/api_token_create",
            json={"user": user, "name": "leak-matrix"}, timeout=60,
        ).json()["result"]["token"]

    nobody = "tanpa-opd-" + uuid.uuid4().hex[:8]
    admin.session.post(base + "/api/3/action/user_create", json={
        "name": nobody, "email": nobody + "@example.org",
        "password": "Tanpa-OPD-2026-x"}, timeout=60).raise_for_status()

    found = admin.action("package_search", fq="type:data-sektoral",
                         include_private="true", rows="1000")["results"]
    # package_show: the stage as it is now (not as indexed)
    items = [admin.action("package_show", id=p["id"]) for p in found]
    unpublished = [p for p in items
                   if (p.get("sektoral") or {}).get("stage") != PUBLISHED]
    published = [p for p in items if p not in unpublished]
    assert unpublished and published, "the demo holds both kinds of items"
    orgs = {p["owner_org"] for p in unpublished}
    producers: dict[str, str] = {}
    for org in orgs:
        members = admin.action("member_list", id=org, object_type="user")
        users = [admin.action("user_show", id=m[0])["name"] for m in members]
        producers[org] = next(u for u in users if u.startswith("opd-"))
    # the OPD of the most unpublished items is "the producing OPD"; a
    # producer of an OPD without unpublished items is "another OPD"
    own_org = max(orgs, key=lambda o: sum(p["owner_org"] == o
                                          for p in unpublished))
    all_producers = {u["name"] for u in admin.action("user_list")
                     if u["name"].startswith("opd-")}
    others = sorted(all_producers - set(producers.values())) or sorted(
        set(producers.values()) - {producers[own_org]})
    roles = {
        "anonymous": None, "other_opd": others[0], "nobody": nobody,
        "own_opd": producers[own_org], "staf": "walidata-staf",
        "pembina": "bps-malut", "sysadmin": "admin",
    }
    # the OPD each caller is a member of (what it may read of the items)
    orgs_of = {role: {o["id"] for o in admin.action(
        "organization_list_for_user", id=user, permission="read")}
        if user else set() for role, user in roles.items()}
    assert own_org in orgs_of["own_opd"]
    assert own_org not in orgs_of["other_opd"]
    return {
        "orgs_of": orgs_of,
        "base": base, "admin": admin, "token": token,
        "items": items, "unpublished": unpublished, "published": published,
        "producers": producers, "own_org": own_org,
        "roles": roles,
    }


def _caller(portal: dict[str, Any], role: str) -> Caller:
    user = portal["roles"][role]
    return Caller(portal["base"], portal["token"](user) if user else None)


def _readable(portal: dict[str, Any], role: str, pkg: dict[str, Any]) -> bool:
    if role in ("staf", "pembina", "sysadmin"):
        return True
    if not pkg["private"]:
        return True
    return pkg["owner_org"] in portal["orgs_of"][role]


def _targets(portal: dict[str, Any]) -> list[dict[str, Any]]:
    """One unpublished item of every stage (most of them with a file)."""
    by_stage: dict[str, dict[str, Any]] = {}
    for pkg in sorted(portal["unpublished"],
                      key=lambda p: -len(p.get("resources") or [])):
        by_stage.setdefault(pkg["sektoral"]["stage"], pkg)
    return list(by_stage.values())


def _secrets(portal: dict[str, Any], hidden: Iterable[dict[str, Any]],
             visible: Iterable[dict[str, Any]]) -> dict[str, str]:
    """What of ``hidden`` must not show, as ``{text: what}``: ids, names,
    resource ids and every title that is not part of a visible title."""
    visible_titles = [p["title"] for p in visible]
    out: dict[str, str] = {}
    for pkg in hidden:
        out[pkg["id"]] = f"id of {pkg['name']}"
        out[pkg["name"]] = f"name of {pkg['name']}"
        for res in pkg.get("resources") or []:
            out[res["id"]] = f"resource of {pkg['name']}"
        title = pkg["title"]
        if len(title) > 12 and not any(title in t for t in visible_titles):
            out[title] = f"title of {pkg['name']}"
            out[html.escape(title)] = f"title of {pkg['name']}"
    return out


def _fill(template: str, pkg: dict[str, Any], portal: dict[str, Any],
          activity: str) -> str:
    resources = pkg.get("resources") or [{}]
    return template.format(
        id=pkg["id"], name=pkg["name"], title=pkg["title"],
        res=resources[0].get("id", str(uuid.uuid4())),
        resname=resources[0].get("name", "x"),
        org=pkg["owner_org"], user=portal["producers"][pkg["owner_org"]],
        cycle=pkg["sektoral"]["cycle"], activity=activity)


def _activity(portal: dict[str, Any], pkg: dict[str, Any]) -> str:
    acts = portal["admin"].action("package_activity_list", id=pkg["id"])
    return acts[0]["id"] if acts else str(uuid.uuid4())


def _route_paths(endpoint: str, rule: str, pkg: dict[str, Any],
                 portal: dict[str, Any], activity: str) -> list[str]:
    """The URLs probing ``rule`` for ``pkg``."""
    resources = pkg.get("resources") or [{}]
    res = resources[0]
    blueprint = endpoint.split(".")[0]
    ident = pkg["id"]
    if blueprint in ("organization", "group") or endpoint in (
            "feeds.organization", "feeds.group", "activity.organization_activity",
            "activity.group_activity", "activity.organization_changes",
            "activity.group_changes"):
        ident = pkg["owner_org"]
    elif blueprint == "user" or endpoint == "activity.user_activity":
        ident = portal["producers"][pkg["owner_org"]]
    elif endpoint == "feeds.tag":
        ident = "penduduk"
    elif endpoint == "activity.package_changes":
        ident = activity
    values = {
        "id": ident, "package_id": pkg["id"],
        "resource_id": res.get("id", str(uuid.uuid4())),
        "filename": (res.get("url") or "x").rsplit("/", 1)[-1] or "x",
        "activity_id": activity, "view_id": str(uuid.uuid4()),
        "code": pkg["sektoral"]["cycle"],
        "cycle_id": pkg["sektoral"]["cycle_id"],
        "org_name": pkg["owner_org"], "doc_id": str(uuid.uuid4()),
        "version_id": str(uuid.uuid4()), "jti": str(uuid.uuid4()),
        "what": "withdraw", "lang": "id", "ver": "3",
        "logic_function": "package_show", "snippet_path": "x.html",
    }
    names = re.findall(r"<(?:[^:>]+:)?([^>]+)>", rule)
    variants = [{}]
    if "fmt" in names:
        variants = [{"fmt": f} for f in FORMATS]
    paths = []
    for variant in variants:
        path = rule
        for name in names:
            value = variant.get(name, values.get(name, "x"))
            path = re.sub(r"<(?:[^:>]+:)?" + re.escape(name) + r">",
                          str(value), path)
        paths.append(path)
    if endpoint == "sektoral_publication.after_publication":
        paths += [rule.replace("<id>", pkg["id"]).replace("<what>", w)
                  for w in ("correct", "reopen", "history")]
    queries = [_fill(q, pkg, portal, activity)
               for q in SEARCH_QUERIES.get(endpoint, [])]
    if queries:
        paths = [p + ("?" + q if q else "") for p in paths for q in queries]
    return paths


def _leaks(body: str, secrets: dict[str, str],
           request: str = "") -> list[str]:
    """The secrets in ``body``; those the caller sent itself (``request``:
    the path and parameters of the probe) are what pages echo (links to
    the other language, the login form's return address) and answer the
    same for an id that exists nowhere (tests below), so they do not
    count; every other secret does."""
    return sorted({what + ": " + text[:60] for text, what in secrets.items()
                   if _found(text, what, body) and text not in request})


def _found(text: str, what: str, body: str) -> bool:
    """A dataset name counts as a whole name only: names are made from
    titles, so a hidden ``jumlah-penduduk`` is part of a public
    ``jumlah-penduduk-2`` without telling anything of the hidden one
    (whose id, title and files are secrets of their own)."""
    if not what.startswith("name of "):
        return text in body
    return re.search(r"(?<![a-z0-9_-])" + re.escape(text) + r"(?![a-z0-9_-])",
                     body) is not None


def _get_rules() -> list[tuple[str, str]]:
    from ckan.common import config
    from ckan.config.middleware import make_app

    app = make_app(config)
    rules = []
    for rule in app._wsgi_app.url_map.iter_rules():
        if "GET" in (rule.methods or set()):
            rules.append((rule.endpoint, rule.rule))
    return rules


def _registered_actions() -> dict[str, Any]:
    import ckan.logic as logic

    logic.get_action("package_show")  # fills the registry
    return dict(logic._actions)


# -- the tests ----------------------------------------------------------------

def test_every_action_and_route_is_classified(with_plugins_module):
    actions = _registered_actions()
    read = set(READ_ACTIONS) | NO_DATASET_ACTIONS
    unclassified = set(actions) - read - WRITE_ACTIONS
    assert not unclassified, (
        "actions neither probed nor classified: %s" % sorted(unclassified))
    for name in read:
        assert getattr(actions.get(name), "side_effect_free", False), (
            name + " is not a GET action: classify it as a write")
    for name in WRITE_ACTIONS:
        assert name in actions, name + " is not registered"
        assert not getattr(actions[name], "side_effect_free", False), (
            name + " answers GET: probe it in READ_ACTIONS")
    for endpoint, rule in _get_rules():
        known = (endpoint in SKIPPED_ENDPOINTS or endpoint in SEARCH_QUERIES
                 or "<" in rule or endpoint in ROUTES_WITHOUT_ARGUMENTS)
        assert known, f"route {rule} ({endpoint}) is not classified"


#: GET routes without arguments: probed as they are.
ROUTES_WITHOUT_ARGUMENTS = {
    "activity.dashboard", "sektoral_workspace.index",
    "sektoral_workspace.cycle_new", "sektoral_workspace.review",
    "sektoral_workspace.approval", "sektoral_public.cycle_list",
    "sektoral_public.catalog_jsonld", "sektoral_performance.index",
    "sektoral_performance.export_csv", "admin.index", "admin.reset_config",
    "admin.config", "admin.trash", "api.get_api", "api.user_autocomplete",
    "api.tag_autocomplete", "api.group_autocomplete",
    "api.organization_autocomplete", "api.format_autocomplete",
    "dashboard.datasets", "dashboard.groups", "dashboard.organizations",
    "group.index", "group.new", "organization.index", "organization.new",
    "home.index", "home.about", "home.robots_txt", "user.index", "user.me",
    "user.edit", "user.register", "user.login", "user.request_reset",
    "data-sektoral.new", "publikasi.new", "dataset.new",
    "sektoral_opd.inbox", "activity.organization_changes_multiple",
    "activity.group_changes_multiple",
}

OUTSIDERS = ("anonymous", "other_opd", "nobody")

#: Routes probed for the item of every stage (the others for one each).
EVERY_TARGET = {
    "dataset.read", "data-sektoral.read", "dataset.search",
    "data-sektoral.search", "dataset_resource.download",
    "data-sektoral_resource.download", "data-sektoral_resource.read",
    "sektoral_public.download", "sektoral_public.dataset_jsonld",
    "sektoral_public.catalog_jsonld", "sektoral_public.cycle_read",
    "sektoral_opd.item", "feeds.custom", "api.dataset_autocomplete",
    "activity.package_activity",
}


@pytest.fixture(scope="module")
def probes(portal, with_plugins_module) -> list[tuple[str, dict[str, Any],
                                                      Optional[str]]]:
    """Every probe: ``(path, params, target item id)``."""
    out: list[tuple[str, dict[str, Any], Optional[str]]] = []
    targets = _targets(portal)
    for pkg in targets:
        activity = _activity(portal, pkg)
        for name, templates in READ_ACTIONS.items():
            for template in templates:
                params = {k: _fill(v, pkg, portal, activity)
                          for k, v in template.items()}
                out.append(("/api/3/action/" + name, params, pkg["id"]))
        for n, (endpoint, rule) in enumerate(_get_rules()):
            if endpoint in SKIPPED_ENDPOINTS:
                continue
            # the item's own pages for every target; every other route
            # with one target, in turn (each route once, every stage)
            if endpoint not in EVERY_TARGET and pkg is not targets[
                    n % len(targets)]:
                continue
            for path in _route_paths(endpoint, rule, pkg, portal, activity):
                out.append((path, {}, pkg["id"]))
    for name in sorted(NO_DATASET_ACTIONS):
        out.append(("/api/3/action/" + name, dict(NO_DATASET_PARAMS.get(
            name, {})), None))
    # the same request for several targets is sent once
    seen: set[str] = set()
    unique = []
    for path, params, target in out:
        key = path + json.dumps(params, sort_keys=True)
        if key not in seen:
            seen.add(key)
            unique.append((path, params, target))
    return unique


@pytest.mark.parametrize("role", OUTSIDERS)
def test_nothing_unpublished_leaks(portal, probes, role):
    caller = _caller(portal, role)
    hidden = [p for p in portal["unpublished"]
              if not _readable(portal, role, p)]
    visible = [p for p in portal["items"] if _readable(portal, role, p)]
    assert hidden
    secrets = _secrets(portal, hidden, visible)
    leaks: list[str] = []
    errors: list[str] = []
    for path, params, _target in probes:
        response = caller.get(path, params)
        body = response.text
        if response.status_code >= 500:
            errors.append(f"{response.status_code} {path} {params}")
        found = _leaks(body, secrets,
                       urllib.parse.unquote_plus(path) + " " + json.dumps(
                           params, ensure_ascii=False))
        if found:
            leaks.append(f"{path} {params}: {found[:3]}")
    assert not leaks, "\n".join(leaks[:40])
    assert not errors, "\n".join(errors[:40])


@pytest.mark.parametrize("role", OUTSIDERS)
def test_no_file_byte_of_an_unpublished_item(portal, role):
    """The files themselves: every download URL of an unpublished item's
    resources is refused to the caller and carries none of its rows."""
    caller = _caller(portal, role)
    admin = portal["admin"]
    checked = 0
    for pkg in portal["unpublished"]:
        if _readable(portal, role, pkg):
            continue
        for res in pkg.get("resources") or []:
            if res.get("url_type") != "upload":
                continue
            content = admin.session.get(res["url"], timeout=60)
            assert content.status_code == 200, res["url"]
            rows = [line for line in content.text.splitlines()[1:]
                    if len(line) > 20][:3]
            path = res["url"].split("://", 1)[1].split("/", 1)[1]
            response = caller.get("/" + path)
            assert response.status_code in (403, 404), (path,
                                                        response.status_code)
            for row in rows:
                assert row not in response.text, (path, row)
            checked += 1
    assert checked, "the demo's unpublished items hold uploaded files"


def test_the_matrix_can_see_a_leak(portal):
    """The same scan finds the secrets in what a reader is given (else the
    matrix above could pass by never looking)."""
    target = next(p for p in portal["unpublished"]
                  if p["owner_org"] == portal["own_org"])
    secrets = _secrets(portal, [target], [])
    for role in ("own_opd", "staf", "pembina", "sysadmin"):
        caller = _caller(portal, role)
        for path in ("/api/3/action/package_show?id=" + target["id"],
                     "/data-sektoral/" + target["id"]):
            # (the page of an item may send its producer to the inbox)
            response = caller.session.get(portal["base"] + path, timeout=60)
            assert response.status_code == 200, (role, path)
            assert _leaks(response.text, secrets), (role, path)


@pytest.mark.parametrize("role", OUTSIDERS)
def test_unreadable_and_missing_answer_alike(portal, role):
    """403-vs-404 tells nothing: an unpublished item and a dataset that
    does not exist get the same status on every dataset route."""
    caller = _caller(portal, role)
    target = _targets(portal)[0]
    missing = str(uuid.uuid4())
    paths = ["/dataset/{}", "/data-sektoral/{}", "/dataset/{}.jsonld",
             "/dataset/{}/download/csv", "/sektoral/inbox/{}",
             "/sektoral/dataset/{}/template.xlsx", "/dataset/activity/{}",
             "/api/3/action/package_show?id={}",
             "/api/3/action/sektoral_history?id={}"]
    for template in paths:
        hidden = caller.get(template.format(target["id"]))
        absent = caller.get(template.format(missing))
        if role == "anonymous" and hidden.status_code in (302, 303):
            # pages that need a login send both to the login form
            assert absent.status_code == hidden.status_code, template
            continue
        assert hidden.status_code == absent.status_code, (
            template, hidden.status_code, absent.status_code)
        # the page echoes the requested path (language links): the same
        # page once the two references are put side by side
        assert _normalised(hidden.text, target["id"]) == _normalised(
            absent.text, missing), template
        assert target["title"] not in hidden.text, template


def _normalised(body: str, ref: str) -> str:
    body = body.replace(ref, "REF")
    # per-request values: CSRF tokens, timings
    body = re.sub(r'(csrf[^"]*" (?:content|value)=")[^"]*', r"\1", body)
    return re.sub(r'"help": "[^"]*"', "", body)
