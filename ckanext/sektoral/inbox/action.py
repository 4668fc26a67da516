"""Actions of the OPD inbox ("Permintaan Data") and of the submissions it
holds; collected by plugin.py.

``sektoral_inbox`` lists the items requested from the caller's OPD(s) in a
fixed number of queries, whatever the number of items: the user's
organizations, the items with their dataset, cycle and OPD, and the latest
return note of each item. ``sektoral_submission_diff`` says what a
submission changes since its statistic's last release (here, not in
``logic``, because it reads data files: ``datafile`` is above ``logic``).
"""
from __future__ import annotations

from typing import Optional

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Context, DataDict, Schema, Validator

from ckanext.sektoral.core import contracts
from ckanext.sektoral.core.stages import REQUESTED_ONWARDS
from ckanext.sektoral.inbox import diff, queries
from ckanext.sektoral.logic import permissions, schema, service
from ckanext.sektoral import clock
from ckanext.sektoral import lang as sektoral_lang

__all__: list[str] = ["sektoral_inbox", "sektoral_submission_diff"]


@tk.validator_args
def sektoral_inbox_schema(
    ignore_missing: Validator, unicode_safe: Validator, one_of: Validator,
    boolean_validator: Validator,
) -> Schema:
    """Input of ``sektoral_inbox``."""
    return {
        "organization": [ignore_missing, unicode_safe],
        "cycle": [ignore_missing, unicode_safe],
        "stage": [ignore_missing, one_of(
            [s.value for s in REQUESTED_ONWARDS])],
        "late": [ignore_missing, boolean_validator],
    }


@tk.validate_action_data(sektoral_inbox_schema)
@tk.side_effect_free
def sektoral_inbox(context: Context, data_dict: DataDict) -> contracts.Inbox:
    """The OPD inbox: items of cycles requested from the caller's OPD(s)
    (organizations where the caller is editor or admin), with stage, due
    date, working days left, lateness and the latest return note. Items
    not requested yet (stage ``direncanakan``) are not listed.

    Items the OPD must act on (requested or returned) come first, then by
    due date. A sysadmin, a Walidata position or the Pembina Data may pass
    any ``organization``; producers only one of their own.

    :param organization: only this OPD (id or name; optional)
    :type organization: string
    :param cycle: only this cycle (id or code; optional)
    :type cycle: string
    :param stage: only this stage (e.g. ``diminta``; optional; not
        ``direncanakan``)
    :type stage: string
    :param late: only late items (``true``) or only items on time
        (``false``) (optional)
    :type late: bool

    :returns: ``{"count": n, "late": n, "stages": {stage: n},
        "cycles": [{"id", "code", "title", "status"}], "organizations":
        [{"id", "name", "title"}], "items": [{"id",
        "name", "title", "organization": {...}, "cycle", "cycle_id",
        "cycle_title", "stage", "step", "version", "due",
        "working_days_left", "late", "times_returned", "stage_changed",
        "actionable", "return_note": {"note", "actor_name", "created"} or
        null}]}``; ``stages`` and ``late`` count the items before the
        ``stage`` and ``late`` filters.
    :rtype: dictionary

    Example::

        ckanapi action sektoral_inbox stage=dikembalikan
        curl -H "Authorization: $TOKEN" \\
            "http://127.0.0.1:5000/api/3/action/sektoral_inbox?late=true"
    """
    tk.check_access("sektoral_inbox", context, data_dict)
    user = permissions.user_object(context.get("user"))
    if data_dict.get("organization"):
        org = model.Group.get(data_dict["organization"])
        if org is None or not org.is_organization or org.state != "active":
            raise tk.ValidationError({"organization": [tk._(
                "Organization not found")]})
        orgs = [org]
    else:
        orgs = queries.producer_organizations(user.id if user else "")
    cycle_id: Optional[str] = None
    if data_dict.get("cycle"):
        try:
            cycle_id = service.get_cycle(data_dict["cycle"]).id
        except tk.ObjectNotFound:
            raise tk.ValidationError(
                {"cycle": [tk._("Cycle not found")]}) from None

    rows = queries.inbox_rows([o.id for o in orgs], cycle_id)
    notes = queries.latest_return_notes([o.id for o in orgs], cycle_id)
    items = queries.item_dicts(rows, notes, clock.today())

    stages: dict[str, int] = {}
    for item in items:
        stages[item["stage"]] = stages.get(item["stage"], 0) + 1
    late_total = sum(1 for i in items if i["late"])
    if data_dict.get("stage"):
        items = [i for i in items if i["stage"] == data_dict["stage"]]
    if "late" in data_dict:
        wanted = bool(data_dict["late"])
        items = [i for i in items if i["late"] is wanted]
    return {
        "count": len(items),
        "late": late_total,
        "stages": stages,
        "cycles": [{"id": c.id, "code": c.code, "title": c.title,
                    "status": c.status}
                   for c in queries.distinct_cycles([o.id for o in orgs])],
        "organizations": [{"id": o.id, "name": o.name, "title": o.title}
                          for o in sorted(orgs, key=lambda o: o.title or o.name)],
        "items": items,
    }


@tk.validate_action_data(schema.sektoral_submission_diff_schema)
@tk.side_effect_free
def sektoral_submission_diff(context: Context,
                             data_dict: DataDict) -> contracts.SubmissionDiff:
    """What a cycle's item changes since its statistic's last release: what
    the Kasie reviews of a carried-over submission.

    Metadata: every field of the dataset type's schema (but its name and
    OPD, which a release never changes), compared as the dataset page
    shows it (codes by their label). Data: the item's newest valid data
    file against the last release's, read with their Table Schema, by
    period (``tahun``) and key (the other dimensions, e.g.
    ``kode_kabupaten_kota``), comparing the measure (``nilai``).

    The release compared with is the statistic's latest one of an earlier
    cycle (its metadata is the statistic's until the item is released).
    The first cycle's item is its own statistic, released never before:
    ``statistic`` and ``release`` are null and everything is new (every
    filled-in field, every period).

    :param id: id or name of the item's dataset
    :type id: string
    :param lang: language of the field labels and code labels (``id`` or
        ``en``; default: the language of the request)
    :type lang: string

    :returns: ``{"statistic": {"id", "name", "title"} or null, "release":
        {"cycle_code", "released"} or null, "fields": [{"field", "label",
        "before", "after"}] (changed fields only, values as displayed,
        null for empty), "data": {"new_periods": [...], "revised":
        [{"key": {dimension: value}, "period", "before", "after"}]
        (changed values of periods the release had; ``before`` null: a
        row it lacked), "removed": [{"key", "period", "before"}] (rows of
        the release the item lacks)} or null (the item has no valid data
        file)}``
    :rtype: dictionary

    Example::

        ckanapi action sektoral_submission_diff \\
            id=jumlah-penduduk-menurut-kabupaten-kota-2026-s1
    """
    tk.check_access("sektoral_submission_diff", context, data_dict)
    package = tk.get_action("package_show")(
        {"user": context.get("user"),
         "ignore_auth": context.get("ignore_auth", False)},
        {"id": data_dict["id"]})
    return diff.submission_diff(
        package, data_dict.get("lang") or sektoral_lang.current())
