"""E-mail notifications of the SOP workflow.

Two entry points:

* :func:`on_transition`, called by :func:`ckanext.sektoral.logic.service.
  transition` once the transition is committed: it enqueues one background
  job (:func:`send_transition_mail`, queue :data:`QUEUE`) per event that
  notifies someone. It never raises: a mail problem never blocks or undoes
  a transition.
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
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from typing import Any, Optional, Union

import flask
import sqlalchemy as sa
from babel.dates import format_date
from rq import Retry, get_current_job

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import mailer

from ckanext.sektoral import config
from ckanext.sektoral.logic import service
from ckanext.sektoral.model import Cycle, Item, Transition, UserPosition
from ckanext.sektoral.workflow import stages
from ckanext.sektoral.workflow.stages import Position, Stage

log = logging.getLogger(__name__)

__all__ = [
    "QUEUE", "RETRIES", "Recipient", "audience", "on_transition",
    "opd_contacts", "position_holders", "recipients_for", "remind",
    "send_transition_mail", "transition_mail", "transition_vars",
    "waiting_on",
]

#: RQ queue of the extension's mail jobs. ``ckan jobs worker`` listens to
#: ``default`` only: run ``ckan jobs worker default sektoral``.
QUEUE = "sektoral"

#: Extra attempts of a failed mail job. They are immediate re-enqueues:
#: RQ retry *intervals* need RQ's scheduler, which ``ckan jobs worker``
#: does not start (a job scheduled for later would never run).
RETRIES = 3

TEMPLATES = "emails/sektoral/"

#: Recipients marker: the producing OPD's contacts.
OPD = "opd"

#: Organization extra (schemas/opd.yaml) holding the data contact e-mail.
CONTACT_EMAIL = "kontak_email"
CONTACT_NAME = "kontak_nama"

# the one definition of "producer" (logic/permissions.py)
from ckanext.sektoral.logic.permissions import (  # noqa: E402
    PRODUCER_CAPACITIES as _MEMBER_CAPACITIES)

#: Stages in which an item waits on its OPD (reminders go to the OPD).
OPD_WAITING: frozenset[Stage] = frozenset({Stage.REQUESTED, Stage.RETURNED})


def audience(event: str,
             chain: Optional[stages.ApprovalChain] = None) -> tuple[str, ...]:
    """Who a transition notifies: :data:`OPD` and/or position values
    (empty: the event sends no mail)."""
    chain = chain or config.approval_chain()
    table: dict[str, tuple[str, ...]] = {
        "request": (OPD,),
        "return": (OPD,),
        "accept": (OPD,),
        "publish": (OPD,),
        "submit": (Position.KASIE.value, Position.STAF.value),
        "draft": (stages.reviewer_at(Stage.IN_REPORT, chain).value,),
        "check": (chain.approver.value,),
        "return_report": (Position.STAF.value,),
    }
    return table.get(event, ())


def waiting_on(stage: Stage, chain: stages.ApprovalChain) -> Optional[str]:
    """Who must act next on an item at ``stage`` (None when published)."""
    if stage in OPD_WAITING:
        return OPD
    if stage == Stage.SUBMITTED:
        return Position.KASIE.value
    if stage in (Stage.IN_REPORT, Stage.CHECKED):
        return stages.reviewer_at(stage, chain).value
    if stage in (Stage.PLANNED, Stage.ACCEPTED, Stage.PROCESSED,
                 Stage.APPROVED):
        return Position.STAF.value
    return None


# -- recipients ---------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Recipient:
    name: str
    email: str


def _add(found: dict[str, Recipient], name: Optional[str],
         email: Optional[str], exclude: Collection[str]) -> None:
    email = (email or "").strip()
    key = email.lower()
    if email and key not in exclude and key not in found:
        found[key] = Recipient(name or email, email)


def opd_contacts(org_ids: Iterable[str],
                 exclude: Collection[str] = ()) -> dict[str, list[Recipient]]:
    """Contacts of each organization (two queries, whatever the number):
    the data contact e-mail of the OPD schema, then the e-mails of its
    active editors and admins. ``exclude``: lower-case e-mails left out."""
    ids = list(set(org_ids))
    if not ids:
        return {}
    extras: dict[str, dict[str, str]] = defaultdict(dict)
    titles: dict[str, str] = {}
    for group_id, title, key, value in model.Session.query(
            model.Group.id, model.Group.title, model.GroupExtra.key,
            model.GroupExtra.value).outerjoin(
            model.GroupExtra, sa.and_(
                model.GroupExtra.group_id == model.Group.id,
                model.GroupExtra.key.in_([CONTACT_EMAIL, CONTACT_NAME]),
                model.GroupExtra.state == "active")).filter(
            model.Group.id.in_(ids)):
        titles[group_id] = title
        if key:
            extras[group_id][key] = value
    found: dict[str, dict[str, Recipient]] = {i: {} for i in ids}
    for org_id, fields in extras.items():
        name = fields.get(CONTACT_NAME) or "Kontak Data " + titles[org_id]
        _add(found[org_id], name, fields.get(CONTACT_EMAIL), exclude)
    members = model.Session.query(model.Member.group_id, model.User).join(
        model.User, model.User.id == model.Member.table_id).filter(
        model.Member.group_id.in_(ids),
        model.Member.table_name == "user",
        model.Member.state == "active",
        model.Member.capacity.in_(_MEMBER_CAPACITIES),
        model.User.state == "active").order_by(model.User.name)
    for org_id, user in members:
        _add(found[org_id], user.fullname or user.name, user.email, exclude)
    return {org_id: list(r.values()) for org_id, r in found.items()}


def position_holders(positions: Iterable[str],
                     exclude: Collection[str] = ()
                     ) -> dict[str, list[Recipient]]:
    """Active users holding each position, with an e-mail (one query)."""
    wanted = list(set(positions))
    found: dict[str, dict[str, Recipient]] = {p: {} for p in wanted}
    if not wanted:
        return {}
    rows = model.Session.query(UserPosition.position, model.User).join(
        model.User, model.User.id == UserPosition.user_id).filter(
        UserPosition.position.in_(wanted),
        model.User.state == "active").order_by(model.User.name)
    for position, user in rows:
        _add(found[position], user.fullname or user.name, user.email, exclude)
    return {p: list(r.values()) for p, r in found.items()}


def recipients_for(event: str, org_id: str, actor_id: Optional[str] = None,
                   chain: Optional[stages.ApprovalChain] = None
                   ) -> list[Recipient]:
    """Recipients of one transition mail, without the actor, deduplicated."""
    who = audience(event, chain)
    exclude: set[str] = set()
    if actor_id:
        actor = model.User.get(actor_id)
        if actor is not None and actor.email:
            exclude.add(actor.email.strip().lower())
    found: dict[str, Recipient] = {}
    if OPD in who:
        for r in opd_contacts([org_id], exclude).get(org_id, []):
            found.setdefault(r.email.lower(), r)
    positions = [p for p in who if p != OPD]
    holders = position_holders(positions, exclude)
    for position in positions:
        for r in holders.get(position, []):
            found.setdefault(r.email.lower(), r)
    return list(found.values())


# -- rendering ----------------------------------------------------------------

@contextlib.contextmanager
def _request_context() -> Iterator[None]:
    """A Flask request context for rendering, translating and building
    external URLs outside a web request.

    A background job (``ckan jobs worker``) and a CLI command have none.
    ``make_app()``, which every ``ckan`` command runs, prepares a test
    request context for exactly this; CKAN's own ``h.url_for`` pushes it
    through this private helper. Remove when CKAN offers a public way.
    """
    if flask.has_request_context():
        yield
        return
    from ckan.lib.helpers import _get_auto_flask_context

    ctx = _get_auto_flask_context()
    if ctx is None:
        raise RuntimeError("no CKAN application: cannot render the e-mail")
    ctx.push()
    try:
        yield
    finally:
        ctx.pop()


def _render(name: str, extra_vars: dict[str, Any]) -> str:
    return tk.render(TEMPLATES + name, extra_vars)


def _subject(name: str, extra_vars: dict[str, Any]) -> str:
    lines = [line.strip() for line in _render(name, extra_vars).splitlines()]
    return next((line for line in lines if line), "")


def _format_date(value: Union[dt.date, str, None]) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    locale = tk.config.get("ckan.locale_default") or "id"
    try:
        return format_date(value, format="long", locale=locale)
    except Exception:  # unknown locale
        return value.isoformat()


def _stage_label(value: Optional[str]) -> str:
    if not value:
        return ""
    try:
        return tk._(Stage(value).label)
    except ValueError:
        return value


def _position_label(value: str) -> str:
    try:
        return tk._(Position(value).label)
    except ValueError:
        return value


def _dataset_url(pkg: model.Package) -> str:
    return tk.url_for("dataset.read", id=pkg.name, _external=True)


def _common_vars() -> dict[str, Any]:
    return {
        "site_title": tk.config.get("ckan.site_title") or "",
        "site_url": tk.config.get("ckan.site_url") or "",
    }


# -- transition mails ---------------------------------------------------------

def on_transition(row: dict[str, Any]) -> None:
    """Enqueue the mail of one committed transition (the audit-log row
    returned by ``service.transition``). Never raises."""
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


def transition_vars(transition: Transition) -> dict[str, Any]:
    """Template variables of one transition mail (needs a request
    context; ``recipient_name`` is added per recipient)."""
    pkg = model.Package.get(transition.package_id)
    org = model.Group.get(pkg.owner_org) if pkg.owner_org else None
    info = service.item_info(pkg.id) or {}
    actor = model.User.get(transition.actor_id)
    extra_vars = _common_vars()
    extra_vars.update({
        "event": transition.transition,
        "dataset_title": pkg.title or pkg.name,
        "dataset_url": _dataset_url(pkg),
        "org_title": org.title if org else "",
        "from_stage": _stage_label(transition.from_stage),
        "stage": _stage_label(transition.to_stage),
        "current_stage": _stage_label(info.get("stage")),
        "note": transition.note or "",
        "actor_name": (actor.fullname or actor.name) if actor
        else transition.actor_name,
        "position": _position_label(transition.position),
        "cycle": info.get("cycle") or "",
        "due": _format_date(info.get("due")),
        "working_days_left": info.get("working_days_left"),
        "late": bool(info.get("late")),
    })
    return extra_vars


def transition_mail(extra_vars: dict[str, Any], recipient: Recipient
                    ) -> tuple[str, str]:
    """Subject and body of one transition mail to one recipient."""
    extra_vars = dict(extra_vars, recipient_name=recipient.name)
    event = extra_vars["event"]
    return (_subject(f"{event}_subject.txt", extra_vars),
            _render(f"{event}.txt", extra_vars))


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


# -- reminders ----------------------------------------------------------------

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
        status = service.item_status(item, schedules[cycle.id], on)
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
    on = today or service.today()
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

