"""Administration in headless Chromium: the report page draws its charts, the live view warns,
a closed sector greys out on a running kiosk without a reload."""
from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from motcua.auth.accounts import create_user, register_device
from motcua.core.actors import SYSTEM, Actor, DeviceKind, Role
from motcua.core.clock import HALL_TIME_ZONE, FixedClock, SystemClock, local_day
from motcua.core.events import RecordingPublisher
from motcua.core.identity import actor_for_user
from motcua.core.ports import Ports
from motcua.queue import services
from motcua.queue.demo import load_demo_hall
from tests.admin.fixture_day import build_fixture_day, dossiers_of_the_week
from tests.conftest import LiveServer, runtime_of, screenshot
from tests.support import RunningClock, hall_time, system_ports

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 900}

# How many pixels of a chart's canvas are painted (axes, bars, labels): a blank one has none.
PAINTED = """canvas => {
  const { width, height } = canvas;
  const pixels = canvas.getContext("2d").getImageData(0, 0, width, height).data;
  let painted = 0;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
  return painted;
}"""


@pytest.fixture
def contexts(browser: Browser) -> Iterator[list[Any]]:
    opened: list[Any] = []
    yield opened
    for context in opened:
        context.close()


def new_page(browser: Browser, contexts: list[Any], viewport: dict[str, int] = LAPTOP) -> Page:
    context = browser.new_context(viewport=viewport, locale="vi-VN")
    contexts.append(context)
    return context.new_page()


@pytest.fixture
def live_clock() -> RunningClock:
    """Mid-morning in the hall, today: the live view shows today's citizens, and a run just
    after hall midnight would have none issued 45 minutes before."""
    today = local_day(SystemClock(), HALL_TIME_ZONE)
    return RunningClock(hall_time(today.year, today.month, today.day, 9, 30))


@pytest.fixture
def hall(live_server: LiveServer, live_clock: RunningClock) -> LiveServer:
    clock = live_clock
    with live_server.session() as session:
        load_demo_hall(Ports(session, clock, RecordingPublisher()))
        create_user(system_ports(session, clock), actor=SYSTEM,
                    username="quantri", role=Role.ADMIN, password="secret-pass",
                    full_name="Quản trị viên")
    return live_server


def sign_in(page: Page, server: LiveServer, path: str) -> None:
    page.goto(server.url + path)
    page.fill("#username", "quantri")
    page.fill("#password", "secret-pass")
    page.click("button[type=submit]")
    expect(page).to_have_url(server.url + path)


def test_the_report_page_draws_its_charts(hall: LiveServer, browser: Browser,
                                          contexts: list[Any]) -> None:
    with hall.session() as session:
        clock = FixedClock(SystemClock().now())
        ports = Ports(session, clock, RecordingPublisher())
        build_fixture_day(ports, session, clock)
        dossiers_of_the_week(ports, session)
    page = new_page(browser, contexts)
    dates = "from=2026-11-23&to=2026-11-27"
    sign_in(page, hall, f"/admin/demo/reports/times?{dates}")
    expect(page.locator("body")).to_have_attribute("data-charts-drawn", "true")
    canvases = page.locator("canvas")
    assert canvases.count() == 6
    for index in range(canvases.count()):
        assert canvases.nth(index).evaluate(PAINTED) > 500, f"chart {index} is blank"
    screenshot(page, "admin-report-times")

    page.locator("#t-by_sector details summary").click()
    numbers = page.locator("#t-by_sector table tbody tr").first
    expect(numbers).to_contain_text("Đất đai")
    expect(numbers).to_contain_text("33,5")
    screenshot(page, "admin-report-times-numbers")

    for key in ("traffic", "outcomes", "satisfaction", "dossiers", "estimates"):
        page.goto(f"{hall.url}/admin/demo/reports/{key}?{dates}")
        expect(page.locator("body")).to_have_attribute("data-charts-drawn", "true")
        for canvas in page.locator("canvas").all():
            assert canvas.evaluate(PAINTED) > 500, f"a chart of {key} is blank"
        screenshot(page, f"admin-report-{key}")
    page.locator("#t-by_sector details summary").click()  # the estimates report's figures
    expect(page.locator("#t-by_sector table tbody")).to_contain_text("Đất đai")
    screenshot(page, "admin-report-estimates-numbers")
    page.goto(f"{hall.url}/admin/demo/reports/traffic?{dates}")
    hot = page.locator(".heat-cell.hot")  # Wednesday 08:00 (3 tickets) and 09:00 (2)
    expect(hot).to_have_count(2)
    expect(hot.first).to_have_text("3")


def test_the_live_view_shows_who_waits_and_warns_past_the_threshold(
        hall: LiveServer, live_clock: RunningClock, browser: Browser, contexts: list[Any]) -> None:
    now = live_clock.now()
    with hall.session() as session:
        officer, _ = create_user(system_ports(session, live_clock), actor=SYSTEM,
                                 username="lan", role=Role.OFFICER,
                                 password="secret-pass", hall_code="demo",
                                 full_name="Nguyễn Thị Lan")
        clock = FixedClock(now - timedelta(minutes=45))
        ports = Ports(session, clock, RecordingPublisher())
        kiosk = Actor(kind="kiosk", name="k1")
        for sector in ("dat-dai", "dat-dai", "dat-dai", "tu-phap"):
            services.issue_ticket(ports, hall_code="demo", sector_code=sector, priority=None,
                                  actor=kiosk)
            clock.advance(minutes=10)
        services.open_counter(ports, hall_code="demo", counter_number=1,
                              actor=actor_for_user(officer))
        services.call_next(ports, hall_code="demo", counter_number=1,
                           actor=actor_for_user(officer))
        services.open_counter(ports, hall_code="demo", counter_number=8, actor=SYSTEM)
    page = new_page(browser, contexts)
    sign_in(page, hall, "/admin/demo/live")
    land = page.locator('.live-sector[data-sector="dat-dai"]')
    expect(land).to_have_class("live-sector alert")
    expect(land.locator(".count")).to_have_text("2")
    expect(page.locator("[data-alerts] p")).to_have_count(1)
    expect(page.locator("[data-alerts] p")).to_contain_text("Đất đai")
    expect(page.locator('.live-counter[data-counter="1"] .now')).to_contain_text("1001")
    expect(page.locator('.live-counter[data-counter="8"]')).to_have_class("live-counter open idle")
    # read at the hall's time (its clock set to 09:30), whatever the browser's clock says
    expect(page.locator("[data-updated]")).to_have_text(re.compile(r"Cập nhật lúc 09:3\d:\d\d"))
    screenshot(page, "admin-live")

    with hall.session() as session:  # the hall's event shows a new citizen without a reload
        services.issue_ticket(Ports(session, live_clock, runtime_of(hall.app).publisher),
                              hall_code="demo", sector_code="y-te", priority=None,
                              actor=Actor(kind="kiosk", name="k1"))
    expect(page.locator('.live-sector[data-sector="y-te"] .count')).to_have_text(
        "1", timeout=2000)


def test_closing_a_sector_greys_it_out_on_a_running_kiosk(hall: LiveServer, browser: Browser,
                                                          contexts: list[Any]) -> None:
    with hall.session() as session:
        _, token = register_device(system_ports(session, SystemClock()), actor=SYSTEM, printers=None,
                                   hall_code="demo", name="kiosk-1",
                                   kind=DeviceKind.KIOSK, printer="dummy:")
    kiosk = new_page(browser, contexts, {"width": 1080, "height": 1920})
    kiosk.goto(f"{hall.url}/kiosk/demo/setup?token={token}")
    land = kiosk.locator('[data-sector="dat-dai"]')
    expect(land).to_be_enabled(timeout=10_000)
    kiosk.wait_for_timeout(500)  # let the page's Socket.IO link come up

    admin = new_page(browser, contexts)
    sign_in(admin, hall, "/admin/demo/sectors")
    admin.once("dialog", lambda dialog: dialog.accept())
    row = admin.locator("tr", has_text="Đất đai").first
    row.get_by_role("button", name="Ngừng cấp số").click()
    expect(admin.locator(".flash-ok")).to_contain_text("Đã ngừng lấy số cho Đất đai.")
    screenshot(admin, "admin-sectors")

    expect(land).to_be_disabled(timeout=10_000)
    screenshot(kiosk, "admin-kiosk-after-close")


def test_a_form_with_mistakes_marks_each_field(hall: LiveServer, browser: Browser,
                                               contexts: list[Any]) -> None:
    page = new_page(browser, contexts)
    sign_in(page, hall, "/admin/demo/sectors/new")
    page.fill("#f-code", "Hộ Tịch")
    page.fill("#f-name_vi", "Hộ tịch")
    page.fill("#f-prefix", "A")
    page.fill("#f-number_start", "500")
    page.fill("#f-issuing_windows", "8h-11h")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".field.has-error")).to_have_count(3)
    expect(page.locator("#code-error")).to_contain_text("chữ thường không dấu")
    expect(page.locator("#number_start-error")).to_contain_text("Giáo dục và Đào tạo")
    screenshot(page, "admin-sector-form-errors")
