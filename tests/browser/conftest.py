"""Browser-test fixtures: a headless Debian Chromium driven by Playwright,
against the live portal of ``tests/conftest.py`` (``live_portal``: started
by ``scripts/demo.sh``, the same script as ``make demo``).

Playwright never downloads a browser here: it drives ``/usr/bin/chromium``
(installed by ``scripts/ensure-chromium.sh``).
"""
from __future__ import annotations

import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu",
    "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]


@pytest.fixture(scope="session")
def artifacts_dir() -> pathlib.Path:
    path = pathlib.Path(
        os.environ.get("SEKTORAL_ARTIFACTS", ROOT / "test-artifacts")
    ) / "browser"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} missing: run scripts/ensure-chromium.sh")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


#: Form controls of the main content without an accessible name: no
#: <label>, aria-label(ledby) or title; for buttons, no text or value.
_UNLABELLED_JS = """
() => {
  const main = document.querySelector('[role=main], main, .main') || document.body;
  const named = (el) => {
    if (el.getAttribute('aria-label') || el.getAttribute('title')) return true;
    const by = el.getAttribute('aria-labelledby');
    if (by && by.split(/\\s+/).some(id => {
      const ref = document.getElementById(id);
      return ref && ref.textContent.trim();
    })) return true;
    if (el.labels && Array.from(el.labels).some(l => l.textContent.trim())) return true;
    if (el.tagName === 'BUTTON') return el.textContent.trim() !== '';
    if (['submit', 'button', 'reset'].includes(el.type)) return !!el.value;
    return false;
  };
  return Array.from(main.querySelectorAll('input, select, textarea, button'))
    .filter(el => el.type !== 'hidden' && !named(el))
    .map(el => el.outerHTML.slice(0, 160));
}
"""


def assert_every_control_labelled(page) -> None:
    """Every form control of the page's main content has an accessible
    name (a keyboard or screen-reader user knows what it is)."""
    unlabelled = page.evaluate(_UNLABELLED_JS)
    assert not unlabelled, f"{page.url}: controls without a label: {unlabelled}"
