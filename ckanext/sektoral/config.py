"""Typed getters for the options declared in config_declaration.yaml."""
from __future__ import annotations

import ckan.plugins.toolkit as tk


def search_text_config() -> str:
    """PostgreSQL text search configuration of the search backend."""
    return tk.config["ckanext.sektoral.search.text_config"]


def search_max_rows() -> int:
    """Largest number of rows the search backend returns for one query."""
    return tk.config["ckanext.sektoral.search.max_rows"]
