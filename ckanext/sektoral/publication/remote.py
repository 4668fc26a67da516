"""Push of published datasets to the national portal (a remote CKAN).

Each published dataset (and each cycle's ``publikasi``) is created or
updated on the remote portal with ckanapi, idempotently:

* the remote name is derived from the local one
  (``<ckanext.sektoral.portal.name_prefix>-<local name>``), and the remote
  id is kept in ``sektoral_push`` after the first push, so pushing again
  updates the same dataset and never duplicates it;
* resources are links to the local files (the local dataset is public);
  each remote resource carries ``sektoral_resource_id`` so that it is
  updated in place;
* a withdrawn dataset is pushed as withdrawn: private on the remote
  portal, ``sektoral_status = withdrawn`` and the withdrawal notice at the
  top of its description and in ``sektoral_withdrawal_notice``.

The push runs as a background job on the ``sektoral`` queue with retries
(:func:`enqueue`); its state per dataset (remote name and id, last push,
attempts, last error) is kept in ``sektoral_push``.
"""
from __future__ import annotations

import dataclasses
import json
import logging
import re
from collections.abc import Mapping
from typing import Any, Iterable, Optional

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.sektoral import clock
from ckanext.sektoral.core import contracts
from ckanext.sektoral.logic import service as wf
from ckanext.sektoral.logic.context import site_context
from ckanext.sektoral.model import Item
from ckanext.sektoral.model.publication import Publication, PushState
from ckanext.sektoral.publication import service

log = logging.getLogger(__name__)

QUEUE = "sektoral"

#: Local fields that map onto core fields of the remote CKAN.
CORE_FIELDS = ("title", "notes", "license_id", "maintainer",
               "maintainer_email", "version")
#: Local keys never copied into the remote extras.
SKIPPED_KEYS = frozenset({
    "id", "name", "type", "private", "state", "owner_org", "organization",
    "resources", "tags", "groups", "extras", "relationships_as_object",
    "relationships_as_subject", "num_resources", "num_tags", "creator_user_id",
    "metadata_created", "metadata_modified", "revision_id", "isopen",
    "license_title", "license_url", "author", "author_email", "url",
    "sektoral", "tracking_summary", "validation_options",
} | set(CORE_FIELDS))
RESOURCE_FIELDS = ("name", "description", "format", "mimetype", "size")


# -- configuration -----------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class PortalConfig:
    url: str
    api_token: str
    organization_map: dict[str, str]
    default_organization: str
    name_prefix: str
    retries: int
    timeout: int


def portal_config() -> PortalConfig:
    """The national portal options (``ckanext.sektoral.portal.*``)."""
    cfg = tk.config
    mapping: dict[str, str] = {}
    for pair in cfg.get("ckanext.sektoral.portal.organization_map") or []:
        local, sep, remote = str(pair).partition(":")
        if sep and local.strip() and remote.strip():
            mapping[local.strip()] = remote.strip()
    return PortalConfig(
        url=(cfg.get("ckanext.sektoral.portal.url") or "").rstrip("/"),
        api_token=cfg.get("ckanext.sektoral.portal.api_token") or "",
        organization_map=mapping,
        default_organization=cfg.get(
            "ckanext.sektoral.portal.default_organization") or "",
        name_prefix=cfg.get("ckanext.sektoral.portal.name_prefix") or "",
        retries=int(cfg.get("ckanext.sektoral.portal.retries") or 0),
        timeout=int(cfg.get("ckanext.sektoral.portal.timeout") or 30),
    )


def configured() -> bool:
    return bool(portal_config().url)


def enabled() -> bool:
    """Automatic push after publication, republication and withdrawal."""
    return tk.asbool(tk.config.get("ckanext.sektoral.portal.enabled")) \
        and configured()


def remote_name(local_name: str, prefix: Optional[str] = None) -> str:
    """Deterministic remote dataset name (CKAN: 2-100 chars, a-z0-9_-)."""
    prefix = portal_config().name_prefix if prefix is None else prefix
    name = "{}-{}".format(prefix, local_name) if prefix else local_name
    name = re.sub(r"[^a-z0-9_-]", "-", name.lower())
    return name[:100]


def remote_organization(local_org: str, cfg: PortalConfig) -> str:
    remote = cfg.organization_map.get(local_org) or cfg.default_organization
    if not remote:
        raise PushError("no remote organization for %s (set "
                        "ckanext.sektoral.portal.organization_map or "
                        "default_organization)" % local_org)
    return remote


class PushError(Exception):
    """A push that cannot succeed as configured (recorded, retried)."""


# -- building the remote dataset ----------------------------------------------------------

def _label(message: str, fallback: str) -> str:
    """Translated label for the remote copy (a job may lack a request)."""
    try:
        return tk._(message)
    except Exception:
        return fallback


def _scalar(value: Any) -> Optional[str]:
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def remote_dataset(pkg: dict[str, Any], cfg: PortalConfig,
                   existing: Optional[dict[str, Any]] = None,
                   notice: Optional[Mapping[str, Any]] = None
                   ) -> dict[str, Any]:
    """The remote dataset dict of a local package (plain CKAN fields and
    extras). ``existing``: the remote copy, whose resource ids are kept."""
    withdrawn = bool(notice and notice.get("kind") == "withdrawal")
    site_url = tk.config.get("ckan.site_url", "").rstrip("/")
    local_url = "{}/dataset/{}".format(site_url, pkg["name"])
    data: dict[str, Any] = {
        "name": remote_name(pkg["name"], cfg.name_prefix),
        "title": pkg.get("title") or pkg["name"],
        "notes": pkg.get("notes") or "",
        "owner_org": remote_organization(
            (pkg.get("organization") or {}).get("name") or "", cfg),
        "private": withdrawn,
        "url": local_url,
        "tags": [{"name": t["name"]} for t in pkg.get("tags") or []],
    }
    for key in CORE_FIELDS[2:]:
        if pkg.get(key):
            data[key] = pkg[key]
    extras: dict[str, str] = {}
    for key, value in sorted(pkg.items()):
        if key in SKIPPED_KEYS or key.startswith("_"):
            continue
        text = _scalar(value)
        if text is not None:
            extras[key] = text
    dates = service.publish_dates(pkg["id"])
    extras.update({
        "sektoral_source_id": pkg["id"],
        "sektoral_source_url": local_url,
        "sektoral_type": pkg.get("type") or "dataset",
        "sektoral_status": "withdrawn" if withdrawn else "published",
    })
    if dates["first_published"]:
        extras["sektoral_first_published"] = dates["first_published"]
    if dates["last_published"]:
        extras["sektoral_last_published"] = dates["last_published"]
    if withdrawn and notice is not None:
        label = _label("Withdrawn", "Ditarik")
        text = "{} ({}): {}".format(label, (notice.get("created") or "")[:10],
                                    notice.get("note") or "")
        extras["sektoral_withdrawal_notice"] = text
        data["notes"] = "**{}**\n\n{}".format(text, data["notes"])
    data["extras"] = [{"key": k, "value": v} for k, v in extras.items()]
    known = {}
    for res in (existing or {}).get("resources") or []:
        if res.get("sektoral_resource_id"):
            known[res["sektoral_resource_id"]] = res["id"]
    resources = []
    for res in pkg.get("resources") or []:
        entry = {k: res[k] for k in RESOURCE_FIELDS if res.get(k) not in
                 (None, "")}
        entry["url"] = res.get("url") or ""
        entry["sektoral_resource_id"] = res["id"]
        if res["id"] in known:
            entry["id"] = known[res["id"]]
        resources.append(entry)
    data["resources"] = resources
    return data


# -- pushing ----------------------------------------------------------------------------

def client(cfg: Optional[PortalConfig] = None) -> Any:
    import ckanapi

    cfg = cfg or portal_config()
    if not cfg.url:
        raise PushError("ckanext.sektoral.portal.url is not set")
    return ckanapi.RemoteCKAN(cfg.url, apikey=cfg.api_token or None,
                              user_agent="ckanext-sektoral push")


def _state(package_id: str, name: str) -> PushState:
    state = model.Session.get(PushState, package_id)
    if state is None:
        state = PushState(package_id=package_id, remote_name=name,
                          status="queued", attempts=0, error="")
        model.Session.add(state)
    return state


def pushable(package_id: str) -> bool:
    """Published (possibly since withdrawn or under revision) datasets and
    the ``publikasi`` datasets of published cycles."""
    pkg = model.Package.get(package_id)
    if pkg is None or pkg.state != "active" or pkg.private:
        return False
    if wf.get_item(pkg.id) is not None:
        return True
    return model.Session.query(Publication).filter(
        Publication.package_id == pkg.id).first() is not None


def push_dataset(package_id: str) -> contracts.PushStateRecord:
    """Create or update the remote copy of one dataset, now; return the
    push state. Raises on failure (after recording the error)."""
    import ckanapi

    cfg = portal_config()
    pkg_obj = model.Package.get(package_id)
    if pkg_obj is None:
        raise tk.ObjectNotFound(package_id)
    name = remote_name(pkg_obj.name, cfg.name_prefix)
    state = _state(pkg_obj.id, name)
    state.attempts = (state.attempts or 0) + 1
    try:
        if not pushable(pkg_obj.id):
            raise PushError("not published: %s" % pkg_obj.name)
        pkg = tk.get_action("package_show")(
            site_context(),
            {"id": pkg_obj.id})
        remote = client(cfg)
        timeout = {"timeout": cfg.timeout}
        existing = None
        for ref in filter(None, (state.remote_id, name)):
            try:
                existing = remote.call_action(
                    "package_show", {"id": ref}, requests_kwargs=timeout)
                break
            except ckanapi.NotFound:
                continue
        notice = service.notice_for(pkg_obj.id)
        data = remote_dataset(pkg, cfg, existing, notice)
        if existing is not None:
            data["id"] = existing["id"]
            if existing.get("state") == "deleted":
                data["state"] = "active"
            result = remote.call_action("package_update", data,
                                        requests_kwargs=timeout)
        else:
            result = remote.call_action("package_create", data,
                                        requests_kwargs=timeout)
        state.remote_id = result["id"]
        state.remote_name = result["name"]
        state.status = ("withdrawn" if notice and notice.get("kind")
                        == "withdrawal" else "pushed")
        state.last_pushed = clock.utcnow()
        state.error = ""
        model.Session.commit()
        return state.as_dict()
    except Exception as err:
        model.Session.rollback()
        state = _state(pkg_obj.id, name)
        state.attempts = (state.attempts or 0) + 1
        state.status = "error"
        state.error = _error_text(err)
        model.Session.commit()
        raise


def _error_text(err: Exception) -> str:
    text = "{}: {}".format(type(err).__name__, err)
    return text[:2000]


def push_job(package_id: str) -> None:
    """Background job: push one dataset (RQ retries it on failure)."""
    try:
        push_dataset(package_id)
    finally:
        model.Session.remove()


def enqueue(package_id: str) -> str:
    """Queue the push of one dataset; return the job id."""
    from rq import Retry

    cfg = portal_config()
    pkg = model.Package.get(package_id)
    if pkg is None:
        raise tk.ObjectNotFound(package_id)
    state = _state(pkg.id, remote_name(pkg.name, cfg.name_prefix))
    state.status = "queued"
    state.queued = clock.utcnow()
    model.Session.commit()
    rq_kwargs: dict[str, Any] = {}
    if cfg.retries > 0:
        # immediate re-enqueues: ``ckan jobs worker`` runs no RQ scheduler
        rq_kwargs["retry"] = Retry(max=cfg.retries)
    job = tk.enqueue_job(push_job, [pkg.id],
                         title="sektoral: push %s to the national portal"
                         % pkg.name, queue=QUEUE, rq_kwargs=rq_kwargs)
    return job.id


def enqueue_many(package_ids: Iterable[str]) -> list[str]:
    """Queue several pushes; a queue failure is logged, never raised (the
    publication stands; ``ckan sektoral publication push`` retries)."""
    ids = []
    for package_id in package_ids:
        try:
            ids.append(enqueue(package_id))
        except Exception:
            log.exception("could not queue the push of %s", package_id)
    return ids


def cycle_packages(cycle_id: str) -> list[str]:
    """Ids of a cycle's datasets to push: its items that were published
    (public) and its ``publikasi``."""
    rows = model.Session.query(Item.package_id).join(
        model.Package, model.Package.id == Item.package_id).filter(
        Item.cycle_id == cycle_id, model.Package.private.is_(False),
        model.Package.state == "active").order_by(Item.package_id)
    ids = [r[0] for r in rows]
    publication = model.Session.get(Publication, cycle_id)
    if publication is not None:
        ids.append(publication.package_id)
    return ids


def status(package_ids: list[str]) -> list[contracts.PushStatus]:
    """Push state of each dataset (``never`` if not pushed yet)."""
    states: dict[str, PushState] = {
        s.package_id: s for s in model.Session.query(PushState).filter(
            PushState.package_id.in_(package_ids))} if package_ids else {}
    out: list[contracts.PushStatus] = []
    for package_id in package_ids:
        pkg = model.Package.get(package_id)
        state = states.get(package_id)
        data: contracts.PushStateRecord = state.as_dict() if state else {
            "package_id": package_id,
            "remote_name": remote_name(pkg.name) if pkg else None,
            "remote_id": None, "status": "never", "attempts": 0,
            "queued": None, "last_pushed": None, "error": ""}
        out.append({**data, "name": pkg.name if pkg else None,
                    "title": (pkg.title or pkg.name) if pkg else None})
    return out
