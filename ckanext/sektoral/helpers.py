"""Template helpers of ckanext-sektoral (registered by ``tk.blanket.helpers``)."""
from __future__ import annotations

from typing import Any, Optional

import ckan.plugins.toolkit as tk

from ckanext.sektoral import clock, config

from ckanext.sektoral.core import codes, formatting, stages
from ckanext.sektoral.core.stages import Stage
from ckanext.sektoral.datafile import hooks as datafile_hooks
from ckanext.sektoral import lang as sektoral_lang
from ckanext.sektoral.logic import permissions, service

__all__: list[str] = [
    "sektoral_code_choices",
    "sektoral_code_label",
    "sektoral_stage_label",
    "sektoral_date",
    "sektoral_datetime",
    "sektoral_transition_label",
    "sektoral_vocabulary",
    "sektoral_nav_items",
    "humanize_entity_type",
    "sektoral_validation_problems",
    "get_validation_badge",
]


def sektoral_code_choices(field: dict[str, Any]) -> list[dict[str, Any]]:
    """Scheming ``choices_helper``: the choices of the code list named by
    the field's ``sektoral_codes`` key (labels as ``{lang: text}``).

    With ``sektoral_choice_label: code`` the label is prefixed with the
    code (``1.01 Pendidikan``), handy for numbered lists.
    """
    code_list = codes.load(field["sektoral_codes"])
    choices = code_list.choices()
    if field.get("sektoral_choice_label") == "code":
        for choice in choices:
            labels = choice["label"]
            if isinstance(labels, dict):
                choice["label"] = {
                    lang: f"{choice['value']} {text}"
                    for lang, text in labels.items()
                }
    return choices


def sektoral_code_label(list_name: str, value: str,
                        lang: Optional[str] = None) -> str:
    """Label of ``value`` in code list ``list_name`` (UI language by
    default; the value itself when unknown)."""
    if lang is None:
        lang = sektoral_lang.current()
    return codes.load(list_name).label(value, lang)


def _ui_lang() -> str:
    return sektoral_lang.current()


def sektoral_stage_label(stage: str) -> str:
    """Translated label of a stored stage value (the value if unknown)."""
    try:
        return tk._(Stage(stage).label)
    except ValueError:
        return stage


def sektoral_date(value: Any, fmt: str = "long") -> str:
    """A date (``date``, ``datetime`` or ISO string) in the UI language:
    ``25 November 2026`` in Indonesian."""
    return formatting.date(value, _ui_lang(), fmt)


def sektoral_datetime(value: Any) -> str:
    """A moment (``datetime`` or ISO string, naive means UTC as CKAN
    stores it) in the portal's time zone and the UI language, e.g.
    ``25 Nov 2026 14.05.09`` in Indonesian."""
    import datetime as dt

    if not value:
        return ""
    moment = (dt.datetime.fromisoformat(value) if isinstance(value, str)
              else value)
    return formatting.datetime(moment, clock.timezone(), _ui_lang())


def sektoral_transition_label(name: str) -> str:
    """Translated button label of a workflow step (``accept`` -> Terima)."""
    table = stages.transitions(config.approval_chain())
    if name in table and table[name].label:
        return tk._(table[name].label)
    return name


def sektoral_vocabulary() -> dict[str, Any]:
    """The workflow's vocabulary for templates, from
    ``core/stages.py`` under the configured approval chain (templates
    never write a stage value, a set of stages or a step name):

    * ``stage``: the stored value of each stage by its name
      (``vocab.stage.APPROVED``);
    * ``stages``: every stage value in SOP order (withdrawn last);
    * ``sets``: the named sets of stages, as values in SOP order
      (``submittable``, ``requested_onwards``, ``accepted``, ``approved``,
      ``public``, ``after_publication``);
    * ``steps``: by number, ``{"number", "name", "actors"}``: the SOP
      step's name and who acts in it (as configured), translated.
    """
    chain = config.approval_chain()
    sets = {
        "submittable": stages.SUBMITTABLE,
        "requested_onwards": stages.REQUESTED_ONWARDS,
        "accepted": stages.ACCEPTED_STAGES,
        "approved": stages.APPROVED_STAGES,
        "public": stages.PUBLIC_STAGES,
        "after_publication": stages.AFTER_PUBLICATION,
    }
    return {
        "stage": {s.name: s.value for s in Stage},
        "stages": [s.value for s in Stage],
        "sets": {name: [s.value for s in stages.ordered(members)]
                 for name, members in sets.items()},
        "steps": {n: {"number": n, "name": tk._(stages.STEP_NAMES[n]),
                      "actors": [stages.actor_label(a, tk._)
                                 for a in stages.step_actors(n, chain)]}
                  for n in stages.STEPS},
    }


def sektoral_nav_items() -> list[tuple[str, str]]:
    """(endpoint, label) of the extension's main-menu entries for the
    current user: the Walidata workspace for Walidata positions (and
    sysadmins), the inbox for OPD producers, the public statistics for
    everyone."""
    user = tk.g.get("user") if hasattr(tk.g, "get") else getattr(tk.g, "user", None)
    items: list[tuple[str, str]] = [
        ("sektoral_public.cycle_list", tk._("Sectoral statistics"))]
    if user and permissions.may_read_all_items(user):
        items.append(("sektoral_workspace.index", tk._("Workspace")))
    if user and permissions.is_some_producer(user):
        items.append(("sektoral_opd.inbox", tk._("Data requests")))
    return [(endpoint, label) for endpoint, label in items
            if _endpoint_exists(endpoint)]


def _endpoint_exists(endpoint: str) -> bool:
    from flask import current_app
    return endpoint in current_app.view_functions


@tk.chained_helper
def humanize_entity_type(next_helper: Any, entity_type: str,
                         object_type: str, purpose: str) -> Optional[str]:
    """CKAN's wording of a dataset type. ``data-sektoral`` is the portal's
    dataset (every "Add Dataset" opens its form): CKAN's own, translated
    dataset texts ("Tambah Dataset", "8 dataset ditemukan"), not ones
    built from the type name ("Add Data-sektoral", "Data-sektorals")."""
    if entity_type == "package" and object_type == "data-sektoral":
        return None
    return next_helper(entity_type, object_type, purpose)


def sektoral_validation_problems(record: Optional[dict[str, Any]],
                                 resource: Optional[dict[str, Any]] = None,
                                 per_kind: int = 10) -> list[dict[str, Any]]:
    """The problems of a validation record explained in the language of
    the page: ``[{"text", "row", "column"}]`` (see
    ``ckanext.sektoral.datafile``)."""
    return datafile_hooks.explained(record, resource, per_kind)


@tk.chained_helper
def get_validation_badge(next_helper: Any, resource: dict[str, Any],
                         in_listing: bool = False) -> str:
    """ckanext-validation's badge, for the data files of an item: words
    in the language of the page and a link to the readable report
    (upstream's page needs the dataset id and renders the report with a
    script). Other resources keep upstream's badge."""
    from markupsafe import escape

    status = resource.get("validation_status")
    package_id = resource.get("package_id")
    if not status or not package_id or service.get_item(package_id) is None:
        return next_helper(resource, in_listing)
    labels = {"success": tk._("Valid"), "failure": tk._("Invalid"),
              "error": tk._("Could not be validated")}
    label = labels.get(status, tk._("Not validated"))
    url = tk.h.url_for("sektoral_opd.validation", package_id=package_id,
                       resource_id=resource["id"])
    return ('<a href="%s" class="validation-badge sektoral-validation-badge" '
            'data-status="%s">%s: %s</a>') % (
                escape(url), escape(status), escape(tk._("Data")),
                escape(label))
