"""The leaders' live view in headless Chromium: it follows the hall's events instead of polling,
and alerts, on screen and with a sound once turned on, when a sector passes its own threshold."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from motcua.core.actors import Actor
from motcua.core.clock import FixedClock, SystemClock
from motcua.core.ports import Ports
from motcua.queue import services
from motcua.queue.models import Hall
from tests.admin.test_browser import contexts, hall, new_page, sign_in
from tests.conftest import LiveServer, runtime_of, screenshot

pytestmark = pytest.mark.browser

# Every read of the live state and every tone the page plays, as the page asked for them.
RECORD = """
    window.reads = 0;
    const realFetch = window.fetch;
    window.fetch = (url, ...rest) => {
        if (String(url).includes("/live.json")) window.reads += 1;
        return realFetch(url, ...rest);
    };
    window.tones = 0;
    const realOscillator = AudioContext.prototype.createOscillator;
    AudioContext.prototype.createOscillator = function () {
        window.tones += 1;
        return realOscillator.call(this);
    };
"""


def issue_at(server: LiveServer, sector: str, minutes_ago: float) -> None:
    """A ticket queued some time ago, published to the hall's screens like any other."""
    clock = FixedClock(SystemClock().now() - timedelta(minutes=minutes_ago))
    with server.session() as session:
        services.issue_ticket(Ports(session, clock, runtime_of(server.app).publisher),
                              hall_code="demo", sector_code=sector, priority=None,
                              actor=Actor(kind="kiosk", name="k1"))


def set_thresholds(server: LiveServer, **per_sector: int) -> None:
    with server.session() as session:
        found = session.query(Hall).filter_by(code="demo").one()
        found.settings = {**found.settings, "wait_alert_minutes": 30,
                          "sector_wait_alert_minutes": per_sector}
        session.commit()


@pytest.fixture
def live_page(hall: LiveServer, browser: Browser,
              contexts: list[Any]) -> Iterator[Page]:
    page = new_page(browser, contexts)
    page.context.add_init_script(RECORD)
    sign_in(page, hall, "/admin/demo/live")
    expect(page.locator("body")).to_have_attribute("data-link", "up", timeout=10_000)
    yield page


def test_the_live_view_follows_events_without_polling(hall: LiveServer, live_page: Page) -> None:
    page = live_page
    page.wait_for_timeout(10_500)  # a quiet hall: nothing to read (a 5 s poll read twice)
    assert page.evaluate("window.reads") == 1  # once, when its live link connected

    issue_at(hall, "y-te", 0)

    expect(page.locator('.live-sector[data-sector="y-te"] .count')).to_have_text("1", timeout=2000)


def test_a_sector_past_its_own_threshold_alerts_on_screen_and_with_sound(
        hall: LiveServer, live_page: Page) -> None:
    set_thresholds(hall, **{"tu-phap": 15})
    page = live_page
    page.get_by_role("button", name="Bật âm báo").click()
    expect(page.get_by_role("button", name="Đã bật âm báo")).to_be_visible()
    tones = page.evaluate("window.tones")

    issue_at(hall, "dat-dai", 20)  # under the hall's 30 minutes: no alert
    issue_at(hall, "tu-phap", 20)  # past the justice sector's own 15 minutes

    justice = page.locator('.live-sector[data-sector="tu-phap"]')
    expect(justice).to_have_class("live-sector alert", timeout=2000)
    expect(page.locator('.live-sector[data-sector="dat-dai"]')).to_have_class("live-sector")
    expect(page.locator("[data-alerts] p")).to_have_count(1)
    expect(page.locator("[data-alerts] p")).to_contain_text("ngưỡng 15 phút")
    assert page.evaluate("window.tones") > tones
    screenshot(page, "admin-live-alert")


def test_a_sector_that_passes_its_threshold_while_nothing_happens_alerts_on_time(
        hall: LiveServer, live_page: Page) -> None:
    set_thresholds(hall, **{"y-te": 1})
    issue_at(hall, "y-te", 0.9)  # passes one minute about six seconds from now, with no event
    page = live_page
    health = page.locator('.live-sector[data-sector="y-te"]')
    expect(health.locator(".count")).to_have_text("1", timeout=2000)
    expect(health).to_have_class("live-sector alert", timeout=20_000)
