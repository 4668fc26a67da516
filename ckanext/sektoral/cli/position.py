"""``ckan sektoral position ...``: the Walidata and Pembina positions."""
from __future__ import annotations

from typing import Optional

import click

from .base import acting_user, action_command, call, user_option


@click.group("position")
def group():
    """Walidata positions (staf, kasie, kabid, kadis) and the Pembina Data
    (pembina). Changing them needs a sysadmin: the default site user is
    one."""


@group.command("assign")
@click.argument("username", metavar="USER")
@click.argument("position_name", metavar="POSITION")
@user_option()
@action_command
def position_assign(username: str, position_name: str, user: Optional[str]):
    """Give USER the POSITION (staf, kasie, kabid, kadis, pembina).
    Idempotent."""
    result = call("sektoral_position_assign",
                  {"user": username, "position": position_name},
                  acting_user(user))
    click.secho(f"{result['user']} holds {result['position']}.", fg="green")


@group.command("revoke")
@click.argument("username", metavar="USER")
@click.argument("position_name", metavar="POSITION")
@user_option()
@action_command
def position_revoke(username: str, position_name: str, user: Optional[str]):
    """Take POSITION away from USER."""
    result = call("sektoral_position_revoke",
                  {"user": username, "position": position_name},
                  acting_user(user))
    if result["revoked"]:
        click.secho(f"{result['user']} no longer holds {result['position']}.",
                    fg="green")
    else:
        click.echo(f"{result['user']} did not hold {result['position']}.")


@group.command("list")
@user_option()
@action_command
def position_list(user: Optional[str]):
    """Every position assignment: position, user, granted by, when."""
    rows = call("sektoral_position_list", {}, acting_user(user))
    if not rows:
        click.echo("No positions assigned.")
        return
    click.echo("{:<9} {:<20} {:<20} {}".format(
        "POSITION", "USER", "GRANTED BY", "GRANTED (UTC)"))
    for r in rows:
        click.echo("{:<9} {:<20} {:<20} {}".format(
            r["position"], r["user"], r["granted_by"] or "-",
            r["granted"][:16].replace("T", " ")))
