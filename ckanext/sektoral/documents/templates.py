"""Excel data-entry template of an item, from its Table Schema."""
from __future__ import annotations

from typing import Any, Optional

from ckan import model

from ckanext.sektoral.core import tables
from ckanext.sektoral.documents import store
from ckanext.sektoral.documents.excel import template_workbook
from ckanext.sektoral.model import Item


def schema_for(pkg: dict[str, Any]) -> Optional[dict[str, Any]]:
    """The schema of the item's first data file, else its template's."""
    for res in pkg.get("resources") or []:
        if res.get("jenis_berkas") not in (None, "", "data"):
            continue
        schema = store.resource_schema(res)
        if schema:
            return schema
    item = model.Session.get(Item, pkg.get("id"))
    if item is not None and item.template:
        try:
            return tables.load(item.template)
        except Exception:
            return None
    return None


def workbook(pkg: dict[str, Any]) -> Optional[bytes]:
    schema = schema_for(pkg)
    if schema is None:
        return None
    notes = " ".join(x for x in (pkg.get("konsep") or "",
                                 pkg.get("definisi") or "") if x)
    return template_workbook(schema, title=pkg.get("title") or "",
                             unit=pkg.get("satuan") or "", notes=notes)
