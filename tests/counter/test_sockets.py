"""The /counter namespace checks who connects before joining any room."""
from __future__ import annotations

from typing import Any

import pytest

from motcua.auth.accounts import register_device
from motcua.core.actors import SYSTEM, DeviceKind
from motcua.core.events import Event
from motcua.extensions import socketio
from motcua.web.realtime import SocketIOPublisher
from tests.support import system_ports


def connect(app: Any, client: Any, **auth: Any) -> Any:
    return socketio.test_client(app, namespace="/counter", auth=auth, flask_test_client=client)


def published(*events: Event) -> None:
    publisher = SocketIOPublisher(socketio)
    for event in events:
        publisher.publish(event)


def names(io: Any) -> list[str]:
    return [m["name"] for m in io.get_received("/counter")]


def test_a_visitor_without_a_session_or_tablet_is_refused(app, client, demo_hall):
    assert not connect(app, client, hall="demo").is_connected("/counter")
    assert not connect(app, client, hall="demo", counter=1).is_connected("/counter")


def test_an_officer_hears_the_hall_and_their_counter(app, signed_in):
    lan = signed_in("lan")
    lan.act(1, "open")
    io = connect(app, lan.client, hall="demo", counter=1)
    assert io.is_connected("/counter")
    published(Event(name="ticket_issued", hall="demo"),
              Event(name="ticket_called", hall="demo", counter_number=1),
              Event(name="print_failed", hall="demo", payload={"device": "kiosk-1",
                                                               "display_number": "1001"}),
              Event(name="ticket_issued", hall="other"))
    received = io.get_received("/counter")
    assert [m["name"] for m in received] == ["ticket_issued", "ticket_called", "print_failed"]
    assert received[2]["args"][0]["device"] == "kiosk-1"


def test_staff_asking_for_an_unknown_hall_or_none_are_refused(app, signed_in):
    lan = signed_in("lan")
    assert not connect(app, lan.client, hall="nowhere").is_connected("/counter")
    assert not connect(app, lan.client).is_connected("/counter")


@pytest.fixture
def tablet_client(app: Any, session: Any, clock: Any, demo_hall: Any) -> Any:
    _, token = register_device(system_ports(session, clock), actor=SYSTEM, printers=None,
                               hall_code="demo", name="tablet-2",
                               kind=DeviceKind.TABLET, counter_number=2)
    client = app.test_client()
    client.get(f"/rate/demo/2/setup?token={token}")
    return client


def test_a_tablet_hears_only_its_own_counter(app, tablet_client):
    io = connect(app, tablet_client, hall="demo", counter=2)
    assert io.is_connected("/counter")
    published(Event(name="ticket_issued", hall="demo"),
              Event(name="ticket_completed", hall="demo", counter_number=1),
              Event(name="ticket_completed", hall="demo", counter_number=2))
    received = io.get_received("/counter")
    assert [(m["name"], m["args"][0].get("event")) for m in received] == [
        ("ticket_completed", "ticket_completed")]


def test_a_tablet_cannot_listen_to_another_counter(app, tablet_client):
    assert not connect(app, tablet_client, hall="demo", counter=1).is_connected("/counter")
    assert not connect(app, tablet_client, hall="demo").is_connected("/counter")


def test_the_console_gets_the_real_nudges_of_a_finished_ticket(app, signed_in, issue):
    app.extensions["motcua"].publisher = SocketIOPublisher(socketio)
    lan = signed_in("lan")
    lan.act(1, "open")
    io = connect(app, lan.client, hall="demo", counter=1)
    issue("dat-dai")
    lan.act(1, "call-next")
    lan.act(1, "complete")
    assert names(io) == ["ticket_issued", "ticket_called", "ticket_completed"]
