"""The board and a counter display in headless Chromium against a live server."""
from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from motcua.admin.halls import HallFields, update_hall
from motcua.core.actors import SYSTEM
from motcua.core.clock import SystemClock
from motcua.core.events import RecordingPublisher, hall_room
from motcua.core.ports import Ports
from motcua.display.services import set_notices
from motcua.display.voice import build_announcement
from motcua.extensions import socketio
from motcua.queue.services import call_next, get_hall
from motcua.web.realtime import DISPLAY_NAMESPACE
from tests.conftest import HeldRead, LiveServer, runtime_of, screenshot
from tests.display.conftest import Credentials, issue, seed_halls

pytestmark = pytest.mark.browser

FULL_HD = {"width": 1920, "height": 1080}


@pytest.fixture
def staff(live_server: LiveServer) -> Credentials:
    with live_server.session() as session:
        return seed_halls(session, SystemClock())


def api(server: LiveServer, token: str, path: str, body: dict[str, Any] | None = None) -> Any:
    """POST to the live server's API as staff, like the counter console does."""
    request = urllib.request.Request(
        server.url + path, data=json.dumps(body or {}).encode(), method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)


def counter_api(server: LiveServer, staff: Credentials, number: int, action: str,
                body: dict[str, Any] | None = None) -> Any:
    return api(server, staff.supervisor, f"/api/v1/halls/demo/counters/{number}/{action}", body)


def busy_morning(server: LiveServer, staff: Credentials) -> None:
    """Ten counters open, one paused, people waiting in most sectors, several calls made."""
    for number in range(1, 11):
        counter_api(server, staff, number, "open")
    for sector, people in [("dat-dai", 9), ("moi-truong", 3), ("doanh-nghiep", 6),
                           ("xay-dung", 4), ("giao-thong", 2), ("tu-phap", 12), ("lao-dong", 5),
                           ("y-te", 1), ("giao-duc", 2)]:
        for _ in range(people):
            issue(server.app, sector)
    for number in (1, 2, 4, 6, 8, 9, 10, 1, 8):
        counter_api(server, staff, number, "call-next")
    counter_api(server, staff, 7, "pause", {"reason": "họp giao ban"})
    rt = runtime_of(server.app)
    with server.session() as session:
        set_notices(Ports(session, rt.clock, rt.publisher), "demo", [
            "Đường dây nóng: 1900 1234",
            "Giờ làm việc: sáng 7:00–11:30, chiều 13:30–17:00, từ thứ Hai đến thứ Sáu",
            "Công dân vui lòng giữ phiếu số thứ tự đến khi nhận kết quả",
        ], SYSTEM)


def open_board(server: LiveServer, browser: Any, path: str = "/display/demo") -> Page:
    page: Page = browser.new_page(viewport=FULL_HD)
    page.goto(server.url + path)
    expect(page.locator("body")).to_have_attribute("data-link", "up", timeout=10_000)
    return page


@pytest.fixture
def board_page(live_server: LiveServer, browser: Any, staff: Credentials,
               default_pack: Path) -> Iterator[Page]:
    busy_morning(live_server, staff)
    page = open_board(live_server, browser)
    yield page
    page.close()


def test_the_board_shows_a_new_call_within_a_second(
        live_server: LiveServer, staff: Credentials, board_page: Page) -> None:
    page = board_page
    expect(page.locator("#now-number")).to_have_text("7003")  # the last call before the page opened
    expect(page.locator("#ticker")).to_be_visible()

    counter_api(live_server, staff, 4, "call-next")

    expect(page.locator("#now-number")).to_have_text("4002", timeout=1000)
    expect(page.locator("#now-counter")).to_have_text("4", timeout=1000)
    expect(page.locator("#now-sector")).to_have_text("Đăng ký doanh nghiệp, Đầu tư")
    expect(page.locator("#now")).to_have_class("now flash")
    screenshot(page, "display-board-calling")
    page.wait_for_timeout(3500)  # the flash is over
    recent = page.locator("#recent-list .recent-number")
    expect(recent.first).to_have_text("7003")
    tile = page.locator(".tile", has_text="Quầy 4")
    expect(tile.locator(".tile-number")).to_have_text("4002")
    expect(page.locator(".tile", has_text="Quầy 7")).to_contain_text("Tạm nghỉ")
    expect(page.locator(".waiting-item", has_text="Đăng ký doanh nghiệp")
           .locator(".waiting-count")).to_have_text("4")
    expect(page.locator("#link-status")).to_be_hidden()
    screenshot(page, "display-board-1920x1080")


def test_the_board_announces_each_call_and_recall_in_turn(
        live_server: LiveServer, staff: Credentials, board_page: Page) -> None:
    page = board_page
    # Note each sentence the board starts to say, with the time it starts.
    page.evaluate("""() => {
        window.spokenLog = [];
        new MutationObserver(() => {
            const text = document.getElementById("spoken").textContent;
            window.spokenLog.push([text, performance.now()]);
        }).observe(document.getElementById("spoken"), {childList: true, characterData: true,
                                                         subtree: true});
    }""")
    counter_api(live_server, staff, 6, "call-next")
    counter_api(live_server, staff, 6, "recall")

    page.wait_for_function("() => window.spokenLog.filter(([t]) => t === '').length >= 2",
                           timeout=60_000)
    log = page.evaluate("window.spokenLog")
    said = [(text, at) for text, at in log if text]
    sentence = build_announcement("5002", 6).text  # the demo hall keeps the default settings
    assert sentence.count("Mời công dân có số thứ tự năm nghìn không trăm linh hai "
                          "đến quầy số sáu.") == 2
    assert [text for text, _ in said] == [sentence, sentence]
    ended_first = next(at for text, at in log if text == "" and at > said[0][1])
    assert said[1][1] >= ended_first  # the recall waited for the call to be said
    expect(page.locator("#audio-help")).to_be_hidden()


def test_a_board_whose_audio_is_blocked_keeps_showing_calls_and_tells_staff(
        live_server: LiveServer, staff: Credentials, browser: Any, default_pack: Path) -> None:
    busy_morning(live_server, staff)
    page = browser.new_page(viewport=FULL_HD)
    # Chromium's autoplay policy, as on a kiosk PC started without the flag: no sound until
    # someone has touched the page.
    page.add_init_script("""
        let touched = false;
        window.addEventListener("pointerdown", () => { touched = true; }, {capture: true});
        class GestureGatedAudioContext extends AudioContext {
            get state() { return touched ? super.state : "suspended"; }
            resume() { return touched ? super.resume() : new Promise(() => {}); }
        }
        window.AudioContext = GestureGatedAudioContext;
    """)
    page.goto(live_server.url + "/display/demo")
    expect(page.locator("body")).to_have_attribute("data-link", "up", timeout=10_000)
    help_box = page.locator("#audio-help")
    expect(help_box).to_be_visible()
    expect(help_box).to_contain_text("--autoplay-policy=no-user-gesture-required")

    counter_api(live_server, staff, 9, "call-next")
    expect(page.locator("#now-number")).to_have_text("7004", timeout=1000)
    screenshot(page, "display-board-audio-blocked")

    page.mouse.click(960, 540)  # one tap by staff
    expect(help_box).to_be_hidden()
    page.close()


def test_an_unplugged_board_says_so_and_shows_the_truth_when_it_is_back(
        live_server: LiveServer, staff: Credentials, board_page: Page) -> None:
    page = board_page
    server = socketio.server
    page.context.set_offline(True)  # the cable is out: reconnecting fails until it is back
    for sid, _ in list(server.manager.get_participants(DISPLAY_NAMESPACE, hall_room("demo"))):
        server.disconnect(sid, namespace=DISPLAY_NAMESPACE)

    expect(page.locator("#link-status")).to_be_visible(timeout=5000)
    counter_api(live_server, staff, 10, "call-next")  # happens while the board is away
    counter_api(live_server, staff, 2, "pause", {"reason": "nghỉ trưa"})
    screenshot(page, "display-board-disconnected")
    page.context.set_offline(False)

    expect(page.locator("#link-status")).to_be_hidden(timeout=15_000)
    expect(page.locator("#now-number")).to_have_text("8002", timeout=5000)
    expect(page.locator(".tile", has_text="Quầy 2")).to_contain_text("Tạm nghỉ")


def test_a_sector_board_shows_only_its_sectors(
        live_server: LiveServer, browser: Any, staff: Credentials, default_pack: Path) -> None:
    busy_morning(live_server, staff)
    page = open_board(live_server, browser, "/display/demo?sectors=tu-phap,lao-dong&lang=en")
    expect(page.locator(".board-filter")).to_have_text(
        "Justice (Civil status, Criminal records, Certification) · "
        "Labour, Employment and People with merit")
    expect(page.locator(".waiting-item")).to_have_count(2)
    expect(page.locator(".tile-label")).to_have_text(["Counter 8", "Counter 9", "Counter 10"])

    counter_api(live_server, staff, 1, "call-next")  # land: not on this board
    expect(page.locator("#now-number")).to_have_text("7003")
    counter_api(live_server, staff, 9, "call-next")
    expect(page.locator("#now-number")).to_have_text("7004", timeout=1000)
    page.wait_for_timeout(500)  # the land call made first has certainly arrived by now
    expect(page.locator("#now-number")).to_have_text("7004")
    screenshot(page, "display-board-sectors-en")
    page.close()


def test_a_counter_display_follows_its_counter(
        live_server: LiveServer, browser: Any, staff: Credentials) -> None:
    counter_api(live_server, staff, 5, "open")
    issue(live_server.app, "doanh-nghiep")
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(live_server.url + "/display/demo/counter/5")
    expect(page.locator("body")).to_have_attribute("data-link", "up", timeout=10_000)
    expect(page.locator("#desk-ticket")).to_have_text("Chưa gọi số")

    counter_api(live_server, staff, 5, "call-next")
    expect(page.locator("#desk-ticket")).to_have_text("4001", timeout=1000)
    expect(page.locator("#desk-caption")).to_have_text("Mời số")
    page.wait_for_timeout(3500)
    screenshot(page, "display-counter-calling")

    counter_api(live_server, staff, 5, "start")
    expect(page.locator("#desk-caption")).to_have_text("Đang phục vụ số")
    counter_api(live_server, staff, 5, "pause", {"reason": "nghỉ giải lao"})
    expect(page.locator("#desk-ticket")).to_have_text("Tạm nghỉ", timeout=1000)
    expect(page.locator("#desk-caption")).to_have_text("")
    screenshot(page, "display-counter-paused")

    counter_api(live_server, staff, 5, "resume")
    counter_api(live_server, staff, 5, "complete")
    counter_api(live_server, staff, 5, "close")
    expect(page.locator("#desk-ticket")).to_have_text("Quầy đóng", timeout=1000)
    page.close()


def test_a_board_told_to_resync_reads_the_calls_its_message_queue_lost(
        live_server: LiveServer, browser: Any, staff: Credentials, default_pack: Path) -> None:
    counter_api(live_server, staff, 4, "open")
    issue(live_server.app, "doanh-nghiep")
    # The page comes with the state it was rendered with and reads it again once its link is
    # up; that read must be answered before the call is made, or it would carry the call.
    page: Page = browser.new_page(viewport=FULL_HD)
    with page.expect_response(lambda response: response.url.endswith("/halls/demo/queue")):
        page.goto(live_server.url + "/display/demo")
    tile = page.locator(".tile", has_text="Quầy 4")
    expect(tile).to_be_visible()
    rt = runtime_of(live_server.app)
    with live_server.session() as session:  # a call whose event never reached this server
        call_next(Ports(session, rt.clock, RecordingPublisher()), hall_code="demo",
                  counter_number=4, actor=SYSTEM)
    page.wait_for_timeout(500)
    expect(tile).not_to_contain_text("4001")

    socketio.emit("resync", {}, namespace=DISPLAY_NAMESPACE)  # the message queue is back
    expect(tile.locator(".tile-number")).to_have_text("4001", timeout=3000)
    page.close()


def test_a_state_read_from_before_a_call_that_comes_back_after_it_never_shows_the_old_number(
        live_server: LiveServer, staff: Credentials, board_page: Page) -> None:
    # A busy server may answer the board's state read after a call made meanwhile: the board
    # has drawn the call from its event, and the older state must not flash the previous
    # number back, even for the moment a second read takes.
    page = board_page
    expect(page.locator("#now-number")).to_have_text("7003")
    read = HeldRead(page, f"{live_server.url}/api/v1/halls/demo/queue")
    socketio.emit("resync", {}, namespace=DISPLAY_NAMESPACE)  # the board reads its state again
    page.wait_for_timeout(1000)
    assert read.holding
    counter_api(live_server, staff, 4, "call-next")
    expect(page.locator("#now-number")).to_have_text("4002", timeout=1000)
    page.evaluate("""() => {
      const number = document.getElementById("now-number");
      window.shown = [];
      new MutationObserver(() => window.shown.push(number.textContent))
        .observe(number, { childList: true, characterData: true, subtree: true });
    }""")
    read.release()
    page.wait_for_timeout(1000)
    assert "7003" not in page.evaluate("window.shown")
    expect(page.locator("#now-number")).to_have_text("4002")


def test_the_board_shows_the_halls_new_name_at_once(
        live_server: LiveServer, browser: Any, staff: Credentials) -> None:
    page = open_board(live_server, browser)
    rt = runtime_of(live_server.app)
    with live_server.session() as session:
        hall = get_hall(session, "demo")
        update_hall(Ports(session, rt.clock, rt.publisher), actor=SYSTEM, hall_code="demo",
                    fields=HallFields("Trung tâm Hành chính công tỉnh Hòa Bình", hall.time_zone,
                                      hall.opening_windows))
    expect(page.locator(".board-hall h1")).to_have_text("Trung tâm Hành chính công tỉnh Hòa Bình")
    screenshot(page, "display-board-renamed")
    page.close()
