"""Every page of the hall, in headless Chromium under the real Content-Security-Policy: none may
log a violation (an inline script, style or handler the policy blocks) and each must still draw
its main content, which shows that the scripts moved to files still run."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from motcua.auth.accounts import create_user, register_device
from motcua.core.accounts import StaffUser
from motcua.core.actors import SYSTEM, Actor, DeviceKind, Role
from motcua.core.clock import FixedClock, SystemClock
from motcua.core.events import RecordingPublisher
from motcua.core.ports import Ports
from motcua.dossier import services as dossiers
from motcua.queue import services
from motcua.queue.demo import load_demo_hall
from tests.admin.fixture_day import build_fixture_day, dossiers_of_the_week
from tests.conftest import LiveServer, screenshot
from tests.dossier.support import INSTALLATION, an_intake
from tests.support import system_ports

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 900}
FULL_HD = {"width": 1920, "height": 1080}
PORTRAIT = {"width": 1080, "height": 1920}
TABLET = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
WEEK = "from=2026-11-23&to=2026-11-27"

# Runs before any script of the page: records what the policy blocked.
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"}`
    + ` at ${e.sourceFile}:${e.lineNumber} ${e.sample}`);
});
"""


@dataclass
class Visitor:
    """A browser profile (own cookies) whose pages report what went wrong on them; one page
    at a time, so live pages do not pile up."""
    server: LiveServer
    context: Any
    problems: list[str] = field(default_factory=list)
    sockets: list[str] = field(default_factory=list)
    page: Page | None = None

    def open(self, path: str, ready: str, shot: str | None = None) -> Page:
        if self.page:
            self.page.close()
        page = self.page = self.context.new_page()
        page.on("console", lambda m: self._console(path, m))
        page.on("pageerror", lambda e: self.problems.append(f"{path}: script error {e}"))
        page.on("websocket", lambda socket: self.sockets.append(socket.url))
        answer = page.goto(self.server.url + path)
        assert answer is not None
        if answer.headers["content-type"].startswith("text/html"):  # not Chromium's PDF viewer
            assert "script-src 'self'" in answer.headers["content-security-policy"]
        self.check(page, path, ready, shot)
        return page

    def check(self, page: Page, path: str, ready: str, shot: str | None = None) -> None:
        """The page drew `ready` (its main content) and logged no violation meanwhile."""
        expect(page.locator(ready).first).to_be_visible(timeout=15_000)
        page.evaluate("document.fonts.ready")
        if shot:
            screenshot(page, shot)
        for violation in page.evaluate("window.__violations"):
            self.problems.append(f"{path}: {violation}")

    def _console(self, path: str, message: Any) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.problems.append(f"{path}: console: {message.text}")

    def sign_in(self, username: str) -> None:
        page = self.open("/sign-in", "#username")
        page.fill("#username", username)
        page.fill("#password", "secret-pass")
        page.keyboard.press("Enter")
        page.wait_for_load_state()
        expect(page).not_to_have_url(self.server.url + "/sign-in")


@pytest.fixture
def visitors(live_server: LiveServer, browser: Browser) -> Iterator[Any]:
    opened: list[Visitor] = []

    def visitor(viewport: dict[str, int], **options: Any) -> Visitor:
        context = browser.new_context(viewport=viewport, locale="vi-VN", **options)
        context.add_init_script(LISTEN)
        opened.append(Visitor(live_server, context))
        return opened[-1]

    yield visitor
    for v in opened:
        v.context.close()


@dataclass
class Hall:
    kiosk: str
    tablet: str
    ticket: str
    ticket_number: str
    dossier: str
    dossier_qr: str
    staff_member: int
    device: int


@pytest.fixture
def hall(live_server: LiveServer) -> Hall:
    """A week of tickets, ratings and dossiers for the reports; a kiosk, a tablet, a ticket of
    today, an admin (quantri) and an officer (lan)."""
    with live_server.session() as session:
        clock = FixedClock(SystemClock().now())
        load_demo_hall(Ports(session, clock, RecordingPublisher()))
        ports = Ports(session, clock, RecordingPublisher())
        officers = build_fixture_day(ports, session, clock)
        dossiers_of_the_week(ports, session)
        clock.set(SystemClock().now())
        kiosk_actor = Actor(kind="kiosk", name="kiosk-1")
        services.issue_ticket(ports, hall_code="demo", sector_code="dat-dai", priority=None,
                              actor=kiosk_actor)
        services.call_next(ports, hall_code="demo", counter_number=1, actor=officers.lan)
        dossier = dossiers.receive_dossier(ports, hall_code="demo", counter_number=1,
                                           actor=officers.lan, intake=an_intake(),
                                           installation=INSTALLATION)
        create_user(system_ports(session, clock), actor=SYSTEM,
                    username="quantri", role=Role.ADMIN, password="secret-pass",
                    full_name="Quản trị viên")
        device, kiosk = register_device(system_ports(session, clock), actor=SYSTEM, printers=None,
                                        hall_code="demo", name="kiosk-1",
                                        kind=DeviceKind.KIOSK, printer="dummy:")
        _, tablet = register_device(system_ports(session, clock), actor=SYSTEM, printers=None,
                                    hall_code="demo", name="tablet-1",
                                    kind=DeviceKind.TABLET, counter_number=1)
        ticket = services.issue_ticket(ports, hall_code="demo", sector_code="tu-phap",
                                       priority=None, actor=kiosk_actor)
        lan = session.scalars(select(StaffUser).where(StaffUser.username == "lan")).one()
        return Hall(kiosk=kiosk, tablet=tablet, ticket=ticket.ticket.token,
                    ticket_number=ticket.ticket.display_number, dossier=dossier.code,
                    dossier_qr=dossier.qr_secret,
                    staff_member=lan.id, device=device.id)


def test_no_page_breaks_the_content_security_policy(live_server: LiveServer, hall: Hall,
                                                      visitors: Any) -> None:
    problems: list[str] = []

    citizen = visitors(LAPTOP)
    citizen.open("/", ".hall h2", "csp-hub")
    citizen.open("/sign-in", "#username")
    citizen.open("/no/such/page", "body")
    citizen.open("/kiosk/demo", "main h1")  # not registered: the friendly screen
    citizen.open("/display/demo", "body[data-link=up]", "csp-board")
    citizen.open("/display/demo/counter/1", "body[data-link=up]")
    assert any(url.startswith("ws://127.0.0.1") for url in citizen.sockets)  # not just polling
    citizen.open("/tra-cuu", "[data-testid=lookup-code]")
    citizen.open(f"/tra-cuu/{hall.dossier_qr}", "[data-testid=dossier-status]")
    citizen.open("/cong-khai?hall=demo&month=2026-11", "table", "csp-publication")
    citizen.open("/cong-khai", "main h1")
    problems += citizen.problems

    phone = visitors(PHONE, is_mobile=True, has_touch=True)
    phone.open(f"/t/{hall.ticket}", "#connection[data-state=live]")
    phone.open(f"/t/{hall.ticket}/qr.svg", "svg")
    problems += phone.problems

    for name, viewport in (("landscape", FULL_HD), ("portrait", PORTRAIT)):
        kiosk = visitors(viewport)
        page = kiosk.open(f"/kiosk/demo/setup?token={hall.kiosk}",
                          '[data-sector="dat-dai"]:enabled', f"csp-kiosk-{name}")
        page.locator('[data-sector="dat-dai"]').click()
        kiosk.check(page, "/kiosk/demo (ticket)", "#ticket-number, .ticket-number")
        page.locator('[data-action="done"]').click()
        page.locator('[data-action="lookup"]').click()
        for key in hall.ticket_number:
            page.locator(f'#screen-lookup [data-key="{key}"]').click()
        page.locator('#keypad [data-action="lookup-submit"]').click()  # answered as HTML
        kiosk.check(page, "/kiosk/demo (look-up)",
                    f"#lookup-result .found-number:has-text('{hall.ticket_number}')",
                    f"csp-kiosk-lookup-{name}")
        problems += kiosk.problems

    tablet = visitors(TABLET)
    tablet.open(f"/rate/demo/1/setup?token={hall.tablet}", "#serving-number:has-text('1')", "csp-tablet")
    problems += tablet.problems

    officer = visitors(LAPTOP)
    officer.sign_in("lan")
    officer.open("/counter/demo", "[data-testid=live]:has-text('Trực tuyến')")
    officer.open("/counter/demo/1", "[data-testid=current-number]:has-text('1')", "csp-console")
    officer.open("/dossier/demo/intake?counter=1", "[data-testid=intake-ticket]")
    officer.open("/dossier/demo", f"text={hall.dossier}")
    officer.open(f"/dossier/demo/{hall.dossier}?counter=1", "[data-testid=status-form]",
                 "csp-dossier")
    officer.open(f"/dossier/demo/{hall.dossier}/receipt.png", "img")
    page = officer.open(f"/dossier/demo/{hall.dossier}/receipt.pdf", "body")
    for _ in range(50):  # Chromium attaches its PDF viewer's frame a moment after the load
        if any(frame.url.startswith("chrome-extension://") for frame in page.frames):
            break
        page.wait_for_timeout(100)
    assert any(frame.url.startswith("chrome-extension://") for frame in page.frames)  # its viewer
    problems += officer.problems

    admin = visitors(LAPTOP)
    admin.sign_in("quantri")
    pages = ["/admin/", "/admin/demo/", "/admin/demo/audit", "/admin/demo/counters",
             "/admin/demo/counters/1", "/admin/demo/counters/new", "/admin/demo/devices",
             f"/admin/demo/devices/{hall.device}", "/admin/demo/holidays", "/admin/demo/sectors",
             "/admin/demo/sectors/dat-dai", "/admin/demo/sectors/new", "/admin/demo/staff",
             f"/admin/demo/staff/{hall.staff_member}", "/admin/demo/voice",
             "/admin/demo/reports/", "/counter/demo/audit"]
    for path in pages:
        admin.open(path, "main h1")
    admin.open("/admin/demo/live", "[data-sector]", "csp-admin-live")
    for key in ("times", "outcomes", "satisfaction", "dossiers", "traffic"):
        page = admin.open(f"/admin/demo/reports/{key}?{WEEK}", "body[data-charts-drawn=true]",
                          f"csp-admin-report-{key}")
    page.locator(".heatmap-figure").scroll_into_view_if_needed()
    screenshot(page, "csp-admin-report-heatmap")
    shade = "cell => getComputedStyle(cell).backgroundColor"  # the hour's share, set by reports.js
    assert (page.locator(".heat-cell.hot").first.evaluate(shade)
            != page.locator(".heat-cell:empty").first.evaluate(shade))
    problems += admin.problems

    assert not problems, "\n".join(problems)
