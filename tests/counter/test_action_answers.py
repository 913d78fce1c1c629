"""Every counter action answers with what it left at the counter, as reading the counter
afterwards shows it, and without reading the hall or the counter a second time."""
from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from tests.conftest import runtime_of
from tests.support import bearer

COUNTER = "/api/v1/halls/demo/counters/1"
# (action, body): a day at counter 1, one step after another
STEPS: list[tuple[str, dict[str, Any]]] = [
    ("open", {}),
    ("call-next", {}),
    ("recall", {}),
    ("start", {}),
    ("pause", {"reason": "Họp"}),
    ("resume", {}),
    ("complete", {}),
    ("call-next", {}),
    ("no-show", {}),
    ("call", {"display_number": "1002", "reason": "Công dân quay lại"}),
    ("transfer", {"to_sector": "tu-phap", "reason": "Sai lĩnh vực"}),
    ("call-next", {}),
    ("close", {}),
]


def _selects(app: Flask, client: FlaskClient, path: str, body: dict[str, Any],
             headers: dict[str, str]) -> tuple[Any, list[str]]:
    statements: list[str] = []
    engine = runtime_of(app).engine

    def listener(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        statements.append(" ".join(sql.split()))

    event.listen(engine, "before_cursor_execute", listener)
    try:
        answer = client.post(path, json=body, headers=headers)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return answer, [s for s in statements if s.startswith("SELECT")]


def test_each_action_answers_what_the_counter_shows_afterwards_reading_hall_and_counter_once(
        app: Flask, client: FlaskClient, supervisor_token: str) -> None:
    headers = bearer(supervisor_token)
    for _ in range(2):
        client.post("/api/v1/halls/demo/tickets", json={"sector": "dat-dai"}, headers=headers)
    for action, body in STEPS:
        answer, reads = _selects(app, client, f"{COUNTER}/{action}", body, headers)
        assert answer.status_code == 200, (action, answer.get_json())
        shown = answer.get_json()
        transferred = shown.pop("transferred", None)
        shown.pop("message", None)
        assert shown == client.get(COUNTER, headers=headers).get_json(), action
        assert (transferred is not None) == (action == "transfer")
        assert sum("FROM halls" in s for s in reads) == 1, (action, reads)
        assert sum("FROM counters" in s or "JOIN counters" in s for s in reads) == 1, (action, reads)
