"""Action ``sektoral_inbox``: who may call it, what it returns, and a query
count that does not grow with the number of items."""
from __future__ import annotations

import time

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from tests.factories import CycleFactory, call_as
from tests.inbox import helpers as ih

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index",
                                     "clean_queues")


@pytest.fixture
def setup():
    p = ih.people()
    p["cycle"] = ih.cycle(p)
    p["requested"] = ih.item(p, p["org"], "Jumlah Penduduk")
    p["planned"] = ih.item(p, p["org"], "Data Direncanakan", request=False)
    p["foreign"] = ih.item(p, p["other_org"], "Jumlah Kapal")
    return p


def titles(result):
    return sorted(i["title"] for i in result["items"])


def test_producer_sees_only_own_opd_items(setup):
    p = setup
    result = call_as(p["producer"], "sektoral_inbox")
    # Not requested yet: not in the inbox.
    assert titles(result) == ["Jumlah Penduduk"]
    assert [o["id"] for o in result["organizations"]] == [p["org"]["id"]]
    assert [c["code"] for c in result["cycles"]] == ["2026-S1"]
    first = result["items"][0]
    # Requested (to act on) comes first; status fields as package_show.
    assert first["title"] == "Jumlah Penduduk" and first["actionable"]
    shown = call_as(p["producer"], "package_show", id=p["requested"]["id"])
    for key in ("stage", "due", "working_days_left", "late", "version",
                "times_returned", "cycle"):
        assert first[key] == shown["sektoral"][key], key
    assert call_as(p["other"], "sektoral_inbox")["count"] == 1


def test_filters(setup):
    p = setup
    call_as(p["staf"], "sektoral_request", id=p["planned"]["id"])
    assert titles(call_as(p["producer"], "sektoral_inbox",
                          stage="diminta")) == ["Data Direncanakan",
                                                "Jumlah Penduduk"]
    assert titles(call_as(p["producer"], "sektoral_inbox",
                          stage="dikembalikan")) == []
    result = call_as(p["producer"], "sektoral_inbox", cycle="2026-S1",
                     late=False)
    assert titles(result) == ["Data Direncanakan", "Jumlah Penduduk"]
    assert result["stages"] == {"diminta": 2}
    assert call_as(p["producer"], "sektoral_inbox", late=True)["count"] == 0
    with pytest.raises(tk.ValidationError) as err:
        call_as(p["producer"], "sektoral_inbox", cycle="NOPE")
    assert "cycle" in err.value.error_dict
    for wrong in ("nonsense", "direncanakan"):
        with pytest.raises(tk.ValidationError) as err:
            call_as(p["producer"], "sektoral_inbox", stage=wrong)
        assert "stage" in err.value.error_dict


def test_latest_return_note(setup, app):
    p = setup
    cycle_id = CycleFactory(user=p["staf"], code="R-1", title="R",
                            start_date="2026-07-01")["id"]
    ih.bulk_items(p["org"]["id"], cycle_id, 2)
    result = call_as(p["producer"], "sektoral_inbox", cycle="R-1",
                     stage="dikembalikan")
    assert result["count"] == 1
    assert result["items"][0]["return_note"]["note"] == "Lengkapi definisi 0"


def test_who_may_call_it(setup):
    p = setup
    # Anonymous: no.
    with pytest.raises(tk.NotAuthorized):
        helpers.call_auth("sektoral_inbox", {"user": ""})
    # A logged-in user of no OPD: yes, and sees nothing.
    assert call_as(p["nobody"], "sektoral_inbox")["items"] == []
    # Another OPD's organization: only the Walidata and sysadmins.
    for who in ("other", "nobody"):
        with pytest.raises(tk.NotAuthorized):
            call_as(p[who], "sektoral_inbox", organization=p["org"]["name"])
    for who in ("sysadmin", "staf", "kasie", "producer"):
        result = call_as(p[who], "sektoral_inbox",
                         organization=p["org"]["name"])
        assert titles(result) == ["Jumlah Penduduk"], who


def _inbox_queries(user, **data):
    with ih.CountQueries() as counter:
        result = call_as(user, "sektoral_inbox", **data)
    return counter.count, result


def test_query_count_does_not_grow_with_items(setup):
    p = setup
    cycle_id = CycleFactory(user=p["staf"], code="Q-1", title="Q",
                            start_date="2026-07-01")["id"]
    ih.bulk_items(p["org"]["id"], cycle_id, 5)
    few, result = _inbox_queries(p["producer"], cycle="Q-1")
    assert result["count"] == 5
    ih.bulk_items(p["org"]["id"], cycle_id, 45)
    many, result = _inbox_queries(p["producer"], cycle="Q-1")
    assert result["count"] == 50
    # every second item of each batch was returned: 3 of 5, 23 of 45
    assert sum(1 for i in result["items"] if i["return_note"]) == 3 + 23
    print("sektoral_inbox: %s queries for 5 and %s for 50 items" % (few, many))
    assert many == few, (few, many)


def test_inbox_page_query_count_does_not_grow_with_items(setup, app):
    p = setup
    cycle_id = CycleFactory(user=p["staf"], code="Q-2", title="Q",
                            start_date="2026-07-01")["id"]
    client = ih.session(app, p["producer"])

    def page_queries():
        with ih.CountQueries() as counter:
            response = client.get("/sektoral/inbox?cycle=Q-2")
        assert response.status_code == 200
        return counter.count, response.get_data(as_text=True)

    ih.bulk_items(p["org"]["id"], cycle_id, 5)
    page_queries()  # warm-up: first request of the session
    few, html = page_queries()
    assert html.count('href="/sektoral/inbox/bulk-') == 5
    ih.bulk_items(p["org"]["id"], cycle_id, 45)
    many, html = page_queries()
    assert html.count('href="/sektoral/inbox/bulk-') == 50
    print("inbox page: %s queries for 5 and %s for 50 items" % (few, many))
    assert many == few, (few, many)


def test_inbox_page_is_fast_with_500_items(setup, app):
    p = setup
    cycle_id = CycleFactory(user=p["staf"], code="B-1", title="B",
                            start_date="2026-07-01")["id"]
    ih.bulk_items(p["org"]["id"], cycle_id, 500)
    client = ih.session(app, p["producer"])
    client.get("/sektoral/inbox")  # warm-up (templates compiled)
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        response = client.get("/sektoral/inbox")
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count('href="/sektoral/inbox/bulk-') == 500
    print("inbox page with 500 items: best %.3f s" % min(timings))
    assert min(timings) < 2.0, timings
