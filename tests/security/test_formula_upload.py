"""A data file whose Table Schema names a column like a formula is refused
at upload, with the column named (audit hole 6)."""
from __future__ import annotations

import io
import json

import pytest

from ckan import model

from tests.inbox.helpers import cycle, headers, item, people

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index", "clean_queues")

EVIL = '=HYPERLINK("http://evil.example/","Klik")'


def test_upload_with_a_formula_column_name_is_refused(app):
    p = people()
    cycle(p)
    pkg = item(p, p["org"], "Data Berbahaya")
    schema = {"fields": [{"name": "kode", "type": "string"},
                         {"name": EVIL, "type": "integer"}]}
    content = ('kode,"' + EVIL.replace('"', '""') + '"\n8271,5\n').encode()
    response = app.post("/api/3/action/resource_create", data={
        "package_id": pkg["id"], "name": "data.csv", "format": "CSV",
        "jenis_berkas": "data", "schema": json.dumps(schema),
        "upload": (io.BytesIO(content), "data.csv"),
    }, headers=headers(p["producer"]), status=None)
    assert response.status_code == 409, response.json
    message = json.dumps(response.json["error"], ensure_ascii=False)
    assert "Kolom 2" in message and "rumus" in message, message
    model.Session.remove()
    assert model.Package.get(pkg["id"]).resources == []
