"""The declarative base of the plugin's tables: CKAN's ``tk.BaseModel``.

CKAN ships no type information, so the type checker sees ``tk.BaseModel``
as ``Any``; for it alone the base is a plain SQLAlchemy declarative base,
which lets SQLAlchemy's mypy plugin (enabled in pyproject.toml) read the
``Mapped[...]`` annotations of the models. At run time it is CKAN's base,
so the tables stay in CKAN's metadata.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import declarative_base

    BaseModel = declarative_base()
else:
    import ckan.plugins.toolkit as tk

    BaseModel = tk.BaseModel
