"""Typed getters for the options declared in config_declaration.yaml."""
from __future__ import annotations

import ckan.plugins.toolkit as tk


def search_text_config() -> str:
    """PostgreSQL text search configuration of the search backend."""
    return tk.config["ckanext.sektoral.search.text_config"]


def search_max_rows() -> int:
    """Largest number of rows the search backend returns for one query."""
    return tk.config["ckanext.sektoral.search.max_rows"]


def codes_path() -> str:
    """Directory overriding shipped code lists per file ("" = none)."""
    return tk.config.get("ckanext.sektoral.codes_path") or ""


def kode_wilayah() -> str:
    """Kemendagri code of the region served (default ``82``)."""
    return str(tk.config.get("ckanext.sektoral.kode_wilayah") or "82")


def cakupan() -> str:
    """Configured default coverage text ("" = derive from kode_wilayah)."""
    return tk.config.get("ckanext.sektoral.cakupan") or ""
