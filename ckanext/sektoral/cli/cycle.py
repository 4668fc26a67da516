"""``ckan sektoral cycle ...``: create, list, show and close cycles."""
from __future__ import annotations

from typing import Any, Optional

import click
import ckan.plugins.toolkit as tk

from ckanext.sektoral.core.stages import STEP_NAMES, Stage

from .base import acting_user, action_command, call, user_option

#: Short names of the six SOP steps (for ``cycle show``).


@click.group("cycle")
def group():
    """Cycles (siklus) of the SOP: create, list, show, close."""


def _cycle_line(c: dict[str, Any]) -> str:
    last_due = c["steps"][-1]["due"] if c.get("steps") else ""
    return "{:<12} {:<7} {:<11} {:<11} {}".format(
        c["code"], c["status"], c["start_date"], last_due, c["title"])


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


@group.command("create")
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
    }, acting_user(user))
    click.secho(f"Cycle {result['code']} created.", fg="green")
    _print_steps(result)


@group.command("list")
@click.option("--status", type=click.Choice(["open", "closed"]),
              help="Only open or only closed cycles.")
@user_option()
@action_command
def cycle_list(status: Optional[str], user: Optional[str]):
    """Cycles, newest first: code, status, start, last deadline, title."""
    data = {"status": status} if status else {}
    cycles = call("sektoral_cycle_list", data, acting_user(user))
    if not cycles:
        click.echo("No cycles.")
        return
    click.echo("{:<12} {:<7} {:<11} {:<11} {}".format(
        "CODE", "STATUS", "START", "LAST DUE", "TITLE"))
    for c in cycles:
        click.echo(_cycle_line(c))


@group.command("show")
@click.argument("code")
@user_option()
@action_command
def cycle_show(code: str, user: Optional[str]):
    """One cycle: its six steps with start and due date (working days)
    and, for the Walidata, how many items are at each stage."""
    acting = acting_user(user)
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


@group.command("close")
@click.argument("code")
@user_option()
@action_command
def cycle_close(code: str, user: Optional[str]):
    """Close cycle CODE: no items can be added or imported any more.

    Walidata staff only (sektoral_cycle_update status=closed).
    """
    result = call("sektoral_cycle_update", {"id": code, "status": "closed"},
                  acting_user(user))
    click.secho(f"Cycle {result['code']} closed.", fg="green")
