"""``ckan sektoral ...`` commands (registered by ``tk.blanket.cli``)."""
from __future__ import annotations

import click

__all__ = ["sektoral"]


@click.group(short_help="Satu Data sectoral statistics commands.")
def sektoral():
    """Commands of ckanext-sektoral."""
