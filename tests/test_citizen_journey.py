"""A citizen's whole journey on the demo, as `motcua demo` loads it, in headless Chromium: a
phone books a slot and gets the confirmation by (fake) SMS; the kiosk checks the booking in
by its scanned QR code; the phone is told when two people are ahead and when it is called;
an officer takes in a dossier for the citizen and later marks its result ready; the phone
opens the result's link. The hall's clock is the test's: Wednesday 25/11/2026 from 08:00.
Screenshots: artifacts/screenshots/journey-*.png."""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.request import Request, urlopen

import pytest
from playwright.sync_api import Page, expect

from motcua.kiosk.links import qr_svg
from tests.conftest import screenshot
from tests.demo_server import DemoServer, contexts, demo_server
from tests.dossier.test_chip_card_browser import scan_at_the_kiosk
from tests.kiosk.conftest import LANDSCAPE, PHONE
from tests.support import hall_time

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 900}
NUMBER = "0912 345 678"


@pytest.fixture
def demo(tmp_path: Path, database_url: str) -> Iterator[DemoServer]:
    yield from demo_server(tmp_path, database_url, starts_at=hall_time(2026, 11, 25, 8, 0))


def new_page(browser: Any, contexts: list[Any], viewport: dict[str, int], **options: Any) -> Page:
    context = browser.new_context(viewport=viewport, locale="vi-VN", **options)
    contexts.append(context)
    page: Page = context.new_page()
    return page


def shoot(page: Page, name: str) -> None:
    page.evaluate("document.fonts.ready")
    screenshot(page, f"journey-{name}")


def sms_to(demo: DemoServer, number: str) -> list[str]:
    """The texts the fake SMS channel delivered to this number, once the worker has run."""
    return [sms["text"] for sms in demo.run_notify_worker() if sms["to"] == number]


def walk_ins(demo: DemoServer, count: int) -> None:
    """Citizens without a booking take tickets of Đất đai at the demo's kiosk."""
    for _ in range(count):
        request = Request(demo.url("/api/v1/halls/demo/tickets"), method="POST",
                          data=json.dumps({"sector": "dat-dai"}).encode(),
                          headers={"Authorization": f"Bearer {demo.kiosk_token}",
                                   "Content-Type": "application/json"})
        with urlopen(request, timeout=10) as answer:
            assert answer.status == 201


def test_a_citizen_books_checks_in_by_qr_is_told_and_called_and_reads_the_dossiers_result(
        browser: Any, contexts: list[Any], demo: DemoServer) -> None:
    # 08:00, on the phone: book the first free slot of Đất đai.
    phone = new_page(browser, contexts, PHONE, is_mobile=True, has_touch=True)
    phone.goto(demo.url("/dat-lich/demo"))
    phone.get_by_test_id("sector-dat-dai").click()
    first_free = phone.locator(".day[open] .slot:not(.slot--full) span").first
    expect(first_free).to_contain_text("08:30")  # the demo's lead time is 30 minutes
    first_free.click()
    phone.get_by_test_id("name").fill("Trần Thị Dân")
    phone.get_by_test_id("phone").fill(NUMBER)
    shoot(phone, "1-phone-books")
    phone.get_by_test_id("book").click()
    expect(phone.get_by_test_id("booking-when")).to_have_text("08:30, 25/11/2026")
    code = phone.get_by_test_id("booking-code").inner_text().replace(" ", "")
    phone.wait_for_function("() => document.querySelector('[data-testid=booking-qr]').naturalWidth > 0")
    shoot(phone, "2-phone-booked")
    booking_link = phone.url.split("?")[0]
    qr = phone.context.request.get(demo.url(phone.get_by_test_id("booking-qr").get_attribute("src") or ""))
    assert qr.text() == qr_svg(booking_link)  # the QR code carries the booking's link

    # The notify worker delivers the confirmation through the demo's fake SMS channel.
    [confirmation] = sms_to(demo, "0912345678")
    assert code in confirmation and "08:30" in confirmation

    # 08:05: four walk-ins for Đất đai; 08:20: the citizen scans the booking's QR code.
    demo.clock.set(hall_time(2026, 11, 25, 8, 5))
    walk_ins(demo, 4)
    demo.clock.set(hall_time(2026, 11, 25, 8, 20))
    kiosk = new_page(browser, contexts, LANDSCAPE)
    kiosk.goto(demo.url(f"/kiosk/demo/setup?token={demo.kiosk_token}"))
    expect(kiosk.locator("#screen-home")).to_be_visible()
    expect(kiosk.locator("[data-clock]").first).to_have_text("08:20")  # the hall's, not the PC's
    kiosk.wait_for_load_state("networkidle")
    scan_at_the_kiosk(kiosk, booking_link)  # the scanner types the QR's content, then Enter
    expect(kiosk.locator("#screen-ticket")).to_be_visible()
    expect(kiosk.locator("#ticket-booking")).to_contain_text("đến sớm")
    expect(kiosk.locator("#screen-ticket")).to_contain_text("1005")
    shoot(kiosk, "3-kiosk-checked-in")

    # The booking's page on the phone now leads to the ticket's page.
    phone.reload()
    phone.get_by_test_id("ticket-link").click()
    expect(phone.locator("#connection")).to_have_attribute("data-state", "live")
    expect(phone.locator("#lines")).to_contain_text("Trước ông/bà còn 4 người")
    shoot(phone, "4-phone-ticket-waiting")

    # An officer opens counter 1 and calls the walk-ins until two people are ahead.
    officer = new_page(browser, contexts, LAPTOP)
    officer.goto(demo.url("/sign-in"))
    officer.fill("#username", "canbo1")
    officer.fill("#password", demo.passwords["canbo1"])
    officer.keyboard.press("Enter")
    officer.wait_for_url("**/counter/**")
    officer.click("[data-testid=take-1]")
    expect(officer.locator("#current-status")).to_have_text("Chưa gọi số nào", timeout=10_000)
    for number in ("1001", "1002"):
        officer.get_by_test_id("action-call-next").click()
        expect(officer.get_by_test_id("current-number")).to_have_text(number)
    expect(phone.locator("#lines")).to_contain_text("Trước ông/bà còn 2 người")
    near = [text for text in sms_to(demo, "0912345678") if "con 2 nguoi" in text]
    assert len(near) == 1 and "so 1005 con 2 nguoi nua la den luot" in near[0]
    shoot(phone, "5-phone-two-ahead")

    # 08:30, the slot begins: the appointment is called ahead of the walk-ins left.
    demo.clock.set(hall_time(2026, 11, 25, 8, 30))
    officer.get_by_test_id("action-call-next").click()
    expect(officer.get_by_test_id("current-number")).to_have_text("1005")
    expect(officer.locator("#current-meta")).to_contain_text("Có lịch hẹn")
    shoot(officer, "6-counter-calls-the-appointment")
    expect(phone.locator("#headline")).to_have_text("Mời đến quầy số 1")
    assert any("moi so 1005 den quay 1" in text for text in sms_to(demo, "0912345678"))
    shoot(phone, "7-phone-called")

    # At the counter: a dossier for the ticket being served, with the citizen's number.
    officer.get_by_test_id("dossier-intake-link").click()
    expect(officer.get_by_test_id("intake-ticket")).to_have_text("1005")
    officer.wait_for_load_state()  # intake.js, at the end of the page, makes the choice submit
    officer.get_by_test_id("procedure").select_option("1.012770")  # submits itself
    officer.get_by_test_id("applicant-name").fill("Trần Thị Dân")
    officer.get_by_test_id("applicant-phone").fill(NUMBER)
    officer.get_by_test_id("applicant-address").fill("12 Lê Lợi, Nha Trang")
    officer.get_by_test_id("receive").click()
    dossier = officer.get_by_test_id("dossier-code").inner_text()
    shoot(officer, "8-counter-dossier-received")
    received = [text for text in sms_to(demo, "0912345678") if dossier in text]
    assert len(received) == 1 and "da tiep nhan ho so" in received[0]

    # Days later the result is ready; the SMS carries the dossier's link.
    demo.clock.set(hall_time(2026, 12, 2, 15, 0))
    officer.locator("input[name=status][value='9']").check()
    officer.get_by_test_id("status-submit").click()
    expect(officer.locator(".page__head .status")).to_have_text("Đã xử lý xong")
    [result] = [text for text in sms_to(demo, "0912345678") if "da co ket qua" in text]
    link = re.search(r"https?://\S+", result)
    assert link is not None and dossier in result

    # The same phone opens the link and sees the result is ready.
    phone.goto(link.group(0))
    card = phone.get_by_test_id("dossier-status")
    expect(card).to_contain_text(dossier)
    expect(card).to_contain_text("Đã xử lý xong")
    expect(card).to_contain_text("Trần T. D.")
    shoot(phone, "9-phone-result-ready")
