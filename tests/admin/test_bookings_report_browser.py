"""The bookings report in headless Chromium: its charts drawn, its figures one click away."""
from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from motcua.core.clock import FixedClock
from motcua.core.events import RecordingPublisher
from motcua.core.ports import Ports
from tests.admin.test_bookings_report import build_booking_day
from tests.admin.test_browser import PAINTED, contexts, hall, new_page, sign_in
from tests.conftest import LiveServer, screenshot
from tests.support import hall_time

pytestmark = pytest.mark.browser


def test_the_bookings_report_draws_its_charts_and_shows_its_figures(
        hall: LiveServer, browser: Browser, contexts: list[Any]) -> None:
    with hall.session() as session:
        clock = FixedClock(hall_time(2026, 11, 24, 9, 0))
        build_booking_day(Ports(session, clock, RecordingPublisher()), clock)
    page = new_page(browser, contexts)
    sign_in(page, hall, "/admin/demo/reports/bookings?from=2026-11-23&to=2026-11-27")
    expect(page.locator("body")).to_have_attribute("data-charts-drawn", "true")
    canvases = page.locator("canvas")
    assert canvases.count() == 3
    for index in range(canvases.count()):
        assert canvases.nth(index).evaluate(PAINTED) > 500, f"chart {index} is blank"
    screenshot(page, "admin-report-bookings")

    page.locator("#t-by_sector details summary").click()
    land = page.locator("#t-by_sector table tbody tr").last
    expect(land).to_contain_text("Đất đai")
    expect(land).to_contain_text("28,6")  # 2 of its 7 bookings were made through the API
    land.scroll_into_view_if_needed()
    screenshot(page, "admin-report-bookings-numbers")
