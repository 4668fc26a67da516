"""Browser test of the public statistics pages and the OPD performance
page on the demo portal (cycle 2026-S1 has published items)."""
from __future__ import annotations

import json

import pytest

from tests.browser.conftest import assert_every_control_labelled

pytestmark = pytest.mark.browser


def _login(page, url: str, user: str, password: str) -> None:
    page.goto(url + "/user/login")
    page.fill("#field-login", user)
    page.fill("#field-password", password)
    page.locator("form:has(#field-login) button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("form[action$='/user/_logout']").count() > 0


def test_public_cycle_and_dataset_with_charts(live_portal, page,
                                              artifacts_dir):
    url = live_portal["url"]
    page.goto(url + "/statistik")
    link = page.locator("#sektoral-public-cycles a", has_text="2026-S1")
    assert link.count() == 1
    assert_every_control_labelled(page)
    page.screenshot(path=str(artifacts_dir / "public-01-statistik.png"),
                    full_page=True)
    link.click()
    page.wait_for_load_state()
    assert page.url.endswith("/statistik/2026-S1")
    rows = page.locator("#sektoral-cycle-dataset-table tbody tr")
    assert rows.count() == 4  # the demo's published items
    assert page.locator("#sektoral-cycle-dataset-table a",
                        has_text="CSV").count() == 4
    assert_every_control_labelled(page)
    page.screenshot(path=str(artifacts_dir / "public-02-siklus.png"),
                    full_page=True)

    # A published dataset: two charts, their data tables, a preview.
    rows.first.locator("th a").click()
    page.wait_for_load_state()
    view = page.locator("#sektoral-data-view")
    view.scroll_into_view_if_needed()
    charts = view.locator("svg[role=img]")
    assert charts.count() >= 1
    for i in range(charts.count()):
        chart = charts.nth(i)
        assert chart.is_visible()
        box = chart.bounding_box()
        assert box and box["width"] > 300 and box["height"] > 150
        labelled = chart.get_attribute("aria-labelledby").split()
        assert view.locator(f"#{labelled[0]}").count() == 1
        assert chart.locator("rect.sektoral-chart-bar, "
                             "circle.sektoral-chart-point").count() > 0
    assert view.locator("#sektoral-preview tbody tr").count() > 0
    # The data table of a chart opens with the keyboard.
    summary = view.locator("details summary").first
    summary.focus()
    page.keyboard.press("Enter")
    assert view.locator("details[open] table").count() == 1
    page.screenshot(path=str(artifacts_dir / "public-03-dataset-grafik.png"),
                    full_page=True)

    # DCAT-compatible JSON-LD in the head.
    doc = json.loads(page.locator("script#sektoral-jsonld").text_content())
    assert "dcat:Dataset" in doc["@type"]
    assert any(p["propertyID"] == "satuan" for p in doc["additionalProperty"])

    # The downloads work for the public.
    for fmt, mimetype in (("csv", "text/csv"),
                          ("xlsx", "spreadsheetml"),
                          ("datapackage", "application/zip")):
        href = view.locator(f"a[data-format={fmt}]").get_attribute("href")
        response = page.request.get(url + href)
        assert response.ok and mimetype in response.headers["content-type"]


def test_performance_page_for_the_walidata(live_portal, page, artifacts_dir):
    url = live_portal["url"]
    # The public may not see it.
    response = page.goto(url + "/sektoral/performance")
    assert response.status == 403
    _login(page, url, "walidata-kabid", live_portal["password"])
    page.goto(url + "/sektoral/performance?cycle=2026-S1")
    table = page.locator("#performance-table")
    assert table.locator("tbody tr").count() >= 10  # the demo's OPD
    requested = table.locator("tfoot td[data-figure=requested]").inner_text()
    assert int(requested) >= 30  # 36 items, 32 of them requested
    for chart_id in ("sektoral-chart-opd", "sektoral-chart-cycles",
                     "sektoral-chart-days"):
        assert page.locator(f"svg#{chart_id}").is_visible()
    assert_every_control_labelled(page)
    page.screenshot(path=str(artifacts_dir / "performance-01-kinerja.png"),
                    full_page=True)
    response = page.request.get(
        url + page.locator("#performance-csv-cycle").get_attribute("href"))
    assert response.ok and "text/csv" in response.headers["content-type"]
    assert len(response.text().strip().splitlines()) >= 11
