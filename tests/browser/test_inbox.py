"""Browser: an OPD producer of the demo works through the inbox with the
keyboard only (Chromium, headless)."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

#: Demo producer (Dinas Kesehatan) with a returned, complete item
#: ("Prevalensi Balita Stunting", returned by the Kasie with a note).
PRODUCER = "opd-dinkes"
MAX_TABS = 200


def _login(page, url, user, password):
    page.goto(url + "/user/login")
    page.fill("#field-login", user)
    page.fill("#field-password", password)
    page.locator("form:has(#field-login) button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("form[action$='/user/_logout']").count() > 0


def _tab_to(page, selector):
    """Press Tab until the element has the focus; return the presses."""
    target = page.locator(selector)
    for presses in range(1, MAX_TABS + 1):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return presses
    pytest.fail(f"{selector} never got the keyboard focus")


def test_producer_submits_a_returned_item_with_the_keyboard(
        live_portal, page, artifacts_dir):
    url = live_portal["url"]
    _login(page, url, PRODUCER, live_portal["password"])

    page.goto(url + "/sektoral/inbox")
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.locator("h1").inner_text() == "Permintaan Data"
    rows = page.locator("#sektoral-inbox tbody tr")
    assert rows.count() >= 3  # Dinkes has 4 items in the demo cycle
    # Items to act on come first: the returned one with its note.
    first = rows.first
    assert "Dikembalikan" in first.inner_text()
    assert "e-PPGBM" in first.inner_text()  # the Kasie's return note
    page.screenshot(path=str(artifacts_dir / "inbox-01-permintaan-data.png"),
                    full_page=True)

    # Keyboard only from here: Tab to the item's link and open it.
    page.locator("body").focus()
    _tab_to(page, "#sektoral-inbox tbody tr:first-child a")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/sektoral/inbox/" in page.url
    checklist = page.locator("#sektoral-checklist li")
    assert checklist.count() > 5
    assert page.locator("#sektoral-checklist li:not(.ok)").count() == 0
    submit = page.locator("#sektoral-submit")
    assert submit.is_enabled(), page.locator("#submit-reasons").inner_text()
    page.screenshot(path=str(artifacts_dir / "inbox-02-item-checklist.png"),
                    full_page=True)

    # The note has a label; typing into it keeps the page as is.
    note_label = page.locator("label[for=submit-note]")
    assert note_label.inner_text().startswith("Catatan untuk Walidata")
    _tab_to(page, "#submit-note")
    page.keyboard.type("Rujukan metode e-PPGBM sudah dicantumkan.")
    presses = _tab_to(page, "#sektoral-submit")
    assert presses == 1  # the button follows the note directly
    # The focus is visible (outline drawn by the stylesheet).
    outline = submit.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline not in ("", "none"), outline
    page.screenshot(path=str(artifacts_dir / "inbox-03-submit-focus.png"))
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert "Dikirim" in page.locator("#sektoral-item-stage").inner_text()
    assert page.locator("#sektoral-submit").is_disabled()
    assert "Rujukan metode e-PPGBM" in page.locator(".sektoral-timeline").inner_text()
    page.screenshot(path=str(artifacts_dir / "inbox-04-submitted.png"),
                    full_page=True)

    # The dataset page shows stage, deadline and the audit timeline.
    name = page.url.rstrip("/").rsplit("/", 1)[-1]
    page.goto(url + "/dataset/" + name)
    panel = page.locator(".sektoral-workflow")
    assert "Alur kerja" in panel.inner_text()
    assert "Dikirim" in panel.inner_text()
    panel.locator("summary").click()
    assert "opd-dinkes" in panel.locator(".sektoral-timeline").inner_text()
    page.screenshot(path=str(artifacts_dir / "inbox-05-dataset-workflow.png"),
                    full_page=True)


def test_inbox_requires_login(live_portal, page):
    page.goto(live_portal["url"] + "/sektoral/inbox")
    assert "/user/login" in page.url
