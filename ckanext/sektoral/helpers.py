"""Template helpers of ckanext-sektoral (registered by ``tk.blanket.helpers``)."""
from __future__ import annotations

from typing import Any, Optional

from ckanext.sektoral import codes

__all__: list[str] = [
    "sektoral_code_choices",
    "sektoral_code_label",
    "sektoral_stage_label",
    "sektoral_date",
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
        import ckan.plugins.toolkit as tk
        try:
            lang = tk.h.lang()
        except Exception:  # outside a request
            lang = None
    return codes.load(list_name).label(value, lang)


def _ui_lang() -> Optional[str]:
    import ckan.plugins.toolkit as tk
    try:
        return tk.h.lang()
    except Exception:  # outside a request
        return None


def sektoral_stage_label(stage: str) -> str:
    """Translated label of a stored stage value (the value if unknown)."""
    import ckan.plugins.toolkit as tk
    from ckanext.sektoral.workflow.stages import Stage
    try:
        return tk._(Stage(stage).label)
    except ValueError:
        return stage


def sektoral_date(value: Any, fmt: str = "long") -> str:
    """A date (``date``, ``datetime`` or ISO string) in the UI language:
    ``25 November 2026`` in Indonesian."""
    import datetime as dt
    from babel.dates import format_date
    if not value:
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime):
        value = value.date()
    return format_date(value, format=fmt, locale=_ui_lang() or "id")
