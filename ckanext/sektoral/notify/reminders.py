"""The daily reminders (``ckan sektoral remind``)."""
from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from typing import Any, Optional

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import mailer

from ckanext.sektoral import clock, config
from ckanext.sektoral.logic import service
from ckanext.sektoral.model import Cycle, Item
from ckanext.sektoral.notify.policy import OPD, waiting_on
from ckanext.sektoral.notify.recipients import (
    Recipient, opd_contacts, position_holders,
)
from ckanext.sektoral.notify.render import (
    _common_vars, _format_date, _position_label, _render, _request_context,
    _stage_label, _subject,
)
from ckanext.sektoral.core.stages import Stage

#: One logger for the whole package.
log = logging.getLogger(__package__)


def _due_items(days: int, on: dt.date) -> list[dict[str, Any]]:
    """Items of open cycles whose current step is due within ``days``
    working days or late (one query)."""
    rows = model.Session.query(
        Item, Cycle, model.Package.name, model.Package.title).join(
        Cycle, Cycle.id == Item.cycle_id).join(
        model.Package, model.Package.id == Item.package_id).filter(
        Cycle.status == "open",
        model.Package.state == "active",
        Item.stage != Stage.PUBLISHED.value).order_by(
        Cycle.code, model.Package.title)
    schedules: dict[str, Any] = {}
    found = []
    for item, cycle, name, title in rows:
        if cycle.id not in schedules:
            schedules[cycle.id] = service.cycle_schedule(cycle)
        status: dict[str, Any] = dict(
            service.item_status(item, schedules[cycle.id], on))
        left = status["working_days_left"]
        if left is None or left > days:
            continue
        status.update(package_id=item.package_id, name=name,
                      title=title or name, owner_org=item.owner_org,
                      cycle=cycle.code)
        found.append(status)
    found.sort(key=lambda s: (s["due"], s["title"]))
    return found


def remind(days: int = 5, today: Optional[dt.date] = None,
           dry_run: bool = False) -> list[dict[str, Any]]:
    """Remind whoever must act on items that are due soon or late.

    For every open cycle, the items whose current step is due within
    ``days`` working days (or already late) are grouped by who must act:
    the OPD (requested, returned: one mail per OPD, to its data contact
    and its editors and admins) or a Walidata position (planned, accepted,
    processed, approved: staf; submitted: kasie; in the draft report and
    checked: the checker / approver; one mail per position, to each
    holder). A bounded number of queries, whatever the number of items.

    :param days: working days ahead (5: the next working week)
    :param today: the day to compute from (default: today in the portal's
        time zone)
    :param dry_run: render but send nothing
    :returns: one dict per mail: ``recipient``, ``name``, ``group`` (the
        organization name or the position), ``subject``, ``items`` (dicts:
        ``title``, ``name``, ``url``, ``stage``, ``stage_label``, ``cycle``,
        ``due``, ``working_days_left``, ``late``), ``sent`` (False in a dry
        run or when sending failed) and ``error`` (when it failed)
    """
    on = today or clock.today()
    chain = config.approval_chain()
    items = _due_items(days, on)
    by_org: dict[str, list[dict[str, Any]]] = defaultdict(list)
    by_position: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in items:
        who = waiting_on(Stage(item["stage"]), chain)
        if who == OPD:
            by_org[item["owner_org"]].append(item)
        elif who is not None:
            by_position[who].append(item)

    contacts = opd_contacts(by_org)
    holders = position_holders(by_position)
    orgs = {g.id: g for g in model.Session.query(model.Group).filter(
        model.Group.id.in_(list(by_org)))} if by_org else {}

    results: list[dict[str, Any]] = []
    with _request_context():
        for item in items:
            item["url"] = tk.url_for("dataset.read", id=item["name"],
                                     _external=True)
            item["stage_label"] = _stage_label(item["stage"])
            item["due_label"] = _format_date(item["due"])
        for org_id, org_items in sorted(
                by_org.items(), key=lambda kv: orgs[kv[0]].title
                if kv[0] in orgs else kv[0]):
            org = orgs.get(org_id)
            group = org.name if org else org_id
            if not contacts.get(org_id):
                log.warning("reminder: organization %s has no data contact "
                            "e-mail and no editors with an e-mail; %d item(s) "
                            "not reminded", group, len(org_items))
                continue
            extra = {"org_title": org.title if org else group,
                     "position": ""}
            results.extend(_send_reminders(
                "reminder_opd", group, contacts[org_id], org_items, extra,
                on, dry_run))
        for position, pos_items in sorted(by_position.items()):
            if not holders.get(position):
                log.warning("reminder: nobody with an e-mail holds the "
                            "position %s; %d item(s) not reminded",
                            position, len(pos_items))
                continue
            extra = {"org_title": "", "position": _position_label(position)}
            results.extend(_send_reminders(
                "reminder_walidata", position, holders[position], pos_items,
                extra, on, dry_run))
    return results


def _send_reminders(template: str, group: str, recipients: list[Recipient],
                    items: list[dict[str, Any]], extra: dict[str, Any],
                    on: dt.date, dry_run: bool) -> list[dict[str, Any]]:
    public_items = [{k: item[k] for k in (
        "package_id", "name", "title", "url", "stage", "stage_label", "cycle",
        "due", "working_days_left", "late")} for item in items]
    results = []
    for recipient in recipients:
        extra_vars = _common_vars()
        extra_vars.update(extra)
        extra_vars.update({
            "recipient_name": recipient.name, "items": items,
            "today": _format_date(on),
            "late_count": sum(1 for i in items if i["late"]),
        })
        subject = _subject(f"{template}_subject.txt", extra_vars)
        body = _render(f"{template}.txt", extra_vars)
        result: dict[str, Any] = {
            "recipient": recipient.email, "name": recipient.name,
            "group": group, "subject": subject, "items": public_items,
            "sent": False,
        }
        if not dry_run:
            try:
                mailer.mail_recipient(recipient.name, recipient.email,
                                      subject, body)
                result["sent"] = True
            except Exception as err:  # one bad address must not stop the rest
                log.exception("could not send the reminder to %s",
                              recipient.email)
                result["error"] = str(err)
        results.append(result)
    return results
