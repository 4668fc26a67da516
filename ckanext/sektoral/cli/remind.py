"""``ckan sektoral remind``: e-mail reminders of deadlines (for cron)."""
from __future__ import annotations

import click

from ckanext.sektoral import notify

from .base import CommandError, action_command


@click.command("remind")
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
