"""Rendering of the mails: templates, labels, dates, and a request
context outside a web request."""
from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from typing import Any, Optional, Union

import flask

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.sektoral import lang

from ckanext.sektoral.core import formatting
from ckanext.sektoral.logic import service
from ckanext.sektoral.model import Transition
from ckanext.sektoral.notify.recipients import Recipient
from ckanext.sektoral.core.stages import Position, Stage

TEMPLATES = "emails/sektoral/"

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
    return formatting.date(value, lang.default())


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


def transition_vars(transition: Transition) -> dict[str, Any]:
    """Template variables of one transition mail (needs a request
    context; ``recipient_name`` is added per recipient)."""
    pkg = model.Package.get(transition.package_id)
    org = model.Group.get(pkg.owner_org) if pkg.owner_org else None
    info: dict[str, Any] = dict(service.item_info(pkg.id) or {})
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
