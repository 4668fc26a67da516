"""Template helpers of publication and the public pages."""
from __future__ import annotations

from typing import Any, Optional

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.sektoral.core import contracts, stages
from ckanext.sektoral.model import Cycle
from ckanext.sektoral.model.publication import Publication
from ckanext.sektoral.publication import service

__all__: list[str] = [
    "sektoral_cycle_report",
    "sektoral_publication_notice",
    "sektoral_publish_dates",
    "sektoral_push_status_label",
    "sektoral_publication_actions",
]

#: Labels of the push states (msgids, translated where shown).
PUSH_STATUS = {
    "never": "Not pushed yet",
    "queued": "Queued",
    "pushed": "Pushed",
    "withdrawn": "Marked withdrawn",
    "error": "Failed",
}


def N_(message: str) -> str:
    return message


# for extraction
N_("Not pushed yet"), N_("Queued"), N_("Pushed"), N_("Marked withdrawn")
N_("Failed")


def sektoral_cycle_report(cycle_code: str) -> Optional[dict[str, Any]]:
    """The public ``publikasi`` dataset (package dict) of a published
    cycle, or None (unknown cycle, not published, or not public)."""
    if not cycle_code:
        return None
    row = model.Session.query(Publication).join(
        Cycle, Cycle.id == Publication.cycle_id).filter(
        (Cycle.code == cycle_code) | (Cycle.id == cycle_code)).first()
    if row is None:
        return None
    try:
        # as anonymous: only what the public may see
        return tk.get_action("package_show")(
            {"user": "", "ignore_auth": False}, {"id": row.package_id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return None


def sektoral_publication_notice(pkg: Any) -> Optional[contracts.PublicNotice]:
    """The public notice of a dataset (package dict or id): ``kind``
    (``revision``/``withdrawal``), ``state`` (``withdrawn``,
    ``under_revision``, ``revised``), ``note``, ``created``, ``revised``,
    ``first_published``, ``last_published``; None if it has none."""
    package_id = pkg.get("id") if isinstance(pkg, dict) else pkg
    if not package_id:
        return None
    return service.notice_for(str(package_id))


def sektoral_publish_dates(pkg: Any) -> contracts.PublishDates:
    """First and last publication of a dataset (ISO, UTC) from the audit
    log; both None if never published."""
    package_id = pkg.get("id") if isinstance(pkg, dict) else pkg
    if not package_id:
        return {"first_published": None, "last_published": None}
    return service.publish_dates(str(package_id))


def sektoral_push_status_label(status: str) -> str:
    """Translated label of a national portal push state."""
    return tk._(PUSH_STATUS.get(status, status))


def sektoral_publication_actions(pkg: Any) -> list[dict[str, str]]:
    """Reopen / withdraw links the current user may use on a published
    dataset (empty for everyone else)."""
    if not isinstance(pkg, dict) or not pkg.get("id"):
        return []
    stage = (pkg.get("sektoral") or {}).get("stage")
    out = []
    # a withdrawn dataset: only a revision (the sources of each transition)
    choices = [(name, tk._(t.label))
               for name, t in stages.after_publication().items()
               if stage in {s.value for s in t.sources}]
    for what, label in choices:
        try:
            tk.check_access("sektoral_" + what, {"user": tk.g.user},
                            {"id": pkg["id"]})
        except (tk.NotAuthorized, AttributeError, RuntimeError):
            continue
        out.append({"what": what, "label": label, "url": tk.h.url_for(
            "sektoral_publication.after_publication", id=pkg["name"],
            what=what)})
    return out
