"""Browser smoke test: the demo portal in real (headless) Chromium."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_demo_output_lists_users(live_portal):
    out = live_portal["demo_output"]
    for name in ("admin", "walidata-staf", "walidata-kasie", "walidata-kabid",
                 "walidata-kadis", "opd-bappeda", "opd-pangan", "opd-dkp"):
        assert name in out
    assert "make demo-stop" in out


def test_home_login_and_dataset_list(live_portal, page, artifacts_dir):
    url = live_portal["url"]

    page.goto(url + "/")
    assert page.locator("html").get_attribute("lang") == "id"
    page.screenshot(path=str(artifacts_dir / "01-beranda.png"), full_page=True)

    page.goto(url + "/user/login")
    page.fill("#field-login", "admin")
    page.fill("#field-password", live_portal["password"])
    page.locator("form:has(#field-login) button[type=submit]").click()
    page.wait_for_load_state()
    # Logged in: the account menu has the logout form.
    assert page.locator("form[action$='/user/_logout']").count() > 0, page.content()
    page.screenshot(path=str(artifacts_dir / "02-masuk-admin.png"))

    page.goto(url + "/dataset")
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.locator("form#dataset-search-form, form.search-form").count() > 0
    page.screenshot(path=str(artifacts_dir / "03-daftar-dataset.png"),
                    full_page=True)

    # English is available too.
    page.goto(url + "/en/dataset")
    assert page.locator("html").get_attribute("lang") == "en"
    page.screenshot(path=str(artifacts_dir / "04-dataset-list-en.png"),
                    full_page=True)


def test_wrong_password_is_refused(live_portal, page):
    page.goto(live_portal["url"] + "/user/login")
    page.fill("#field-login", "admin")
    page.fill("#field-password", "not-the-password")
    page.locator("form:has(#field-login) button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("form[action$='/user/_logout']").count() == 0
