"""Template helpers of ckanext-sektoral (registered by ``tk.blanket.helpers``)."""
from __future__ import annotations

from typing import Any, Optional

from ckanext.sektoral import codes

__all__: list[str] = [
    "sektoral_code_choices",
    "sektoral_code_label",
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
