"""Typed getters of the options this backend declares itself
(``search/config_declaration.yaml``, loaded by the ``sektoral_pgsearch``
plugin). The backend reads nothing of the product's configuration: it
could be published as a package of its own.
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk

def text_config() -> str:
    """``ckanext.sektoral.search.text_config``: PostgreSQL text search
    configuration of the full-text column."""
    return tk.config["ckanext.sektoral.search.text_config"]


def max_rows() -> int:
    """``ckanext.sektoral.search.max_rows``: largest number of rows one
    query returns."""
    return tk.config["ckanext.sektoral.search.max_rows"]
