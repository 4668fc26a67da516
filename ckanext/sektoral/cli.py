"""``ckan sektoral ...`` commands (registered by ``tk.blanket.cli``).

Every command is a thin wrapper over the extension's actions, called with
a real user in the context so that the actions' auth functions and the
audit log (``sektoral_history``) see who did it:

* ``--user NAME`` (or ``$SEKTORAL_CLI_USER``) acts as that user;
* without it, commands act as CKAN's site user (a sysadmin; recorded in
  the audit log with the position ``sysadmin``), except ``import``, which
  needs the name of the Walidata staff member who imports the data list.

Output is plain text, one record per line; every failure prints the
reason on stderr and exits with status 1 (2 for wrong usage). Messages
coming from the actions are in the language chosen with ``--lang``.
"""
from __future__ import annotations

import contextlib
import functools
import logging
import os
import sys
import time
from typing import Any, Callable, Iterator, Optional

import click

__all__ = ["sektoral"]

DEFAULT_DEMO_PASSWORD = "Sektoral-Demo-2026"

#: Short names of the six SOP steps (for ``cycle show``).
STEP_NAMES = {
    1: "Data list and request letters",
    2: "Collection and validation",
    3: "Processing and analysis",
    4: "Draft report",
    5: "Check and approval",
    6: "Publication",
}

_USER_HELP = ("Act as this user (auth and the audit log name them); "
              "default: $SEKTORAL_CLI_USER, else CKAN's site user "
              "(a sysadmin).")


# -- plumbing -----------------------------------------------------------------

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


def _site_user() -> str:
    from ckanext.sektoral.logic.context import site_user

    return site_user()


def _acting_user(name: Optional[str]) -> str:
    """The user to act as: ``name`` (must exist and be active) or the
    site user."""
    if not name:
        return _site_user()
    from ckan import model

    user = model.User.get(name)
    if user is None or user.state != "active":
        raise CommandError(f"User not found: {name}")
    return user.name


def call(action: str, data: dict[str, Any], user: Optional[str]) -> Any:
    """Call an action as ``user`` (auth checked)."""
    import ckan.plugins.toolkit as tk

    return tk.get_action(action)({"user": user or _site_user()}, data)


def _row_lines(rows: list[dict[str, Any]]) -> Iterator[str]:
    """Row errors of a data-list import, one line each ("Row 5, Urusan:
    ...")."""
    import ckan.plugins.toolkit as tk

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
        import ckan.plugins.toolkit as tk

        with request_context(_lang()):
            try:
                return func(*args, **kwargs)
            except tk.ValidationError as err:
                lines = format_validation_error(dict(err.error_dict))
                raise CommandError("Error: " + "\n".join(lines or [str(err)]))
            except tk.NotAuthorized as err:
                raise CommandError(f"Not authorized: {err}".rstrip(": "))
            except tk.ObjectNotFound as err:
                raise CommandError(f"Not found: {err}".rstrip(": "))

    return wrapper


def user_option(required: bool = False) -> Callable[..., Any]:
    return click.option(
        "--user", "-u", "user", envvar="SEKTORAL_CLI_USER",
        required=required, metavar="NAME",
        help=("Act as this Walidata staff member (required; or "
              "$SEKTORAL_CLI_USER): the audit log names them."
              if required else _USER_HELP))


# -- the group ----------------------------------------------------------------

@click.group(short_help="Satu Data sectoral statistics commands.")
@click.option("--lang", type=click.Choice(["en", "id"]), default="en",
              show_default=True,
              help="Language of the messages that come from the actions.")
@click.pass_context
def sektoral(ctx: click.Context, lang: str):
    """Commands of ckanext-sektoral: cycles, data-list import, Walidata
    positions, reminders and the demo data.

    Commands act as CKAN's site user unless --user NAME (or
    $SEKTORAL_CLI_USER) names someone; `import` always needs --user.
    Exit status: 0 on success, 1 on an error, 2 on wrong usage.
    """
    ctx.meta["sektoral_lang"] = lang


# -- cycles -------------------------------------------------------------------

@sektoral.group("cycle")
def cycle():
    """Cycles (siklus) of the SOP: create, list, show, close."""


def _cycle_line(c: dict[str, Any]) -> str:
    last_due = c["steps"][-1]["due"] if c.get("steps") else ""
    return "{:<12} {:<7} {:<11} {:<11} {}".format(
        c["code"], c["status"], c["start_date"], last_due, c["title"])


@cycle.command("create")
@click.argument("code")
@click.option("--title", required=True, help='e.g. "Siklus Semester I 2026".')
@click.option("--start", "start", required=True, metavar="YYYY-MM-DD",
              help="Start of step 1; the deadlines follow in working days.")
@click.option("--notes", default="", help="Free notes.")
@user_option()
@action_command
def cycle_create(code: str, title: str, start: str, notes: str,
                 user: Optional[str]):
    """Open a new cycle CODE (e.g. 2026-S1) starting on --start.

    Walidata staff only (sektoral_cycle_create).

    \b
    Example:
      ckan -c ckan.ini sektoral cycle create 2026-S1 \\
          --title "Siklus Semester I 2026" --start 2026-01-05 -u budi
    """
    result = call("sektoral_cycle_create", {
        "code": code, "title": title, "start_date": start, "notes": notes,
    }, _acting_user(user))
    click.secho(f"Cycle {result['code']} created.", fg="green")
    _print_steps(result)


@cycle.command("list")
@click.option("--status", type=click.Choice(["open", "closed"]),
              help="Only open or only closed cycles.")
@user_option()
@action_command
def cycle_list(status: Optional[str], user: Optional[str]):
    """Cycles, newest first: code, status, start, last deadline, title."""
    data = {"status": status} if status else {}
    cycles = call("sektoral_cycle_list", data, _acting_user(user))
    if not cycles:
        click.echo("No cycles.")
        return
    click.echo("{:<12} {:<7} {:<11} {:<11} {}".format(
        "CODE", "STATUS", "START", "LAST DUE", "TITLE"))
    for c in cycles:
        click.echo(_cycle_line(c))


def _print_steps(c: dict[str, Any]) -> None:
    click.echo("{:<4} {:<31} {:<11} {:<11} {}".format(
        "STEP", "NAME", "START", "DUE", ""))
    for s in c["steps"]:
        flags = []
        flags.append("started" if s["started"] else "projected")
        if s["late"]:
            flags.append("past due")
        click.echo("{:<4} {:<31} {:<11} {:<11} {}".format(
            s["step"], STEP_NAMES.get(s["step"], ""), s["start"], s["due"],
            ", ".join(flags)))


@cycle.command("show")
@click.argument("code")
@user_option()
@action_command
def cycle_show(code: str, user: Optional[str]):
    """One cycle: its six steps with start and due date (working days)
    and, for the Walidata, how many items are at each stage."""
    import ckan.plugins.toolkit as tk
    from ckanext.sektoral.workflow.stages import Stage

    acting = _acting_user(user)
    c = call("sektoral_cycle_show", {"id": code}, acting)
    click.echo(f"{c['code']}  {c['title']}  ({c['status']})")
    click.echo(f"Start: {c['start_date']}   created by: {c['created_by'] or '-'}")
    if c.get("notes"):
        click.echo(f"Notes: {c['notes']}")
    _print_steps(c)
    try:
        status = call("sektoral_cycle_status", {"id": code}, acting)
    except tk.NotAuthorized:
        return
    click.echo(f"Items: {status['total']} (late: {status['late']})")
    for stage in Stage:
        count = status["stages"].get(stage.value, 0)
        if count:
            click.echo(f"  {stage.value:<15} {count}")


@cycle.command("close")
@click.argument("code")
@user_option()
@action_command
def cycle_close(code: str, user: Optional[str]):
    """Close cycle CODE: no items can be added or imported any more.

    Walidata staff only (sektoral_cycle_update status=closed).
    """
    result = call("sektoral_cycle_update", {"id": code, "status": "closed"},
                  _acting_user(user))
    click.secho(f"Cycle {result['code']} closed.", fg="green")


# -- data list ----------------------------------------------------------------

@sektoral.command("import")
@click.argument("cycle_code", metavar="CYCLE")
@click.argument("path", metavar="FILE",
                type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True,
              help="Only check the file and show what would be created.")
@user_option(required=True)
@action_command
def import_datalist(cycle_code: str, path: str, dry_run: bool, user: str):
    """Import the data list (daftar data) FILE, CSV or XLSX, into CYCLE.

    Every row is checked first: if any row is wrong, nothing is created
    and each error is printed with its row number (exit status 1). Get an
    empty file with `ckan sektoral import-template`.

    \b
    Example:
      ckan -c ckan.ini sektoral import 2026-S1 daftar-data.xlsx -u budi --dry-run
    """
    from werkzeug.datastructures import FileStorage

    acting = _acting_user(user)
    with open(path, "rb") as stream:
        upload = FileStorage(stream=stream, filename=os.path.basename(path))
        result = call("sektoral_datalist_import", {
            "cycle": cycle_code, "upload": upload, "dry_run": dry_run,
        }, acting)
    items = result.get("items") or []
    if dry_run:
        click.secho(f"Dry run: {len(items)} rows are valid; nothing was "
                    "created.", fg="green")
    else:
        click.secho(f"Imported {len(result['created'])} items into "
                    f"{cycle_code}.", fg="green")
    ids = list(result.get("created") or [])
    for index, item in enumerate(items):
        suffix = f"  {ids[index]}" if index < len(ids) else ""
        click.echo(f"  row {item['row']:<4} {item['org']:<24} "
                   f"{item['judul']}{suffix}")


@sektoral.command("import-template")
@click.argument("out", metavar="OUT", type=click.Path(dir_okay=False))
@click.option("--xlsx", "fmt", flag_value="xlsx",
              help="Excel workbook with dropdowns and instructions "
                   "(default, unless OUT ends in .csv).")
@click.option("--csv", "fmt", flag_value="csv",
              help="CSV: the header row and one example row.")
@action_command
def import_template(out: str, fmt: Optional[str]):
    """Write an empty data-list file to OUT ("-" for stdout), to fill in
    and import with `ckan sektoral import`."""
    from ckanext.sektoral.workflow import datalist

    if fmt is None:
        fmt = "csv" if out.lower().endswith(".csv") else "xlsx"
    if fmt == "csv":
        content = datalist.template_csv()
    else:
        orgs = call("organization_list", {"all_fields": True, "limit": 1000},
                    None)
        content = datalist.template_workbook(
            opd_names=[o.get("title") or o["name"] for o in orgs])
    if out == "-":
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
        return
    with open(out, "wb") as f:
        f.write(content)
    click.secho(f"Wrote {out} ({fmt.upper()}, {len(content)} bytes).",
                fg="green")


# -- positions ----------------------------------------------------------------

@sektoral.group("position")
def position():
    """Walidata positions (staf, kasie, kabid, kadis) and the Pembina Data
    (pembina). Changing them needs a sysadmin: the default site user is
    one."""


@position.command("assign")
@click.argument("username", metavar="USER")
@click.argument("position_name", metavar="POSITION")
@user_option()
@action_command
def position_assign(username: str, position_name: str, user: Optional[str]):
    """Give USER the POSITION (staf, kasie, kabid, kadis, pembina).
    Idempotent."""
    result = call("sektoral_position_assign",
                  {"user": username, "position": position_name},
                  _acting_user(user))
    click.secho(f"{result['user']} holds {result['position']}.", fg="green")


@position.command("revoke")
@click.argument("username", metavar="USER")
@click.argument("position_name", metavar="POSITION")
@user_option()
@action_command
def position_revoke(username: str, position_name: str, user: Optional[str]):
    """Take POSITION away from USER."""
    result = call("sektoral_position_revoke",
                  {"user": username, "position": position_name},
                  _acting_user(user))
    if result["revoked"]:
        click.secho(f"{result['user']} no longer holds {result['position']}.",
                    fg="green")
    else:
        click.echo(f"{result['user']} did not hold {result['position']}.")


@position.command("list")
@user_option()
@action_command
def position_list(user: Optional[str]):
    """Every position assignment: position, user, granted by, when."""
    rows = call("sektoral_position_list", {}, _acting_user(user))
    if not rows:
        click.echo("No positions assigned.")
        return
    click.echo("{:<9} {:<20} {:<20} {}".format(
        "POSITION", "USER", "GRANTED BY", "GRANTED (UTC)"))
    for r in rows:
        click.echo("{:<9} {:<20} {:<20} {}".format(
            r["position"], r["user"], r["granted_by"] or "-",
            r["granted"][:16].replace("T", " ")))


# -- reminders ----------------------------------------------------------------

@sektoral.command("remind")
@click.option("--days", type=click.IntRange(min=0), default=5,
              show_default=True,
              help="Remind about deadlines due within this many working days "
                   "(and about those already past).")
@click.option("--dry-run", is_flag=True,
              help="Only print who would be reminded; send nothing.")
@action_command
def remind(days: int, dry_run: bool):
    """E-mail reminders of upcoming and past deadlines: one mail per OPD
    whose items wait on it, one per Walidata position; prints one line per
    mail (exit status 1 if one could not be sent).

    CKAN has no scheduler: run it from cron once a working day, e.g. at
    07:00 server time (the deadlines use ckan.display_timezone):

    \b
      0 7 * * 1-5  /usr/lib/ckan/default/bin/ckan -c /etc/ckan/default/ckan.ini \\
          sektoral remind --days 5 >>/var/log/ckan/sektoral-remind.log 2>&1
    """
    try:
        from ckanext.sektoral import notify
    except ImportError as err:
        raise CommandError(f"Reminders are not available: {err}")
    reminders = notify.remind(days=days, dry_run=dry_run)
    prefix = "[dry run] " if dry_run else ""
    failed = 0
    for r in reminders:
        items = r.get("items") or []
        line = (f"{prefix}{r.get('recipient')}: {r.get('subject')} "
                f"({len(items)} item{'s' if len(items) != 1 else ''})")
        if not dry_run and r.get("sent") is False:
            failed += 1
            click.secho(f"{line}: NOT SENT: {r.get('error') or 'unknown error'}",
                        fg="red")
        else:
            click.echo(line)
    if dry_run:
        click.secho(f"{len(reminders)} reminder(s) would be sent.", fg="green")
        return
    click.secho(f"{len(reminders) - failed} reminder(s) sent.", fg="green")
    if failed:
        raise CommandError(f"Error: {failed} reminder(s) could not be sent.")


# -- demo -----------------------------------------------------------------------

def _password_option() -> Callable[..., Any]:
    return click.option(
        "--password",
        default=lambda: os.environ.get("SEKTORAL_DEMO_PASSWORD",
                                       DEFAULT_DEMO_PASSWORD),
        show_default="$SEKTORAL_DEMO_PASSWORD or " + DEFAULT_DEMO_PASSWORD,
        help="Password given to newly created demo users.",
    )


def _print_users(users: list[Any], password: str) -> None:
    click.secho("Demo users (password of newly created users: %s):" % password,
                fg="green")
    for user in users:
        where = f" @ {user.org}" if user.org else ""
        click.echo(f"  {user.name:<16} {user.role:<9}{where}")


@sektoral.command("seed-demo")
@_password_option()
@action_command
def seed_demo(password: str):
    """Create the demo organizations (OPD), one user per role and their
    Walidata positions (idempotent).

    Existing users keep their password; only new ones get PASSWORD.
    """
    from ckanext.sektoral import demo

    _print_users(demo.seed(password), password)


@sektoral.command("demo")
@_password_option()
@click.option("--reset-cycle", is_flag=True,
              help="Delete the demo cycle 2026-S1 (its datasets, files, "
                   "validation reports and audit rows) and load it again.")
@action_command
def demo_load(password: str, reset_cycle: bool):
    """Load the realistic demo: the OPD of Pemprov Maluku Utara, users
    with their positions, and the cycle 2026-S1 with items at every stage
    of the SOP, moved there through the workflow actions by the right
    users (so the audit log is real).

    Idempotent: the cycle is loaded only if it does not exist yet, unless
    --reset-cycle.
    """
    from ckanext.sektoral import demo
    from ckanext.sektoral.workflow.stages import Position

    started = time.monotonic()
    users = demo.seed(password)
    _print_users(users, password)
    click.secho("Positions:", fg="green")
    order = [p.value for p in Position]
    rows = call("sektoral_position_list", {}, None)
    for r in sorted(rows, key=lambda r: (order.index(r["position"])
                                         if r["position"] in order else 99,
                                         r["user"])):
        click.echo(f"  {r['user']:<16} {r['position']}")
    # One INFO line per reindexed dataset and queued job is noise here.
    for name in ("ckan.lib.search", "ckan.lib.jobs"):
        logging.getLogger(name).setLevel(logging.WARNING)
    result = demo.load_cycle(reset=reset_cycle)
    if result.skipped:
        click.echo(f"Cycle {result.cycle} exists already; left as it is "
                   "(--reset-cycle loads it again).")
    else:
        click.secho(f"Cycle {result.cycle}: {result.total} items", fg="green")
        for stage, count in result.stages.items():
            click.echo(f"  {stage:<15} {count}")
    click.echo(f"Demo loaded in {time.monotonic() - started:.1f} s.")


from ckanext.sektoral.publication.cli import publication  # noqa: E402
sektoral.add_command(publication)
