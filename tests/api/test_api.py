"""The JSON API end to end through the Flask test client."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import event, func, select

from motcua.auth.accounts import create_api_token
from motcua.core.actors import SYSTEM, Role
from motcua.queue.models import Hall, Sector, Ticket
from tests.conftest import runtime_of
from tests.support import bearer, hall_time, make_officer, system_ports

ISSUE = "/api/v1/halls/demo/tickets"


def counter_url(number: int, action: str) -> str:
    return f"/api/v1/halls/demo/counters/{number}/{action}"


@pytest.fixture
def kiosk(kiosk_token):
    return bearer(kiosk_token)


@pytest.fixture
def supervisor(supervisor_token):
    return bearer(supervisor_token)


def error_of(response):
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    return response.status_code, body["error"]["code"]


def test_issuing_answers_the_number_the_token_and_the_wait(client, kiosk):
    response = client.post(ISSUE, json={"sector": "tu-phap", "priority": None}, headers=kiosk)
    assert response.status_code == 201
    body = response.get_json()
    assert body["number"] == 7001 and body["display_number"] == "7001"
    assert body["sector"] == "tu-phap" and body["ahead"] == 0
    assert body["estimated_wait_minutes"] == 0
    assert re.fullmatch(r"[A-Za-z0-9_-]{20,}", body["token"])


def test_a_priority_ticket_says_its_group(client, kiosk):
    body = client.post(ISSUE, json={"sector": "y-te", "priority": "elderly"}, headers=kiosk).get_json()
    assert body["priority"] == "elderly"


def test_the_second_citizen_has_one_ahead_and_a_wait(client, kiosk):
    # construction: one counter, so the second citizen waits for the first one's service
    client.post(ISSUE, json={"sector": "xay-dung"}, headers=kiosk)
    body = client.post(ISSUE, json={"sector": "xay-dung"}, headers=kiosk).get_json()
    assert body["ahead"] == 1 and body["estimated_wait_minutes"] > 0


def test_an_issued_ticket_tells_its_wait_as_a_range_and_the_counters_of_its_sector(client, kiosk):
    client.post(ISSUE, json={"sector": "xay-dung"}, headers=kiosk)  # its one counter is busy then
    body = client.post(ISSUE, json={"sector": "xay-dung"}, headers=kiosk).get_json()
    low, high = body["estimated_wait"]["low"], body["estimated_wait"]["high"]
    assert low <= body["estimated_wait_minutes"] <= high and high - low >= 5
    assert body["counters"] and body["counters"] == sorted(body["counters"])
    status = client.get(f"/api/v1/tickets/{body['token']}").get_json()
    assert status["counters"] == body["counters"]
    assert status["estimated_wait"] == body["estimated_wait"]


def test_the_sectors_show_waiting_counts_and_availability(client, kiosk, session):
    # Closed before the tap: the tap's slip is drawn and stored in the background meanwhile,
    # and this session's read-then-write would meet that write as "database is locked".
    session.scalar(select(Sector).where(Sector.code == "y-te")).is_open = False
    session.commit()
    client.post(ISSUE, json={"sector": "dat-dai"}, headers=kiosk)
    sectors = {s["code"]: s for s in client.get("/api/v1/halls/demo/sectors").get_json()["sectors"]}
    assert sectors["dat-dai"]["waiting"] == 1 and sectors["dat-dai"]["is_open"]
    assert sectors["y-te"]["availability"] == "closed" and not sectors["y-te"]["is_open"]


@pytest.mark.parametrize(
    ("path", "body", "expected"),
    [
        ("/api/v1/halls/nowhere/tickets", {"sector": "dat-dai"}, (404, "hall_not_found")),
        (ISSUE, {"sector": "nothing"}, (404, "sector_not_found")),
        (ISSUE, {"sector": 12}, (422, "invalid_request")),
        (ISSUE, {"sector": "dat-dai", "priority": "vip"}, (422, "invalid_request")),
        (ISSUE, {"sector": "dat-dai", "extra": 1}, (422, "invalid_request")),
        (ISSUE, {}, (422, "invalid_request")),
        (ISSUE, ["dat-dai"], (422, "invalid_request")),
    ],
)
def test_bad_ticket_requests_get_a_clear_error(client, kiosk, path, body, expected):
    assert error_of(client.post(path, json=body, headers=kiosk)) == expected


def test_malformed_json_is_a_400(client, kiosk):
    response = client.post(ISSUE, data="{sector: ", headers={**kiosk, "Content-Type": "application/json"})
    assert error_of(response) == (400, "malformed_json")


def test_an_oversized_body_is_a_413(client, kiosk):
    response = client.post(ISSUE, data="{" + " " * 100_000 + "}",
                           headers={**kiosk, "Content-Type": "application/json"})
    assert error_of(response) == (413, "payload_too_large")


def test_a_closed_sector_is_a_409(client, kiosk, session):
    session.scalar(select(Sector).where(Sector.code == "dat-dai")).is_open = False
    session.commit()
    assert error_of(client.post(ISSUE, json={"sector": "dat-dai"}, headers=kiosk)) == (409, "sector_closed")


def test_outside_the_issuing_window_is_a_409(client, kiosk, session, clock):
    session.scalar(select(Sector).where(Sector.code == "dat-dai")).issuing_windows = "07:00-11:00"
    session.commit()
    clock.set(hall_time(2026, 11, 25, 11, 30))
    response = client.post(ISSUE, json={"sector": "dat-dai"}, headers=kiosk)
    assert error_of(response) == (409, "outside_issuing_window")


def test_the_daily_cap_is_a_409(client, kiosk, session):
    session.scalar(select(Sector).where(Sector.code == "dat-dai")).daily_cap = 1
    session.commit()
    client.post(ISSUE, json={"sector": "dat-dai"}, headers=kiosk)
    response = client.post(ISSUE, json={"sector": "dat-dai"}, headers=kiosk)
    assert error_of(response) == (409, "daily_cap_reached")


def test_issuing_needs_a_token(client):
    assert error_of(client.post(ISSUE, json={"sector": "dat-dai"})) == (401, "unauthorized")
    response = client.post(ISSUE, json={"sector": "dat-dai"}, headers=bearer("mck_forged"))
    assert error_of(response) == (401, "unauthorized")


def test_a_kiosk_may_only_issue_tickets(client, kiosk):
    assert error_of(client.post(counter_url(1, "call-next"), headers=kiosk)) == (403, "forbidden")


def test_counter_actions_need_credentials(client, demo_hall):
    assert error_of(client.post(counter_url(1, "call-next"))) == (401, "unauthorized")


def test_calling_at_a_closed_counter_says_the_counter_is_not_open(client, supervisor):
    assert error_of(client.post(counter_url(1, "call-next"), headers=supervisor)) == (409, "counter_not_open")


def test_an_officer_calling_at_another_officers_counter_gets_403(client, demo_hall, session, clock):
    make_officer(session, clock, "lan")
    make_officer(session, clock, "minh")
    lan = bearer(create_api_token(system_ports(session, clock), actor=SYSTEM,
                                  name="lan", role=Role.OFFICER, username="lan"))
    minh = bearer(create_api_token(system_ports(session, clock), actor=SYSTEM,
                                   name="minh", role=Role.OFFICER, username="minh"))
    assert client.post(counter_url(1, "open"), headers=lan).status_code == 200
    assert error_of(client.post(counter_url(1, "call-next"), headers=minh)) == (403, "not_your_counter")


def test_nobody_waiting_is_a_normal_answer_with_a_message(client, supervisor):
    client.post(counter_url(1, "open"), headers=supervisor)
    response = client.post(counter_url(1, "call-next"), headers=supervisor)
    assert response.status_code == 200
    assert response.get_json()["ticket"] is None and response.get_json()["message"]


def test_a_whole_round_at_a_counter(client, kiosk, supervisor):
    token = client.post(ISSUE, json={"sector": "dat-dai"}, headers=kiosk).get_json()["token"]
    assert client.post(counter_url(2, "open"), headers=supervisor).get_json()["counter"]["state"] == "open"
    called = client.post(counter_url(2, "call-next"), headers=supervisor).get_json()
    assert called["ticket"]["display_number"] == "1001" and called["ticket"]["counter"] == 2
    assert client.post(counter_url(2, "recall"), headers=supervisor).get_json()["ticket"]["call_count"] == 2
    assert client.post(counter_url(2, "start"), headers=supervisor).get_json()["ticket"]["status"] == "serving"
    finished = client.post(counter_url(2, "complete"), headers=supervisor).get_json()
    assert finished["ticket"] is None
    assert client.get(f"/api/v1/tickets/{token}").get_json()["status"] == "done"


def test_a_transfer_and_a_specific_call_through_the_api(client, kiosk, supervisor):
    client.post(ISSUE, json={"sector": "dat-dai"}, headers=kiosk)
    client.post(counter_url(1, "open"), headers=supervisor)
    client.post(counter_url(8, "open"), headers=supervisor)
    client.post(counter_url(1, "call-next"), headers=supervisor)
    moved = client.post(counter_url(1, "transfer"), json={"to_sector": "tu-phap", "reason": "Sai lĩnh vực"},
                        headers=supervisor).get_json()
    assert moved["transferred"]["sector"] == "tu-phap" and moved["ticket"] is None
    missing_reason = client.post(counter_url(8, "call"), json={"display_number": "1001"}, headers=supervisor)
    assert error_of(missing_reason) == (422, "invalid_request")
    called = client.post(counter_url(8, "call"), json={"display_number": "1001", "reason": "Chuyển từ quầy 1"},
                         headers=supervisor).get_json()
    assert called["ticket"]["display_number"] == "1001" and called["ticket"]["counter"] == 8


def test_pause_and_resume_through_the_api(client, supervisor):
    client.post(counter_url(3, "open"), headers=supervisor)
    paused = client.post(counter_url(3, "pause"), json={"reason": "Nghỉ trưa"}, headers=supervisor)
    assert paused.get_json()["counter"]["state"] == "paused"
    assert error_of(client.post(counter_url(3, "call-next"), headers=supervisor)) == (409, "counter_not_open")
    assert client.post(counter_url(3, "resume"), headers=supervisor).get_json()["counter"]["state"] == "open"


def test_an_unknown_counter_action_is_a_404(client, supervisor):
    assert error_of(client.post(counter_url(1, "explode"), headers=supervisor)) == (404, "not_found")


def test_an_unknown_ticket_token_is_a_404(client, demo_hall):
    assert error_of(client.get("/api/v1/tickets/not-a-ticket")) == (404, "ticket_not_found")


def test_the_queue_snapshot_lists_counters_calls_and_who_waits(client, kiosk, supervisor):
    client.post(ISSUE, json={"sector": "dat-dai"}, headers=kiosk)
    client.post(ISSUE, json={"sector": "dat-dai", "priority": "merit"}, headers=kiosk)
    client.post(counter_url(1, "open"), headers=supervisor)
    client.post(counter_url(1, "call-next"), headers=supervisor)
    snapshot = client.get("/api/v1/halls/demo/queue").get_json()
    counter_1 = next(c for c in snapshot["counters"] if c["number"] == 1)
    assert counter_1["current"]["display_number"] == "1002"  # the priority ticket went first
    assert [w["display_number"] for w in snapshot["waiting"]] == ["1001"]
    assert snapshot["recent_calls"][0]["counter"] == 1 and snapshot["open_counters"] == 1


def test_a_supervisor_token_of_another_hall_is_refused(client, kiosk, session, clock):
    other = create_api_token(system_ports(session, clock), actor=SYSTEM,
                             name="elsewhere", role=Role.SUPERVISOR)
    from motcua.queue.models import Hall

    session.add(Hall(code="phuong-1", name="Phường 1", settings={}))
    session.commit()
    token = create_api_token(system_ports(session, clock), actor=SYSTEM,
                             name="p1", role=Role.SUPERVISOR, hall_code="phuong-1")
    assert error_of(client.post(counter_url(1, "open"), headers=bearer(token))) == (403, "forbidden")
    assert client.post(counter_url(1, "open"), headers=bearer(other)).status_code == 200


def test_the_openapi_document_describes_every_api_route(client, app):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    described = {(path, method) for path, ops in document["paths"].items() for method in ops}
    actions = ["call-next", "recall", "start", "complete", "no-show", "resume", "open", "close"]
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1") or rule.endpoint == "api.counter_action":
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method.lower()) in described, f"{method} {path} is not in openapi.json"
    for action in actions:
        assert (f"/api/v1/halls/{{hall}}/counters/{{number}}/{action}", "post") in described


def test_issued_tickets_exist_in_the_database(client, kiosk, session):
    for _ in range(3):
        client.post(ISSUE, json={"sector": "dat-dai"}, headers=kiosk)
    assert session.scalar(select(func.count(Ticket.id))) == 3


def test_staff_can_print_a_ticket_again_and_a_kiosk_cannot(client, kiosk, supervisor, session, clock):
    from motcua.auth.accounts import register_device
    from motcua.core.actors import DeviceKind

    _, printing_kiosk = register_device(system_ports(session, clock), actor=SYSTEM, printers=None,
                                        hall_code="demo", name="kiosk-agent",
                                        kind=DeviceKind.KIOSK, printer="agent")
    issued = client.post(ISSUE, json={"sector": "dat-dai"}, headers=bearer(printing_kiosk)).get_json()
    job = issued["print_job"]["id"]
    assert error_of(client.post(f"/api/v1/print-jobs/{job}/reprint", headers=kiosk)) == (403, "forbidden")
    again = client.post(f"/api/v1/print-jobs/{job}/reprint", headers=supervisor)
    assert again.status_code == 201 and again.get_json()["print_job"]["id"] != job
    assert error_of(client.post("/api/v1/print-jobs/999999/reprint", headers=supervisor)) == (
        404, "print_job_not_found")


def test_a_printing_kiosks_tap_reads_the_hall_once(app, client, kiosk):
    """The slip names the hall the tap already read: not a second read while the tap holds
    the database's write lock."""
    statements: list[str] = []
    engine = runtime_of(app).engine
    listener = lambda _c, _cur, sql, *_a: statements.append(" ".join(sql.split()))  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        response = client.post(ISSUE, json={"sector": "dat-dai"}, headers=kiosk)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert response.status_code == 201 and response.get_json()["print_job"] is not None
    assert sum(s.startswith("SELECT") and "FROM halls" in s for s in statements) == 1, statements


def test_a_hall_that_stops_issuing_past_closing_answers_409_past_closing(client, kiosk, session, clock):
    hall = session.scalar(select(Hall).where(Hall.code == "demo"))
    hall.opening_windows = "07:00-11:30"  # open in the morning only
    hall.settings = {"stop_issuing_past_closing": True}
    session.commit()
    clock.advance(hours=2, minutes=20)  # 11:20, ten minutes before closing
    answers = [client.post(ISSUE, json={"sector": "dat-dai"}, headers=kiosk) for _ in range(5)]
    assert [a.status_code for a in answers[:4]] == [201] * 4
    assert [a.get_json()["past_closing"] for a in answers[:4]] == [False] * 4
    # 4 ahead, 6 min each at the sector's 2 counters: called at 11:20, 11:20, 11:26, 11:26,
    # the fifth at 11:32
    assert error_of(answers[4]) == (409, "past_closing")
