"""The `/display` namespace: who joins which room, what a call sends, and a screen coming back."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from motcua.core.actors import SYSTEM
from motcua.core.events import Event
from motcua.core.ports import Ports
from motcua.display.services import set_notices
from motcua.extensions import socketio
from tests.conftest import runtime_of
from tests.display.conftest import OTHER_HALL, Credentials, issue, received_names
from tests.support import bearer

NS = "/display"


def board(app: Flask, client: FlaskClient, **auth: Any) -> Any:
    screen = socketio.test_client(app, namespace=NS, auth=auth, flask_test_client=client)
    assert screen.is_connected(NS)
    return screen


def open_counter(client: FlaskClient, token: str, number: int, hall: str = "demo") -> None:
    answer = client.post(f"/api/v1/halls/{hall}/counters/{number}/open", headers=bearer(token))
    assert answer.status_code == 200, answer.get_json()


def call_next(client: FlaskClient, token: str, number: int, hall: str = "demo") -> dict[str, Any]:
    answer = client.post(f"/api/v1/halls/{hall}/counters/{number}/call-next", headers=bearer(token))
    assert answer.status_code == 200, answer.get_json()
    state: dict[str, Any] = answer.get_json()
    return state


def test_a_call_through_the_api_reaches_its_halls_boards_once_and_no_other_hall(
        realtime_app: Flask, realtime_client: FlaskClient, halls: Credentials) -> None:
    open_counter(realtime_client, halls.supervisor, 1)
    number = issue(realtime_app, "dat-dai")
    demo_board = board(realtime_app, realtime_client, hall="demo")
    other_board = board(realtime_app, realtime_client, hall=OTHER_HALL)

    call_next(realtime_client, halls.supervisor, 1)

    messages = demo_board.get_received(NS)
    assert [m["name"] for m in messages] == ["ticket_called"]
    (payload,) = messages[0]["args"]
    assert payload["event"] == "ticket_called" and payload["hall"] == "demo"
    assert payload["ticket"]["display_number"] == number == "1001"
    assert payload["ticket"]["counter"] == 1
    assert payload["waiting"]["dat-dai"] == 0
    assert received_names(other_board) == []


def test_a_counter_display_gets_only_its_own_counters_events(
        realtime_app: Flask, realtime_client: FlaskClient, halls: Credentials) -> None:
    for number in (1, 2):
        open_counter(realtime_client, halls.supervisor, number)
    issue(realtime_app, "dat-dai")
    issue(realtime_app, "dat-dai")
    desk_1 = board(realtime_app, realtime_client, hall="demo", counter=1)
    desk_2 = board(realtime_app, realtime_client, hall="demo", counter="2")

    call_next(realtime_client, halls.supervisor, 2)
    issue(realtime_app, "dat-dai")  # a hall-wide event: no counter display hears it
    realtime_client.post("/api/v1/halls/demo/counters/2/pause", json={},
                         headers=bearer(halls.supervisor))

    assert received_names(desk_1) == []
    assert received_names(desk_2) == ["ticket_called", "counter_changed"]


def test_a_transfer_reaches_the_counter_the_citizen_left(
        realtime_app: Flask, realtime_client: FlaskClient, halls: Credentials) -> None:
    open_counter(realtime_client, halls.supervisor, 1)
    issue(realtime_app, "dat-dai")
    call_next(realtime_client, halls.supervisor, 1)
    desk_1 = board(realtime_app, realtime_client, hall="demo", counter=1)

    answer = realtime_client.post("/api/v1/halls/demo/counters/1/transfer",
                                  json={"to_sector": "moi-truong", "reason": "hồ sơ môi trường"},
                                  headers=bearer(halls.supervisor))
    assert answer.status_code == 200, answer.get_json()

    messages = desk_1.get_received(NS)
    assert [m["name"] for m in messages] == ["ticket_transferred"]
    assert messages[0]["args"][0]["from_counter"] == 1


@pytest.mark.parametrize("auth", [{}, {"hall": ""}, {"hall": "khong-co"},
                                  {"hall": "demo", "counter": 99},
                                  {"hall": "demo", "counter": "một"}])
def test_a_screen_set_up_with_a_wrong_hall_or_counter_is_refused(
        realtime_app: Flask, realtime_client: FlaskClient, halls: Credentials,
        auth: dict[str, Any]) -> None:
    screen = socketio.test_client(realtime_app, namespace=NS, auth=auth,
                                  flask_test_client=realtime_client)
    assert not screen.is_connected(NS)


def test_a_board_may_name_its_hall_in_the_query_string(
        realtime_app: Flask, realtime_client: FlaskClient, halls: Credentials) -> None:
    screen = socketio.test_client(realtime_app, namespace=NS, query_string="hall=demo",
                                  flask_test_client=realtime_client)
    assert screen.is_connected(NS)
    open_counter(realtime_client, halls.supervisor, 3)
    assert received_names(screen) == ["counter_changed"]


def test_a_reconnecting_board_reads_the_calls_it_missed(
        realtime_app: Flask, realtime_client: FlaskClient, halls: Credentials) -> None:
    open_counter(realtime_client, halls.supervisor, 1)
    open_counter(realtime_client, halls.supervisor, 4)
    issue(realtime_app, "dat-dai")
    screen = board(realtime_app, realtime_client, hall="demo")
    screen.disconnect(NS)

    # While the board is unplugged: a call, a new ticket and a paused counter.
    call_next(realtime_client, halls.supervisor, 1)
    issue(realtime_app, "doanh-nghiep")
    realtime_client.post("/api/v1/halls/demo/counters/4/pause", json={},
                         headers=bearer(halls.supervisor))

    screen.connect(NS, auth={"hall": "demo"})
    assert screen.is_connected(NS)
    assert received_names(screen) == []  # missed events are not replayed…
    state = realtime_client.get("/api/v1/halls/demo/queue").get_json()  # …the page reads them
    assert state["recent_calls"][0]["display_number"] == "1001"
    counters = {c["number"]: c for c in state["counters"]}
    assert counters[1]["current"]["display_number"] == "1001"
    assert counters[4]["state"] == "paused"
    waiting = {s["code"]: s["waiting"] for s in state["sectors"]}
    assert waiting["doanh-nghiep"] == 1 and waiting["dat-dai"] == 0
    # and from now on the board is live again
    open_counter(realtime_client, halls.supervisor, 5)
    assert received_names(screen) == ["counter_changed"]


def test_new_notices_reach_the_boards_of_their_hall(
        realtime_app: Flask, realtime_client: FlaskClient, halls: Credentials) -> None:
    demo_board = board(realtime_app, realtime_client, hall="demo")
    other_board = board(realtime_app, realtime_client, hall=OTHER_HALL)
    rt = runtime_of(realtime_app)
    with rt.sessions() as session:
        set_notices(Ports(session, rt.clock, rt.publisher), "demo",
                    ["Đường dây nóng: 1900 1234"], SYSTEM)

    messages = demo_board.get_received(NS)
    assert [(m["name"], m["args"][0]["notices"]) for m in messages] == [
        ("notices_changed", ["Đường dây nóng: 1900 1234"])]
    assert received_names(other_board) == []


def test_an_event_published_for_a_counter_reaches_the_hall_board_and_the_counter_once(
        realtime_app: Flask, realtime_client: FlaskClient, halls: Credentials) -> None:
    demo_board = board(realtime_app, realtime_client, hall="demo")
    desk = board(realtime_app, realtime_client, hall="demo", counter=6)
    runtime_of(realtime_app).publisher.publish(
        Event(name="counter_changed", hall="demo", counter_number=6,
              payload={"counter": 6, "state": "open", "officer": None}))
    assert received_names(demo_board) == ["counter_changed"]
    assert received_names(desk) == ["counter_changed"]
