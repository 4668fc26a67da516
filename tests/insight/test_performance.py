"""OPD performance: every figure of a seeded cycle with known dates, who
may see it, the page and the CSV export."""
from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
import sqlalchemy as sa
from freezegun import freeze_time

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories, helpers

from tests.factories import call_as
from tests.insight.seed import (
    EXPECTED_A, EXPECTED_B, EXPECTED_EMPTY_B, EXPECTED_TOTAL, TODAY,
)

pytestmark = pytest.mark.usefixtures("with_plugins_module")

FIGURES = list(EXPECTED_A)


def _figures(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: entry[k] for k in FIGURES}


def test_every_figure_of_the_seeded_cycle(seeded):
    with freeze_time(TODAY):
        result = call_as(seeded["users"]["staf"], "sektoral_performance")
    assert [c["code"] for c in result["cycles"]] == ["PERF-1", "PERF-2"]
    perf1, perf2 = result["cycles"]
    assert perf1["submit_due"] == "2026-10-06"
    assert perf1["submit_due_passed"] is True
    orgs = {o["name"]: o for o in perf1["organizations"]}
    assert set(orgs) == {"opd-a", "opd-b"}
    assert _figures(orgs["opd-a"]) == EXPECTED_A
    assert _figures(orgs["opd-b"]) == EXPECTED_B
    assert _figures(perf1["totals"]) == EXPECTED_TOTAL
    assert orgs["opd-a"]["title"] == "Dinas A"
    # The second cycle: one item listed, nothing requested yet.
    assert [o["name"] for o in perf2["organizations"]] == ["opd-b"]
    assert _figures(perf2["organizations"][0]) == EXPECTED_EMPTY_B
    assert [o["name"] for o in result["organizations"]] == ["opd-a", "opd-b"]


def test_overdue_only_after_the_due_date(seeded):
    with freeze_time("2026-10-06 10:00:00"):  # 19:00 WIT on the due date
        result = call_as(seeded["users"]["kasie"], "sektoral_performance",
                         cycle="PERF-1")
    orgs = {o["name"]: o for o in result["cycles"][0]["organizations"]}
    assert orgs["opd-b"]["not_submitted"] == 1
    assert orgs["opd-b"]["overdue"] == 0


def test_filters_and_bad_input(seeded):
    staf = seeded["users"]["staf"]
    one = call_as(staf, "sektoral_performance", cycle="PERF-1",
                  owner_org="opd-b")
    assert [c["code"] for c in one["cycles"]] == ["PERF-1"]
    assert [o["name"] for o in one["cycles"][0]["organizations"]] == ["opd-b"]
    with pytest.raises(tk.ValidationError) as err:
        call_as(staf, "sektoral_performance", cycle="NOPE-9")
    assert "cycle" in err.value.error_dict
    with pytest.raises(tk.ValidationError) as err:
        call_as(staf, "sektoral_performance", owner_org="no-such-org")
    assert "owner_org" in err.value.error_dict


@pytest.mark.parametrize("role", ["staf", "kasie", "kabid", "kadis"])
def test_walidata_positions_may_see_it(seeded, role):
    result = call_as(seeded["users"][role], "sektoral_performance")
    assert result["cycles"]


@pytest.mark.parametrize("role", ["pembina", "opd_a", "outsider"])
def test_others_may_not(seeded, role):
    with pytest.raises(tk.NotAuthorized):
        call_as(seeded["users"][role], "sektoral_performance")


def test_anonymous_may_not(seeded):
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("sektoral_performance",
                            {"user": "", "ignore_auth": False})


def test_sysadmin_may(seeded):
    admin = factories.Sysadmin()
    assert call_as(admin, "sektoral_performance")["cycles"]


def test_a_fixed_number_of_queries(seeded):
    """Same number of SQL statements for a cycle of 6 items and one of 1."""
    engine = model.meta.engine
    counts = []
    staf = seeded["users"]["staf"]
    for code in ("PERF-1", "PERF-2"):
        seen: list[str] = []

        def listen(conn, cursor, statement, *args, seen=seen):
            seen.append(statement)

        sa.event.listen(engine, "before_cursor_execute", listen)
        try:
            call_as(staf, "sektoral_performance", cycle=code)
        finally:
            sa.event.remove(engine, "before_cursor_execute", listen)
        counts.append(len([s for s in seen if "sektoral_" in s
                           or "FROM \"group\"" in s]))
    # auth (position), cycle check, then cycles, items, transitions, OPD.
    assert counts[0] == counts[1] and counts[0] <= 6, counts


def _token(user: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": factories.APIToken(user=user["name"])["token"]}


def _cell(html: str, org: str, figure: str) -> str:
    row = re.search(r'<tr data-org="%s">(.*?)</tr>' % re.escape(org), html,
                    re.S).group(1)
    return re.search(r'data-figure="%s">([^<]*)</td>' % figure,
                     row).group(1).strip()


def test_page_shows_the_figures_and_charts(seeded, app):
    # Real "today" is after the due date, as TODAY is (API tokens are
    # refused under a frozen clock).
    response = app.get("/sektoral/performance?cycle=PERF-1",
                       headers=_token(seeded["users"]["kabid"]))
    assert response.status_code == 200, response.get_data(as_text=True)
    html = response.get_data(as_text=True)
    # Indonesian number format (UI default language).
    shown_a = {"requested": "3", "on_time": "2", "late": "1",
               "returns": "3", "accepted": "2", "avg_working_days": "41",
               "on_time_pct": "66,7", "not_submitted": "0"}
    for figure, text in shown_a.items():
        assert _cell(html, "opd-a", figure) == text, figure
    assert _cell(html, "opd-b", "overdue") == "1"
    assert _cell(html, "", "avg_working_days") == "31"
    assert _cell(html, "", "on_time_pct") == "60"
    for chart_id in ("sektoral-chart-opd", "sektoral-chart-cycles",
                     "sektoral-chart-days"):
        assert f'id="{chart_id}" role="img"' in html
    assert 'href="/sektoral/performance.csv?cycle=PERF-1"' in html


def test_page_and_csv_refused_to_others(seeded, app):
    for path in ("/sektoral/performance", "/sektoral/performance.csv"):
        assert app.get(path, headers=_token(
            seeded["users"]["opd_a"])).status_code == 403
        assert app.get(path).status_code == 403


def test_csv_export(seeded, app):
    response = app.get("/sektoral/performance.csv",
                       headers=_token(seeded["users"]["staf"]))
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    header, body = rows[0], rows[1:]
    assert len(header) == 4 + len(FIGURES)
    assert [(r[0], r[1]) for r in body] == [
        ("PERF-1", "opd-a"), ("PERF-1", "opd-b"), ("PERF-2", "opd-b")]
    keys = ["listed", "requested", "submitted", "on_time", "late",
            "not_submitted", "overdue", "returns", "items_returned",
            "accepted", "avg_working_days", "on_time_pct"]
    for row, expected in zip(body, (EXPECTED_A, EXPECTED_B,
                                    EXPECTED_EMPTY_B), strict=False):
        values = dict(zip(keys, row[4:], strict=False))
        for key in keys:
            want = expected[key]
            assert values[key] == ("" if want is None else str(want)), key
    assert body[0][2] == "Dinas A" and body[0][3] == "2026-10-06"
    one = app.get("/sektoral/performance.csv?cycle=PERF-2",
                  headers=_token(seeded["users"]["staf"]))
    assert len(list(csv.reader(io.StringIO(one.get_data(as_text=True))))) == 2


def test_report_annex_and_performance_page_agree_on_time(seeded):
    """One "submitted on time" rule (``clock.submitted_on_time``, in the
    installation's time zone): A3's first submission at 01:00 WIT on the
    day after the due date (16:00 UTC on the due date) is late on the
    performance page *and* in the report's compliance annex (the annex
    compared the UTC date and counted it on time)."""
    from ckanext.sektoral.documents import report
    from ckanext.sektoral.model import Cycle

    with freeze_time(TODAY):
        page = call_as(seeded["users"]["staf"], "sektoral_performance",
                       cycle="PERF-1")
        cycle = model.Session.query(Cycle).filter_by(code="PERF-1").one()
        annex = report.build(cycle, 1)
    page_orgs = {o["title"]: o for o in page["cycles"][0]["organizations"]}
    annex_orgs = {o["title"]: o for o in annex["orgs"]}
    for title in ("Dinas A", "Dinas B"):
        assert (annex_orgs[title]["on_time"], annex_orgs[title]["late"]) == \
            (page_orgs[title]["on_time"], page_orgs[title]["late"])
    assert (annex_orgs["Dinas A"]["on_time"],
            annex_orgs["Dinas A"]["late"]) == (2, 1)
