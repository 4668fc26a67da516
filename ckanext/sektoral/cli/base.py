"""Plumbing shared by the ``ckan sektoral ...`` commands: the request
context, the acting user, calling an action, and turning the actions'
exceptions into messages on stderr with exit status 1.

Imports only CKAN: every command module imports this one, never the
other way round.
"""
from __future__ import annotations

import contextlib
import functools
from typing import Any, Callable, Iterator, Optional

import click
import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.sektoral.logic.context import site_user  # noqa: F401 (re-exported)

USER_HELP = ("Act as this user (auth and the audit log name them); "
             "default: $SEKTORAL_CLI_USER, else CKAN's site user "
             "(a sysadmin).")


class CommandError(click.ClickException):
    """A failure already worded for the operator (exit status 1)."""

    def show(self, file: Any = None) -> None:
        click.secho(self.format_message(), fg="red", err=True)


@contextlib.contextmanager
def request_context(lang: Optional[str] = None) -> Iterator[None]:
    """A Flask test request context of the CKAN app, as CKAN's own
    commands use (``ckan user add``): translations, ``h.*`` helpers and
    ``url_for`` need one. ``lang`` sets the language of the actions'
    messages (CKAN reads it from ``CKAN_LANG`` in the WSGI environ)."""
    ctx = click.get_current_context()
    flask_app = ctx.meta["flask_app"]  # set by ``ckan`` for every command
    environ = {"CKAN_LANG": lang} if lang else {}
    with flask_app.test_request_context(environ_base=environ):
        yield


def _lang() -> Optional[str]:
    ctx = click.get_current_context(silent=True)
    while ctx is not None:
        if "sektoral_lang" in ctx.meta:
            return ctx.meta["sektoral_lang"]
        ctx = ctx.parent
    return None




def acting_user(name: Optional[str]) -> str:
    """The user to act as: ``name`` (must exist and be active) or the
    site user."""
    if not name:
        return site_user()
    user = model.User.get(name)
    if user is None or user.state != "active":
        raise CommandError(f"User not found: {name}")
    return user.name


def call(action: str, data: dict[str, Any], user: Optional[str]) -> Any:
    """Call an action as ``user`` (auth checked)."""
    return tk.get_action(action)({"user": user or site_user()}, data)


def _row_lines(rows: list[dict[str, Any]]) -> Iterator[str]:
    """Row errors of a data-list import, one line each ("Row 5, Urusan:
    ...")."""
    for row in rows:
        text = str(row.get("text") or row.get("message") or "")
        if row.get("row") is None:
            yield text
            continue
        where = tk._("Row %(row)s") % {"row": row["row"]}
        if text.startswith((where, "Row %s" % row["row"])):
            # the message names its row already
            yield text
        else:
            column = row.get("column")
            yield f"{where}, {column}: {text}" if column else f"{where}: {text}"


def format_validation_error(error_dict: dict[str, Any]) -> list[str]:
    """A ValidationError's dict as lines for the terminal."""
    lines: list[str] = []
    for key, value in error_dict.items():
        if key == "rows":
            continue
        if key == "report" and isinstance(value, dict):
            # the completeness report behind a refused submission
            missing = value.get("missing_fields") or []
            if missing:
                lines.append("  missing fields: " + ", ".join(missing))
            for res in value.get("resources") or []:
                if not res.get("ok"):
                    lines.append("  data file {}: validation {} ({} errors)".format(
                        res.get("name") or res.get("id"),
                        res.get("validation_status"), res.get("error_count")))
            continue
        messages = value if isinstance(value, list) else [value]
        text = "; ".join(str(m) for m in messages)
        lines.append(text if key in ("upload", "message") else f"{key}: {text}")
    for line in _row_lines(list(error_dict.get("rows") or [])):
        lines.append("  " + line)
    return lines


def action_command(func: Callable[..., Any]) -> Callable[..., Any]:
    """Run a command body in a CKAN request context and turn the actions'
    exceptions into messages on stderr and exit status 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with request_context(_lang()):
            try:
                return func(*args, **kwargs)
            except tk.ValidationError as err:
                lines = format_validation_error(dict(err.error_dict))
                raise CommandError(
                    "Error: " + "\n".join(lines or [str(err)])) from err
            except tk.NotAuthorized as err:
                raise CommandError(
                    f"Not authorized: {err}".rstrip(": ")) from err
            except tk.ObjectNotFound as err:
                raise CommandError(f"Not found: {err}".rstrip(": ")) from err

    return wrapper


def user_option(required: bool = False) -> Callable[..., Any]:
    return click.option(
        "--user", "-u", "user", envvar="SEKTORAL_CLI_USER",
        required=required, metavar="NAME",
        help=("Act as this Walidata staff member (required; or "
              "$SEKTORAL_CLI_USER): the audit log names them."
              if required else USER_HELP))
