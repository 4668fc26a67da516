"""``ckan sektoral publication ...``: publish a cycle, push it to the
national portal, show the push state. Registered in ``ckanext/sektoral/cli.py``.
"""
from __future__ import annotations

from typing import Optional

import click

from ckanext.sektoral.cli import CommandError, action_command, call, user_option
from ckanext.sektoral.logic.context import site_user


@click.group("publication")
def publication():
    """Publication of a cycle and the national portal push."""


@publication.command("publish")
@click.argument("cycle")
@click.option("--note", default="", help="Note recorded in the audit log.")
@user_option()
@action_command
def publish(cycle: str, note: str, user: Optional[str]):
    """Publish CYCLE: every approved dataset and the approved report, all
    or nothing."""
    result = call("sektoral_cycle_publish", {"id": cycle, "note": note}, user)
    click.secho("Published {} datasets of {}; report: {}".format(
        len(result["published"]), cycle, result["publikasi"]["name"]),
        fg="green")


@publication.command("push")
@click.argument("cycle")
@click.option("--sync", is_flag=True,
              help="Push now, in this process, instead of queueing jobs "
                   "for the worker (queue 'sektoral').")
@user_option()
@action_command
def push(cycle: str, sync: bool, user: Optional[str]):
    """Push (or push again) the published datasets of CYCLE and its
    report to the national portal. Idempotent: remote copies are updated,
    never duplicated."""
    from ckanext.sektoral.publication import remote

    if not sync:
        result = call("sektoral_push", {"cycle": cycle}, user)
        for entry in result["queued"]:
            click.echo("queued {} (job {})".format(entry["package_id"],
                                                    entry["job_id"]))
        click.secho("{} push jobs queued; run `ckan jobs worker sektoral`."
                    .format(len(result["queued"])), fg="green")
        return
    # --sync: the same auth as the action, then push one by one.
    rows = call("sektoral_push_status", {"cycle": cycle}, user)
    import ckan.plugins.toolkit as tk

    tk.check_access("sektoral_push", {"user": user or _site_user()},
                    {"cycle": cycle})
    if not remote.configured():
        raise CommandError("The national portal is not configured "
                           "(ckanext.sektoral.portal.url)")
    failed = 0
    for row in rows:
        try:
            state = remote.push_dataset(row["package_id"])
            click.echo("{:<10} {} -> {}".format(state["status"], row["name"],
                                                state["remote_name"]))
        except Exception as err:  # recorded in the push state
            failed += 1
            click.secho("error      {}: {}".format(row["name"], err),
                        fg="red", err=True)
    if failed:
        raise CommandError(f"{failed} of {len(rows)} pushes failed")
    click.secho(f"{len(rows)} datasets pushed.", fg="green")


def _site_user() -> str:
    return site_user()


@publication.command("status")
@click.argument("cycle")
@user_option()
@action_command
def status(cycle: str, user: Optional[str]):
    """Push state of the published datasets of CYCLE."""
    for row in call("sektoral_push_status", {"cycle": cycle}, user):
        click.echo("{:<10} {:<40} {:<20} {}".format(
            row["status"], row["name"] or row["package_id"],
            (row["last_pushed"] or "-")[:19], row["error"] or ""))
