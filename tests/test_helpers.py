"""Date helpers: the UI language and the portal's time zone."""
from __future__ import annotations

import datetime as dt

import pytest

from ckanext.sektoral import helpers


@pytest.mark.ckan_config("ckan.display_timezone", "Asia/Jayapura")
@pytest.mark.parametrize("lang, expected", [
    ("id", "2 Des 2026 07.05.09"),
    ("en", "Dec 2, 2026, 7:05:09\u202fAM"),
])
@pytest.mark.parametrize("value", [
    dt.datetime(2026, 12, 1, 22, 5, 9),            # naive: UTC, as stored
    "2026-12-01T22:05:09",                          # ISO from an action
    dt.datetime(2026, 12, 1, 22, 5, 9, tzinfo=dt.timezone.utc),
])
def test_datetime_in_ui_language_and_display_timezone(app, lang, expected,
                                                      value):
    with app.flask_app.test_request_context(
            environ_overrides={"CKAN_LANG": lang}):
        assert helpers.sektoral_datetime(value) == expected


def test_datetime_empty(app):
    with app.flask_app.test_request_context():
        assert helpers.sektoral_datetime(None) == ""
        assert helpers.sektoral_datetime("") == ""


@pytest.mark.parametrize("lang, expected", [
    ("id", "1 Desember 2026"), ("en", "December 1, 2026")])
def test_date_in_ui_language(app, lang, expected):
    with app.flask_app.test_request_context(
            environ_overrides={"CKAN_LANG": lang}):
        assert helpers.sektoral_date("2026-12-01") == expected
        assert helpers.sektoral_date(dt.datetime(2026, 12, 1, 9)) == expected


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_the_portals_dataset_is_data_sektoral(app):
    """Every "Add Dataset" opens the SDI form; the data-sektoral search is
    worded as CKAN words datasets (not "Data-sektorals"); /dataset/ still
    lists every type."""
    from ckan.tests import factories
    from tests.factories import organization, sektoral_dataset
    sysadmin = factories.Sysadmin()
    org = organization(sysadmin)
    dataset = sektoral_dataset(sysadmin, org, private=False)
    headers = {"Authorization":
               factories.APIToken(user=sysadmin["name"])["token"]}
    for path in ("/dataset/", "/data-sektoral/", f"/organization/{org['name']}",
                 "/dashboard/datasets"):
        body = app.get(path, headers=headers).body
        assert 'href="/data-sektoral/new' in body, path
        assert 'href="/dataset/new' not in body, path
        assert "Tambah Dataset" in body, path
    for path in ("/dataset/", "/data-sektoral/"):
        body = app.get(path, headers=headers).body
        assert "1 dataset ditemukan" in body and dataset["title"] in body
    assert "<title>Dataset - " in body
    assert "ektorals" not in body and "Data-sektoral" not in body


# -- the workflow's vocabulary --------------------------------------------------

def test_vocabulary_for_templates(app):
    from ckanext.sektoral.core.stages import Stage

    with app.flask_app.test_request_context(
            environ_overrides={"CKAN_LANG": "en"}):
        vocab = helpers.sektoral_vocabulary()
    assert vocab["stage"]["APPROVED"] == Stage.APPROVED.value
    assert vocab["stages"] == [s.value for s in Stage]
    assert vocab["sets"]["submittable"] == [Stage.REQUESTED.value,
                                            Stage.RETURNED.value]
    assert Stage.PLANNED.value not in vocab["sets"]["requested_onwards"]
    assert sorted(vocab["steps"]) == [1, 2, 3, 4, 5, 6]
    assert vocab["steps"][5] == {
        "number": 5, "name": "Check and approval",
        "actors": ["Head of division (Kabid)", "Head of agency (Kadis)"]}


@pytest.mark.ckan_config("ckanext.sektoral.approval.checker", "")
@pytest.mark.ckan_config("ckanext.sektoral.approval.approver", "kabid")
def test_vocabulary_steps_follow_the_configured_chain(app):
    """The steps table said "Kabid and Kadis check and approve" whatever
    the chain; with the Kabid approving alone, the Kadis is not named."""
    with app.flask_app.test_request_context(
            environ_overrides={"CKAN_LANG": "id"}):
        vocab = helpers.sektoral_vocabulary()
    assert vocab["steps"][5] == {
        "number": 5, "name": "Pemeriksaan dan persetujuan",
        "actors": ["Kepala Bidang (Kabid)"]}
    assert vocab["steps"][2]["actors"] == ["OPD produsen data",
                                           "Kepala Seksi (Kasie)"]
