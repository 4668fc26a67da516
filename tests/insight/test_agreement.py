"""The public CSV, the chart data, the report and the preview of the same
published demo dataset agree on every value (its data file holds one of
each BPS symbol)."""
from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from typing import Optional

import pytest

from ckan.tests import helpers

from ckanext.sektoral import demo
from ckanext.sektoral.documents import report, store
from ckanext.sektoral.core import charts
from ckanext.sektoral.model import Cycle
from ckanext.sektoral.core import symbols

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index",
                                     "clean_queues")

TITLE = "Produksi Perikanan Tangkap Menurut Kabupaten/Kota"
DEMO = demo.data()


@pytest.fixture
def published(monkeypatch, app):
    """The demo cycle reduced to its published fishery dataset, loaded by
    the demo loader through the real actions."""
    item = next(i for i in DEMO.items if i.title == TITLE)
    assert item.stage == "dipublikasikan"
    monkeypatch.setattr(demo, "data", lambda path=None: DEMO.only([item]))
    with app.flask_app.test_request_context():
        demo.seed("Demo-Test-2026")
        demo.load_cycle()
    found = helpers.call_action("package_search", {"user": ""},
                                q=f'title:"{TITLE}"')["results"]
    assert len(found) == 1 and found[0]["private"] is False
    return item, found[0]


def _number(text: str) -> Optional[Decimal]:
    """A number as shown in Indonesian (1.234,5) back to a Decimal."""
    text = text.strip()
    if not re.fullmatch(r"-?[\d.]+(,\d+)?", text) or text == "-":
        return None
    return Decimal(text.replace(".", "").replace(",", "."))


def test_demo_file_has_every_bps_symbol():
    item = next(i for i in DEMO.items if i.title == TITLE)
    cells = {row["nilai"] for row in csv.DictReader(io.StringIO(
        demo.data_csv(item).decode("utf-8")))}
    assert set(symbols.SYMBOLS) <= cells


def test_csv_chart_report_and_preview_agree(published, app):
    item, pkg = published
    # -- the public CSV (canonical) -------------------------------------------
    body = app.get(f"/dataset/{pkg['name']}/download/csv").get_data(
        as_text=True)
    rows = list(csv.DictReader(io.StringIO(body)))
    cells: dict[tuple[str, int], str] = {
        (r["kode_kabupaten_kota"], int(r["tahun"])): r["nilai"] for r in rows}
    source = {(str(code), year): sym for code, year, sym in item.symbols}
    assert len(cells) == 30
    for key, sym in source.items():  # symbols canonical, never a number
        assert cells[key] == symbols.CANONICAL[sym], key
    value = {k: (None if c in symbols.CANONICAL_MISSING_VALUES else
                 Decimal(c)) for k, c in cells.items()}

    def expected_total(year: int) -> tuple[Decimal, bool]:
        tally = symbols.Tally()
        for (code, y), c in cells.items():
            if y == year:
                tally.add(value[(code, y)], c)
        return tally.sum, tally.complete

    # -- the chart data -------------------------------------------------------
    chart = helpers.call_action("sektoral_chart_data", {"user": ""},
                                id=pkg["id"])
    assert chart["available"] is True
    for entry in chart["by_year"]:
        total, complete = expected_total(entry["year"])
        assert Decimal(str(entry["value"])) == total, entry
        assert entry["complete"] is complete, entry
    assert [e["complete"] for e in chart["by_year"]] == [True, False, False]
    latest = chart["region_year"]
    assert latest == 2025
    for entry in chart["by_region"]:
        cell = cells[(entry["code"], latest)]
        if value[(entry["code"], latest)] is None:
            assert entry["value"] is None and entry["symbol"] == cell
        else:
            assert Decimal(str(entry["value"])) == Decimal(cell)
    # -- the preview (chart data and the page) ---------------------------------
    names = chart["columns"]
    at = names.index("nilai")
    for shown, row in zip(chart["preview"], rows, strict=False):
        cell = row["nilai"]
        if value[(row["kode_kabupaten_kota"], int(row["tahun"]))] is None:
            assert shown[at] == cell
        else:
            assert Decimal(str(shown[at])) == Decimal(cell)
    html = app.get(f"/dataset/{pkg['name']}").get_data(as_text=True)
    table = re.search(r'<table[^>]*id="sektoral-preview".*?</table>', html,
                      re.S).group(0)
    page_rows = re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1],
                           re.S)
    assert len(page_rows) == len(chart["preview"]) == 20
    for tr, row in zip(page_rows, rows, strict=False):
        tds = re.findall(r"<td>(.*?)</td>", tr, re.S)
        cell = row["nilai"]
        if cell in symbols.CANONICAL_MISSING_VALUES:
            assert tds[at].strip() == cell
        else:
            assert _number(tds[at]) == Decimal(cell), (tds[at], cell)
    # the page's chart table: the same totals, incomplete ones marked
    for entry in chart["by_year"]:
        total, complete = expected_total(entry["year"])
        text = charts.shown(total, "id", "", None if complete else
                            "tidak lengkap")
        assert f"{entry['year']}: {text}" in html
    # -- the report (the final one of the published dataset) -------------------
    cycle = model_cycle()
    with app.flask_app.test_request_context():
        ctx = report.build(cycle, 1, published=[pkg["id"]])
    tables = [t for ch in ctx["chapters"] for ds in ch["datasets"]
              for t in ds["tables"] if ds["title"] == TITLE]
    assert len(tables) == 1
    pivot = tables[0]["table"]
    years = [int(c) for c in pivot["columns"][1:]]
    assert years == [2023, 2024, 2025]
    labels = {store.region_label(code): code for code, _y in cells}
    assert len(pivot["rows"]) == 10
    for row in pivot["rows"]:
        code = labels[row[0]]
        for year, shown in zip(years, row[1:], strict=False):
            cell = cells[(code, year)]
            if value[(code, year)] is None:
                assert shown == cell, (code, year)
            else:
                assert _number(shown) == Decimal(cell), (code, year, shown)
    # the report's chart series: the same totals and completeness
    from ckanext.sektoral.analysis.job import compute
    with app.flask_app.test_request_context():
        analysis = compute(helpers.call_action(
            "package_show", id=pkg["id"]))["files"][0]["analysis"]
    for year, total, complete in report.year_series(analysis):
        assert (Decimal(str(total)), complete) == expected_total(int(year))


def model_cycle() -> Cycle:
    from ckan import model
    return model.Session.query(Cycle).filter(
        Cycle.code == DEMO.cycle.code).one()
