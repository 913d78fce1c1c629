"""Booking end to end in headless Chromium: a phone books a slot and gets its code and QR code;
the kiosk checks the booking in by its typed code (and says why when it cannot); the counter
console shows the appointment flag. Screenshots under artifacts/screenshots/booking-*."""
from __future__ import annotations

import re
import secrets
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from motcua.auth.accounts import create_user
from motcua.booking.demo import load_demo_booking
from motcua.booking.models import Booking, BookingStatus
from motcua.core.actors import SYSTEM, Role
from motcua.core.clock import SystemClock, local_day
from motcua.core.events import RecordingPublisher
from motcua.core.ports import Ports
from motcua.queue.models import Hall, Sector, Ticket
from tests.conftest import screenshot
from tests.kiosk.conftest import LANDSCAPE, PHONE, LiveHall, live_hall
from tests.support import system_ports

pytestmark = pytest.mark.browser


@pytest.fixture
def booking_hall(live_hall: LiveHall) -> LiveHall:
    with live_hall.server.session() as session:
        load_demo_booking(Ports(session, SystemClock(), RecordingPublisher()))
    return live_hall


def booked_for_today(hall: LiveHall, code: str, minutes_from_now: int) -> None:
    """A booking of today stored as it is kept (the live clock's day may offer no slot)."""
    clock = SystemClock()
    with hall.server.session() as session:
        demo = session.scalar(select(Hall).where(Hall.code == "demo"))
        sector = session.scalar(select(Sector).where(Sector.hall_id == demo.id,
                                                     Sector.code == "dat-dai"))
        at = (clock.now() + timedelta(minutes=minutes_from_now)).replace(second=0, microsecond=0)
        session.add(Booking(hall_id=demo.id, sector_id=sector.id, code=code,
                            secret=secrets.token_urlsafe(18),
                            day=local_day(clock, demo.time_zone), slot_at=at, slot_minutes=30,
                            name="Nguyễn Văn Dân", phone="0912345678",
                            status=BookingStatus.CONFIRMED, created_at=clock.now(),
                            booked_by="public"))
        session.commit()


def test_a_citizen_books_a_slot_on_a_phone_and_gets_a_code_and_a_qr_code(browser, booking_hall):
    page = browser.new_context(viewport=PHONE).new_page()
    page.goto(booking_hall.url("/dat-lich/demo"))
    expect(page.get_by_test_id("sector-dat-dai")).to_be_visible()
    screenshot(page, "booking-phone-1-sectors")
    page.get_by_test_id("sector-dat-dai").click()
    first_free = page.locator(".day[open] .slot:not(.slot--full) span").first
    first_free.click()
    page.get_by_test_id("name").fill("Trần Thị Dân")
    page.get_by_test_id("phone").fill("0912 345 678")
    screenshot(page, "booking-phone-2-slots")
    page.get_by_test_id("book").click()
    expect(page.get_by_test_id("booking-code")).to_have_text(re.compile(r"^\d{4} \d{4}$"))
    page.wait_for_function("() => document.querySelector('[data-testid=booking-qr]').naturalWidth > 0")
    screenshot(page, "booking-phone-3-confirmed")
    with booking_hall.server.session() as session:
        kept = session.scalars(select(Booking)).one()
    assert page.get_by_test_id("booking-code").inner_text().replace(" ", "") == kept.code
    assert kept.phone == "0912345678"
    page.get_by_role("link", name="English").click()
    expect(page.locator("h1, .notice").first).to_contain_text("Booked")
    screenshot(page, "booking-phone-4-confirmed-english")
    page.get_by_role("link", name="Tiếng Việt").click()
    page.get_by_test_id("cancel").click()  # asks first: a mis-tap keeps the booking
    expect(page.locator("h1")).to_contain_text("Hủy lịch hẹn lúc")
    screenshot(page, "booking-phone-5-cancel-asked")
    page.get_by_test_id("cancel-keep").click()
    expect(page.get_by_test_id("booking-code")).to_be_visible()
    expect(page.get_by_test_id("cancelled")).to_have_count(0)
    page.get_by_test_id("cancel").click()
    page.get_by_test_id("cancel-confirm").click()
    expect(page.get_by_test_id("cancelled")).to_be_visible()
    screenshot(page, "booking-phone-6-cancelled")
    page.get_by_test_id("book-again").click()
    expect(page.get_by_test_id("book")).to_be_visible()


def open_kiosk(browser: Any, hall: LiveHall) -> Page:
    page = browser.new_context(viewport=LANDSCAPE).new_page()
    page.goto(hall.url(f"/kiosk/demo/setup?token={hall.kiosk_token}"))
    expect(page.locator("#screen-home")).to_be_visible()
    page.wait_for_load_state("networkidle")
    return page


def type_code(page: Page, code: str) -> None:
    for digit in code:
        page.locator(f'#screen-booking [data-key="{digit}"]').click()
    page.locator('[data-action="booking-submit"]').click()


def test_the_kiosk_checks_a_booking_in_by_its_typed_code(browser, booking_hall):
    booked_for_today(booking_hall, "20261204", minutes_from_now=5)
    page = open_kiosk(browser, booking_hall)
    screenshot(page, "booking-kiosk-1-home")
    page.locator('[data-action="booking"]').click()
    type_code(page, "99999999")
    expect(page.locator("#booking-result .lookup-error")).to_contain_text("99999999")
    screenshot(page, "booking-kiosk-2-unknown-code")
    type_code(page, "20261204")
    expect(page.locator("#screen-ticket")).to_be_visible()
    expect(page.locator("#ticket-booking")).to_contain_text("đến sớm")
    screenshot(page, "booking-kiosk-3-ticket")
    tickets = booking_hall.tickets()
    assert len(tickets) == 1 and tickets[0].appointment_at is not None


def test_the_counter_console_shows_the_appointment_flag(browser, booking_hall):
    booked_for_today(booking_hall, "20261205", minutes_from_now=-5)  # its slot has begun
    booking_hall.issue("dat-dai")  # a walk-in came first
    booking_hall.api("POST", "/halls/demo/check-ins", booking_hall.kiosk_token, {"code": "20261205"})
    with booking_hall.server.session() as session:
        create_user(system_ports(session, SystemClock()), actor=SYSTEM, username="lan",
                    role=Role.OFFICER, password="secret-pass", hall_code="demo")
    page = browser.new_context(viewport=LANDSCAPE).new_page()
    page.goto(booking_hall.url("/counter/"))
    page.fill("#username", "lan")
    page.fill("#password", "secret-pass")
    page.click("button[type=submit]")
    page.click("[data-testid=take-1]")
    expect(page.locator("#current-status")).to_have_text("Chưa gọi số nào", timeout=10_000)
    expect(page.locator("#next .chip--appointment")).to_have_count(1)
    page.get_by_test_id("action-call-next").click()
    expect(page.locator("#current-meta")).to_contain_text("Có lịch hẹn")
    screenshot(page, "booking-counter-flag")
    with booking_hall.server.session() as session:
        called = session.scalars(select(Ticket).where(Ticket.appointment_at.is_not(None))).one()
        assert called.status.value == "called"
