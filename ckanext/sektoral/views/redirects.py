"""Old dataset URLs of statistics merged across cycles.

A portal that ran cycles before statistics existed had one public dataset
per statistic and cycle; the migration ``e2b7c9a4f618`` merged them into
one statistic and recorded the old names. ``/dataset/<old name>`` (and
any page below it) answers 301 to the same page of the statistic. Only
names that were public are recorded, so the redirect reveals nothing.
"""
from __future__ import annotations

import re
from typing import Any, Optional

from flask import Blueprint, redirect

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.sektoral.model import Redirect

blueprint = Blueprint("sektoral_redirects", __name__)

#: ``/dataset/<name>`` and what follows it.
DATASET_PATH = re.compile(r"^/dataset/([^/]+?)(\.[a-z]+)?(/.*)?$")


def redirect_merged_dataset() -> Optional[Any]:
    match = DATASET_PATH.match(tk.request.path or "")
    if match is None:
        return None
    row = model.Session.get(Redirect, match.group(1))
    if row is None:
        return None
    statistic = model.Package.get(row.package_id)
    if statistic is None or statistic.private or statistic.state != "active":
        return None
    query = tk.request.query_string.decode("utf-8", "replace")
    target = "/dataset/" + statistic.name + (match.group(2) or "") + (
        match.group(3) or "") + ("?" + query if query else "")
    return redirect(tk.request.script_root + target, code=301)


blueprint.before_app_request(redirect_merged_dataset)
