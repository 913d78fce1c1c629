"""The chip ID card's QR code in headless Chromium: it fills the counter's intake form, and
at the kiosk it finds the holder's dossiers. Screenshots: artifacts/screenshots/cccd-*.png."""
from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from motcua.auth.accounts import register_device
from motcua.core.actors import SYSTEM, DeviceKind
from motcua.core.clock import SystemClock
from motcua.core.events import RecordingPublisher
from motcua.core.ports import Ports
from motcua.dossier import services as dossiers
from motcua.dossier.installation import installation
from tests.conftest import LiveServer, screenshot
from tests.dossier import test_browser as dossier_browser
from tests.dossier.support import an_intake
from tests.dossier.test_browser import LAPTOP, new_page, sign_in
from tests.support import system_ports

pytestmark = pytest.mark.browser
hall = dossier_browser.hall  # the demo hall, officer lan at counter 1 serving a citizen
contexts = dossier_browser.contexts

CARD = ("079203001234|271234567|Nguyễn Thị Mai|05031990|Nữ|"
        "12 Lê Lợi, Phường Bến Thành, TP. Hồ Chí Minh|15062021")


def scan_at_the_kiosk(page: Page, text: str) -> None:
    """A scanner set to Unicode output: one key event per character, Vietnamese included,
    then Enter (Playwright's typing would paste the accented letters without key events)."""
    page.evaluate("""text => {
        for (const key of [...text, "Enter"]) {
            document.dispatchEvent(new KeyboardEvent("keydown", {key, bubbles: true, cancelable: true}));
        }
    }""", text)


def test_scanning_the_chip_card_fills_the_intake_form(hall: LiveServer, browser: Browser,
                                                      contexts: list[Any]) -> None:
    page = new_page(browser, contexts, LAPTOP)
    sign_in(page, hall)
    page.goto(hall.url + "/dossier/demo/intake?counter=1&procedure=1.012770")
    scan = page.get_by_test_id("card-scan")
    scan.click()
    page.keyboard.type(CARD.replace("05031990", "0503199"), delay=2)  # a misread code
    page.keyboard.press("Enter")
    expect(page.locator("[data-card-message]")).to_contain_text("ngày sinh sai dạng")
    expect(page.get_by_test_id("applicant-name")).to_have_value("")
    scan.click()
    page.keyboard.type(CARD, delay=2)  # a USB scanner types like a keyboard, then Enter
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("applicant-name")).to_have_value("Nguyễn Thị Mai")
    expect(page.get_by_test_id("applicant-id-card")).to_have_value("079203001234")
    expect(page.get_by_test_id("applicant-born")).to_have_value("1990-03-05")
    expect(page.get_by_test_id("applicant-address")).to_have_value(
        "12 Lê Lợi, Phường Bến Thành, TP. Hồ Chí Minh")
    expect(scan).to_have_value("")
    screenshot(page, "cccd-intake-filled")
    page.get_by_test_id("receive").click()
    expect(page.get_by_test_id("dossier-code")).to_be_visible()
    expect(page.locator("body")).to_contain_text("05/03/1990")


def test_the_kiosk_finds_the_dossiers_of_a_scanned_chip_card(hall: LiveServer, browser: Browser,
                                                            contexts: list[Any]) -> None:
    with hall.app.app_context():
        kept = installation()
    with hall.session() as session:
        ports = Ports(session, SystemClock(), RecordingPublisher())
        dossier = dossiers.receive_dossier(
            ports, hall_code="demo", counter_number=1, actor=SYSTEM,
            intake=an_intake(name="Nguyễn Thị Mai", id_card="079203001234"), installation=kept)
        code = dossier.code
        _, token = register_device(system_ports(session, ports.clock), actor=SYSTEM, printers=None,
                                   hall_code="demo", name="kiosk-1", kind=DeviceKind.KIOSK,
                                   printer="dummy:")
    kiosk = new_page(browser, contexts, {"width": 1080, "height": 1600})
    kiosk.goto(f"{hall.url}/kiosk/demo/setup?token={token}")
    kiosk.wait_for_url("**/kiosk/demo")
    scan_at_the_kiosk(kiosk, CARD.rsplit("|", 2)[0])  # half a code: the scanner slipped
    result = kiosk.locator("#lookup-result")
    expect(result.locator(".lookup-error")).to_contain_text("căn cước")
    screenshot(kiosk, "cccd-kiosk-unreadable")
    scan_at_the_kiosk(kiosk, CARD)
    expect(result.get_by_test_id("dossier-status")).to_contain_text(code)
    expect(result.get_by_test_id("masked-name")).to_have_text("Nguyễn T. M.")
    expect(result).not_to_contain_text("079203001234")
    screenshot(kiosk, "cccd-kiosk-found")
