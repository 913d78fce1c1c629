"""Every live page, when its server goes away and comes back: it says it is offline, and once
the server is back it shows what changed meanwhile, without a reload. Then it re-reads its
state when the server says `resync` (sent when the server's message queue came back and events
may have been lost), shown with a change made without any event."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, WebSocketRoute, expect
from sqlalchemy import select

from motcua.auth.accounts import create_api_token, create_user, register_device
from motcua.core.actors import SYSTEM, Actor, DeviceKind, Role
from motcua.core.clock import SystemClock
from motcua.core.events import RecordingPublisher
from motcua.core.ports import Ports
from motcua.extensions import socketio
from motcua.queue import services
from motcua.queue.demo import load_demo_hall
from motcua.queue.models import Sector
from motcua.web.realtime import HALL_NAMESPACES, TICKET_NAMESPACE
from tests.conftest import LiveServer, runtime_of, screenshot
from tests.faults import TcpProxy
from tests.kiosk.conftest import LiveHall
from tests.support import system_ports

pytestmark = pytest.mark.browser

KIOSK = Actor(kind="kiosk", name="kiosk-1")


@dataclass
class Hall:
    server: LiveServer
    door: TcpProxy  # the server as the browsers reach it
    api: LiveHall  # the API of the server itself, behind the door
    kiosk: str
    tablet: str

    def ports(self, *, events: bool) -> Any:
        """Ports for a change made behind the door, told to the screens or not at all."""
        rt = runtime_of(self.server.app)
        session = rt.sessions()
        return session, Ports(session, SystemClock(),
                              rt.publisher if events else RecordingPublisher())

    def issue(self, sector: str, *, events: bool = True) -> str:
        session, ports = self.ports(events=events)
        with session:
            return services.issue_ticket(ports, hall_code="demo", sector_code=sector,
                                         priority=None, actor=KIOSK).ticket.display_number

    def counter(self, action: str, number: int = 1, *, events: bool = True) -> Any:
        session, ports = self.ports(events=events)
        with session:
            act = {"open": services.open_counter, "call-next": services.call_next,
                   "start": services.start_serving}[action]
            return act(ports, hall_code="demo", counter_number=number, actor=SYSTEM)

    def set_sector_open(self, code: str, is_open: bool) -> None:
        """Straight in the database: no event at all."""
        with self.server.session() as session:
            session.scalars(select(Sector).where(Sector.code == code)).one().is_open = is_open
            session.commit()


@pytest.fixture
def hall(live_server: LiveServer) -> Iterator[Hall]:
    clock = SystemClock()
    with live_server.session() as session:
        load_demo_hall(Ports(session, clock, RecordingPublisher()))
        create_user(system_ports(session, clock), actor=SYSTEM,
                    username="lan", role=Role.OFFICER, password="secret-pass",
                    hall_code="demo", full_name="Nguyễn Văn An")
        create_user(system_ports(session, clock), actor=SYSTEM,
                    username="quantri", role=Role.ADMIN, password="secret-pass")
        _, kiosk = register_device(system_ports(session, clock), actor=SYSTEM, printers=None,
                                   hall_code="demo", name="kiosk-1",
                                   kind=DeviceKind.KIOSK, printer="dummy:")
        _, tablet = register_device(system_ports(session, clock), actor=SYSTEM, printers=None,
                                    hall_code="demo", name="tablet-1",
                                    kind=DeviceKind.TABLET, counter_number=1)
        supervisor = create_api_token(system_ports(session, clock), actor=SYSTEM,
                                      name="lead", role=Role.SUPERVISOR,
                                      hall_code="demo")
    port = int(live_server.url.rsplit(":", 1)[1])
    with TcpProxy(("127.0.0.1", port)) as door:
        yield Hall(live_server, door, LiveHall(live_server, kiosk, supervisor), kiosk, tablet)


def sign_in(page: Page, hall: Hall, path: str, username: str) -> None:
    page.goto(hall.door.url + path)
    page.fill("#username", username)
    page.fill("#password", "secret-pass")
    page.click("button[type=submit]")


@dataclass
class LivePage:
    """How to open one live page, see that it is offline, and change what it shows."""

    namespace: str
    open: Callable[[Page, Hall], None]
    offline: Callable[[Page], None]
    while_away: Callable[[Hall], None]  # told by events nobody hears: the page is away
    shows_it: Callable[[Page], None]
    silently: Callable[[Hall], None]  # no event at all: only a re-read finds it
    shows_that: Callable[[Page], None]


def _open_board(page: Page, hall: Hall) -> None:
    page.goto(hall.door.url + "/display/demo")


def _open_counter_display(page: Page, hall: Hall) -> None:
    page.goto(hall.door.url + "/display/demo/counter/1")


def _open_console(page: Page, hall: Hall) -> None:
    sign_in(page, hall, "/counter/", "lan")
    page.click("[data-testid=take-1]")
    expect(page).to_have_url(f"{hall.door.url}/counter/demo/1")


def _open_tablet(page: Page, hall: Hall) -> None:
    page.goto(f"{hall.door.url}/rate/demo/1/setup?token={hall.tablet}")


def _open_kiosk(page: Page, hall: Hall) -> None:
    page.goto(f"{hall.door.url}/kiosk/demo/setup?token={hall.kiosk}")


def _open_phone(page: Page, hall: Hall) -> None:
    hall.counter("open")
    ticket = hall.api.issue("dat-dai")
    page.goto(f"{hall.door.url}/t/{ticket['token']}")


def _open_live_view(page: Page, hall: Hall) -> None:
    sign_in(page, hall, "/admin/demo/live", "quantri")


def _call_first(hall: Hall) -> None:
    hall.counter("open")
    hall.issue("dat-dai")
    hall.counter("call-next")


PAGES = {
    "board": LivePage(
        "/display", _open_board,
        offline=lambda page: expect(page.locator("#link-status")).to_be_visible(timeout=5000),
        while_away=_call_first,
        shows_it=lambda page: expect(page.locator("#now-number")).to_have_text("1001"),
        silently=lambda hall: [hall.issue("y-te", events=False) for _ in range(3)],
        shows_that=lambda page: expect(page.locator(".waiting-item", has_text="Y tế")
                                       .locator(".waiting-count")).to_have_text("3")),
    "counter display": LivePage(
        "/display", _open_counter_display,
        offline=lambda page: expect(page.locator("#link-status")).to_be_visible(timeout=5000),
        while_away=_call_first,
        shows_it=lambda page: expect(page.locator("#desk-ticket")).to_have_text("1001"),
        silently=lambda hall: (hall.issue("dat-dai", events=False),
                               hall.counter("call-next", events=False)),
        shows_that=lambda page: expect(page.locator("#desk-ticket")).to_have_text("1002")),
    "console": LivePage(
        "/counter", _open_console,
        offline=lambda page: expect(page.get_by_test_id("live")).to_have_class("live live--off"),
        while_away=lambda hall: hall.issue("dat-dai"),
        shows_it=lambda page: expect(page.get_by_test_id("next").locator("li"))
        .to_have_text(["1001"]),
        silently=lambda hall: hall.issue("dat-dai", events=False),
        shows_that=lambda page: expect(page.get_by_test_id("next").locator("li"))
        .to_have_text(["1001", "1002"])),
    "rating tablet": LivePage(
        "/counter", _open_tablet,
        offline=lambda page: expect(page.locator("#offline")).to_be_visible(),
        while_away=_call_first,
        shows_it=lambda page: expect(page.locator("#serving-number")).to_have_text("1001"),
        silently=lambda hall: (hall.issue("dat-dai", events=False),
                               hall.counter("call-next", events=False)),
        shows_that=lambda page: expect(page.locator("#serving-number")).to_have_text("1002")),
    "kiosk": LivePage(
        "/kiosk", _open_kiosk,
        offline=lambda page: expect(page.locator("#link-status")).to_be_visible(timeout=5000),
        while_away=lambda hall: hall.set_sector_open("dat-dai", False),
        shows_it=lambda page: expect(page.locator('[data-sector="dat-dai"]')).to_be_disabled(),
        silently=lambda hall: hall.set_sector_open("dat-dai", True),
        shows_that=lambda page: expect(page.locator('[data-sector="dat-dai"]')).to_be_enabled()),
    "phone page": LivePage(
        TICKET_NAMESPACE, _open_phone,
        offline=lambda page: expect(page.locator("#connection"))
        .to_have_attribute("data-state", "offline"),
        while_away=lambda hall: hall.counter("call-next"),
        shows_it=lambda page: expect(page.locator("#headline")).to_have_text("Mời đến quầy số 1"),
        silently=lambda hall: hall.counter("start", events=False),
        shows_that=lambda page: expect(page.locator("#headline"))
        .to_have_text("Đang được phục vụ tại quầy số 1")),
    "live view": LivePage(
        "/counter", _open_live_view,
        offline=lambda page: expect(page.locator("[data-offline]")).to_be_visible(timeout=5000),
        while_away=lambda hall: hall.issue("y-te"),
        shows_it=lambda page: expect(page.locator('.live-sector[data-sector="y-te"] .count'))
        .to_have_text("1"),
        silently=lambda hall: hall.issue("y-te", events=False),
        shows_that=lambda page: expect(page.locator('.live-sector[data-sector="y-te"] .count'))
        .to_have_text("2")),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_a_live_page_says_it_is_offline_and_catches_up_when_the_server_is_back(
        name: str, hall: Hall, browser: Browser) -> None:
    assert set(HALL_NAMESPACES) | {TICKET_NAMESPACE} >= {p.namespace for p in PAGES.values()}
    live = PAGES[name]
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="vi-VN")
    page = context.new_page()
    live.open(page, hall)
    expect(page.locator("body")).to_have_attribute("data-link", "up", timeout=10_000)
    page.evaluate("window.sameDocument = true")  # gone if the page were reloaded
    shot = "live-offline-" + name.replace(" ", "-")

    hall.door.cut()  # the server is down
    expect(page.locator("body")).to_have_attribute("data-link", "down", timeout=5000)
    live.offline(page)
    live.while_away(hall)
    screenshot(page, shot + "-1-offline")

    hall.door.restore()  # the server is back, on the same address
    expect(page.locator("body")).to_have_attribute("data-link", "up", timeout=15_000)
    live.shows_it(page)
    screenshot(page, shot + "-2-back")

    live.silently(hall)
    socketio.emit("resync", {}, namespace=live.namespace)
    live.shows_that(page)
    assert page.evaluate("window.sameDocument") is True
    context.close()


def _answer_the_upgrade_probe_then_drop(socket: WebSocketRoute) -> None:
    """Passes the page's WebSocket through to the server, except that it answers an upgrade
    probe itself and then drops the connection: the server lost while the page upgrades."""
    server = socket.connect_to_server()

    def from_page(message: str | bytes) -> None:
        if message == "2probe":
            socket.send("3probe")
            socket.close()
        else:
            server.send(message)

    socket.on_message(from_page)


def test_a_page_whose_server_goes_away_while_its_link_upgrades_still_says_it_is_offline(
        hall: Hall, browser: Browser) -> None:
    # engine.io-client 4.8 leaves long-polling paused for good when the WebSocket it upgrades to
    # is lost after the pause began: nothing is polled, and a lost server goes unnoticed until
    # the heartbeat gives up (45 s). Found by a CI run that cut the server just then.
    context = browser.new_context()
    page = context.new_page()
    page.route_web_socket("**/socket.io/**", _answer_the_upgrade_probe_then_drop)
    _open_board(page, hall)
    expect(page.locator("body")).to_have_attribute("data-link", "up", timeout=10_000)
    with page.expect_response("**/api/v1/halls/demo/queue"):  # a message went through
        socketio.emit("resync", {}, namespace=PAGES["board"].namespace)

    hall.door.cut()
    expect(page.locator("body")).to_have_attribute("data-link", "down", timeout=5000)
    context.close()


def test_a_page_behind_a_proxy_that_will_not_carry_websockets_goes_live_by_long_polling(
        hall: Hall, browser: Browser, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socketio.server.eio, "transports", ["polling"])  # WebSockets refused
    context = browser.new_context()
    page = context.new_page()
    _open_board(page, hall)
    expect(page.locator("body")).to_have_attribute("data-link", "up", timeout=10_000)
    _call_first(hall)
    expect(page.locator("#now-number")).to_have_text("1001")
    context.close()
