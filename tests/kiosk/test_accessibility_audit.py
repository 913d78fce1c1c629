"""axe-core, the accessibility engine of browsers' audit tools, on every page a citizen uses:
the kiosk (portrait and landscape, in high contrast too), the phone page, `/tra-cuu` (form and
result) and the hall board. No `serious` or `critical` violation is allowed.

axe-core is a pinned npm dev dependency: it is injected into the page by the test from
node_modules and never served by the app."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from motcua.core.actors import SYSTEM
from motcua.core.clock import SystemClock
from motcua.core.events import RecordingPublisher
from motcua.core.ports import Ports
from motcua.dossier import services as dossiers
from motcua.queue import services as queue
from tests.conftest import screenshot
from tests.dossier.support import INSTALLATION, an_intake
from tests.kiosk.conftest import LANDSCAPE, PHONE, PORTRAIT, LiveHall
from tests.kiosk.test_kiosk_browser import open_kiosk, sector

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")


def violations(page: Page) -> list[str]:
    """axe's serious and critical findings on the page as it is now, one line each."""
    assert AXE.is_file(), "axe-core is missing: run ./dev setup (npm ci installs it)"
    if not page.evaluate("typeof axe !== 'undefined'"):
        # Through the debugging protocol, not a <script> tag: the pages' Content-Security-Policy
        # rightly refuses inline scripts, and axe is a test tool the app never serves.
        page.evaluate(AXE.read_text())
    found: list[dict[str, Any]] = page.evaluate(
        "axe.run(document, {resultTypes: ['violations']}).then((r) => r.violations)")
    return [f"{v['impact']} {v['id']}: {v['help']} — "
            + "; ".join(n["target"][0] for n in v["nodes"][:5])
            for v in found if v["impact"] in BLOCKING]


def audit(page: Page, where: str) -> None:
    assert violations(page) == [], where


@pytest.mark.parametrize("viewport,orientation", [(PORTRAIT, "portrait"), (LANDSCAPE, "landscape")])
def test_every_kiosk_screen_passes_the_accessibility_audit(browser, live_hall, viewport,
                                                           orientation):
    ticket = live_hall.issue("dat-dai")
    page = open_kiosk(browser, live_hall, viewport)
    audit(page, "home")
    page.locator('[data-action="priority"]').click()
    audit(page, "priority")
    page.locator('[data-priority="elderly"]').click()
    audit(page, "home, priority chosen")
    sector(page, "dat-dai").click()
    expect(page.locator("#screen-ticket")).to_be_visible()
    audit(page, "ticket")
    page.locator('[data-action="done"]').click()
    page.locator('[data-action="lookup"]').click()
    page.keyboard.type(ticket["token"])
    page.keyboard.press("Enter")
    expect(page.locator("#lookup-result .found")).to_be_visible()
    audit(page, "lookup with a result")
    page.locator("#screen-lookup [data-action=home]").click()
    page.locator('[data-action="contrast"]').click()
    audit(page, "home in high contrast")
    screenshot(page, f"kiosk-{orientation}-audit-high-contrast")
    sector(page, "y-te").click()
    expect(page.locator("#screen-ticket")).to_be_visible()
    audit(page, "ticket in high contrast")
    page.context.close()


def test_the_kiosks_attract_screen_passes_the_accessibility_audit(browser, live_hall):
    page = open_kiosk(browser, live_hall, PORTRAIT)
    page.goto(live_hall.url("/kiosk/demo?screen=attract"))
    expect(page.locator("#screen-attract")).to_be_visible()
    audit(page, "attract")
    page.context.close()


def test_the_phone_page_passes_the_accessibility_audit(browser, live_hall):
    ticket = live_hall.issue("dat-dai", priority="pregnant")
    page = browser.new_context(viewport=PHONE).new_page()
    page.goto(live_hall.url(f"/t/{ticket['token']}"))
    expect(page.locator("#headline")).to_be_visible()
    audit(page, "phone page")
    page.context.close()


def _dossier(hall: LiveHall) -> tuple[str, str, str]:
    with hall.server.session() as session:
        ports = Ports(session, SystemClock(), RecordingPublisher())
        dossiers.load_demo_catalogue(session, ports.clock)
        queue.open_counter(ports, hall_code="demo", counter_number=1, actor=SYSTEM)
        queue.issue_ticket(ports, hall_code="demo", sector_code="dat-dai", priority=None,
                           actor=SYSTEM)
        queue.call_next(ports, hall_code="demo", counter_number=1, actor=SYSTEM)
        dossier = dossiers.receive_dossier(ports, hall_code="demo", counter_number=1,
                                           actor=SYSTEM, intake=an_intake(name="Võ Thị Ánh"),
                                           installation=INSTALLATION)
        return dossier.code, dossier.qr_secret, dossier.short_secret


def test_the_dossier_lookup_passes_the_accessibility_audit(browser, live_hall):
    code, qr, short = _dossier(live_hall)
    page = browser.new_context(viewport=PHONE).new_page()
    page.goto(live_hall.url("/tra-cuu"))
    audit(page, "/tra-cuu form")
    page.get_by_test_id("lookup-code").fill(code)
    page.get_by_test_id("lookup-secret").fill(short)
    page.get_by_test_id("lookup-submit").click()
    expect(page.get_by_test_id("dossier-status")).to_contain_text(code)
    audit(page, "/tra-cuu result")
    page.goto(live_hall.url(f"/tra-cuu/{qr}"))
    audit(page, "/tra-cuu by QR code")
    page.context.close()


def test_the_hall_board_passes_the_accessibility_audit(browser, live_hall):
    live_hall.issue("dat-dai")
    live_hall.api("POST", "/halls/demo/counters/1/open", live_hall.supervisor_token)
    live_hall.api("POST", "/halls/demo/counters/1/call-next", live_hall.supervisor_token)
    page = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    page.goto(live_hall.url("/display/demo?voice=off"))
    expect(page.locator("#now")).to_contain_text("1001")
    audit(page, "board")
    page.context.close()


# 200 % zoom: a phone (390 CSS px) zoomed to 200 % lays out 195 CSS px wide; a 1280 px
# desktop at 200 % lays out 640 px. Both drawn at the zoomed pixel density.
ZOOMED = [({"width": 195, "height": 422}, 4, "phone"), ({"width": 640, "height": 400}, 2, "desktop")]


def fits_without_horizontal_scroll(page: Page) -> bool:
    """Measured once the web fonts are in: a fallback font's widths say nothing."""
    return page.evaluate("document.fonts.ready.then(() => "
                         "document.documentElement.scrollWidth <= window.innerWidth)")


@pytest.mark.parametrize("viewport,scale,device", ZOOMED, ids=["phone", "desktop"])
def test_the_phone_page_is_usable_at_200_percent_zoom(browser, live_hall, viewport, scale,
                                                       device):
    ticket = live_hall.issue("tu-phap", priority="elderly")
    page = browser.new_context(viewport=viewport, device_scale_factor=scale).new_page()
    page.goto(live_hall.url(f"/t/{ticket['token']}"))
    expect(page.locator("#number")).to_have_text(ticket["display_number"])
    assert fits_without_horizontal_scroll(page)
    screenshot(page, f"phone-zoom-200-{device}")
    # Scrolling down reaches each whole: nothing is cut at the side.
    for selector in ("#number", "#headline", "#sound", ".phone-head .lang"):
        page.locator(selector).scroll_into_view_if_needed()
        expect(page.locator(selector)).to_be_in_viewport(ratio=1)
    page.context.close()


@pytest.mark.parametrize("viewport,scale,device", ZOOMED, ids=["phone", "desktop"])
def test_the_dossier_lookup_is_usable_at_200_percent_zoom(browser, live_hall, viewport, scale,
                                                           device):
    code, _qr, short = _dossier(live_hall)
    page = browser.new_context(viewport=viewport, device_scale_factor=scale).new_page()
    page.goto(live_hall.url("/tra-cuu"))
    assert fits_without_horizontal_scroll(page)
    for test_id in ("lookup-code", "lookup-secret", "lookup-submit"):
        control = page.get_by_test_id(test_id)
        control.scroll_into_view_if_needed()
        expect(control).to_be_in_viewport(ratio=1)
    screenshot(page, f"tra-cuu-zoom-200-{device}-form")
    page.get_by_test_id("lookup-code").fill(code)
    page.get_by_test_id("lookup-secret").fill(short)
    page.get_by_test_id("lookup-submit").click()
    expect(page.get_by_test_id("dossier-status")).to_contain_text(code)
    assert fits_without_horizontal_scroll(page)
    screenshot(page, f"tra-cuu-zoom-200-{device}-result")
    page.context.close()
