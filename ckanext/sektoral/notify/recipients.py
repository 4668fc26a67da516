"""Recipients of the mails: an OPD's contacts and the holders of a
Walidata position (a bounded number of queries)."""
from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Collection, Iterable
from typing import Optional

import sqlalchemy as sa

from ckan import model

from ckanext.sektoral.logic.permissions import PRODUCER_CAPACITIES
from ckanext.sektoral.model import UserPosition
from ckanext.sektoral.notify.policy import OPD, audience
from ckanext.sektoral.core import stages

#: Organization extra (schemas/opd.yaml) holding the data contact e-mail.
CONTACT_EMAIL = "kontak_email"
CONTACT_NAME = "kontak_nama"

# the one definition of "producer" (logic/permissions.py)
_MEMBER_CAPACITIES = PRODUCER_CAPACITIES


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
