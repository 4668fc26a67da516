"""Flask blueprints of ckanext-sektoral, one module per area.

Each module defines ``blueprint``; :func:`blueprints` hands them all to
CKAN (``IBlueprint``). Pages only read through actions and change state
only by POSTing to actions (CSRF-protected forms).
"""
from __future__ import annotations

import importlib

from flask import Blueprint

MODULES = (
    "workspace",     # Walidata workspace, cycle pages, planning, review, approval
    "opd",           # OPD inbox and item pages
    "documents",     # letters, templates, compilation, report downloads
    "publication",   # publication, revisions, withdrawal
    "public",        # public cycle pages, charts, DCAT
    "performance",   # OPD performance
    "redirects",     # old dataset names of merged statistics
)


def blueprints() -> list[Blueprint]:
    return [importlib.import_module(f"{__name__}.{name}").blueprint
            for name in MODULES]
