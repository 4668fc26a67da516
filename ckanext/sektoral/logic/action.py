"""Actions of ckanext-sektoral (registered by ``tk.blanket.actions``).

Every action is prefixed ``sektoral_``, takes its input through a navl
schema (``@validate``, :mod:`ckanext.sektoral.logic.schema`), calls
``tk.check_access`` with its own name first, carries a docstring that
``help_show`` serves, reads the database through
:mod:`ckanext.sektoral.model.queries` and commits unless
``context["defer_commit"]`` (tests/logic/test_action_shape.py).
"""
from __future__ import annotations

import logging
from typing import Any, Optional

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Context, DataDict
from ckanext.scheming.helpers import scheming_get_dataset_schema

from ckanext.sektoral.logic import guards, permissions, releases, schema, service
from ckanext.sektoral import clock
from ckanext.sektoral import lang as sektoral_lang
from ckanext.sektoral.logic.context import site_context
from ckanext.sektoral.model import Cycle, UserPosition
from ckanext.sektoral.model import queries
from ckanext.sektoral.core import completeness, contracts, datalist
from ckanext.sektoral.core.datalist import normalize_key
from ckanext.sektoral.core.schedule import is_late
from ckanext.sektoral.core.stages import Position, Stage
from ckanext.sektoral.logic.hooks import STATUS_KEY

log = logging.getLogger(__name__)

__all__: list[str] = [
    "package_delete",
    "package_owner_org_update",
    "sektoral_completeness",
    "sektoral_cycle_create",
    "sektoral_cycle_update",
    "sektoral_cycle_show",
    "sektoral_cycle_list",
    "sektoral_cycle_status",
    "sektoral_item_create",
    "sektoral_datalist_import",
    "sektoral_request",
    "sektoral_submit",
    "sektoral_return",
    "sektoral_accept",
    "sektoral_process",
    "sektoral_draft",
    "sektoral_check",
    "sektoral_approve",
    "sektoral_return_report",
    "sektoral_publish",
    "sektoral_bulk_transition",
    "sektoral_history",
    "sektoral_position_assign",
    "sektoral_position_revoke",
    "sektoral_position_list",
    "package_update",
    "bulk_update_public",
    "bulk_update_private",
    "bulk_update_delete",
    "member_list",
]


def _ui_lang(data_dict: DataDict) -> str:
    return data_dict.get("lang") or sektoral_lang.current()


def _validation_info(resource_id: str) -> completeness.ValidationInfo | None:
    """ckanext-validation's record of one resource (None if it has none)."""
    try:
        result = tk.get_action("resource_validation_show")(
            {"ignore_auth": True}, {"resource_id": resource_id})
    except tk.ObjectNotFound:
        return completeness.ValidationInfo("none")
    except KeyError:  # validation plugin not loaded
        return None
    status = completeness.normalize_status(result.get("status"))
    return completeness.ValidationInfo(
        status=status,
        error_count=completeness.error_count_from_report(
            result.get("report"), status, result.get("error")),
    )


@tk.validate_action_data(schema.sektoral_completeness_schema)
@tk.side_effect_free
def sektoral_completeness(context: Context,
                          data_dict: DataDict) -> contracts.Completeness:
    """Completeness of one dataset: is it ready to be submitted?

    Checks every metadata field marked ``sektoral_required`` in the
    dataset type's scheming schema and, for types that hold data
    (``sektoral_requires_data``), each data resource: does it have a
    Table Schema, and what did ckanext-validation report?

    :param id: id or name of the dataset
    :type id: string
    :param lang: language of the field labels (``id`` or ``en``; default:
        the language of the request)
    :type lang: string

    :returns: ``{"complete": bool, "score": 0-100, "fields": [{"name",
        "label", "present"}], "missing_fields": [...], "requires_data":
        bool, "has_data_resource": bool, "resources": [{"id", "name",
        "has_schema", "validation_status" (success, failure, error,
        pending, none), "error_count", "ok"}], "id", "name", "type"}``
    :rtype: dictionary

    Example::

        ckanapi action sektoral_completeness id=jumlah-penduduk
    """
    tk.check_access("sektoral_completeness", context, data_dict)
    package = tk.get_action("package_show")(
        {"user": context.get("user"),
         "ignore_auth": context.get("ignore_auth", False)},
        {"id": data_dict["id"]})
    type_schema = scheming_get_dataset_schema(package["type"]) or {}
    requires_data = bool(type_schema.get(completeness.REQUIRES_DATA_KEY))
    validations: dict[str, completeness.ValidationInfo] = {}
    if requires_data:
        for res in package.get("resources") or []:
            if completeness.is_data_resource(res):
                info = _validation_info(res["id"])
                if info is not None:
                    validations[res["id"]] = info
    result = completeness.evaluate(
        package,
        type_schema.get("dataset_fields") or [],
        validations,
        lang=_ui_lang(data_dict),
        requires_data=requires_data,
    )
    return {**result.to_dict(), "id": package["id"], "name": package["name"],
            "type": package["type"]}


# -- cycles -------------------------------------------------------------------

@tk.validate_action_data(schema.sektoral_cycle_create_schema)
def sektoral_cycle_create(context: Context,
                          data_dict: DataDict) -> contracts.CycleCreated:
    """Open a new cycle (*siklus*) of the SOP.

    :param code: short unique code, e.g. ``2026-S1`` (semester 1 of 2026)
    :type code: string
    :param title: title, e.g. "Siklus Semester I 2026"
    :type title: string
    :param start_date: start of step 1 (ISO date); the deadlines of the six
        steps follow from it in working days
    :type start_date: string
    :param notes: free notes (optional)
    :type notes: string
    :param from_cycle: code or id of a previous cycle (optional): its data
        list is carried over, one planned submission per statistic, each
        starting from the statistic's latest metadata (staff remove or add
        items before sending the requests)
    :type from_cycle: string
    :returns: the cycle with ``steps``: start, due date and lateness of
        each SOP step, and ``carried_over``: the ids of the submissions
        carried over
    :rtype: dictionary

    Example::

        ckanapi action sektoral_cycle_create code=2026-S2 \\
            title="Siklus Semester II 2026" start_date=2026-07-06 \\
            from_cycle=2026-S1
    """
    tk.check_access("sektoral_cycle_create", context, data_dict)
    if queries.cycle_by_code(data_dict["code"]) is not None:
        raise tk.ValidationError({"code": [tk._(
            "A cycle with this code already exists")]})
    previous = None
    if data_dict.get("from_cycle"):
        previous = queries.cycle_by_ref(data_dict["from_cycle"])
        if previous is None:
            raise tk.ValidationError({"from_cycle": [tk._(
                "No cycle has this code or id")]})
    user = permissions.user_object(context.get("user"))
    start = data_dict["start_date"]
    cycle = queries.add_cycle(
        code=data_dict["code"], title=data_dict["title"],
        start_date=start.date() if hasattr(start, "date") else start,
        notes=data_dict.get("notes") or "", status="open", step_starts={},
        created_by=user.name if user else "")
    carried: list[str] = []
    try:
        if previous is not None:
            model.Session.flush()
            carried = [_create_item(context, {
                "cycle": cycle.id, "statistic": item.statistic_id})["id"]
                for item in queries.cycle_items(previous.id)]
        service.commit(context)
    except Exception:
        if not context.get("defer_commit"):
            model.Session.rollback()
        raise
    service.when_committed(context, lambda: _reindex(carried))
    return {**service.cycle_dict(cycle), "carried_over": carried}


@tk.validate_action_data(schema.sektoral_cycle_update_schema)
def sektoral_cycle_update(context: Context, data_dict: DataDict) -> contracts.Cycle:
    """Change a cycle's title, notes or status (``open``/``closed``).

    :param id: id or code of the cycle
    :type id: string

    Example::

        ckanapi action sektoral_cycle_update id=2026-S1 status=closed
    """
    tk.check_access("sektoral_cycle_update", context, data_dict)
    cycle = service.get_cycle(data_dict["id"])
    for key in ("title", "notes", "status"):
        if key in data_dict:
            setattr(cycle, key, data_dict[key])
    service.commit(context)
    return service.cycle_dict(cycle)


@tk.validate_action_data(schema.sektoral_id_schema)
@tk.side_effect_free
def sektoral_cycle_show(context: Context, data_dict: DataDict) -> contracts.Cycle:
    """One cycle with the start and due date of each of the six steps.

    :param id: id or code of the cycle
    :type id: string

    Example::

        ckanapi action sektoral_cycle_show id=2026-S1
    """
    tk.check_access("sektoral_cycle_show", context, data_dict)
    return service.cycle_dict(service.get_cycle(data_dict["id"]))


@tk.validate_action_data(schema.sektoral_cycle_list_schema)
@tk.side_effect_free
def sektoral_cycle_list(context: Context,
                        data_dict: DataDict) -> list[contracts.Cycle]:
    """Cycles, newest first.

    :param status: only ``open`` or only ``closed`` cycles (optional)
    :type status: string

    Example::

        ckanapi action sektoral_cycle_list status=open
    """
    tk.check_access("sektoral_cycle_list", context, data_dict)
    return [service.cycle_dict(c)
            for c in queries.cycles(data_dict.get("status"))]


@tk.validate_action_data(schema.sektoral_cycle_status_schema)
@tk.side_effect_free
def sektoral_cycle_status(context: Context,
                          data_dict: DataDict) -> contracts.CycleStatus:
    """Summary of a cycle per OPD and per stage, in a fixed number of
    queries whatever the number of items.

    :param id: id or code of the cycle
    :type id: string
    :returns: ``{"cycle": {...}, "total": n, "late": n, "stages": {stage:
        n}, "organizations": [{"name", "title", "total", "late",
        "times_returned", "stages": {stage: n}}]}``

    Example::

        ckanapi action sektoral_cycle_status id=2026-S1
    """
    tk.check_access("sektoral_cycle_status", context, data_dict)
    cycle = service.get_cycle(data_dict["id"])
    steps = service.cycle_schedule(cycle)
    on = clock.today()
    late_stages = [s.value for s in Stage
                   if s.step and is_late(
                       steps[s.step - 1].due, on)]
    rows, orgs = queries.stage_counts(cycle.id)
    per_org: dict[str, contracts.CycleStatusOrganization] = {}
    totals: dict[str, int] = {s.value: 0 for s in Stage}
    late_total = 0
    for org_id, stage, count, returned in rows:
        org = orgs.get(org_id)
        entry = per_org.setdefault(org_id, {
            "id": org_id, "name": org.name if org else org_id,
            "title": org.title if org else org_id, "total": 0, "late": 0,
            "times_returned": 0, "stages": {s.value: 0 for s in Stage}})
        entry["total"] += count
        entry["stages"][stage] += count
        entry["times_returned"] += int(returned or 0)
        totals[stage] += count
        if stage in late_stages:
            entry["late"] += count
            late_total += count
    return {
        "cycle": service.cycle_dict(cycle, on),
        "total": sum(totals.values()),
        "late": late_total,
        "stages": totals,
        "organizations": sorted(per_org.values(), key=lambda e: e["title"]),
    }


# -- data list ----------------------------------------------------------------

@tk.validate_action_data(schema.sektoral_item_create_schema)
def sektoral_item_create(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Add an item to a cycle's data list: a private ``data-sektoral``
    dataset in the producing OPD's organization, at stage
    ``direncanakan`` (planned).

    :param cycle: id or code of an open cycle
    :type cycle: string
    :param owner_org: the producing OPD (organization id or name)
    :type owner_org: string
    :param title: what is requested, e.g. "Jumlah Penduduk Menurut
        Kabupaten/Kota"
    :type title: string
    :param template: name of a Table Schema template for its data file
        (optional, e.g. ``kabupaten_kota_tahunan``)
    :type template: string

    Any other ``data-sektoral`` field (``satuan``, ``level_penyajian``,
    ``frekuensi_penerbitan``, ``urusan_pemerintahan``, ``notes``, ...) is
    stored on the dataset. Returns the dataset (``package_show``).

    Example::

        ckanapi action sektoral_item_create cycle=2026-S1 \\
            owner_org=dinas-pangan-malut title="Produksi Beras" \\
            satuan=ton level_penyajian=kabupaten_kota
    """
    tk.check_access("sektoral_item_create", context, data_dict)
    package = _create_item(context, data_dict)
    if not service.commit(context):
        service.when_committed(context, lambda: _reindex([package["id"]]))
        return package
    service.reindex(package["id"])
    return tk.get_action("package_show")(site_context(),
                                         {"id": package["id"]})


def _create_item(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The item's dataset and its row and first audit row (flushed; the
    caller commits and reindexes). With ``statistic``: the statistic's
    submission for the cycle, a private dataset of its own starting from
    the metadata of the statistic's latest item (``logic/releases.py``);
    else a new statistic, named after its title."""
    cycle = service.get_cycle(data_dict["cycle"])
    if cycle.status != "open":
        raise tk.ValidationError({"cycle": [tk._("The cycle is closed")]})
    extras = {k: v for k, v in (data_dict.get("__extras") or {}).items()
              if k not in ("id", "private", "type", "state", "resources")}
    statistic = _statistic(data_dict.get("statistic"), cycle)
    template = data_dict.get("template")
    carried: dict[str, Any] = {}
    if statistic is not None:
        latest = queries.latest_item(statistic.id)
        carried = releases.carried_fields(
            latest.package_id if latest else statistic.id)
        template = template or (latest.template if latest else None)
        extras.pop("name", None)
    missing = {key: [tk._("Missing value")] for key in ("owner_org", "title")
               if not (data_dict.get(key) or carried.get(key)
                       or (key == "owner_org" and statistic is not None))}
    if missing:
        raise tk.ValidationError(missing)
    org = model.Group.get(data_dict.get("owner_org")
                          or (statistic.owner_org if statistic else ""))
    if org is None or not org.is_organization or org.state != "active":
        raise tk.ValidationError({"owner_org": [tk._(
            "Organization not found")]})
    user = permissions.user_object(context.get("user"))
    title = data_dict.get("title") or carried["title"]
    name = (releases.submission_name(statistic.name, cycle.code)
            if statistic is not None else
            extras.get("name") or releases.unique_name(releases.slug(title)))
    pkg_dict = dict(carried, **extras)
    pkg_dict.update(type="data-sektoral", private=True, owner_org=org.id,
                    title=title, name=name)
    package = tk.get_action("package_create")(
        site_context(defer_commit=True), pkg_dict)
    item = queries.add_item(package["id"], cycle.id, org.id, template,
                            statistic.id if statistic is not None else None)
    service.record(item, "create", None, Stage.PLANNED.value, user,
                   _staff_position(user), "")
    return package


def _statistic(ref: Optional[str], cycle: Cycle) -> Optional[model.Package]:
    """The statistic named by ``ref`` (its dataset, or any of its cycles'
    items), not yet in ``cycle``; None without ``ref``."""
    if not ref:
        return None
    pkg = model.Package.get(ref)
    statistic_id = releases.statistic_of(pkg.id) if pkg is not None else None
    statistic = model.Package.get(statistic_id) if statistic_id else None
    if statistic is None or statistic.state != "active":
        raise tk.ValidationError({"statistic": [tk._(
            "No statistic of a data list has this id or name")]})
    if queries.statistic_item(statistic.id, cycle.id) is not None:
        raise tk.ValidationError({"statistic": [tk._(
            "This statistic is already in the cycle's data list")]})
    return statistic


#: Largest data-list file accepted (bytes).
MAX_DATALIST_BYTES = 5 * 1024 * 1024


@tk.validate_action_data(schema.sektoral_datalist_import_schema)
def sektoral_datalist_import(context: Context,
                             data_dict: DataDict) -> contracts.DataListImport:
    """Import a cycle's data list from a CSV or XLSX file: one private
    ``data-sektoral`` item per row. Every row is checked first; if any row
    is wrong, nothing is created and the row-numbered errors come back.

    Columns: OPD, Judul, Satuan, Level Penyajian, Frekuensi, Urusan,
    Template (optional), Catatan (optional). Codes may be given as codes or
    as their Indonesian labels.

    :param cycle: id or code of an open cycle
    :type cycle: string
    :param upload: the file (multipart upload)
    :type upload: file
    :param dry_run: only check and preview, create nothing (default false)
    :type dry_run: bool
    :returns: ``{"ok": true, "created": [dataset ids], "items": [...],
        "matched": [{"row", "statistic_id", "statistic_name"}], "new_rows":
        [row numbers]}``: a row whose OPD already has a statistic of that
        title becomes that statistic's submission for the cycle (starting
        from its metadata; the row's columns override), the others new
        statistics; on errors a ValidationError with ``rows``: ``[{"row",
        "column", "field", "text"}]``

    Example::

        ckanapi action sektoral_datalist_import cycle=2026-S1 \\
            upload@daftar-data-2026-S1.xlsx
    """
    tk.check_access("sektoral_datalist_import", context, data_dict)
    cycle = service.get_cycle(data_dict["cycle"])
    if cycle.status != "open":
        raise tk.ValidationError({"cycle": [tk._("The cycle is closed")]})
    upload = data_dict.get("upload")
    if upload is None or not hasattr(upload, "read"):
        raise tk.ValidationError({"upload": [tk._("Upload a CSV or XLSX file")]})
    content = upload.read(MAX_DATALIST_BYTES + 1)
    if len(content) > MAX_DATALIST_BYTES:
        raise tk.ValidationError({"upload": [tk._(
            "The file is larger than %(mb)s MB") % {"mb": MAX_DATALIST_BYTES // 2**20}]})
    orgs = tk.get_action("organization_list")(
        {"ignore_auth": True},
        {"all_fields": True, "include_extras": True, "limit": 1000})
    result = datalist.parse_datalist(
        content, getattr(upload, "filename", "") or "",
        datalist.build_opd_lookup(orgs))
    errors = [e.to_dict(tk._) for e in result.errors]
    errors += _existing_duplicates(cycle, result.items)
    if errors or not result.ok:
        raise tk.ValidationError({
            "upload": [tk._("The data list has %(n)s error(s); nothing was "
                            "imported.") % {"n": len(errors)}],
            "rows": errors})
    matches = _known_statistics(result.items)
    preview: contracts.DataListImport = {
        **result.to_dict(tk._),
        "matched": [{"row": item.row, "statistic_id": matches[item.row][0],
                     "statistic_name": matches[item.row][1]}
                    for item in result.items if item.row in matches],
        "new_rows": [item.row for item in result.items
                     if item.row not in matches],
        "created": []}
    if tk.asbool(data_dict.get("dry_run")):
        return preview
    created = []
    try:
        for item in result.items:
            fields = item.dataset_fields()
            if item.catatan:
                fields["notes"] = item.catatan
            package = _create_item(context, dict(
                cycle=cycle.id, template=item.template,
                statistic=matches.get(item.row, (None,))[0],
                __extras={k: v for k, v in fields.items()
                          if k not in ("owner_org", "title")},
                owner_org=fields["owner_org"], title=fields["title"]))
            created.append(package["id"])
        service.commit(context)
    except Exception:
        model.Session.rollback()
        raise
    service.when_committed(context, lambda: _reindex(created))
    return {**preview, "created": created}


def _reindex(package_ids: list[str]) -> None:
    for package_id in package_ids:
        service.reindex(package_id)


def _known_statistics(items: Any) -> dict[int, tuple[str, str]]:
    """Rows of a data list that name a statistic their OPD already has
    (same title, as :func:`normalize_key` compares): row -> (statistic id,
    name). The import makes them that statistic's submission for the
    cycle instead of a second dataset of the same statistic."""
    known: dict[str, dict[str, tuple[str, str]]] = {}
    found = {}
    for item in items:
        org_id = item.dataset_fields()["owner_org"]  # its name
        if org_id not in known:
            known[org_id] = {}
            org = model.Group.get(org_id)
            for sid, name, title in (queries.statistics_of(org.id)
                                     if org is not None else []):
                known[org_id].setdefault(normalize_key(title or ""), (sid, name))
        match = known[org_id].get(normalize_key(item.judul))
        if match is not None:
            found[item.row] = match
    return found


def _existing_duplicates(cycle: Cycle,
                         items: Any) -> list[contracts.DataListError]:
    """Rows whose OPD already has an item of that title in the cycle."""
    existing = {(org, normalize_key(title))
                for org, title in queries.cycle_titles(cycle.id)}
    return [{
        "row": item.row, "column": None, "field": "judul",
        "message": "already in cycle", "params": {},
        "text": tk._("Row %(row)s: %(org)s already has \"%(title)s\" in this "
                     "cycle") % {"row": item.row, "org": item.org,
                                  "title": item.judul},
    } for item in items if (item.org, normalize_key(item.judul)) in existing]


def _staff_position(user: Any) -> str:
    if user is not None and permissions.is_walidata(user.name, Position.STAF):
        return Position.STAF.value
    return service.SYSADMIN


# -- transitions --------------------------------------------------------------

def _transition_action(name: str, doc: str):
    @tk.validate_action_data(schema.sektoral_transition_schema)
    def action(context: Context,
               data_dict: DataDict) -> contracts.TransitionResult:
        tk.check_access("sektoral_" + name, context, data_dict)
        return service.transition(context, name, data_dict["id"],
                                  data_dict.get("note") or "",
                                  data_dict.get("version"))
    action.__name__ = "sektoral_" + name
    action.__doc__ = doc + """
    :param id: id or name of the dataset (an item of a cycle)
    :type id: string
    :param note: note recorded in the audit log (required to return)
    :type note: string
    :param version: the item's ``version`` the caller saw (optional): the
        transition fails with a conflict error if it changed since
    :type version: int
    :returns: the audit-log row of the transition, with ``status`` (stage,
        due date, lateness)
    :rtype: dictionary

    Example::

        ckanapi action sektoral_{name} id=DATASET note="..."
    """.replace("{name}", name)
    return action


sektoral_request = _transition_action("request", """Step 1: the request
    letter was sent; the item moves from ``direncanakan`` (planned) to
    ``diminta`` (requested). Walidata staff.""")
sektoral_submit = _transition_action("submit", """Step 2: the OPD submits
    its data and metadata (``diminta`` or ``dikembalikan`` to
    ``dikirim``). Only through the completeness gate: an incomplete
    submission is refused with the completeness report. The producing
    OPD's editors and admins.""")
sektoral_return = _transition_action("return", """Step 2: the Kasie
    returns an incomplete submission to the OPD with a required note
    (``dikirim`` to ``dikembalikan``).""")
sektoral_accept = _transition_action("accept", """Step 2: the Kasie
    validated the submission as complete (``dikirim`` to ``diterima``).""")
sektoral_process = _transition_action("process", """Step 3: staff compiled,
    processed and analysed the data (``diterima`` to ``diolah``).""")
sektoral_draft = _transition_action("draft", """Step 4: staff included the
    dataset in the cycle's draft report (``diolah`` to
    ``dalam_laporan``).""")
sektoral_check = _transition_action("check", """Step 5: the checker
    (default Kabid, ``ckanext.sektoral.approval.checker``) checked the
    draft (``dalam_laporan`` to ``diperiksa``).""")
sektoral_approve = _transition_action("approve", """Step 5: the approver
    (default Kadis, ``ckanext.sektoral.approval.approver``) approved it
    (``diperiksa`` to ``disetujui``).""")
sektoral_return_report = _transition_action("return_report", """Step 5: the
    reviewer at this stage (checker at ``dalam_laporan``, approver at
    ``diperiksa``) sends the report back to staff with a required note
    (back to ``diolah``).""")
sektoral_publish = _transition_action("publish", """Step 6: staff publish
    an approved dataset: it becomes public (``disetujui`` to
    ``dipublikasikan``). The only way an item becomes public.""")


@tk.validate_action_data(schema.sektoral_bulk_transition_schema)
def sektoral_bulk_transition(context: Context,
                             data_dict: DataDict) -> contracts.BulkTransition:
    """The same transition on many items at once, all or nothing: if one
    item may not move (wrong stage, not allowed, conflict, incomplete
    submission), nothing moves and the error names that dataset.

    Used for sending every request of a cycle, accepting every complete
    submission, and for the report approvals of the Kabid and the Kadis.
    With ``cycle`` and no ``ids``, it takes every item of that cycle that
    waits in the transition's source stage(s). When the approver approves
    a whole cycle, the current draft report version is recorded as the
    approved one.

    :param transition: ``request``, ``accept``, ``process``, ``draft``,
        ``check``, ``approve``, ``return``, ``return_report``, ... (the
        names of the single-item actions without ``sektoral_``)
    :type transition: string
    :param ids: ids or names of the datasets
    :type ids: list of strings
    :param cycle: code or id of a cycle (instead of ``ids``)
    :type cycle: string
    :param stage: with ``cycle``: only the items at this stage (e.g.
        ``dalam_laporan`` for the checker's return of the report)
    :type stage: string
    :param note: note recorded on every item (required to return)
    :type note: string
    :returns: ``{"count": n, "results": [audit rows...]}``
    :rtype: dictionary

    Example::

        ckanapi action sektoral_bulk_transition transition=accept \\
            ids='["dataset-a","dataset-b"]'
    """
    tk.check_access("sektoral_bulk_transition", context, data_dict)
    name = data_dict["transition"]
    user = context.get("user")
    ids = list(data_dict.get("ids") or [])
    cycle_ref = data_dict.get("cycle")
    cycle = None
    if cycle_ref:
        cycle = service.get_cycle(cycle_ref)
    if not ids and cycle is not None:
        sources = [s.value for s in service.transition_sources(name)]
        if data_dict.get("stage"):
            sources = [s for s in sources if s == data_dict["stage"]]
        # a producer submits its own OPD's items, never looks at others'
        own = (permissions.producer_orgs(user)
               if name == "submit" and not permissions.is_sysadmin(user)
               else None)
        ids = queries.waiting_package_ids(cycle.id, sources, own)
    if not ids:
        raise tk.ValidationError({"ids": [tk._(
            "No dataset waits for this step")]})
    # every named dataset must be one the caller may read: the others
    # answer as if they did not exist (no id, no title, no stage)
    readable = guards.readable_package_ids(context, queries.package_ids(ids))
    resolved = []
    for ref in ids:
        pkg = model.Package.get(ref)
        if pkg is None or pkg.id not in readable:
            raise tk.ObjectNotFound(tk._("Dataset not found"))
        resolved.append(pkg)
    for pkg in resolved:
        try:
            tk.check_access("sektoral_" + name, context, {"id": pkg.id})
        except tk.NotAuthorized as err:
            raise tk.NotAuthorized(
                "%s: %s" % (pkg.title or pkg.name, err)) from err
    ids = [pkg.id for pkg in resolved]
    try:
        results = service.transition_many(
            context, name, [(pid, None) for pid in ids],
            data_dict.get("note") or "",
            cycle=cycle.id if cycle is not None else None)
    except tk.ValidationError as err:
        failed = getattr(err, "sektoral_dataset", None)
        if failed:
            pkg = model.Package.get(failed)
            err.error_dict["dataset"] = [pkg.title if pkg else failed]
        raise
    return {"count": len(results), "results": results}


@tk.validate_action_data(schema.sektoral_id_schema)
@tk.side_effect_free
def sektoral_history(context: Context,
                     data_dict: DataDict) -> list[contracts.HistoryRecord]:
    """The audit log of one dataset, oldest first: who moved it, when,
    from which stage to which, in which position, with which note, in
    which cycle (``cycle_code``). Of a statistic: the rows of all its
    cycles (its first item and each later cycle's submission).

    :param id: id or name of the dataset
    :type id: string

    Example::

        ckanapi action sektoral_history id=DATASET
    """
    tk.check_access("sektoral_history", context, data_dict)
    pkg = model.Package.get(data_dict["id"])
    if pkg is None:
        raise tk.ObjectNotFound(tk._("Dataset not found"))
    return [{**row.as_dict(), "cycle_code": code}
            for row, code in queries.history(pkg.id)]


# -- positions ----------------------------------------------------------------

@tk.validate_action_data(schema.sektoral_position_schema)
def sektoral_position_assign(context: Context,
                             data_dict: DataDict) -> contracts.Position:
    """Give a user a Walidata position (``staf``, ``kasie``, ``kabid``,
    ``kadis``) or the Pembina Data position (``pembina``, BPS: read and
    comment). Sysadmins only. Idempotent.

    :param user: user name or id
    :type user: string
    :param position: the position
    :type position: string

    Example::

        ckanapi action sektoral_position_assign user=budi position=kasie
    """
    tk.check_access("sektoral_position_assign", context, data_dict)
    user = permissions.user_object(data_dict["user"])
    if user is None:
        raise tk.ValidationError({"user": [tk._("User not found")]})
    granter = permissions.user_object(context.get("user"))
    position = queries.grant_position(user.id, data_dict["position"],
                                      granter.name if granter else "")
    service.commit(context)
    return _position_dict(position, user)


@tk.validate_action_data(schema.sektoral_position_schema)
def sektoral_position_revoke(context: Context,
                             data_dict: DataDict) -> contracts.PositionRevoked:
    """Take a position away from a user. Sysadmins only.

    Example::

        ckanapi action sektoral_position_revoke user=budi position=kasie
    """
    tk.check_access("sektoral_position_revoke", context, data_dict)
    user = permissions.user_object(data_dict["user"])
    if user is None:
        raise tk.ValidationError({"user": [tk._("User not found")]})
    revoked = queries.revoke_position(user.id, data_dict["position"])
    service.commit(context)
    return {"user": user.name, "position": data_dict["position"],
            "revoked": revoked}


@tk.validate_action_data(schema.sektoral_empty_schema)
@tk.side_effect_free
def sektoral_position_list(context: Context,
                           data_dict: DataDict) -> list[contracts.Position]:
    """Every position assignment.

    Example::

        ckanapi action sektoral_position_list
    """
    tk.check_access("sektoral_position_list", context, data_dict)
    return [_position_dict(p, u) for p, u in queries.positions()]


def _position_dict(position: UserPosition, user: Any) -> contracts.Position:
    return {"user": user.name, "user_id": user.id,
            "position": position.position,
            "granted_by": position.granted_by,
            "granted": position.granted.isoformat()}


# -- core guards ----------------------------------------------------------------

@tk.chained_action
def package_update(next_action: Any, context: Context,
                   data_dict: DataDict) -> Any:
    """Core ``package_update`` (and so ``package_patch`` and
    ``package_revise``), guarded: an item of a cycle becomes public only
    through publication (enforced by the database, see
    :mod:`ckanext.sektoral.logic.guards`), moves to another OPD only by
    Walidata staff and never changes ``state`` here; the workflow status
    shown with a dataset is never stored as a field."""
    data_dict.pop(STATUS_KEY, None)
    guards.normalise_booleans(data_dict)
    # who may update first (core's rule; a refused caller learns nothing
    # of the item), then what an item allows
    tk.check_access("package_update", context, data_dict)
    pkg = model.Package.get(data_dict.get("id") or data_dict.get("name") or "")
    item = service.get_item(pkg.id) if pkg is not None else None
    if item is not None:
        guards.check_item_update(context, pkg, data_dict)
        owner_before = pkg.owner_org
    with guards.visibility_guarded():
        result = next_action(context, data_dict)
    if item is not None and not context.get("defer_commit"):
        after = model.Package.get(item.package_id)
        if after is not None and after.owner_org != owner_before:
            guards.sync_item_owner(item.package_id)
    return result


@tk.chained_action
def package_delete(next_action: Any, context: Context,
                   data_dict: DataDict) -> Any:
    """Core ``package_delete``; an item of a cycle is deleted only while it
    is planned, by anyone (sysadmins too, who pass every auth function):
    afterwards it leaves the cycle through the workflow (a return, a
    withdrawal with its public notice)."""
    # who may delete first (a refused producer gets 403, as before), then
    # whether the item may still be deleted at all
    tk.check_access("package_delete", context, data_dict)
    guards.check_item_delete(context, data_dict)
    return next_action(context, data_dict)


@tk.chained_action
def package_owner_org_update(next_action: Any, context: Context,
                             data_dict: DataDict) -> Any:
    """Core ``package_owner_org_update``; the cycle's record of an item
    follows the move to another OPD (who may move it: core's rule, the
    editors of both organizations: Walidata staff and sysadmins)."""
    result = next_action(context, data_dict)
    pkg = model.Package.get(str(data_dict.get("id") or ""))
    if pkg is not None and service.get_item(pkg.id) is not None:
        guards.sync_item_owner(pkg.id)
    return result


def _bulk_guard(name: str) -> Any:
    @tk.chained_action
    def action(next_action: Any, context: Context, data_dict: DataDict) -> Any:
        tk.check_access(name, context, data_dict)
        guards.refuse_bulk_on_items(data_dict)
        with guards.visibility_guarded("datasets"):
            return next_action(context, data_dict)
    action.__name__ = name
    action.__doc__ = ("Core ``%s``, refused for items of a cycle (their "
                      "visibility changes only through the workflow)." % name)
    return action


bulk_update_public = _bulk_guard("bulk_update_public")
bulk_update_private = _bulk_guard("bulk_update_private")
bulk_update_delete = _bulk_guard("bulk_update_delete")


@tk.chained_action
@tk.side_effect_free
def member_list(next_action: Any, context: Context,
                data_dict: DataDict) -> Any:
    """Core ``member_list``, filtered: datasets the caller may not read
    are left out, and users (with their roles) are listed only to those who
    may see the organization's members (its members, the Walidata, the
    Pembina, sysadmins)."""
    members = next_action(context, data_dict)
    return guards.filter_members(context, data_dict.get("id") or "", members)

