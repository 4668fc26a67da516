"""``ckan sektoral ...`` commands (registered by ``tk.blanket.cli``)."""
from __future__ import annotations

import os

import click

__all__ = ["sektoral"]

DEFAULT_DEMO_PASSWORD = "Sektoral-Demo-2026"


@click.group(short_help="Satu Data sectoral statistics commands.")
def sektoral():
    """Commands of ckanext-sektoral."""


@sektoral.command("seed-demo")
@click.option(
    "--password",
    default=lambda: os.environ.get("SEKTORAL_DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD),
    show_default="$SEKTORAL_DEMO_PASSWORD or " + DEFAULT_DEMO_PASSWORD,
    help="Password given to newly created demo users.",
)
def seed_demo(password: str):
    """Create the demo organizations and one user per role (idempotent).

    Existing users keep their password; only new ones get PASSWORD.
    """
    from ckanext.sektoral import demo

    users = demo.seed(password)
    click.secho("Demo users (password of newly created users: %s):" % password,
                fg="green")
    for user in users:
        where = f" @ {user.org}" if user.org else ""
        click.echo(f"  {user.name:<16} {user.role:<9}{where}")
