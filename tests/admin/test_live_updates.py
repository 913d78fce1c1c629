"""A configuration change reaches connected kiosks and consoles without a reload."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from motcua.auth.accounts import create_user, register_device
from motcua.core.actors import SYSTEM, DeviceKind, Role
from motcua.core.events import RecordingPublisher
from motcua.core.identity import actor_for_user
from motcua.core.ports import Ports
from motcua.extensions import socketio
from motcua.queue import services
from motcua.queue.demo import load_demo_hall
from tests.admin.conftest import csrf_token, sign_in
from tests.conftest import runtime_of
from tests.support import system_ports


@pytest.fixture
def screens(realtime_app: Flask, clock: Any) -> dict[str, Any]:
    """The demo hall, an admin, the officer of counter 1, a kiosk: signed in and connected."""
    with runtime_of(realtime_app).sessions() as session:
        load_demo_hall(Ports(session, clock, RecordingPublisher()))
        admin, _ = create_user(system_ports(session, clock), actor=SYSTEM,
                               username="quantri", role=Role.ADMIN,
                               password="secret-pass")
        officer, _ = create_user(system_ports(session, clock), actor=SYSTEM,
                                 username="lan", role=Role.OFFICER,
                                 password="secret-pass", hall_code="demo")
        _, token = register_device(system_ports(session, clock), actor=SYSTEM, printers=None,
                                   hall_code="demo", name="kiosk-1",
                                   kind=DeviceKind.KIOSK, printer="dummy:")
        services.open_counter(Ports(session, clock, RecordingPublisher()), hall_code="demo",
                              counter_number=1, actor=actor_for_user(officer))
    officer_browser = sign_in(realtime_app.test_client(), officer)
    kiosk = socketio.test_client(realtime_app, namespace="/kiosk", auth={"token": token})
    console = socketio.test_client(realtime_app, namespace="/counter",
                                   auth={"hall": "demo", "counter": 1},
                                   flask_test_client=officer_browser)
    assert kiosk.is_connected("/kiosk") and console.is_connected("/counter")
    kiosk.get_received("/kiosk")
    console.get_received("/counter")
    return {"admin": sign_in(realtime_app.test_client(), admin), "kiosk": kiosk,
            "console": console, "api": realtime_app.test_client()}


def messages(client: Any, namespace: str) -> list[tuple[str, dict[str, Any]]]:
    return [(m["name"], m["args"][0]) for m in client.get_received(namespace)]


def test_closing_a_sector_reaches_the_kiosk_and_the_console_at_once(screens):
    admin = screens["admin"]
    answer = admin.post("/admin/demo/sectors/dat-dai/close",
                        data={"csrf_token": csrf_token(admin, "/admin/demo/sectors")})
    assert answer.status_code == 302

    (name, payload), = messages(screens["kiosk"], "/kiosk")
    assert name == "sector_changed"
    assert (payload["sector"], payload["is_open"], payload["hall"]) == ("dat-dai", False, "demo")
    assert "waiting" in payload  # the kiosk page re-reads its sectors on such events
    assert [n for n, _ in messages(screens["console"], "/counter")] == ["sector_changed"]
    sectors = screens["api"].get("/api/v1/halls/demo/sectors").get_json()["sectors"]
    assert next(s for s in sectors if s["code"] == "dat-dai")["availability"] == "closed"


def test_a_counters_new_sectors_reach_its_console(screens):
    admin = screens["admin"]
    answer = admin.post("/admin/demo/counters/1", data={
        "csrf_token": csrf_token(admin, "/admin/demo/counters/1"), "number": "1",
        "name": "Quầy 1", "rank-dat-dai": "1", "rank-moi-truong": "2"})
    assert answer.status_code == 302, answer.get_data(as_text=True)

    received = messages(screens["console"], "/counter")
    assert [n for n, _ in received] == ["counter_changed"]
    payload = received[0][1]
    assert (payload["counter"], payload["sectors"]) == (1, ["dat-dai", "moi-truong"])
    assert payload["state"] == "open" and payload["change"] == "configuration"
    state = screens["api"].get("/api/v1/halls/demo/counters/1").get_json()
    assert state["counter"]["sectors"] == ["dat-dai", "moi-truong"]
