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

One module per concern, each adding its group or commands here (as
ckanext-files' ``cli/__init__.py`` does): :mod:`.cycle`, :mod:`.datalist`
(``import``, ``import-template``), :mod:`.position`, :mod:`.remind`,
:mod:`.publication`, :mod:`.demo` (``demo``, ``seed-demo``); the shared
plumbing is in :mod:`.base`, which imports none of them.
"""
from __future__ import annotations

import click

from . import cycle, datalist, demo, position, publication, remind

__all__ = ["sektoral"]


@click.group(short_help="Satu Data sectoral statistics commands.")
@click.option("--lang", type=click.Choice(["en", "id"]), default="en",
              show_default=True,
              help="Language of the messages that come from the actions.")
@click.pass_context
def sektoral(ctx: click.Context, lang: str):
    """Commands of ckanext-sektoral: cycles, data-list import, Walidata
    positions, reminders, publication and the demo data.

    Commands act as CKAN's site user unless --user NAME (or
    $SEKTORAL_CLI_USER) names someone; `import` always needs --user.
    Exit status: 0 on success, 1 on an error, 2 on wrong usage.
    """
    ctx.meta["sektoral_lang"] = lang


sektoral.add_command(cycle.group)
sektoral.add_command(position.group)
sektoral.add_command(publication.group)
sektoral.add_command(remind.remind)
for _command in (*datalist.commands, *demo.commands):
    sektoral.add_command(_command)
