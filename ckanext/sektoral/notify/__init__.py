"""E-mail notifications of the SOP workflow.

Two entry points:

* :func:`on_transition`, called for each audit row of a committed
  transition (the ``sektoral:transition`` signal, ``subscriptions.py``):
  it enqueues one background job (:func:`send_transition_mail`, queue
  :data:`QUEUE`) per event that notifies someone. It never raises: a mail
  problem never blocks or undoes a transition.
* :func:`remind`, the daily reminder behind ``ckan sektoral remind``: one
  mail per OPD listing its items that are due soon or late, and one per
  Walidata position for the items waiting on it.

Who is notified (``OPD`` = the organization's data contact e-mail
``kontak_email`` plus its editors and admins)::

    request, return, accept, publish   OPD
    submit                             kasie and staf
    draft   (enters dalam_laporan)     the checker (the approver without one)
    check   (enters diperiksa)         the approver
    return_report                      staf

The person who performed the transition is not notified of it. Mail text
is Indonesian, in ``templates/emails/sektoral/`` (subjects included:
``<event>_subject.txt``), plain text.

By concern: :mod:`.policy` (who is notified, who an item waits on),
:mod:`.recipients` (their addresses), :mod:`.render` (templates),
:mod:`.jobs` (the transition mail job), :mod:`.reminders`.
"""
from __future__ import annotations

from ckanext.sektoral.notify.jobs import (
    QUEUE, RETRIES, on_transition, send_transition_mail,
)
from ckanext.sektoral.notify.policy import OPD, OPD_WAITING, audience, waiting_on
from ckanext.sektoral.notify.recipients import (
    CONTACT_EMAIL, CONTACT_NAME, Recipient, opd_contacts, position_holders,
    recipients_for,
)
from ckanext.sektoral.notify.reminders import remind
from ckanext.sektoral.notify.render import (
    TEMPLATES, transition_mail, transition_vars,
)

__all__ = [
    "QUEUE", "RETRIES", "Recipient", "audience", "on_transition",
    "opd_contacts", "position_holders", "recipients_for", "remind",
    "send_transition_mail", "transition_mail", "transition_vars",
    "waiting_on",
]
