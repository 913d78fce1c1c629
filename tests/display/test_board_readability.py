"""Read from across the hall: the board at 1920×1080 during a call's highlight, and the counter
displays idle and paused. Contrast is measured from the colours the browser computes at frozen
moments of the animation, and each moment is saved as a screenshot to look at."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from motcua.auth.accounts import create_user
from motcua.core.actors import SYSTEM, Role
from motcua.core.clock import SystemClock
from motcua.core.identity import actor_for_user
from motcua.core.ports import Ports
from motcua.queue.services import open_counter
from tests.conftest import LiveServer, runtime_of, screenshot
from tests.display.conftest import Credentials
from tests.display.test_board_browser import (
    FULL_HD,
    busy_morning,
    counter_api,
    open_board,
    staff,
)
from tests.support import system_ports

pytestmark = pytest.mark.browser

AAA = 7.0  # WCAG's enhanced contrast; 4.5:1 is the least for normal text

# Every text a citizen reads on the board's left side, as {label: CSS selector}.
BOARD_TEXTS = {
    "label": ".now-label",
    "number": "#now-number",
    "to counter": ".now-counter span",
    "counter": "#now-counter",
    "sector": "#now-sector",
    "last call": ".recent-number",
    "last call's counter": ".recent-counter",
}

# The contrast of each element's text against the first opaque background behind it, with the
# relative luminance of WCAG 2.
CONTRASTS = """(selectors) => {
    const rgb = (text) => text.match(/[\\d.]+/g).map(Number);
    const channel = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    const luminance = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    const background = (element) => {
        for (let node = element; node; node = node.parentElement) {
            const colour = rgb(getComputedStyle(node).backgroundColor);
            if (colour.length < 4 || colour[3] === 1) return colour.slice(0, 3);
            if (colour[3] > 0) throw new Error(`half-transparent background behind ${element.id}`);
        }
        return [255, 255, 255];
    };
    const result = {};
    for (const [label, selector] of Object.entries(selectors)) {
        const element = document.querySelector(selector);
        const style = getComputedStyle(element);
        const ink = rgb(style.color);
        if (ink.length === 4 && ink[3] < 1) throw new Error(`half-transparent text: ${label}`);
        const [a, b] = [luminance(ink.slice(0, 3)), luminance(background(element))];
        result[label] = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    }
    return result;
}"""

FREEZE = """(at) => {
    for (const animation of document.getAnimations()) {
        animation.pause();
        animation.currentTime = at;
    }
}"""


def test_the_called_number_stays_readable_at_every_moment_of_its_highlight(
        live_server: LiveServer, staff: Credentials, browser: Any, default_pack: Path) -> None:
    busy_morning(live_server, staff)
    page = open_board(live_server, browser)
    page.evaluate("document.fonts.ready")
    counter_api(live_server, staff, 4, "call-next")
    expect(page.locator("#now-number")).to_have_text("4002", timeout=1000)
    expect(page.locator("#now")).to_have_class("now flash")

    # The highlight blinks four times in 0.8 s cycles: moments in each phase and at each edge.
    worst: dict[str, tuple[float, int]] = {}
    for at in (0, 150, 300, 355, 360, 380, 400, 420, 440, 445, 500, 650, 799, 1000, 1560, 3150):
        page.evaluate(FREEZE, at)
        contrasts = page.evaluate(CONTRASTS, BOARD_TEXTS)
        if at in (150, 400, 650):
            screenshot(page, f"display-board-highlight-{at:04d}ms")
        for label, ratio in contrasts.items():
            if label not in worst or ratio < worst[label][0]:
                worst[label] = (ratio, at)
    poor = {label: f"{ratio:.2f}:1 at {at} ms" for label, (ratio, at) in worst.items()
            if ratio < AAA}
    assert not poor, f"text too pale to read from across the hall: {poor}"
    page.close()


def test_the_halls_name_is_whole_while_the_board_asks_staff_for_a_tap(
        live_server: LiveServer, staff: Credentials, browser: Any, default_pack: Path) -> None:
    busy_morning(live_server, staff)
    page: Page = browser.new_page(viewport=FULL_HD)
    page.add_init_script("""
        class SuspendedAudioContext extends AudioContext {
            get state() { return "suspended"; }
            resume() { return new Promise(() => {}); }
        }
        window.AudioContext = SuspendedAudioContext;
    """)  # a kiosk PC started without the autoplay flag, nobody has touched it yet
    page.goto(live_server.url + "/display/demo")
    expect(page.locator("body")).to_have_attribute("data-link", "up", timeout=10_000)
    page.evaluate("document.fonts.ready")
    expect(page.locator("#audio-help")).to_be_visible()
    name = page.locator(".board-hall h1")
    expect(name).to_have_text("Trung tâm Phục vụ hành chính công tỉnh (demo)")
    widths = name.evaluate("(h1) => [h1.scrollWidth, h1.clientWidth]")
    screenshot(page, "display-board-audio-notice-1920x1080")
    assert widths[0] <= widths[1], f"the hall's name is cut off: {widths[0]} px in {widths[1]} px"
    help_box = page.locator("#audio-help").bounding_box()
    clock = page.locator(".board-clock").bounding_box()
    assert help_box and clock and help_box["x"] + help_box["width"] <= clock["x"]
    page.close()


def test_an_idle_counter_display_names_its_officer_and_sectors_and_a_paused_one_says_so(
        live_server: LiveServer, staff: Credentials, browser: Any) -> None:
    rt = runtime_of(live_server.app)
    with live_server.session() as session:
        officer, _ = create_user(system_ports(session, SystemClock()), actor=SYSTEM,
                                 username="lan", role=Role.OFFICER,
                                 password="secret-pass", hall_code="demo",
                                 full_name="Nguyễn Thị Lan")
        open_counter(Ports(session, rt.clock, rt.publisher), hall_code="demo", counter_number=5,
                     actor=actor_for_user(officer))
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(live_server.url + "/display/demo/counter/5")
    expect(page.locator("body")).to_have_attribute("data-link", "up", timeout=10_000)
    page.evaluate("document.fonts.ready")

    expect(page.locator("#desk-officer")).to_have_text("Cán bộ tiếp nhận: Nguyễn Thị Lan")
    expect(page.locator("#desk-sectors li")).to_have_text(["Đăng ký doanh nghiệp, Đầu tư",
                                                          "Công Thương"])
    expect(page.locator("#desk-ticket")).to_have_text("Chưa gọi số")
    screenshot(page, "display-counter-idle")

    counter_api(live_server, staff, 5, "pause", {"reason": "nghỉ giải lao"})
    expect(page.locator("#desk-ticket")).to_have_text("Tạm nghỉ", timeout=1000)
    expect(page.locator("#desk-officer")).to_be_hidden()
    screenshot(page, "display-counter-paused-idle")

    counter_api(live_server, staff, 5, "resume")
    expect(page.locator("#desk-officer")).to_have_text("Cán bộ tiếp nhận: Nguyễn Thị Lan")
    page.close()
