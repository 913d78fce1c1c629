"""The `/kiosk` and `/ticket` Socket.IO namespaces: who may join, and what reaches them."""
from __future__ import annotations

import pytest

from motcua.core.events import Event
from motcua.extensions import socketio
from motcua.web.realtime import SocketIOPublisher
from tests.support import bearer


def _issue(client, kiosk_token):
    answer = client.post("/api/v1/halls/demo/tickets", json={"sector": "dat-dai"},
                         headers=bearer(kiosk_token))
    assert answer.status_code == 201
    return answer.get_json()


def test_a_registered_kiosk_hears_its_halls_print_failures(app, client, kiosk_token):
    kiosk = socketio.test_client(app, namespace="/kiosk", auth={"token": kiosk_token},
                                 flask_test_client=client)
    assert kiosk.is_connected("/kiosk")
    SocketIOPublisher(socketio).publish(Event(
        name="print_failed", hall="demo", payload={"ticket_token": "abc", "device": "kiosk-test"}))
    SocketIOPublisher(socketio).publish(Event(name="print_failed", hall="elsewhere"))
    received = kiosk.get_received("/kiosk")
    assert [(m["name"], m["args"][0]["hall"]) for m in received] == [("print_failed", "demo")]
    assert received[0]["args"][0]["ticket_token"] == "abc"


@pytest.mark.parametrize("auth", [None, {}, {"token": "mck_unknown"}, {"token": 42}])
def test_a_kiosk_without_a_valid_token_is_refused(app, client, demo_hall, auth):
    kiosk = socketio.test_client(app, namespace="/kiosk", auth=auth, flask_test_client=client)
    assert not kiosk.is_connected("/kiosk")


def test_a_phone_joins_its_tickets_room_and_hears_only_its_ticket(app, client, kiosk_token):
    mine, other = _issue(client, kiosk_token), _issue(client, kiosk_token)
    phone = socketio.test_client(app, namespace="/ticket", auth={"token": mine["token"]},
                                 flask_test_client=client)
    assert phone.is_connected("/ticket")
    publisher = SocketIOPublisher(socketio)
    publisher.publish(Event(name="ticket_called", hall="demo", ticket_token=other["token"]))
    publisher.publish(Event(name="ticket_called", hall="demo", ticket_token=mine["token"],
                            payload={"ticket": {"counter": 5}}))
    received = phone.get_received("/ticket")
    assert [m["name"] for m in received] == ["ticket_called"]
    assert received[0]["args"][0]["ticket"]["counter"] == 5


@pytest.mark.parametrize("token", ["AAAAAAAAAAAAAAAAAAAAAA", "bad token", ""])
def test_a_phone_with_an_unknown_ticket_is_refused(app, client, demo_hall, token):
    phone = socketio.test_client(app, namespace="/ticket", auth={"token": token},
                                 flask_test_client=client)
    assert not phone.is_connected("/ticket")


def test_a_phone_hears_a_bare_nudge_when_its_line_moves_and_nothing_of_other_lines(
        app, client, kiosk_token):
    ahead, mine = _issue(client, kiosk_token), _issue(client, kiosk_token)
    phone = socketio.test_client(app, namespace="/ticket", auth={"token": mine["token"]},
                                 flask_test_client=client)
    publisher = SocketIOPublisher(socketio)
    called = {"ticket": {"sector": "dat-dai", "display_number": "1001"}}
    publisher.publish(Event(name="ticket_called", hall="demo", payload=called,
                            ticket_token=ahead["token"]))
    publisher.publish(Event(name="ticket_called", hall="demo", ticket_token="x",
                            payload={"ticket": {"sector": "tu-phap"}}))  # another line
    publisher.publish(Event(name="ticket_called", hall="ward", ticket_token="y",
                            payload=called))  # another hall's line of the same name
    publisher.publish(Event(name="ticket_issued", hall="demo", ticket_token="z",
                            payload={"ticket": {"sector": "dat-dai", "priority": None}}))

    received = phone.get_received("/ticket")
    assert [(m["name"], m["args"]) for m in received] == [("line_moved", [{}])]


def test_a_priority_ticket_or_a_transfer_into_the_line_moves_it_too(app, client, kiosk_token):
    mine = _issue(client, kiosk_token)
    phone = socketio.test_client(app, namespace="/ticket", auth={"token": mine["token"]},
                                 flask_test_client=client)
    publisher = SocketIOPublisher(socketio)
    publisher.publish(Event(name="ticket_issued", hall="demo", ticket_token="z",
                            payload={"ticket": {"sector": "dat-dai", "priority": "elderly"}}))
    publisher.publish(Event(name="ticket_transferred", hall="demo", ticket_token="w",
                            payload={"ticket": {"sector": "dat-dai"}}))
    for name in ("ticket_started", "ticket_completed", "ticket_no_show", "ticket_recalled"):
        publisher.publish(Event(name=name, hall="demo", ticket_token="v",
                                payload={"ticket": {"sector": "dat-dai"}}))
    assert [m["name"] for m in phone.get_received("/ticket")] == ["line_moved", "line_moved"]
