"""The whole SOP in a real browser, one role after another.

Staff plan a cycle and import its data list, send the requests; an OPD
producer fills the metadata, uploads a CSV, sees its validation report and
submits; the Kasie returns it with a note; the producer fixes it and
submits again; the Kasie accepts; staff process it and put it in the draft
report; the Kabid checks; the Kadis approves; staff publish; an anonymous
visitor finds the dataset and downloads the file.

Every state change goes through the pages (CSRF-protected forms), never
the API. Screenshots of each step: ``test-artifacts/browser/sop-*.png``.
"""
from __future__ import annotations

import re
import time
import urllib.request

import pytest

from tests.browser.conftest import assert_every_control_labelled

pytestmark = pytest.mark.browser

CYCLE = "E2E-2026"
TITLE = "Jumlah Tenaga Kesehatan Menurut Kabupaten/Kota (uji E2E)"
DATALIST = (
    "OPD,Judul,Satuan,Level Penyajian,Frekuensi,Urusan,Template\n"
    f"dinkes-malut,{TITLE},orang,Kabupaten/Kota,Tahunan,1.02,"
    "kabupaten_kota_tahunan\n"
)
DATA = (
    "kode_provinsi,nama_provinsi,kode_kabupaten_kota,nama_kabupaten_kota,"
    "nilai,satuan,tahun\n"
    "82,Provinsi Maluku Utara,8271,Kota Ternate,1234,orang,2025\n"
    "82,Provinsi Maluku Utara,8272,Kota Tidore Kepulauan,567,orang,2025\n"
)


class Roles:
    """One logged-in browser context per user, opened on demand."""

    def __init__(self, browser, portal, artifacts) -> None:
        self.browser, self.portal, self.artifacts = browser, portal, artifacts
        self.pages: dict[str, object] = {}
        self.shot_no = 0

    def __call__(self, user: str):
        if user not in self.pages:
            context = self.browser.new_context(
                viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.set_default_timeout(20000)
            if user != "anonymous":
                page.goto(self.portal["url"] + "/user/login")
                page.fill("#field-login", user)
                page.fill("#field-password", self.portal["password"])
                with page.expect_navigation():
                    page.locator("form:has(#field-login) button[type=submit]").click()
                assert page.locator("form[action$='/user/_logout']").count(), user
            self.pages[user] = page
        return self.pages[user]

    def go(self, user: str, path: str):
        page = self(user)
        page.goto(self.portal["url"] + path)
        return page

    def shot(self, page, name: str) -> None:
        """Save a screenshot; on the extension's pages also check that
        every control has a label."""
        if re.search(r"/(sektoral|statistik)(/|$)", page.url):
            assert_every_control_labelled(page)
            assert not re.search(r"-\s+-", page.title()), page.title()
        self.shot_no += 1
        page.screenshot(path=str(self.artifacts /
                                 f"sop-{self.shot_no:02d}-{name}.png"),
                        full_page=True)


def _flash_ok(page) -> None:
    assert page.locator(".alert-danger").count() == 0, page.inner_text("body")


def _wait_until(page, selector: str, seconds: int = 90) -> None:
    """Reload until ``selector`` matches (background validation)."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        if page.locator(selector).count():
            return
        time.sleep(2)
        page.reload()
    raise AssertionError(f"{selector} never appeared:\n" + page.inner_text("body"))


def _apply_step(roles: Roles, dataset: str, step: str) -> None:
    """Staff tick the dataset on the cycle page and apply ``step``."""
    page = roles.go("walidata-staf", f"/sektoral/cycle/{CYCLE}")
    page.check(f"input[name=ids][value='{dataset}']")
    page.select_option("#bulk-transition", step)
    with page.expect_navigation():
        page.locator("#bulk-form button[type=submit]").click()
    _flash_ok(page)


def test_the_whole_sop_in_the_browser(live_portal, browser, artifacts_dir,
                                      tmp_path):
    roles = Roles(browser, live_portal, artifacts_dir)

    # -- Step 1: staff plan the cycle, import the data list, send requests.
    page = roles.go("walidata-staf", "/sektoral/workspace")
    assert "ruang kerja walidata" in page.inner_text("h1").lower()
    assert_every_control_labelled(page)
    page.click("text=Siklus baru")
    page.fill("#field-code", CYCLE)
    page.fill("#field-title", "Siklus Uji Menyeluruh 2026")
    page.fill("#field-start_date", "2026-11-23")
    roles.shot(page, "staf-siklus-baru")
    page.locator("form[action$='/sektoral/cycle/new'] button[type=submit]").click()
    page.wait_for_url(f"**/sektoral/cycle/{CYCLE}")
    _flash_ok(page)

    datalist = tmp_path / "daftar-data.csv"
    datalist.write_text(DATALIST, encoding="utf-8")
    page.click("text=Impor daftar data")
    page.set_input_files("#field-upload", str(datalist))
    page.click("#preview-import")
    assert TITLE in page.inner_text("#import-preview")
    roles.shot(page, "staf-pratinjau-impor")
    page.click("#confirm-import")
    page.wait_for_url(f"**/sektoral/cycle/{CYCLE}")
    assert TITLE in page.inner_text("body")
    href = page.locator(f"a:has-text('{TITLE}')").first.get_attribute("href")
    dataset = href.rstrip("/").rsplit("/", 1)[-1]
    dataset_id = page.locator("input[name=ids]").first.get_attribute("value")

    with page.expect_navigation():

        page.locator("#send-requests button").click()
    _flash_ok(page)
    assert "Diminta" in page.inner_text("#bulk-form")
    roles.shot(page, "staf-permintaan-terkirim")

    # -- Step 2: the OPD fills the metadata, uploads, submits.
    opd = roles.go("opd-dinkes", "/sektoral/inbox")
    assert TITLE in opd.inner_text("body")
    roles.shot(opd, "opd-kotak-masuk")
    with opd.expect_navigation():
        opd.click(f"text={TITLE}")
    assert opd.locator("#sektoral-submit[disabled]").count() == 1
    roles.shot(opd, "opd-belum-lengkap")

    opd.goto(live_portal["url"] + f"/dataset/edit/{dataset}")
    opd.fill("#field-notes", "Jumlah tenaga kesehatan menurut kabupaten/kota.")
    opd.fill("#field-tahun_awal", "2025")
    opd.fill("#field-tahun_akhir", "2025")
    opd.fill("#field-definisi", "Tenaga kesehatan adalah setiap orang yang "
                                "mengabdikan diri dalam bidang kesehatan.")
    opd.select_option("#field-cara_pengumpulan_data", "3")
    with opd.expect_navigation():
        opd.locator("form#dataset-edit button[name=save]").click()

    data_file = tmp_path / "tenaga-kesehatan.csv"
    data_file.write_text(DATA, encoding="utf-8")
    opd.goto(live_portal["url"] + f"/dataset/{dataset}/resource/new")
    opd.set_input_files("#field-resource-upload", str(data_file))
    opd.fill("#field-name", "tenaga-kesehatan.csv")
    opd.select_option("#field-jenis_berkas", "data")
    with opd.expect_navigation():
        opd.locator("form#resource-edit button[name=save].btn-primary").last.click()

    opd.goto(live_portal["url"] + f"/sektoral/inbox/{dataset}")
    _wait_until(opd, "#sektoral-submit:not([disabled])")
    roles.shot(opd, "opd-lengkap")
    report = opd.locator("a:has-text('aporan validasi')").first
    with opd.expect_navigation():
        report.click()
    roles.shot(opd, "opd-laporan-validasi")
    opd.goto(live_portal["url"] + f"/sektoral/inbox/{dataset}")
    # Keyboard only: focus the Submit button and press Enter.
    opd.focus("#sektoral-submit")
    with opd.expect_navigation():
        opd.keyboard.press("Enter")
    _flash_ok(opd)
    assert "Dikirim" in opd.inner_text("body")

    # -- The Kasie returns it with a note.
    kasie = roles.go("walidata-kasie", "/sektoral/review")
    section = kasie.locator(f"section:has-text('{TITLE}')")
    assert section.count() == 1
    roles.shot(kasie, "kasie-antrean")
    section.locator("summary:has-text('Kembalikan')").click()
    section.locator("textarea[name=note]").fill(
        "Mohon lengkapi sumber data pada definisi.")
    with kasie.expect_navigation():
        section.locator(f"#return-{dataset_id} button[type=submit]").click()
    _flash_ok(kasie)

    # -- The producer sees the note, fixes the metadata, submits again.
    opd.goto(live_portal["url"] + f"/sektoral/inbox/{dataset}")
    assert "Mohon lengkapi sumber data" in opd.inner_text("body")
    roles.shot(opd, "opd-dikembalikan")
    opd.goto(live_portal["url"] + f"/dataset/edit/{dataset}")
    opd.fill("#field-definisi", "Tenaga kesehatan adalah setiap orang yang "
                                "mengabdikan diri dalam bidang kesehatan "
                                "(sumber: SIP Dinas Kesehatan).")
    with opd.expect_navigation():
        opd.locator("form#dataset-edit button[name=save]").click()
    opd.goto(live_portal["url"] + f"/sektoral/inbox/{dataset}")
    _wait_until(opd, "#sektoral-submit:not([disabled])")
    with opd.expect_navigation():
        opd.click("#sektoral-submit")
    _flash_ok(opd)

    # -- The Kasie accepts.
    kasie = roles.go("walidata-kasie", "/sektoral/review")
    section = kasie.locator(f"section:has-text('{TITLE}')")
    with kasie.expect_navigation():
        section.locator(f"#accept-{dataset_id} button[type=submit]").click()
    _flash_ok(kasie)

    # -- Steps 3 and 4: staff process it and put it in the draft report.
    _apply_step(roles, dataset_id, "process")
    _apply_step(roles, dataset_id, "draft")
    staf = roles("walidata-staf")
    with staf.expect_navigation():
        staf.locator("#sektoral-report button[type=submit]").click()
    _flash_ok(staf)
    _wait_until(staf, "a[href*='/sektoral/report/'][href$='/pdf']")
    roles.shot(staf, "staf-rancangan-laporan")

    # -- Step 5: the Kabid checks, the Kadis approves.
    kabid = roles.go("walidata-kabid", "/sektoral/approval")
    assert TITLE in kabid.content()
    roles.shot(kabid, "kabid-persetujuan")
    with kabid.expect_navigation():
        kabid.locator(f"#check-{CYCLE} button[type=submit]").click()
    _flash_ok(kabid)
    kadis = roles.go("walidata-kadis", "/sektoral/approval")
    assert TITLE in kadis.content()
    with kadis.expect_navigation():
        kadis.locator(f"#approve-{CYCLE} button[type=submit]").click()
    _flash_ok(kadis)
    roles.shot(kadis, "kadis-disetujui")

    # -- Step 6: staff publish the cycle with its approved report.
    staf = roles.go("walidata-staf", f"/sektoral/cycle/{CYCLE}")
    with staf.expect_navigation():
        staf.click("#publish-link")
    roles.shot(staf, "staf-konfirmasi-publikasi")
    with staf.expect_navigation():
        staf.locator("#publish-cycle button[type=submit]").click()
    _flash_ok(staf)
    roles.shot(staf, "staf-dipublikasikan")

    # -- The public finds it and downloads the file.
    anon = roles.go("anonymous", "/dataset/?q=" + "Tenaga Kesehatan uji")
    with anon.expect_navigation():
        anon.click(f"text={TITLE}")
    roles.shot(anon, "publik-dataset")
    download = anon.locator("a[href*='/download/']").first.get_attribute("href")
    if download.startswith("/"):
        download = live_portal["url"] + download
    with urllib.request.urlopen(download) as response:
        body = response.read().decode("utf-8")
    assert re.search(r"8271,Kota Ternate,1234", body)
