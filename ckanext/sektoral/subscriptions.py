"""Side effects of committed transitions, as signal receivers.

The transition engine (:mod:`ckanext.sektoral.logic.service`) sends
:data:`ckanext.sektoral.signals.transition` once per committed unit of
work and imports none of this. The plugin connects these receivers in
``ISignal.get_signal_subscriptions()`` (CKAN connects them when it loads
the plugin and disconnects them when it unloads it), as CKAN's own
``ckanext/activity`` does with ``action_succeeded``:

* every event: the e-mail of each transition that notifies someone
  (:func:`ckanext.sektoral.notify.on_transition`, a background job);
* ``accept``: the analysis of the accepted dataset (a background job);
* ``approve`` of a whole cycle: the cycle's current draft report becomes
  its approved version;
* ``publish``, ``reopen``, ``withdraw``: the push to the national portal
  when the automatic push is on (the cycle's ``publikasi`` too when a
  whole cycle is published).

Receivers enqueue jobs (the report approval writes one row); a receiver
that fails is logged by the engine: the transition is committed and
stands whatever happens here.
"""
from __future__ import annotations

import logging
from typing import Any, Optional

from ckan import types

from ckanext.sektoral import notify, signals
from ckanext.sektoral.core import stages
from ckanext.sektoral.logic import releases
from ckanext.sektoral.analysis import job as analysis_job
from ckanext.sektoral.documents import report as documents_report
from ckanext.sektoral.publication import remote

log = logging.getLogger(__name__)

#: Transitions after which the national portal copy changes.
PUSHED_ON = stages.PUBLIC_RECORD_TRANSITIONS


def get_subscriptions() -> types.SignalMapping:
    return {
        signals.transition: [
            {"receiver": mail},
            {"sender": "accept", "receiver": analyse},
            {"sender": "approve", "receiver": approve_report},
        ] + [{"sender": name, "receiver": push} for name in PUSHED_ON],
    }


def mail(sender: str, rows: list[dict[str, Any]], **kwargs: Any) -> None:
    """One mail job per transition that notifies someone."""
    for row in rows:
        notify.on_transition(row)  # never raises


def analyse(sender: str, rows: list[dict[str, Any]], **kwargs: Any) -> None:
    """Analyse each accepted dataset."""
    for row in rows:
        analysis_job.on_transition(row)  # never raises


def approve_report(sender: str, rows: list[dict[str, Any]],
                   cycle: Optional[str] = None, **kwargs: Any) -> None:
    """The approval of a whole cycle approves its current draft report
    (the version the approver read), by the approver."""
    if cycle and rows:
        documents_report.approve_current(cycle, rows[0]["actor_name"])


def push(sender: str, rows: list[dict[str, Any]],
         publication: Optional[dict[str, Any]] = None,
         **kwargs: Any) -> None:
    """Queue the push of the moved datasets (and of a published cycle's
    ``publikasi``) when the automatic push is on."""
    try:
        if not remote.enabled():
            return
        # the public datasets: a released submission's statistic
        ids = releases.statistic_ids(
            list(dict.fromkeys(row["package_id"] for row in rows)))
        if publication and publication.get("package_id"):
            ids.append(publication["package_id"])
        remote.enqueue_many(ids)  # logs a queue failure, never raises
    except Exception:  # the publication stands; the CLI can push again
        log.exception("could not queue the push after %s", sender)
