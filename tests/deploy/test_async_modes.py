"""`motcua serve` under each MOTCUA_ASYNC_MODE a hall may choose: a real server issues a ticket
and a board connected over a WebSocket hears the call, so a hall is not stuck if eventlet
(in maintenance mode upstream) stops being maintained."""
from __future__ import annotations

import os
import select
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import requests
import socketio

from motcua.auth.accounts import create_api_token, register_device
from motcua.core.actors import SYSTEM, DeviceKind, Role
from motcua.core.clock import SystemClock
from motcua.core.db import make_engine, make_session_factory
from motcua.entry import fair_eventlet_hub, gevent_server_options
from motcua.models import metadata
from motcua.queue.demo import load_demo_hall
from tests.servers import MOTCUA, Server, motcua_servers
from tests.support import system_ports

pytestmark = pytest.mark.slow


def seed(engine: Any) -> tuple[str, str]:
    clock = SystemClock()
    with make_session_factory(engine)() as session:
        load_demo_hall(system_ports(session, clock))
        _, kiosk = register_device(system_ports(session, clock), actor=SYSTEM, printers=None, hall_code="demo", name="kiosk-1",
                                   kind=DeviceKind.KIOSK, printer=None)
        staff = create_api_token(system_ports(session, clock), actor=SYSTEM, name="staff", role=Role.SUPERVISOR,
                                 hall_code="demo")
    return kiosk, staff


def issue_and_hear_the_call(server: Server, kiosk: str, staff: str) -> None:
    heard = threading.Event()
    calls: list[str] = []

    def note(message: dict[str, Any]) -> None:
        calls.append(message["ticket"]["display_number"])
        heard.set()

    board = socketio.Client(reconnection=False)
    board.on("ticket_called", note, namespace="/display")
    board.connect(server.url, namespaces=["/display"], auth={"hall": "demo"}, wait_timeout=10)
    try:
        assert board.transport() == "websocket"
        issued = requests.post(f"{server.url}/api/v1/halls/demo/tickets", json={"sector": "dat-dai"},
                               headers={"Authorization": f"Bearer {kiosk}"}, timeout=10)
        assert issued.status_code == 201, issued.text
        bearer = {"Authorization": f"Bearer {staff}"}
        for action in ("open", "call-next"):
            answer = requests.post(f"{server.url}/api/v1/halls/demo/counters/1/{action}",
                                   json={}, headers=bearer, timeout=10)
            assert answer.status_code == 200, answer.text
        assert heard.wait(10), "the board never heard the call"
        assert calls == [issued.json()["display_number"]]
    finally:
        board.disconnect()


def serve_env(database_url: str, mode: str) -> dict[str, str]:
    return {**os.environ, "MOTCUA_DATABASE_URL": database_url, "MOTCUA_ASYNC_MODE": mode,
            "MOTCUA_SECRET_KEY": "modes", "MOTCUA_PRINTER": "dummy:",
            "MOTCUA_RATELIMIT_ENABLED": "false"}


@pytest.mark.parametrize("mode", ["gevent", "threading", "eventlet"])
def test_a_server_in_each_async_mode_issues_and_its_board_hears_the_call(mode, tmp_path):
    url = f"sqlite:///{tmp_path / 'hall.sqlite'}"
    engine = make_engine(url)
    metadata.create_all(engine)
    kiosk, staff = seed(engine)
    engine.dispose()
    with motcua_servers(1, serve_env(url, mode), tmp_path) as (server,):
        issue_and_hear_the_call(server, kiosk, staff)
    log = server.log.read_text()
    assert f"({mode})" in log  # the mode it announced on start
    # No line per request in any mode (nginx keeps the access log), nor colour codes.
    assert "HTTP/1.1" not in log
    assert "\x1b[" not in log


@pytest.mark.postgres
def test_a_gevent_server_on_postgresql_issues_and_its_board_hears_the_call(
        postgres_engine, postgres_url, tmp_path):
    kiosk, staff = seed(postgres_engine)
    with motcua_servers(1, serve_env(postgres_url, "gevent"), tmp_path) as (server,):
        issue_and_hear_the_call(server, kiosk, staff)


def test_a_gevent_server_sends_each_answer_without_waiting_for_the_last_one_to_be_acknowledged():
    """gevent's server sends a response's headers and its body in two writes. With Nagle's
    algorithm on, the body then waits for the client to acknowledge the headers, which a
    client on a kept-alive connection delays by 40 ms: under gevent, a kiosk's tap took 48 ms
    instead of 2 (`python -m bench --only queue`, the gevent rows; eventlet and Werkzeug send a
    small answer in one write). The connections motcua's gevent server accepts have Nagle's
    algorithm off."""
    handler_class = gevent_server_options()["handler_class"]
    with socket.create_server(("127.0.0.1", 0)) as listener, \
            socket.create_connection(listener.getsockname()[:2]):
        connection, address = listener.accept()
        with connection:
            assert not connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
            handler_class(connection, address, server=None)
            assert connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)


@contextmanager
def connections(count: int) -> Iterator[list[int]]:
    """The descriptors of `count` connected sockets (one end of each pair), closed after."""
    pairs = [socket.socketpair() for _ in range(count)]
    try:
        yield [ours.fileno() for ours, _ in pairs]
    finally:
        for pair in pairs:
            for end in pair:
                end.close()


def listen(hub: Any, descriptors: list[int], handler: Callable[[int], None]) -> None:
    for fileno in descriptors:
        hub.add(hub.READ, fileno, handler, lambda *_: None, lambda *_: None)


def polls(hub: Any, ready: list[int]) -> None:
    """The hub's next poll finds `ready` readable, in that order."""
    hub.do_poll = lambda _seconds: [(fileno, select.POLLIN) for fileno in ready]


@pytest.mark.filterwarnings(r"ignore:\s*Eventlet is deprecated")
def test_a_connection_whose_handler_fails_is_dropped_and_the_others_are_still_served(capsys):
    """As eventlet's own hub does: the error is written out, that descriptor is removed, and
    the connections that were ready after it are served in the same round."""
    hub = fair_eventlet_hub()()
    served: list[int] = []

    def broken(_fileno: int) -> None:
        raise RuntimeError("a broken connection")

    with connections(3) as (failing, *others):
        listen(hub, [failing], broken)
        listen(hub, others, served.append)
        polls(hub, [failing, *others])
        hub.wait(0)
    assert served == others
    assert failing not in hub.listeners[hub.READ]
    assert "a broken connection" in capsys.readouterr().err


@pytest.mark.filterwarnings(r"ignore:\s*Eventlet is deprecated")
def test_an_eventlet_server_serves_its_connections_in_the_order_they_became_ready():
    """eventlet's epoll hub gathered the connections a poll found ready in a set and served
    them in the set's order, so with 8 kiosks tapping, some were answered twice while others
    waited: p95 24–25 ms where the same work in order gives 19–20 (`python -m bench --only
    queue`). motcua's hub serves them in the order the kernel reported them."""
    hub = fair_eventlet_hub()()
    served: list[int] = []
    with connections(6) as descriptors:
        listen(hub, descriptors, served.append)
        ready = [descriptors[i] for i in (4, 0, 5, 2, 1, 3)]
        polls(hub, ready)
        hub.wait(0)
    assert served == ready


def test_motcua_serve_runs_eventlet_on_the_fair_hub():
    """What `motcua serve` sets up under eventlet, in a process of its own (it patches the
    standard library): the hub is motcua's, unless EVENTLET_HUB names one."""
    program = ("from motcua.entry import _patch_for_eventlet; _patch_for_eventlet(); "
               "import eventlet.hubs; print(type(eventlet.hubs.get_hub()).__name__)")
    environment = {k: v for k, v in os.environ.items() if k != "EVENTLET_HUB"}
    chosen = subprocess.run([sys.executable, "-c", program], env=environment, timeout=60,
                            capture_output=True, text=True, check=True)
    assert chosen.stdout.strip() == "FairHub"
    chosen = subprocess.run([sys.executable, "-c", program], timeout=60, check=True,
                            env={**environment, "EVENTLET_HUB": "poll"}, capture_output=True, text=True)
    assert chosen.stdout.strip() == "Hub"


def test_an_unknown_async_mode_stops_serve_with_one_line(tmp_path):
    done = subprocess.run([str(MOTCUA), "serve", "--port", "5999"], cwd=tmp_path, timeout=60,
                          env={**os.environ, "MOTCUA_ASYNC_MODE": "tornado"},
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.strip() == ("Error: MOTCUA_ASYNC_MODE must be one of eventlet, gevent, "
                                   "threading, not 'tornado'")
