"""Actions of the documents area (letters, compilation, report, analysis);
collected by plugin.py.

Staff (position ``staf``) generate; the Walidata positions and the
Pembina Data read; the OPD concerned reads its own letter. The heavy work
(compilation, report, analysis) runs as background jobs: the action
records what it started and returns it.
"""
from __future__ import annotations

from typing import Any, Optional

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Context, DataDict

from ckanext.sektoral.analysis import job as analysis_job
from ckanext.sektoral.documents import compile as compile_mod
from ckanext.sektoral.documents import letter as letter_mod
from ckanext.sektoral.documents import report as report_mod
from ckanext.sektoral.documents import store
from ckanext.sektoral.core import contracts
from ckanext.sektoral.logic import permissions, schema, service
from ckanext.sektoral.model import Cycle, Item
from ckanext.sektoral.model import documents as documents_model
from ckanext.sektoral.model.documents import Document

__all__: list[str] = [
    "sektoral_letters_generate",
    "sektoral_letter_list",
    "sektoral_compilation_generate",
    "sektoral_compilation_list",
    "sektoral_report_generate",
    "sektoral_report_list",
    "sektoral_report_narrative_update",
    "sektoral_analysis_run",
    "sektoral_analysis_show",
]


def _cycle(data_dict: DataDict) -> Cycle:
    key = data_dict["cycle"]
    try:
        return store.get_cycle(key)
    except tk.ObjectNotFound:
        raise tk.ValidationError({"cycle": [tk._("Cycle not found")]}) from None


def _org_id(value: Optional[str]) -> Optional[str]:
    if not value:
        return None
    group = model.Group.get(value)
    if group is None or not group.is_organization:
        raise tk.ValidationError({"organization": [
            tk._("Organization not found")]})
    return group.id


def _job_id(job: Any) -> Optional[str]:
    return getattr(job, "id", None)


def _letter_dict(doc: Document) -> contracts.Letter:
    data = doc.as_dict()
    org = model.Group.get(doc.owner_org)
    org_name = org.name if org else doc.owner_org
    return {**data, "organization": org_name,
            "organization_title": org.title if org else doc.owner_org,
            "urls": {fmt: tk.url_for(
                "sektoral_documents.letter_download", cycle_id=doc.cycle_id,
                org_name=org_name, fmt=fmt) for fmt in data["formats"]}}


@tk.validate_action_data(schema.sektoral_cycle_ref_schema)
def sektoral_letters_generate(context: Context, data_dict: DataDict
                              ) -> list[contracts.Letter]:
    """Generate the request letters (PDF and DOCX) of a cycle: one per OPD
    with items in the cycle, or only the given OPD's. Generating again
    replaces the OPD's letter (same nomor).

    :param cycle: id or code of the cycle
    :type cycle: string
    :param organization: id or name of one OPD (optional)
    :type organization: string
    :returns: the letters

    Example::

        ckanapi action sektoral_letters_generate cycle=2026-S1 organization=dinas-pangan
    """
    tk.check_access("sektoral_letters_generate", context, data_dict)
    cycle = _cycle(data_dict)
    orgs = letter_mod.letter_orgs(cycle.id)
    org_id = _org_id(data_dict.get("organization"))
    if org_id is not None:
        if org_id not in orgs:
            raise tk.ValidationError({"organization": [tk._(
                "This organization has no item in the cycle")]})
        orgs = [org_id]
    if not orgs:
        raise tk.ValidationError({"cycle": [tk._(
            "The cycle has no items yet")]})
    user = context.get("user") or ""
    generated = [letter_mod.generate(cycle, o, user) for o in orgs]
    service.commit(context)
    stale = [path for _doc, replaced in generated for path in replaced]
    service.when_committed(context, lambda: store.remove(stale))
    return [_letter_dict(doc) for doc, _replaced in generated]


@tk.validate_action_data(schema.sektoral_cycle_ref_schema)
@tk.side_effect_free
def sektoral_letter_list(context: Context, data_dict: DataDict
                         ) -> list[contracts.Letter]:
    """Request letters of a cycle. The Walidata and the Pembina Data see
    every letter; an OPD producer sees its own OPD's only.

    :param cycle: id or code of the cycle
    :type cycle: string
    :param organization: id or name of one OPD (optional)
    :type organization: string

    Example::

        ckanapi action sektoral_letter_list cycle=2026-S1
    """
    tk.check_access("sektoral_letter_list", context, data_dict)
    cycle = _cycle(data_dict)
    letters = documents_model.letters(
        cycle.id, letter_mod.KIND, _org_id(data_dict.get("organization")))
    user = context.get("user")
    if not (context.get("ignore_auth")
            or permissions.may_read_all_items(user)):
        letters = [d for d in letters
                   if permissions.is_producer_of(user, d.owner_org)]
    return [_letter_dict(d) for d in letters]


def _compilation_dict(doc: Document) -> contracts.Compilation:
    data = doc.as_dict()
    return {**data, "urls": {fmt: tk.url_for(
        "sektoral_documents.compilation_download", doc_id=doc.id, fmt=fmt)
        for fmt in data["formats"]}}


@tk.validate_action_data(schema.sektoral_cycle_ref_schema)
def sektoral_compilation_generate(context: Context, data_dict: DataDict
                                  ) -> contracts.CompilationStarted:
    """Start building the cycle's compilation (background job): a
    Frictionless Data Package (zip) of every accepted dataset and one
    combined XLSX.

    :param cycle: id or code of the cycle
    :type cycle: string
    :returns: the compilation record (``status`` ``pending``) and ``job_id``

    Example::

        ckanapi action sektoral_compilation_generate cycle=2026-S1
    """
    tk.check_access("sektoral_compilation_generate", context, data_dict)
    cycle = _cycle(data_dict)
    doc = compile_mod.new(cycle, context.get("user") or "")
    service.commit(context)
    data: contracts.CompilationStarted = {**_compilation_dict(doc),
                                          "job_id": None}

    def enqueue() -> None:
        data["job_id"] = _job_id(tk.enqueue_job(
            compile_mod.run_compilation, [doc.id],
            title=f"sektoral: compilation {cycle.code}",
            queue=analysis_job.QUEUE))
    service.when_committed(context, enqueue)
    return data


@tk.validate_action_data(schema.sektoral_cycle_ref_schema)
@tk.side_effect_free
def sektoral_compilation_list(context: Context, data_dict: DataDict
                              ) -> list[contracts.Compilation]:
    """Compilations of a cycle, newest first (with failed ones and their
    error).

    :param cycle: id or code of the cycle
    :type cycle: string

    Example::

        ckanapi action sektoral_compilation_list cycle=2026-S1
    """
    tk.check_access("sektoral_compilation_list", context, data_dict)
    cycle = _cycle(data_dict)
    return [_compilation_dict(d) for d in documents_model.of_kind(
        cycle.id, compile_mod.KIND)]


def _version_out(version: contracts.ReportVersionRecord
                 ) -> contracts.ReportVersion:
    formats = sorted(version["files"])
    return {
        "id": version["id"], "cycle_id": version["cycle_id"],
        "version": version["version"], "status": version["status"],
        "error": version["error"], "created": version["created"],
        "created_by": version["created_by"], "approved": version["approved"],
        "approved_by": version["approved_by"],
        "approved_at": version["approved_at"],
        "formats": formats,
        "urls": {fmt: tk.url_for(
            "sektoral_documents.report_download", version_id=version["id"],
            fmt=fmt) for fmt in formats},
    }


@tk.validate_action_data(schema.sektoral_cycle_ref_schema)
def sektoral_report_generate(context: Context, data_dict: DataDict
                             ) -> contracts.ReportStarted:
    """Start rendering a new version of the cycle's draft report (HTML,
    PDF, DOCX) in the background. A failed render is recorded on the new
    version; the previous version stays current.

    :param cycle: id or code of the cycle
    :type cycle: string
    :returns: the new version (``status`` ``pending``) and ``job_id``

    Example::

        ckanapi action sektoral_report_generate cycle=2026-S1
    """
    tk.check_access("sektoral_report_generate", context, data_dict)
    cycle = _cycle(data_dict)
    row = report_mod.new_version(cycle, context.get("user") or "")
    service.commit(context)
    data: contracts.ReportStarted = {
        **_version_out(report_mod.version_dict(row)), "job_id": None}

    def enqueue() -> None:
        data["job_id"] = _job_id(tk.enqueue_job(
            report_mod.run_report, [row.id],
            title=f"sektoral: report {cycle.code} v{row.version}",
            queue=analysis_job.QUEUE))
    service.when_committed(context, enqueue)
    return data


@tk.validate_action_data(schema.sektoral_cycle_ref_schema)
@tk.side_effect_free
def sektoral_report_list(context: Context, data_dict: DataDict
                         ) -> contracts.ReportList:
    """Every version of the cycle's draft report (newest first), the
    current and the approved version, and the editable chapters with
    their narratives.

    :param cycle: id or code of the cycle
    :type cycle: string

    Example::

        ckanapi action sektoral_report_list cycle=2026-S1
    """
    tk.check_access("sektoral_report_list", context, data_dict)
    cycle = _cycle(data_dict)
    current = report_mod.current_version(cycle.id)
    approved = report_mod.approved_version(cycle.id)
    texts = report_mod.narratives(cycle.id)
    return {
        "versions": [_version_out(v)
                     for v in report_mod.list_versions(cycle.id)],
        "current": current["version"] if current else None,
        "approved": approved["version"] if approved else None,
        "chapters": [{**c, "text": texts.get(c["key"], "")}
                     for c in report_mod.chapters(cycle.id)],
    }


@tk.validate_action_data(schema.sektoral_report_narrative_schema)
def sektoral_report_narrative_update(context: Context, data_dict: DataDict
                                     ) -> contracts.Narrative:
    """Set the narrative of one chapter of the cycle's report (used by the
    next generated version): ``kata_pengantar``, ``kesimpulan`` or an
    urusan code of the cycle's items (see ``sektoral_report_list``).
    An empty text restores the generated narrative.

    :param cycle: id or code of the cycle
    :type cycle: string
    :param chapter: chapter key
    :type chapter: string
    :param text: the narrative (paragraphs separated by a blank line)
    :type text: string

    Example::

        ckanapi action sektoral_report_narrative_update cycle=2026-S1 chapter=2.09 text="Pangan"
    """
    tk.check_access("sektoral_report_narrative_update", context, data_dict)
    cycle = _cycle(data_dict)
    chapter = data_dict["chapter"]
    if chapter not in {c["key"] for c in report_mod.chapters(cycle.id)}:
        raise tk.ValidationError({"chapter": [tk._(
            "No such chapter in this cycle's report")]})
    result = report_mod.set_narrative(cycle.id, chapter, data_dict["text"],
                                      context.get("user") or "")
    service.commit(context)
    return result


def _item_package(data_dict: DataDict) -> str:
    pkg = model.Package.get(data_dict["id"])
    if pkg is None or pkg.state == "deleted":
        raise tk.ObjectNotFound(tk._("Dataset not found"))
    if model.Session.get(Item, pkg.id) is None:
        raise tk.ValidationError({"id": [tk._(
            "This dataset is not an item of a cycle's data list")]})
    return pkg.id


@tk.validate_action_data(schema.sektoral_id_schema)
def sektoral_analysis_run(context: Context, data_dict: DataDict
                          ) -> contracts.AnalysisStarted:
    """Analyse a dataset's data files again (background job): rows,
    missing values and BPS symbols per field, min/max/mean/sum, breakdowns
    by region and year, year-over-year change and suspicious values. It
    also runs by itself when the Kasie accepts a dataset.

    :param id: id or name of the dataset
    :type id: string
    :returns: ``package_id`` and ``job_id``

    Example::

        ckanapi action sektoral_analysis_run id=jumlah-penduduk-menurut-kabupaten-kota
    """
    tk.check_access("sektoral_analysis_run", context, data_dict)
    package_id = _item_package(data_dict)
    job = analysis_job.enqueue(package_id)
    return {"package_id": package_id, "job_id": _job_id(job)}


@tk.validate_action_data(schema.sektoral_id_schema)
@tk.side_effect_free
def sektoral_analysis_show(context: Context, data_dict: DataDict
                           ) -> Optional[contracts.AnalysisRecord]:
    """The stored analysis of a dataset (None if it never ran):
    ``status`` (``ok``, ``no_data``, ``failed``), ``threshold`` and
    ``result.files[]`` each with the ``analysis`` of one data file.

    :param id: id or name of the dataset
    :type id: string

    Example::

        ckanapi action sektoral_analysis_show id=jumlah-penduduk-menurut-kabupaten-kota
    """
    tk.check_access("sektoral_analysis_show", context, data_dict)
    package_id = _item_package(data_dict)
    row = analysis_job.get(package_id)
    return row.as_dict() if row else None
