"""The opt-in in headless Chromium: the kiosk's phone step after the ticket, and the phone
page's form, with screenshots for a person to look at."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from motcua.core.actors import SYSTEM
from motcua.core.clock import SystemClock
from motcua.notify.models import TicketSubscription
from motcua.notify.settings import configure_channel
from tests.conftest import screenshot
from tests.kiosk.conftest import LANDSCAPE, PHONE, PORTRAIT
from tests.kiosk.test_kiosk_browser import open_kiosk, sector
from tests.kiosk.test_phone_browser import counter
from tests.support import system_ports

pytestmark = pytest.mark.browser


def _sending(live_hall):
    with live_hall.server.session() as session:
        configure_channel(system_ports(session, SystemClock()), actor=SYSTEM, hall_code="demo",
                          kind="fake_sms", config={}, ahead=2)


def _phones(live_hall):
    with live_hall.server.session() as session:
        return list(session.scalars(select(TicketSubscription.phone)))


@pytest.mark.parametrize("viewport,orientation", [(PORTRAIT, "portrait"), (LANDSCAPE, "landscape")])
def test_a_citizen_gives_a_phone_number_at_the_kiosk_after_the_ticket(browser, live_hall, viewport,
                                                                        orientation):
    _sending(live_hall)
    page = open_kiosk(browser, live_hall, viewport)
    sector(page, "dat-dai").click()
    expect(page.locator("#screen-ticket")).to_be_visible()
    page.wait_for_function("() => document.getElementById('ticket-qr').naturalWidth > 0")
    screenshot(page, f"notify-kiosk-{orientation}-1-ticket")
    page.locator('[data-action="phone"]').click()
    expect(page.locator("#screen-phone")).to_be_visible()
    for digit in "0912":
        page.locator(f'#phone-keypad [data-digit="{digit}"]').click()
    page.locator('[data-action="phone-submit"]').click()
    expect(page.locator("#phone-problem")).to_be_visible()
    screenshot(page, f"notify-kiosk-{orientation}-2-wrong-number")
    for digit in "345678":
        page.locator(f'#phone-keypad [data-digit="{digit}"]').click()
    page.locator('[data-action="phone-submit"]').click()
    expect(page.locator("#phone-done")).to_be_visible()
    screenshot(page, f"notify-kiosk-{orientation}-3-done")
    assert _phones(live_hall) == ["0912345678"]
    expect(page.locator("#screen-home")).to_be_visible(timeout=10000)  # on to the next citizen
    page.context.close()


def test_the_phone_step_is_skipped_with_one_tap(browser, live_hall):
    _sending(live_hall)
    page = open_kiosk(browser, live_hall, PORTRAIT)
    sector(page, "dat-dai").click()
    page.locator('[data-action="phone"]').click()
    page.locator('#screen-phone [data-action="done"]').click()
    expect(page.locator("#screen-home")).to_be_visible()
    assert _phones(live_hall) == []
    page.context.close()


def test_a_kiosk_of_a_hall_that_sends_nothing_offers_no_phone_step(browser, live_hall):
    page = open_kiosk(browser, live_hall, PORTRAIT)
    sector(page, "dat-dai").click()
    expect(page.locator("#screen-ticket")).to_be_visible()
    expect(page.locator('[data-action="phone"]')).to_have_count(0)
    page.context.close()


def test_a_citizen_gives_a_phone_number_on_the_tickets_page(browser, live_hall):
    _sending(live_hall)
    ticket = live_hall.issue("dat-dai")
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    page.goto(live_hall.url(f"/t/{ticket['token']}"))
    page.locator("#notify-phone").fill("+84 912 345 678")
    page.locator("#notify button").click()
    expect(page.locator("#notify-answer")).to_have_text("Đã đăng ký nhận tin nhắn.")
    page.evaluate("document.fonts.ready")
    screenshot(page, "notify-phone-page")
    assert _phones(live_hall) == ["0912345678"]
    page.reload()  # later: the page says where messages go; a new number replaces it
    expect(page.locator(".notify-given")).to_have_text("Đã đăng ký nhận tin nhắn tới số ••• ••• 678.")
    expect(page.locator("#notify-phone")).to_be_hidden()
    page.locator(".notify-change summary").click()
    page.locator("#notify-phone").fill("0987 654 321")
    page.locator("#notify button").click()
    expect(page.locator("#notify-answer")).to_have_text("Đã đăng ký nhận tin nhắn.")
    screenshot(page, "notify-phone-page-changed")
    assert _phones(live_hall) == ["0987654321"]
    page.context.close()


def _open_phone_page(browser, live_hall, ticket):
    page = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    page.goto(live_hall.url(f"/t/{ticket['token']}"))
    return page


def test_the_phone_pages_form_goes_away_as_soon_as_the_ticket_is_no_longer_waiting(browser, live_hall):
    _sending(live_hall)
    ticket = live_hall.issue("dat-dai")
    page = _open_phone_page(browser, live_hall, ticket)
    expect(page.locator("#connection")).to_have_attribute("data-state", "live")
    expect(page.locator("#notify-phone")).to_be_visible()
    counter(live_hall, "open")
    counter(live_hall, "call-next")
    counter(live_hall, "complete")
    expect(page.locator("#headline")).to_have_text("Đã xong")
    expect(page.locator("#notify")).to_be_hidden()
    expect(page.get_by_text("Nhận tin nhắn khi sắp đến lượt")).to_be_hidden()
    page.evaluate("document.fonts.ready")
    screenshot(page, "notify-phone-page-done")
    page.context.close()


def test_a_phone_number_sent_after_the_ticket_stopped_waiting_is_told_it_is_too_late(browser, live_hall):
    _sending(live_hall)
    ticket = live_hall.issue("dat-dai")
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    # The page cannot read the ticket's state any more: it misses the no-show.
    context.route(re.compile(r"/api/v1/tickets/[^/]+$"), lambda route: route.abort())
    page = context.new_page()
    page.goto(live_hall.url(f"/t/{ticket['token']}"))
    counter(live_hall, "open")
    counter(live_hall, "call-next")
    counter(live_hall, "no-show")
    page.locator("#notify-phone").fill("0912 345 678")
    page.locator("#notify button").click()
    expect(page.locator("#notify-answer")).to_have_text(
        "Đã quá muộn: số này không còn chờ nên không nhận tin nhắn được nữa.")
    expect(page.locator("#notify button")).to_be_disabled()
    page.evaluate("document.fonts.ready")
    screenshot(page, "notify-phone-page-too-late")
    assert _phones(live_hall) == []
    page.context.close()
