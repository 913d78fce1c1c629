"""The kiosk's "Thủ tục" screen in headless Chromium at the kiosk's sizes: a sector's
procedures, one procedure's papers in large type, its QR code, the checklist printed, and
the same from the ticket screen; the phone page behind the QR code. Screenshots:
artifacts/screenshots/procedures-*.png."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from motcua.core.clock import SystemClock
from motcua.dossier import services as dossiers
from motcua.printer.models import PrintJob, PrintJobKind
from tests.kiosk.conftest import LANDSCAPE, PHONE, PORTRAIT, LiveHall
from tests.kiosk.test_kiosk_accessibility import check
from tests.kiosk.test_kiosk_browser import open_kiosk, sector, shoot

pytestmark = pytest.mark.browser

BIRTH = "1.001193"


@pytest.fixture
def hall(live_hall: LiveHall) -> LiveHall:
    with live_hall.server.session() as session:
        dossiers.load_demo_catalogue(session, SystemClock())
    return live_hall


def checklist_jobs(hall: LiveHall) -> list[PrintJob]:
    with hall.server.session() as session:
        return list(session.scalars(select(PrintJob).where(PrintJob.kind == PrintJobKind.CHECKLIST)))


@pytest.mark.parametrize("viewport,orientation", [(PORTRAIT, "portrait"), (LANDSCAPE, "landscape")])
def test_a_citizen_reads_what_to_bring_and_prints_the_checklist(browser, hall, viewport, orientation):
    page = open_kiosk(browser, hall, viewport)
    shoot(page, f"procedures-{orientation}-0-home")
    page.locator('[data-action="procedures"]').click()
    expect(page.locator("#screen-procedures")).to_be_visible()
    page.locator('[data-procedure-sector="tu-phap"]').click()
    expect(page.get_by_test_id("procedure-list")).to_contain_text("Đăng ký kết hôn")
    shoot(page, f"procedures-{orientation}-1-list")
    page.locator(f'[data-procedure="{BIRTH}"]').click()
    sheet = page.get_by_test_id("procedure-sheet")
    expect(sheet).to_contain_text("Giấy chứng sinh")
    expect(sheet).to_contain_text("Bản chính: 1")
    expect(sheet).to_contain_text("8 giờ làm việc")
    page.wait_for_function("() => document.querySelector('.procedure-sheet__qr img').naturalWidth > 0")
    shoot(page, f"procedures-{orientation}-2-sheet")
    page.get_by_test_id("back-to-procedures").click()
    expect(page.get_by_test_id("procedure-list")).to_be_visible()
    page.locator(f'[data-procedure="{BIRTH}"]').click()
    page.get_by_test_id("print-checklist").click()
    expect(sheet.locator("[data-print-answer]")).to_have_attribute("data-state", "printing")
    shoot(page, f"procedures-{orientation}-4-printed")
    assert [job.kind for job in checklist_jobs(hall)] == [PrintJobKind.CHECKLIST]


def test_the_screen_reads_in_english_with_the_official_vietnamese_papers(browser, hall):
    page = open_kiosk(browser, hall, PORTRAIT, path="/kiosk/demo?lang=en")
    page.locator('[data-action="procedures"]').click()
    page.locator('[data-procedure-sector="tu-phap"]').click()
    page.locator(f'[data-procedure="{BIRTH}"]').click()
    sheet = page.get_by_test_id("procedure-sheet")
    expect(sheet).to_contain_text("Papers to bring")
    expect(sheet).to_contain_text("Tờ khai đăng ký khai sinh")
    expect(sheet).to_contain_text("Originals: 1")
    shoot(page, "procedures-portrait-3-english")


def test_the_ticket_screen_opens_the_procedures_of_the_tickets_sector(browser, hall):
    page = open_kiosk(browser, hall, PORTRAIT)
    sector(page, "tu-phap").click()
    expect(page.locator("#screen-ticket")).to_be_visible()
    page.get_by_test_id("ticket-what-to-bring").click()
    expect(page.locator("#screen-procedures")).to_be_visible()
    expect(page.locator('[data-procedure-sector="tu-phap"]')).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("procedure-list")).to_contain_text("Đăng ký khai sinh")


def test_the_phone_page_behind_the_qr_code_reads_on_a_phone(browser, hall):
    page = browser.new_context(viewport=PHONE).new_page()
    page.goto(hall.url(f"/thu-tuc/demo/{BIRTH}"))
    expect(page.get_by_test_id("procedure-name")).to_have_text("Đăng ký khai sinh")
    expect(page.get_by_test_id("what-to-bring")).to_contain_text("Luật Hộ tịch")
    page.evaluate("document.fonts.ready")
    shoot(page, "procedures-phone")


@pytest.mark.parametrize("viewport", [PORTRAIT, LANDSCAPE], ids=["portrait", "landscape"])
def test_the_procedures_screen_has_large_text_strong_contrast_and_large_targets(browser, hall, viewport):
    page = open_kiosk(browser, hall, viewport)
    page.locator('[data-action="procedures"]').click()
    check(page, "procedures")
    page.locator('[data-procedure-sector="tu-phap"]').click()
    expect(page.get_by_test_id("procedure-list")).to_be_visible()
    check(page, "procedures")
    page.locator(f'[data-procedure="{BIRTH}"]').click()
    expect(page.get_by_test_id("procedure-sheet")).to_be_visible()
    check(page, "procedures")
