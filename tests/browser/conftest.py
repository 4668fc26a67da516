"""Browser-test fixtures: a live portal started by ``scripts/demo.sh``
(the same script as ``make demo``) on its own database and port, and a
headless Debian Chromium driven by Playwright.

Playwright never downloads a browser here: it drives ``/usr/bin/chromium``
(installed by ``scripts/ensure-chromium.sh``).
"""
from __future__ import annotations

import os
import pathlib
import socket
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu",
    "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
DEMO_PASSWORD = "Browser-Test-2026"
# Overridable so that two runs on one machine do not share a database.
BROWSER_DB = os.environ.get("SEKTORAL_BROWSER_DB", "ckan_test_browser")
BROWSER_REDIS = os.environ.get("SEKTORAL_BROWSER_REDIS",
                               "redis://127.0.0.1:6379/2")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def artifacts_dir() -> pathlib.Path:
    path = pathlib.Path(
        os.environ.get("SEKTORAL_ARTIFACTS", ROOT / "test-artifacts")
    ) / "browser"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def live_portal(tmp_path_factory):
    """Run ``scripts/demo.sh`` on a fresh database; yield its base URL."""
    port = _free_port()
    run_dir = tmp_path_factory.mktemp("live-portal")
    env = dict(
        os.environ,
        SEKTORAL_DB_URL=f"postgresql://ckan_default:pass@127.0.0.1/{BROWSER_DB}",
        SEKTORAL_REDIS_URL=BROWSER_REDIS,
        SEKTORAL_PORT=str(port),
        SEKTORAL_DEMO_DIR=str(run_dir),
        SEKTORAL_DEMO_PASSWORD=DEMO_PASSWORD,
        VENV=str(pathlib.Path(sys.executable).parents[1]),
    )
    # Start from an empty database every session.
    subprocess.run(
        [str(ROOT / "scripts" / "ensure-services.sh"), BROWSER_DB],
        env=env, check=True,
    )
    demo = ROOT / "scripts" / "demo.sh"
    # the installation's ini, with secrets generated for this run
    ini = subprocess.run(["bash", str(demo), "ini"], env=env, check=True,
                         capture_output=True, text=True).stdout.strip()
    clean_env = dict(env, CKAN_SQLALCHEMY_URL=env["SEKTORAL_DB_URL"])
    subprocess.run(
        [pathlib.Path(sys.executable).with_name("ckan"), "-c", ini,
         "db", "clean", "--yes"],
        env=clean_env, check=True, capture_output=True,
    )
    result = subprocess.run(
        ["bash", str(demo)], env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        pytest.fail("make demo failed:\n" + result.stdout + result.stderr)
    try:
        yield {
            "url": f"http://127.0.0.1:{port}",
            "password": DEMO_PASSWORD,
            "demo_output": result.stdout + result.stderr,
            "run_dir": run_dir,
            "ini": ini,
        }
    finally:
        subprocess.run(["bash", str(demo), "stop"], env=env,
                       capture_output=True)


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
