"""What a submission changes since its statistic's last release, read from
CKAN for ``sektoral_submission_diff`` (the comparison itself is
``core/diff.py``).

The release compared with is the statistic's latest release of a cycle
that started before the submission's: its metadata is the statistic's (a
submission is patched onto its statistic only when it is released), its
data file the newest valid data file among that release's resources.
The submission's side is its own metadata and its newest valid data file
(once released, the resources of its own cycle's release, which moved
into the statistic). The first cycle's item is its own statistic: there
is nothing to compare it with, so every filled-in field and every period
is new.
"""
from __future__ import annotations

import logging
from typing import Any, Optional

import ckan.plugins.toolkit as tk
from ckanext.scheming.helpers import scheming_get_dataset_schema

from ckanext.sektoral.core import contracts, diff, reader
from ckanext.sektoral.datafile import files as datafiles
from ckanext.sektoral.logic import releases, service
from ckanext.sektoral.logic.context import site_context

log = logging.getLogger(__name__)


def _newest_data_file(pkg: dict[str, Any],
                      resource_ids: Optional[list[str]] = None
                      ) -> Optional[diff.DataFile]:
    found = datafiles.newest_data_file(pkg, resource_ids)
    if found is None:
        return None
    return diff.DataFile(found["path"], found["schema"], found["format"])


def submission_diff(submission: dict[str, Any],
                    lang: str) -> contracts.SubmissionDiff:
    """The diff of ``submission`` (its ``package_show``), labels in
    ``lang`` (see ``sektoral_submission_diff``)."""
    item = service.get_item(submission["id"])
    if item is None:
        raise tk.ValidationError({"id": [tk._(
            "This dataset is not an item of a cycle's data list")]})
    statistic_pkg = submission
    if item.is_submission:
        statistic_pkg = tk.get_action("package_show")(
            site_context(), {"id": item.statistic_id})
    released = releases.releases(item.statistic_id)
    own = next((r for r in released if r["cycle_id"] == item.cycle_id), None)
    last = releases.previous_release(item)

    type_schema = scheming_get_dataset_schema(submission["type"]) or {}
    fields = diff.field_changes(
        type_schema.get("dataset_fields") or [],
        statistic_pkg if last is not None else None, submission, lang,
        skip=releases.SYSTEM_KEYS)

    after = (_newest_data_file(statistic_pkg, own["resource_ids"])
             if own is not None else _newest_data_file(submission))
    before = (_newest_data_file(statistic_pkg, last["resource_ids"])
              if last is not None else None)
    data = None
    if after is not None:
        try:
            data = diff.data_changes(before, after)
        except reader.ReadError as exc:
            log.warning("diff of %s: a data file is unreadable: %s",
                        submission["id"], exc)
    return {
        "statistic": ({"id": statistic_pkg["id"], "name": statistic_pkg["name"],
                       "title": statistic_pkg["title"]}
                      if item.is_submission else None),
        "release": ({"cycle_code": last["cycle_code"],
                     "released": last["released"]} if last else None),
        "fields": fields,
        "data": data,
    }
