"""``ckan sektoral demo`` and ``seed-demo``: the demo portal's data.

The data are files of the checkout's ``demo/`` folder (not shipped in the
wheel); ``--data DIR`` or ``$SEKTORAL_DEMO_DATA`` names another folder.
"""
from __future__ import annotations

import logging
import os
import time
from typing import Any, Callable, Optional

import click

from ckanext.sektoral import demo
from ckanext.sektoral.core.stages import Position

from .base import CommandError, action_command, call

DEFAULT_DEMO_PASSWORD = "Sektoral-Demo-2026"


def _password_option() -> Callable[..., Any]:
    return click.option(
        "--password",
        default=lambda: os.environ.get("SEKTORAL_DEMO_PASSWORD",
                                       DEFAULT_DEMO_PASSWORD),
        show_default="$SEKTORAL_DEMO_PASSWORD or " + DEFAULT_DEMO_PASSWORD,
        help="Password given to newly created demo users.",
    )


def _data_option() -> Callable[..., Any]:
    return click.option(
        "--data", "data_dir", metavar="DIR",
        type=click.Path(file_okay=False),
        help=f"Folder of the demo data files (default: ${demo.DATA_ENV}, "
             "else the checkout's demo/ folder).")


def _load_data(data_dir: Optional[str]) -> demo.DemoData:
    try:
        return demo.data(data_dir)
    except demo.DemoDataError as err:
        raise CommandError(f"Error: {err}") from err


def _print_users(users: list[Any], password: str) -> None:
    click.secho("Demo users (password of newly created users: %s):" % password,
                fg="green")
    for user in users:
        where = f" @ {user.org}" if user.org else ""
        click.echo(f"  {user.name:<16} {user.role:<9}{where}")


@click.command("seed-demo")
@_password_option()
@_data_option()
@action_command
def seed_demo(password: str, data_dir: Optional[str]):
    """Create the demo organizations (OPD), one user per role and their
    Walidata positions (idempotent).

    Existing users keep their password; only new ones get PASSWORD.
    """
    _print_users(demo.seed(password, _load_data(data_dir)), password)


@click.command("demo")
@_password_option()
@click.option("--reset-cycle", is_flag=True,
              help="Delete the demo cycle (2026-S1: its datasets, files, "
                   "validation reports and audit rows) and load it again.")
@_data_option()
@action_command
def demo_load(password: str, reset_cycle: bool, data_dir: Optional[str]):
    """Load the realistic demo: the OPD of Pemprov Maluku Utara, users
    with their positions, and the cycle 2026-S1 with items at every stage
    of the SOP, moved there through the workflow actions by the right
    users (so the audit log is real).

    Idempotent: the cycle is loaded only if it does not exist yet, unless
    --reset-cycle.
    """
    started = time.monotonic()
    data = _load_data(data_dir)
    users = demo.seed(password, data)
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
    result = demo.load_cycle(reset=reset_cycle, demo=data)
    if result.skipped:
        click.echo(f"Cycle {result.cycle} exists already; left as it is "
                   "(--reset-cycle loads it again).")
    else:
        click.secho(f"Cycle {result.cycle}: {result.total} items", fg="green")
        for stage, count in result.stages.items():
            click.echo(f"  {stage:<15} {count}")
    click.echo(f"Demo loaded in {time.monotonic() - started:.1f} s.")


commands = [seed_demo, demo_load]
