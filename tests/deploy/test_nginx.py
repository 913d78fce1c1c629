"""deploy/ as a hall runs it: Debian's nginx, with the shipped site, in front of two
`motcua serve` processes on PostgreSQL and Redis. A kiosk issues through nginx, a board held on
one process hears the call made through the other, the phone page follows its ticket, and a
process killed moves its boards to the other within 5 s, where they re-read the state. A board
in Chromium goes live through nginx over a WebSocket at once and shows a call."""
from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio
from playwright.sync_api import expect

from motcua.auth.accounts import create_api_token, register_device
from motcua.core.actors import SYSTEM, DeviceKind, Role
from motcua.core.clock import SystemClock
from motcua.core.db import make_session_factory
from motcua.queue.demo import load_demo_hall
from tests.conftest import screenshot
from tests.deploy.nginx import nginx_available, nginx_in_front
from tests.servers import Server, motcua_servers, redis_server
from tests.support import system_ports

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]

SECTOR = "dat-dai"  # counters 1 and 2 of the demo hall
FAILOVER_S = 5.0


@dataclass(frozen=True)
class Hall:
    nginx: str
    servers: list[Server]
    kiosk: str
    staff: str
    access_log: Path


@pytest.fixture
def hall(postgres_engine: Any, postgres_url: str, tmp_path: Path) -> Iterator[Hall]:
    if not os.environ.get("MOTCUA_TEST_REDIS_URL"):
        pytest.skip("MOTCUA_TEST_REDIS_URL is not set (.ci/run sets it)")
    if not nginx_available():
        pytest.skip("nginx is not installed (./dev test installs it: apt-get install nginx)")
    clock = SystemClock()
    with make_session_factory(postgres_engine)() as session:
        load_demo_hall(system_ports(session, clock))
        _, kiosk = register_device(system_ports(session, clock), actor=SYSTEM, printers=None, hall_code="demo", name="kiosk-1",
                                   kind=DeviceKind.KIOSK, printer=None)
        staff = create_api_token(system_ports(session, clock), actor=SYSTEM, name="staff", role=Role.SUPERVISOR,
                                 hall_code="demo")
    # A Redis of the test's own: Socket.IO's channel is shared by every database index.
    with redis_server(tmp_path) as redis:
        env = {**os.environ, "MOTCUA_DATABASE_URL": postgres_url, "MOTCUA_REDIS_URL": redis.url,
               "MOTCUA_SECRET_KEY": "deploy-test", "MOTCUA_ASYNC_MODE": "eventlet",
               "MOTCUA_PRINTER": "dummy:", "MOTCUA_TRUSTED_PROXIES": "127.0.0.1",
               "MOTCUA_RATELIMIT_ENABLED": "false"}
        with motcua_servers(2, env, tmp_path) as servers, \
                nginx_in_front([s.port for s in servers], tmp_path / "nginx") as url:
            yield Hall(url, servers, kiosk, staff, tmp_path / "nginx" / "access.log")


def session_on(hall: Hall, server: Server) -> requests.Session:
    """A browser whose sticky-session cookie lands on `server`: cookies are tried until the
    nginx log says that process answered (nginx picks by hashing the cookie)."""
    for attempt in range(200):
        browser = requests.Session()
        browser.cookies.set("motcua_route", f"test-route-{attempt}")
        probe = f"/api/v1/halls/probe-{attempt}/queue"
        assert browser.get(hall.nginx + probe, timeout=10).status_code == 404
        if f"upstream=127.0.0.1:{server.port}" in logged(hall, probe):
            return browser
    raise AssertionError(f"no cookie of 200 reached {server.url}")


def logged(hall: Hall, path_part: str) -> str:
    """The last access-log line naming `path_part`; nginx writes it just after answering."""
    deadline = time.monotonic() + 5
    while True:
        lines = [line for line in hall.access_log.read_text().splitlines() if path_part in line]
        if lines:
            return lines[-1]
        assert time.monotonic() < deadline, f"nginx logged no {path_part}"
        time.sleep(0.05)


def issue(hall: Hall, kiosk: requests.Session) -> dict[str, Any]:
    answer = kiosk.post(f"{hall.nginx}/api/v1/halls/demo/tickets", json={"sector": SECTOR},
                        headers={"Authorization": f"Bearer {hall.kiosk}"}, timeout=10)
    assert answer.status_code == 201, answer.text
    return answer.json()


def open_counter(hall: Hall, browser: requests.Session) -> None:
    answer = browser.post(f"{hall.nginx}/api/v1/halls/demo/counters/1/open", json={},
                          headers={"Authorization": f"Bearer {hall.staff}"}, timeout=10)
    assert answer.status_code == 200, answer.text


def call_next(hall: Hall, browser: requests.Session) -> dict[str, Any]:
    answer = browser.post(f"{hall.nginx}/api/v1/halls/demo/counters/1/call-next", json={},
                          headers={"Authorization": f"Bearer {hall.staff}"}, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()["ticket"]


class Screen:
    """A board (/display) or a phone page (/ticket) through nginx, as the pages behave: on
    every (re)connect it re-reads its state over HTTP, and it notes each event."""

    def __init__(self, hall: Hall, browser: requests.Session, namespace: str, auth: dict[str, str],
                 state_path: str, transports: list[str] | None = None) -> None:
        self.hall, self.browser, self.state_path = hall, browser, state_path
        self.events: list[tuple[str, dict[str, Any]]] = []
        self.states: list[dict[str, Any]] = []
        self.connections: list[float] = []  # when each (re)connect happened
        self.changed = threading.Condition()
        self.client = socketio.Client(http_session=browser, reconnection_delay=0.5,
                                      reconnection_delay_max=1, randomization_factor=0.2)
        self.client.on("connect", self._connected, namespace=namespace)
        self.client.on("*", self._note, namespace=namespace)
        self.client.connect(hall.nginx, namespaces=[namespace], auth=auth,
                            transports=transports or ["polling", "websocket"], wait_timeout=10)

    def _connected(self) -> None:
        state = self.browser.get(self.hall.nginx + self.state_path, timeout=10).json()
        with self.changed:
            self.connections.append(time.monotonic())
            self.states.append(state)
            self.changed.notify_all()

    def _note(self, name: str, message: dict[str, Any]) -> None:
        with self.changed:
            self.events.append((name, message))
            self.changed.notify_all()

    def wait_for(self, test: Any, timeout: float = 10) -> bool:
        with self.changed:
            return self.changed.wait_for(test, timeout)

    def called(self, number: str) -> bool:
        return any(name == "ticket_called" and m["ticket"]["display_number"] == number
                   for name, m in self.events)

    def close(self) -> None:
        self.client.disconnect()


def test_a_hall_behind_nginx_issues_calls_and_moves_boards_off_a_killed_process(hall: Hall):
    first, second = hall.servers
    on_first, on_second = session_on(hall, first), session_on(hall, second)

    # The kiosk issues through nginx; browsers without the cookie are given one.
    kiosk = requests.Session()
    ticket = issue(hall, kiosk)
    assert "motcua_route" in kiosk.cookies

    # The phone page and its live link, and the board, all through nginx, held on the first
    # process; the board upgrades to a WebSocket, a second board stays on long-polling.
    phone_page = on_first.get(f"{hall.nginx}/t/{ticket['token']}", timeout=10)
    assert phone_page.status_code == 200 and ticket["display_number"] in phone_page.text
    phone = Screen(hall, on_first, "/ticket", {"token": ticket["token"]},
                   f"/api/v1/tickets/{ticket['token']}")
    board = Screen(hall, on_first, "/display", {"hall": "demo"}, "/api/v1/halls/demo/queue")
    polling_board = Screen(hall, on_first, "/display", {"hall": "demo"},
                           "/api/v1/halls/demo/queue", transports=["polling"])
    try:
        assert board.client.transport() == "websocket"
        assert polling_board.client.transport() == "polling"
        board_page = on_first.get(f"{hall.nginx}/display/demo", timeout=10)
        assert board_page.status_code == 200

        # The call is made through nginx on the second process.
        open_counter(hall, on_second)
        called = call_next(hall, on_second)
        assert called["display_number"] == ticket["display_number"]
        assert board.wait_for(lambda: board.called(called["display_number"]))
        assert polling_board.wait_for(lambda: polling_board.called(called["display_number"]))
        assert phone.wait_for(lambda: phone.called(called["display_number"]))
        assert last_upstream(hall, "/counters/1/call-next") == second.port

        # The first process dies; a ticket is issued and called meanwhile (nginx skips the
        # dead process), and the boards come back on the second within 5 s and re-read the
        # state, which holds the call they could not hear.
        connections_before = len(board.connections)
        next_ticket = issue(hall, kiosk)
        first.process.kill()
        first.process.wait(timeout=10)  # a request that reached it in its last instant gets 502
        killed_at = time.monotonic()
        missed = call_next(hall, on_first)  # this browser's process is gone: the other answers
        assert missed["display_number"] == next_ticket["display_number"]
        for screen in (board, polling_board):
            assert screen.wait_for(lambda s=screen: len(s.connections) > connections_before,
                                   timeout=FAILOVER_S), "the board did not reconnect within 5 s"
            assert screen.connections[-1] - killed_at <= FAILOVER_S
            recent = [c["display_number"] for c in screen.states[-1]["recent_calls"]]
            assert missed["display_number"] in recent or screen.called(missed["display_number"])
        assert phone.wait_for(lambda: len(phone.connections) > 1, timeout=FAILOVER_S)
        assert last_upstream(hall, "/socket.io/") == second.port
    finally:
        for screen in (phone, board, polling_board):
            screen.close()


@pytest.mark.browser
def test_a_board_in_chromium_behind_nginx_goes_live_over_a_websocket_and_shows_a_call(
        hall: Hall, browser: Any) -> None:
    page = browser.new_page()
    sockets: list[str] = []
    polls: list[str] = []
    page.on("websocket", lambda socket: sockets.append(socket.url))
    page.on("request", lambda request: polls.append(request.url)
            if "transport=polling" in request.url else None)
    page.goto(f"{hall.nginx}/display/demo")
    expect(page.locator("body")).to_have_attribute("data-link", "up", timeout=10_000)

    staff = requests.Session()
    issue(hall, staff)
    open_counter(hall, staff)
    called = call_next(hall, staff)
    expect(page.locator("#now-number")).to_have_text(called["display_number"])
    screenshot(page, "deploy-board-behind-nginx")
    assert [url for url in sockets if "/socket.io/" in url and "transport=websocket" in url]
    assert polls == []  # the page went straight to a WebSocket: nothing to upgrade
    page.close()


def last_upstream(hall: Hall, path_part: str) -> int:
    line = logged(hall, path_part)
    found = re.search(r"upstream=(?:[\d.:]+, )*127\.0\.0\.1:(\d+) ", line)
    assert found, line
    return int(found.group(1))


def test_nginx_serves_static_files_with_long_lifetimes_and_refuses_big_bodies(hall: Hall):
    page = requests.get(f"{hall.nginx}/display/demo", timeout=10)
    stylesheet = re.search(r'href="(/static/css/base\.css\?v=[0-9a-f]+)"', page.text)
    assert stylesheet, "static URLs carry their version"
    versioned = requests.get(hall.nginx + stylesheet.group(1), timeout=10)
    assert versioned.status_code == 200
    assert versioned.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "Content-Security-Policy" not in versioned.headers  # nginx answered, not motcua
    plain = requests.get(f"{hall.nginx}/static/display/live.js", timeout=10)
    assert plain.status_code == 200 and plain.headers["Cache-Control"] == "no-cache"

    too_big = requests.post(f"{hall.nginx}/api/v1/halls/demo/tickets", data=b"x" * 100_000,
                            headers={"Authorization": f"Bearer {hall.kiosk}",
                                     "Content-Type": "application/json"}, timeout=10)
    assert too_big.status_code == 413
    # a citizen's files of an online dossier, or of a supplement, go through to motcua, which
    # holds them to its own limits (here the form is incomplete: motcua's 400, not nginx's 413)
    pdf = {"file-0": ("giay-to.pdf", b"%PDF-1.4\n" + b"x" * 300_000, "application/pdf")}
    for path in ("/nop-ho-so/demo", "/tra-cuu/khong-co/bo-sung"):
        sent = requests.post(hall.nginx + path, files=pdf, timeout=10)
        assert sent.status_code != 413 and "nginx" not in sent.text, (path, sent.status_code)
