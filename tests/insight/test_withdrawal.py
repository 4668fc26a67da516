"""Withdrawal: the page and its notice stay, the data is no longer served
(410 with the notice), the files stay stored and are served again once a
revision is published; DCAT and the national-portal push say so."""
from __future__ import annotations

import json
import os
from typing import Any

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from ckanext.sektoral.datafile import files as datafiles
from ckanext.sektoral.insight import tabledata
from ckanext.sektoral.publication import remote, service
from tests.factories import call_as

pytestmark = pytest.mark.usefixtures("with_plugins_module")

NOTE = "Angka produksi 2024 salah hitung; jangan dipakai"


def _pkg(seeded: dict[str, Any]) -> dict[str, Any]:
    return helpers.call_action("package_show", id=seeded["items"]["A1"])


def _data_urls(pkg: dict[str, Any]) -> list[str]:
    resource = tabledata.validated_resource(pkg)
    name = pkg["name"]
    return [f"/dataset/{name}/download/csv", f"/dataset/{name}/download/xlsx",
            f"/dataset/{name}/download/datapackage",
            f"/dataset/{name}/chart-data.json",
            f"/dataset/{pkg['id']}/resource/{resource['id']}/download/data.csv"]


def test_withdrawn_data_answers_410_until_a_revision_is_published(seeded,
                                                                  app):
    users = seeded["users"]
    pkg = _pkg(seeded)
    urls = _data_urls(pkg)
    before = {url: app.get(url) for url in urls}
    assert {r.status_code for r in before.values()} == {200}
    chart = json.loads(before[urls[3]].get_data(as_text=True))
    assert chart["available"] is True and chart["by_year"]
    path = datafiles.resource_path(tabledata.validated_resource(pkg))

    call_as(users["staf"], "sektoral_withdraw", id=pkg["id"], note=NOTE)

    # the page and its notice stay
    page = app.get(f"/dataset/{pkg['name']}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert NOTE in html and "sektoral-notice--withdrawn" in html
    # no download links, no charts: the notice instead
    assert "/download/csv" not in html
    assert 'class="sektoral-chart"' not in html
    # every data download and the chart series: 410 with the notice
    for url in urls:
        response = app.get(url)
        assert response.status_code == 410, url
        assert NOTE in response.get_data(as_text=True), url
    gone = json.loads(app.get(urls[3]).get_data(as_text=True))
    assert gone["withdrawn"] is True and "by_year" not in gone
    assert gone["notice"]["note"] == NOTE
    # the API: no series either
    data = helpers.call_action("sektoral_chart_data", {"user": ""},
                               id=pkg["id"])
    assert data["available"] is False and data["withdrawn"] is True
    assert NOTE in data["reason"] and "by_year" not in data
    # the file stays stored
    assert os.path.exists(path)

    # DCAT carries the withdrawal, without the data distributions
    doc = json.loads(app.get(f"/dataset/{pkg['name']}.jsonld").get_data(
        as_text=True))
    assert doc["adms:status"]["@id"].endswith("/WITHDRAWN")
    assert doc["creativeWorkStatus"] == "Withdrawn"
    assert NOTE in doc["sektoral:withdrawalNotice"]
    assert NOTE in doc["description"]
    assert not any("/download/" in d["contentUrl"]
                   for d in doc.get("distribution", []))
    catalog = json.loads(app.get("/catalog.jsonld").get_data(as_text=True))
    entry = next(d for d in catalog["dataset"]
                 if d["identifier"] == pkg["id"])
    assert entry["creativeWorkStatus"] == "Withdrawn"

    # the national-portal push carries it too
    cfg = remote.PortalConfig(url="http://portal.test", api_token="",
                              organization_map={},
                              default_organization="pemda", name_prefix="",
                              retries=0, timeout=5)
    pushed = remote.remote_dataset(_pkg(seeded), cfg, None,
                                   service.notice_for(pkg["id"]))
    extras = {e["key"]: e["value"] for e in pushed["extras"]}
    assert pushed["private"] is True
    assert extras["sektoral_status"] == "withdrawn"
    assert NOTE in extras["sektoral_withdrawal_notice"]
    assert NOTE in pushed["notes"]

    # A withdrawn dataset is never withdrawn twice or edited; a logged
    # revision (reopen, check, approve, publish) brings the data back.
    # refused: by the auth function or by the action's stage check
    with pytest.raises((tk.NotAuthorized, tk.ValidationError)):
        call_as(users["staf"], "sektoral_withdraw", id=pkg["id"], note="x")
    call_as(users["staf"], "sektoral_reopen", id=pkg["id"],
            note="Angka 2024 dihitung ulang")
    for url in urls:  # still withdrawn while the revision is under way
        assert app.get(url).status_code == 410, url
    call_as(users["kabid"], "sektoral_check", id=pkg["id"])
    call_as(users["kadis"], "sektoral_approve", id=pkg["id"])
    call_as(users["staf"], "sektoral_publish", id=pkg["id"])
    for url in urls:
        assert app.get(url).status_code == 200, url
    assert service.withdrawal_notice(pkg["id"]) is None
    assert service.notice_for(pkg["id"])["state"] == "revised"
    doc = json.loads(app.get(f"/dataset/{pkg['name']}.jsonld").get_data(
        as_text=True))
    assert "adms:status" not in doc
    pushed = remote.remote_dataset(_pkg(seeded), cfg, None,
                                   service.notice_for(pkg["id"]))
    assert pushed["private"] is False
