"""The mail of a committed transition: enqueued (never raising) and
sent by a background job with retries."""
from __future__ import annotations

import logging
from typing import Any

from rq import Retry, get_current_job

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import mailer

from ckanext.sektoral.model import Transition
from ckanext.sektoral.notify.policy import OPD, audience
from ckanext.sektoral.notify.recipients import recipients_for
from ckanext.sektoral.notify.render import (
    _request_context, transition_mail, transition_vars,
)

#: One logger for the whole package.
log = logging.getLogger(__package__)

#: RQ queue of the extension's mail jobs. ``ckan jobs worker`` listens to
#: ``default`` only: run ``ckan jobs worker default sektoral``.
QUEUE = "sektoral"

#: Extra attempts of a failed mail job. They are immediate re-enqueues:
#: RQ retry *intervals* need RQ's scheduler, which ``ckan jobs worker``
#: does not start (a job scheduled for later would never run).
RETRIES = 3


def on_transition(row: dict[str, Any]) -> None:
    """Enqueue the mail of one committed transition (an audit-log row of
    the ``sektoral:transition`` event). Never raises."""
    try:
        name = str(row.get("transition") or "")
        if not audience(name):
            return
        tk.enqueue_job(
            send_transition_mail, [int(row["id"])],
            title=f"sektoral: e-mail '{name}' {row.get('package_id')}",
            queue=QUEUE, rq_kwargs={"retry": Retry(max=RETRIES)})
    except Exception:  # Redis down, bad row: the transition stands
        log.exception("could not enqueue the e-mail of transition %s",
                      row.get("id"))


def send_transition_mail(transition_id: int) -> list[str]:
    """Background job: mail everyone a transition concerns.

    Returns the addresses mailed. A send failure is logged and re-raised
    (after trying the other recipients) so that RQ records the failed job
    and retries it; addresses already mailed by an earlier attempt of the
    same job are skipped.
    """
    row = model.Session.get(Transition, int(transition_id))
    if row is None:
        log.warning("e-mail of transition %s: no such transition",
                    transition_id)
        return []
    pkg = model.Package.get(row.package_id)
    if pkg is None or pkg.state == "deleted":
        log.warning("e-mail of transition %s: dataset %s is gone",
                    transition_id, row.package_id)
        return []
    recipients = recipients_for(row.transition, pkg.owner_org, row.actor_id)
    if not recipients:
        log.warning(
            "e-mail of transition %s (%s of %s): nobody to notify (%s)",
            transition_id, row.transition, pkg.name,
            "the organization has no data contact e-mail and no editors "
            "or admins with an e-mail"
            if OPD in audience(row.transition)
            else "no user with an e-mail holds the position")
        return []

    job = get_current_job()
    done: set[str] = set(job.meta.get("sektoral_sent", [])) if job else set()
    errors: list[Exception] = []
    sent: list[str] = []
    with _request_context():
        extra_vars = transition_vars(row)
        for recipient in recipients:
            if recipient.email in done:
                continue
            subject, body = transition_mail(extra_vars, recipient)
            try:
                mailer.mail_recipient(recipient.name, recipient.email,
                                      subject, body)
            except Exception as err:
                log.exception("could not send the e-mail of transition %s "
                              "to %s", transition_id, recipient.email)
                errors.append(err)
                continue
            sent.append(recipient.email)
            done.add(recipient.email)
            if job is not None:
                job.meta["sektoral_sent"] = sorted(done)
                job.save_meta()
    if errors:
        raise errors[0]
    return sent
