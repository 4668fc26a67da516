"""sektoral_bulk_transition: many items, all or nothing, per-item auth."""
from __future__ import annotations

import pytest

from ckan import model

from ckanext.sektoral.model import Item, Transition
from tests.logic.test_workflow_api import METADATA, people  # noqa: F401

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index", "clean_queues")


def _items(staf, org, n):
    staf("sektoral_cycle_create", code="2026-S1", title="Siklus Semester I 2026",
         start_date="2026-01-05")
    return [staf("sektoral_item_create", cycle="2026-S1", owner_org=org["name"],
                 title=f"Data {i}", **METADATA)["id"] for i in range(n)]


def _stages(ids):
    model.Session.expire_all()
    return [model.Session.get(Item, i).stage for i in ids]


def test_bulk_request_moves_every_item_of_the_cycle(people):  # noqa: F811
    api, org = people
    ids = _items(api["staf"], org, 3)
    result = api["staf"]("sektoral_bulk_transition", transition="request",
                         cycle="2026-S1")
    assert result["count"] == 3
    assert _stages(ids) == ["diminta"] * 3
    assert model.Session.query(Transition).filter(
        Transition.transition == "request").count() == 3


def test_one_refusal_moves_nothing_and_names_the_dataset(people):  # noqa: F811
    api, org = people
    ids = _items(api["staf"], org, 3)
    api["staf"]("sektoral_request", id=ids[1])  # already requested
    error = api["staf"].error("sektoral_bulk_transition", 409,
                              transition="request", ids=ids)
    assert error["dataset"] == ["Data 1"]
    assert "stage" in error
    assert _stages(ids) == ["direncanakan", "diminta", "direncanakan"]
    assert model.Session.query(Transition).filter(
        Transition.transition == "request").count() == 1


def test_who_may_and_may_not_bulk(people):  # noqa: F811
    api, org = people
    ids = _items(api["staf"], org, 2)
    # the Kasie does not send requests; the OPD and anonymous users neither
    for role in ("kasie", "opd", "other_opd", "anon"):
        api[role].error("sektoral_bulk_transition", 403, transition="request",
                        ids=ids)
    assert _stages(ids) == ["direncanakan"] * 2
    api["staf"]("sektoral_bulk_transition", transition="request", ids=ids)
    assert _stages(ids) == ["diminta"] * 2


def test_nothing_waiting_is_an_error_naming_ids(people):  # noqa: F811
    api, org = people
    _items(api["staf"], org, 1)
    error = api["kasie"].error("sektoral_bulk_transition", 409,
                               transition="accept", cycle="2026-S1")
    assert "ids" in error
    error = api["staf"].error("sektoral_bulk_transition", 409,
                              transition="explode", cycle="2026-S1")
    assert "transition" in error


def test_data_file_of_an_item_gets_its_template_schema(people, app):  # noqa: F811
    """A producer uploading through the plain resource form (no schema
    field filled) is validated against the item's template."""
    import io
    from tests.logic.test_workflow_api import VALID_CSV
    from tests.factories import run_jobs
    api, org = people
    api["staf"]("sektoral_cycle_create", code="2026-S1", title="S1",
                start_date="2026-01-05")
    item = api["staf"]("sektoral_item_create", cycle="2026-S1",
                       owner_org=org["name"], title="Penduduk",
                       template="kabupaten_kota_tahunan", **METADATA)
    resource = api["opd"].raw(
        "resource_create",
        files={"upload": (io.BytesIO(VALID_CSV), "penduduk.csv")},
        package_id=item["name"], name="penduduk.csv", format="CSV",
        jenis_berkas="data").json  # by name, as the web form does
    assert resource["success"], resource
    assert "kode_kabupaten_kota" in str(resource["result"]["schema"])
    run_jobs()
    assert api["opd"]("sektoral_completeness", id=item["id"])["complete"]
    # A supporting document is not a data file: no schema is imposed.
    other = api["opd"].raw(
        "resource_create",
        files={"upload": (io.BytesIO(b"%PDF-1.4"), "metode.pdf")},
        package_id=item["id"], name="metode.pdf", format="PDF",
        jenis_berkas="metadata_variabel").json
    assert other["success"], other
    assert not other["result"].get("schema")
