"""``ckan sektoral import`` and ``import-template``: the data list
(daftar data) of a cycle."""
from __future__ import annotations

import os
import sys
from typing import Optional

import click
from werkzeug.datastructures import FileStorage

from ckanext.sektoral.core import datalist

from .base import acting_user, action_command, call, user_option


@click.command("import")
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
    acting = acting_user(user)
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


@click.command("import-template")
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


commands = [import_datalist, import_template]
