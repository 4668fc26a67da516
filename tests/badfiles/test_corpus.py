"""Every bad file of the corpus, uploaded as the producer does it (Action
API and the resource web form): no 5xx anywhere, the upload kept unless
it is refused at the door, an Indonesian message naming the problem, and a
submit that passes only for a really complete file."""
from __future__ import annotations

import html as htmllib
import io
import re

import pytest

from tests.badfiles.corpus import CASES, SIZE_LIMIT_MB, Case
from tests.factories import ItemFactory, call_as, run_jobs
from tests.inbox import helpers as ih

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index",
                                     "clean_queues")

#: A report page is short, whatever the file (a 1 MB cell, 2,000 columns).
MAX_PAGE = 200_000


@pytest.fixture
def storage(ckan_config, monkeypatch, tmp_path):
    monkeypatch.setitem(ckan_config, "ckan.storage_path", str(tmp_path))
    monkeypatch.setitem(ckan_config, "ckan.max_resource_size", SIZE_LIMIT_MB)
    return tmp_path


def _text(response) -> str:
    page = response.get_data(as_text=True)
    page = re.sub(r"<script.*?</script>", " ", page, flags=re.S)
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _assert_names_problem(text: str, case: Case) -> None:
    for expected in case.expect_id:
        assert expected.lower() in text.lower(), (case.name, expected, text[:3000])
    assert "/tmp/" not in text and "storage" not in text.lower()


def _item(p, case: Case):
    return ItemFactory(user=p["staf"], cycle="2026-S1",
                       owner_org=p["org"]["name"], title="Data " + case.name,
                       template=case.template, moves=[("request", p["staf"])],
                       **ih.METADATA)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_file(app, storage, case):
    p = ih.people()
    ih.cycle(p)
    pkg = _item(p, case)
    data = case.build()
    auth = ih.headers(p["producer"])

    # 1. the Action API
    api = app.post("/api/3/action/resource_create", data={
        "package_id": pkg["id"], "name": case.filename, "format": case.fmt,
        "jenis_berkas": "data", "upload": (io.BytesIO(data), case.filename),
    }, headers=auth)
    assert api.status_code < 500, (case.name, api.status_code)
    # 2. the resource web form (same file, a second resource)
    form = app.post(f"/data-sektoral/{pkg['id']}/resource/new", data={
        "id": "", "save": "go-metadata", "name": case.filename,
        "format": case.fmt, "url": "", "jenis_berkas": "data",
        "upload": (io.BytesIO(data), case.filename),
    }, headers=auth, follow_redirects=False)
    assert form.status_code < 500, (case.name, form.status_code)
    resources = call_as(p["producer"], "package_show",
                        id=pkg["id"])["resources"]

    if case.outcome == "door":
        assert api.status_code == 409
        message = " ".join(api.json["error"]["upload"])
        _assert_names_problem(message, case)
        assert form.status_code == 200  # the form again, with the message
        _assert_names_problem(_text(form), case)
        assert resources == []  # refused at the door: nothing stored
    else:
        assert api.json["success"], api.json
        assert form.status_code == 302, _text(form)[:2000]
        assert len(resources) == 2  # the upload is kept
        run_jobs()

    # 3. the item page and the report, producer and Kasie, both languages
    for role in ("producer", "kasie"):
        client = ih.session(app, p[role])
        for lang in ("", "/en"):
            page = client.get(f"{lang}/sektoral/inbox/{pkg['name']}")
            assert page.status_code == 200, (case.name, role, lang)
        for res in resources:
            report = client.get(
                f"/sektoral/inbox/{pkg['name']}/validation/{res['id']}")
            assert report.status_code == 200, (case.name, role)
            assert len(report.get_data()) < MAX_PAGE
            if case.outcome == "invalid":
                _assert_names_problem(_text(report), case)
            english = client.get(
                f"/en/sektoral/inbox/{pkg['name']}/validation/{res['id']}")
            assert english.status_code == 200

    # 4. the gate: only a complete file can be submitted
    submit = app.post("/api/3/action/sektoral_submit",
                      json={"id": pkg["id"]}, headers=auth)
    assert submit.status_code < 500
    if case.outcome == "valid":
        assert submit.json["success"], submit.json
    else:
        assert submit.status_code == 409, submit.json
        stage = call_as(p["producer"], "package_show",
                        id=pkg["id"])["sektoral"]["stage"]
        assert stage == "diminta"
