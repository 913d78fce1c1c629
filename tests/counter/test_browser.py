"""The console, the hall's counters and the rating tablet in headless Chromium, live."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from motcua.auth.accounts import create_user, register_device
from motcua.core.actors import SYSTEM, DeviceKind, Role
from motcua.core.clock import SystemClock
from motcua.core.events import Event, RecordingPublisher
from motcua.core.ports import Ports
from motcua.counter.models import Rating, RatingLevel
from motcua.printer.models import PrintJob
from motcua.queue import services as queue
from motcua.queue.demo import load_demo_hall
from motcua.queue.models import TicketEvent
from tests.conftest import HeldRead, LiveServer, runtime_of, screenshot
from tests.support import bearer, system_ports

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 768}
FULL_HD = {"width": 1920, "height": 1080}
TABLET = {"width": 1280, "height": 800}


@dataclass
class Hall:
    server: LiveServer
    kiosk: str
    tablet: str

    def issue(self, sector: str = "dat-dai", **extra: Any) -> str:
        response = self.server.app.test_client().post(
            "/api/v1/halls/demo/tickets", json={"sector": sector, **extra},
            headers=bearer(self.kiosk))
        assert response.status_code == 201, response.get_json()
        return str(response.get_json()["display_number"])


@pytest.fixture
def hall(live_server: LiveServer) -> Hall:
    clock = SystemClock()
    with live_server.session() as session:
        load_demo_hall(Ports(session, clock, RecordingPublisher()))
        create_user(system_ports(session, clock), actor=SYSTEM,
                    username="lan", role=Role.OFFICER, password="secret-pass",
                    hall_code="demo", full_name="Nguyễn Văn An")
        create_user(system_ports(session, clock), actor=SYSTEM,
                    username="binh", role=Role.OFFICER, password="secret-pass",
                    hall_code="demo", full_name="Lê Thị Bình")
        create_user(system_ports(session, clock), actor=SYSTEM,
                    username="hong", role=Role.SUPERVISOR,
                    password="secret-pass", hall_code="demo", full_name="Trần Thị Hồng")
        _, kiosk = register_device(system_ports(session, clock), actor=SYSTEM, printers=None,
                                   hall_code="demo", name="kiosk-1",
                                   kind=DeviceKind.KIOSK, printer="dummy:")
        _, tablet = register_device(system_ports(session, clock), actor=SYSTEM, printers=None,
                                    hall_code="demo", name="tablet-1",
                                    kind=DeviceKind.TABLET, counter_number=1)
    return Hall(live_server, kiosk, tablet)


@pytest.fixture
def pages(browser: Browser) -> Iterator[list[Any]]:
    """Browser contexts opened by a test (each its own cookies), closed afterwards."""
    contexts: list[Any] = []
    yield contexts
    for context in contexts:
        context.close()


def new_page(browser: Browser, pages: list[Any], viewport: dict[str, int]) -> Page:
    context = browser.new_context(viewport=viewport, locale="vi-VN")
    pages.append(context)
    return context.new_page()


def sign_in(page: Page, server: LiveServer, username: str, shot: str | None = None) -> None:
    page.goto(server.url + "/counter/")
    expect(page).to_have_url(server.url + "/sign-in?next=%2Fcounter%2F")
    if shot:
        screenshot(page, shot)
    page.fill("#username", username)
    page.fill("#password", "secret-pass")
    page.click("button[type=submit]")


def take_counter(page: Page, server: LiveServer, number: int) -> None:
    expect(page).to_have_url(server.url + "/counter/demo")
    page.click(f"[data-testid=take-{number}]")
    expect(page).to_have_url(f"{server.url}/counter/demo/{number}")
    expect(page.locator(".live")).not_to_have_class("live live--off", timeout=10_000)
    expect(page.locator("#current-status")).to_have_text("Chưa gọi số nào")


def console_at(browser: Browser, pages: list[Any], server: LiveServer, username: str,
               number: int, viewport: dict[str, int] = LAPTOP) -> Page:
    """A new browser whose officer signed in and took counter `number`."""
    page = new_page(browser, pages, viewport)
    sign_in(page, server, username)
    take_counter(page, server, number)
    return page


def test_the_whole_round_sign_in_call_see_it_on_the_board_finish_and_rate(
        hall: Hall, browser: Browser, pages: list[Any]) -> None:
    server = hall.server
    board = new_page(browser, pages, FULL_HD)
    board.goto(server.url + "/display/demo")
    expect(board.locator("body")).to_have_attribute("data-link", "up", timeout=10_000)

    tablet = new_page(browser, pages, TABLET)
    tablet.goto(f"{server.url}/rate/demo/1/setup?token={hall.tablet}")
    expect(tablet).to_have_url(server.url + "/rate/demo/1")  # the token left the address bar
    expect(tablet.get_by_test_id("tablet-idle")).to_be_visible()
    expect(tablet.locator("#offline")).to_be_hidden(timeout=10_000)
    screenshot(tablet, "counter-tablet-idle-1280x800")

    console = new_page(browser, pages, LAPTOP)
    sign_in(console, server, "lan", shot="counter-sign-in-1366x768")
    expect(console.get_by_test_id("take-1")).to_be_visible()
    expect(console.get_by_test_id("live")).to_have_text("Trực tuyến", timeout=10_000)
    screenshot(console, "counter-hall-officer-1366x768")
    take_counter(console, server, 1)

    first = hall.issue("dat-dai")
    second = hall.issue("dat-dai")
    expect(console.get_by_test_id("next").locator("li")).to_have_text([first, second])
    expect(console.get_by_test_id("waiting")).to_contain_text("2")

    console.get_by_test_id("action-call-next").click()
    expect(console.get_by_test_id("current-number")).to_have_text(first)
    expect(console.locator("#current-status")).to_have_text("Đang mời")
    expect(board.locator("#now-number")).to_have_text(first, timeout=5000)
    expect(board.locator("#now-counter")).to_have_text("1")
    expect(tablet.locator("#serving-number")).to_have_text(first)

    console.get_by_test_id("action-start").click()
    expect(console.locator("#current-status")).to_have_text("Đang phục vụ")
    expect(console.get_by_test_id("timer")).to_have_text("0:01", timeout=5000)
    expect(console.get_by_test_id("next").locator("li")).to_have_text([second])
    screenshot(console, "counter-console-1366x768")
    screenshot(board, "counter-round-board-1920x1080")

    console.get_by_test_id("action-complete").click()
    expect(console.get_by_test_id("served")).to_have_text("1")
    expect(tablet.get_by_test_id("tablet-prompt")).to_be_visible(timeout=5000)
    expect(tablet.locator("#prompt-ticket")).to_have_text(f"Số thứ tự {first}")
    expect(tablet.locator("[data-level]")).to_have_count(3)
    screenshot(tablet, "counter-tablet-rate-1280x800")

    tablet.get_by_test_id("rate-unsatisfied").click()
    expect(tablet.get_by_test_id("tablet-reason")).to_be_visible()
    screenshot(tablet, "counter-tablet-reason-1280x800")
    tablet.get_by_test_id("reason-long_wait").click()
    expect(tablet.get_by_test_id("tablet-thanks")).to_be_visible()
    expect(tablet.locator("#thanks-text")).to_have_text("Xin cảm ơn quý công dân đã đánh giá!")
    screenshot(tablet, "counter-tablet-thanks-1280x800")
    expect(console.get_by_test_id("last-rating")).to_have_text(
        f"Số {first} đánh giá: Không hài lòng")
    expect(tablet.get_by_test_id("tablet-idle")).to_be_visible(timeout=15_000)  # times out

    with server.session() as session:
        rating = session.query(Rating).one()
        assert (rating.level, rating.reason, rating.ticket.display_number) == (
            RatingLevel.UNSATISFIED, "long_wait", first)
        assert rating.officer is not None and rating.officer.username == "lan"


def test_an_idle_tablet_shows_no_serving_label_without_a_number(
        hall: Hall, browser: Browser, pages: list[Any]) -> None:
    server = hall.server
    tablet = new_page(browser, pages, TABLET)
    tablet.goto(f"{server.url}/rate/demo/1/setup?token={hall.tablet}")
    expect(tablet.get_by_test_id("tablet-idle")).to_be_visible()
    expect(tablet.locator("#offline")).to_be_hidden(timeout=10_000)
    expect(tablet.locator("#serving")).to_be_hidden()
    expect(tablet.get_by_text("Đang phục vụ số")).to_be_hidden()
    screenshot(tablet, "counter-tablet-idle-no-ticket-1280x800")


def test_the_tablet_asks_once_and_a_second_rating_of_the_ticket_is_refused(
        hall: Hall, browser: Browser, pages: list[Any]) -> None:
    server = hall.server
    tablet = new_page(browser, pages, TABLET)
    tablet.goto(f"{server.url}/rate/demo/1/setup?token={hall.tablet}")
    expect(tablet.locator("#offline")).to_be_hidden(timeout=10_000)
    console = console_at(browser, pages, server, "lan", 1)
    hall.issue("dat-dai")
    console.get_by_test_id("action-call-next").click()
    console.get_by_test_id("action-complete").click()
    expect(tablet.get_by_test_id("tablet-prompt")).to_be_visible(timeout=5000)
    # A second tablet page (say, reloaded in another tab) asks about the same ticket…
    again = tablet.context.new_page()
    again.goto(server.url + "/rate/demo/1")
    expect(again.get_by_test_id("tablet-prompt")).to_be_visible(timeout=5000)
    tablet.get_by_test_id("rate-very_satisfied").click()
    expect(tablet.locator("#thanks-text")).to_have_text("Xin cảm ơn quý công dân đã đánh giá!")
    # …but the ticket was rated meanwhile: the second tap is refused, kindly.
    again.get_by_test_id("rate-satisfied").click()
    expect(again.locator("#thanks-text")).to_have_text("Số này đã được đánh giá rồi. Xin cảm ơn!")
    with server.session() as session:
        assert [r.level for r in session.query(Rating)] == [RatingLevel.VERY_SATISFIED]


def test_keyboard_shortcuts_drive_every_action(hall: Hall, browser: Browser,
                                               pages: list[Any]) -> None:
    server = hall.server
    console = console_at(browser, pages, server, "binh", 2, FULL_HD)
    numbers = [hall.issue("dat-dai") for _ in range(3)]
    env = hall.issue("moi-truong")
    current = console.get_by_test_id("current-number")
    expect(console.get_by_test_id("next").locator("li")).to_have_count(4)

    console.keyboard.press("F1")  # call next
    expect(current).to_have_text(numbers[0])
    console.keyboard.press("Numpad2")  # recall, from the keypad
    expect(console.locator("#current-meta")).to_have_text("Đã gọi 2 lần")
    console.keyboard.press("F3")  # start
    expect(console.locator("#current-status")).to_have_text("Đang phục vụ")
    console.keyboard.press("Numpad4")  # finish
    expect(console.get_by_test_id("served")).to_have_text("1")
    expect(current).to_have_text("—")

    console.keyboard.press("Numpad1")
    expect(current).to_have_text(numbers[1])
    console.keyboard.press("F5")  # no-show; the page does not reload
    expect(console.locator("#today-no-show")).to_have_text("1")
    expect(current).to_have_text("—")

    console.keyboard.press("F1")
    expect(current).to_have_text(numbers[2])
    with server.session() as session:  # a transfer goes to an open counter
        queue.open_counter(Ports(session, SystemClock(), RecordingPublisher()), hall_code="demo",
                           counter_number=3, actor=SYSTEM)
    console.keyboard.press("F6")  # transfer: a dialog asks where and why
    dialog = console.locator("#dialog-transfer")
    expect(dialog).to_be_visible()
    dialog.locator("input[value=counter]").check()
    dialog.locator("select[name=to_counter]").select_option("3")
    dialog.locator("input[name=reason]").fill("Hồ sơ cần cán bộ môi trường")
    console.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(current).to_have_text("—")

    console.keyboard.press("F7")  # call a specific number, out of order
    dialog = console.locator("#dialog-call")
    expect(dialog).to_be_visible()
    dialog.locator("input[name=display_number]").fill(numbers[1])  # the no-show came back
    console.keyboard.press("Numpad1")  # typing in a field: the keypad types, it does not call
    expect(dialog.locator("input[name=display_number]")).to_have_value(numbers[1])
    dialog.locator("input[name=display_number]").fill(numbers[1])
    dialog.locator("input[name=reason]").fill("Công dân quay lại")
    console.keyboard.press("Enter")
    expect(current).to_have_text(numbers[1])
    console.keyboard.press("F4")
    # A key pressed while the last action is still on its way is ignored, never queued:
    # a double tap on Call next must not skip a citizen.
    expect(console.get_by_test_id("served")).to_have_text("2")

    console.keyboard.press("F1")
    expect(current).to_have_text(env)
    console.keyboard.press("F3")
    expect(console.locator("#current-status")).to_have_text("Đang phục vụ")
    screenshot(console, "counter-console-1920x1080")
    console.keyboard.press("F4")
    expect(console.get_by_test_id("served")).to_have_text("3")

    console.keyboard.press("F8")  # pause, with an optional reason
    expect(console.locator("#dialog-pause")).to_be_visible()
    console.locator("#dialog-pause input[name=reason]").fill("Nghỉ giải lao")
    console.keyboard.press("Enter")
    expect(console.locator("#state-banner-text")).to_have_text(
        "Quầy đang tạm dừng: không nhận số mới.")
    expect(console.locator("#open-button")).to_be_hidden()
    expect(console.get_by_test_id("action-call-next")).to_be_disabled()
    screenshot(console, "counter-console-paused-1920x1080")
    console.keyboard.press("Numpad8")  # resume
    expect(console.locator("#state-banner")).to_be_hidden()

    with server.session() as session:
        kinds = [e.kind for e in session.query(TicketEvent).order_by(TicketEvent.id)
                 if e.actor == "staff:binh"]
    assert kinds == ["counter_opened", "called", "recalled", "started", "completed", "called",
                     "no_show", "called", "transferred", "called_out_of_order", "completed",
                     "called", "started", "completed", "counter_paused", "counter_resumed"]


def test_a_supervisor_watches_the_hall_takes_over_a_counter_and_reads_the_log(
        hall: Hall, browser: Browser, pages: list[Any]) -> None:
    server = hall.server
    officer = console_at(browser, pages, server, "lan", 1)
    for sector in ("dat-dai", "dat-dai", "tu-phap", "doanh-nghiep", "y-te"):
        hall.issue(sector)
    officer.keyboard.press("F1")
    expect(officer.get_by_test_id("current-number")).to_have_text("1001")

    boss = new_page(browser, pages, FULL_HD)
    sign_in(boss, server, "hong")
    expect(boss).to_have_url(server.url + "/counter/demo")
    card = boss.locator("[data-counter='1']")
    expect(card).to_contain_text("Nguyễn Văn An")
    expect(card.locator(".counter-card__current")).to_have_text("1001")
    expect(boss.get_by_test_id("live")).to_have_text("Trực tuyến", timeout=10_000)
    screenshot(boss, "counter-hall-supervisor-1920x1080")

    card.get_by_role("link", name="Điều khiển").click()
    expect(boss).to_have_url(server.url + "/counter/demo/1")
    expect(boss.get_by_test_id("current-number")).to_have_text("1001", timeout=10_000)
    boss.get_by_test_id("action-transfer").click()
    dialog = boss.locator("#dialog-transfer")
    dialog.locator("select[name=to_sector]").select_option("tu-phap")
    dialog.locator("input[name=reason]").fill("Hồ sơ hộ tịch")
    dialog.get_by_role("button", name="Chuyển").click()
    expect(boss.get_by_test_id("current-number")).to_have_text("—")
    expect(officer.get_by_test_id("current-number")).to_have_text("—")  # live on the officer's

    # A kiosk's printer fails: every console of the hall hears it.
    runtime_of(server.app).publisher.publish(Event(
        name="print_failed", hall="demo",
        payload={"display_number": "7002", "device": "kiosk-1", "error": "out of paper"}))
    alert = officer.get_by_test_id("printer-alert")
    expect(alert).to_have_text("Máy in của kiosk-1 bị lỗi: số 7002 chưa được in.×")
    screenshot(officer, "counter-console-printer-alert-1366x768")
    alert.get_by_role("button").click()
    expect(alert).to_have_count(0)

    # A failed job can be printed again from the alert.
    with server.session() as session:
        job = session.scalars(select(PrintJob).order_by(PrintJob.id.desc())).first()
    runtime_of(server.app).publisher.publish(Event(
        name="print_failed", hall="demo",
        payload={"job": job.id, "display_number": "7003", "device": "kiosk-1", "error": "jam"}))
    expect(officer.get_by_test_id("reprint")).to_have_text("In lại")
    screenshot(officer, "counter-console-reprint-1366x768")
    officer.get_by_test_id("reprint").click()
    expect(officer.get_by_test_id("printer-alert")).to_have_count(0)
    with server.session() as session:
        again = session.scalars(select(PrintJob).where(PrintJob.reprint_of_id == job.id)).one()
        assert again.requested_by == "staff:lan"

    boss.goto(server.url + "/counter/demo/audit")
    log = boss.get_by_test_id("audit")
    expect(log).to_contain_text("Hồ sơ hộ tịch")
    expect(log.locator("tr", has_text="Chuyển")).to_contain_text("Trần Thị Hồng")
    screenshot(boss, "counter-audit-1920x1080")


def test_the_console_in_english(hall: Hall, browser: Browser, pages: list[Any]) -> None:
    server = hall.server
    console = new_page(browser, pages, LAPTOP)
    sign_in(console, server, "lan")
    console.goto(server.url + "/counter/demo?lang=en")
    console.get_by_test_id("take-3").click()
    expect(console.get_by_test_id("live")).to_have_text("Live", timeout=10_000)
    hall.issue("moi-truong")
    expect(console.get_by_test_id("next").locator("li")).to_have_text(["2001"])
    console.keyboard.press("F1")
    expect(console.locator("#current-status")).to_have_text("Called")
    expect(console.locator("#current-sector")).to_have_text("Environment, Water and Minerals")
    expect(console.get_by_test_id("action-pause")).to_contain_text("Pause")
    expect(console.get_by_test_id("action-call-next")).to_contain_text("Call next")
    screenshot(console, "counter-console-en-1366x768")


def test_a_state_read_from_before_a_call_that_comes_back_after_it_never_blanks_the_call(
        hall: Hall, browser: Browser, pages: list[Any]) -> None:
    # A busy server may answer reads of the counter's state out of order: the read a ticket's
    # issue set off comes back after the call made meanwhile. Seen in CI on a loaded machine:
    # the console showed nobody at the counter after "call next", until the next event.
    server = hall.server
    console = console_at(browser, pages, server, "lan", 1)
    read = HeldRead(console, f"{server.url}/counter/demo/1/state")
    first = hall.issue("dat-dai")
    console.wait_for_timeout(1000)  # the issued event's read, held
    assert read.holding
    console.get_by_test_id("action-call-next").click()
    expect(console.get_by_test_id("current-number")).to_have_text(first)
    console.evaluate("""() => {
      const number = document.getElementById("current-number");
      window.blanked = false;
      new MutationObserver(() => { if (number.textContent === "—") window.blanked = true; })
        .observe(number, { childList: true, characterData: true, subtree: true });
    }""")
    read.release()
    console.wait_for_timeout(1000)
    assert console.evaluate("window.blanked") is False
    expect(console.get_by_test_id("current-number")).to_have_text(first)
