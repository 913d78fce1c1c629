"""Every part of the kiosk's screens within reach, at both kiosk sizes, with and without large
text and high contrast: the "Thủ tục" sectors and procedures, the look-up, booking and phone
keypads with their confirming buttons (labelled in words, and the primary look), whole
labels. Found by exploratory testing. Screenshots: artifacts/screenshots/kiosk-fit-*.png."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from motcua.booking.demo import load_demo_booking
from motcua.core.actors import SYSTEM
from motcua.core.clock import SystemClock
from motcua.core.events import RecordingPublisher
from motcua.core.ports import Ports
from motcua.dossier import services as dossiers
from motcua.notify.settings import configure_channel
from tests.booking.test_browser import booked_for_today
from tests.kiosk.conftest import LANDSCAPE, PORTRAIT, LiveHall
from tests.kiosk.test_kiosk_browser import open_kiosk
from tests.support import system_ports

pytestmark = pytest.mark.browser

SIZES = [(PORTRAIT, "portrait"), (LANDSCAPE, "landscape")]
MODES = [(), ("large-text",), ("large-text", "contrast")]


@pytest.fixture
def hall(live_hall: LiveHall) -> LiveHall:
    """The demo hall with its procedures, bookings and text messages."""
    clock = SystemClock()
    with live_hall.server.session() as session:
        dossiers.load_demo_catalogue(session, clock)
        load_demo_booking(Ports(session, clock, RecordingPublisher()))
        configure_channel(system_ports(session, clock), actor=SYSTEM, hall_code="demo",
                          kind="fake_sms", config={}, ahead=2)
    return live_hall


def test_a_booking_checked_in_on_a_fresh_kiosk_raises_no_error(browser, hall):
    booked_for_today(hall, "20261206", minutes_from_now=5)
    page = open_kiosk(browser, hall, LANDSCAPE)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.locator('[data-action="booking"]').click()
    for digit in "20261206":
        page.locator(f'#screen-booking [data-key="{digit}"]').click()
    page.locator('[data-action="booking-submit"]').click()
    expect(page.locator("#screen-ticket")).to_be_visible()
    # after the frame and the task in which the kiosk measures the tap to the ticket
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => setTimeout(done)))")
    assert errors == []
    page.context.close()
