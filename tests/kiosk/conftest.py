"""A demo hall with a registered kiosk, in the test client and on the live server."""
from __future__ import annotations

import json
import socket
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from motcua.auth.accounts import create_api_token, register_device
from motcua.core.actors import SYSTEM, DeviceKind, Role
from motcua.core.clock import SystemClock
from motcua.core.events import RecordingPublisher
from motcua.core.ports import Ports
from motcua.queue.demo import load_demo_hall
from motcua.queue.models import Ticket
from tests.conftest import LiveServer
from tests.support import system_ports

PORTRAIT = {"width": 1080, "height": 1920}
LANDSCAPE = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def kiosk_client(client: FlaskClient, kiosk_token: str) -> FlaskClient:
    """A test client that opened the kiosk's set-up link once, as a kiosk PC does."""
    answer = client.get(f"/kiosk/demo/setup?token={kiosk_token}")
    assert answer.status_code == 303
    return client


def closed_port() -> int:
    """A loopback port nobody listens on: a printer there refuses every connection."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class LiveHall:
    server: LiveServer
    kiosk_token: str
    supervisor_token: str

    def url(self, path: str) -> str:
        return self.server.url + path

    def register_kiosk(self, name: str, printer: str | None) -> str:
        with self.server.session() as session:
            _, token = register_device(system_ports(session, SystemClock()), actor=SYSTEM, printers=None,
                                       hall_code="demo", name=name,
                                       kind=DeviceKind.KIOSK, printer=printer)
        return token

    def api(self, method: str, path: str, token: str, body: dict[str, Any] | None = None) -> Any:
        request = urllib.request.Request(
            self.url("/api/v1" + path), method=method, data=json.dumps(body or {}).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def issue(self, sector: str = "dat-dai", priority: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"sector": sector}
        if priority:
            body["priority"] = priority
        return self.api("POST", "/halls/demo/tickets", self.kiosk_token, body)

    def tickets(self) -> list[Ticket]:
        with self.server.session() as session:
            return list(session.scalars(select(Ticket).order_by(Ticket.id)))


@pytest.fixture
def live_hall(live_server: LiveServer) -> Iterator[LiveHall]:
    """The demo hall on the live server, a kiosk printing to a dummy printer, a supervisor token."""
    clock = SystemClock()
    with live_server.session() as session:
        load_demo_hall(Ports(session, clock, RecordingPublisher()))
        _, kiosk = register_device(system_ports(session, clock), actor=SYSTEM, printers=None,
                                   hall_code="demo", name="kiosk-e2e",
                                   kind=DeviceKind.KIOSK, printer="dummy:")
        supervisor = create_api_token(system_ports(session, clock), actor=SYSTEM,
                                      name="e2e-supervisor",
                                      role=Role.SUPERVISOR, hall_code="demo")
    yield LiveHall(server=live_server, kiosk_token=kiosk, supervisor_token=supervisor)
