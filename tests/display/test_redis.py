"""Two `motcua serve` processes sharing Redis: a call made on one reaches boards on the other."""
from __future__ import annotations

import json
import os
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import socketio

from motcua.core.actors import SYSTEM
from motcua.core.clock import SystemClock
from motcua.core.db import make_engine, make_session_factory
from motcua.core.events import RecordingPublisher
from motcua.core.ports import Ports
from motcua.models import metadata
from motcua.queue.services import issue_ticket
from tests.display.conftest import OTHER_HALL, Credentials, seed_halls
from tests.servers import Server, motcua_servers

pytestmark = pytest.mark.redis

@pytest.fixture(scope="module")
def redis_url() -> str:
    url = os.environ.get("MOTCUA_TEST_REDIS_URL")
    if not url:
        pytest.skip("MOTCUA_TEST_REDIS_URL is not set (.ci/run sets it)")
    return url


@pytest.fixture
def database(tmp_path: Path) -> Iterator[tuple[str, Credentials]]:
    """A shared SQLite file with the demo and ward halls, as both servers will see it."""
    url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    engine = make_engine(url)
    metadata.create_all(engine)
    with make_session_factory(engine)() as session:
        credentials = seed_halls(session, SystemClock())
        issue_ticket(Ports(session, SystemClock(), RecordingPublisher()), hall_code="demo",
                     sector_code="dat-dai", priority=None, actor=SYSTEM)
    engine.dispose()
    yield url, credentials


@pytest.fixture
def two_servers(database: tuple[str, Credentials], redis_url: str,
                tmp_path: Path) -> Iterator[list[Server]]:
    url, _ = database
    env = {**os.environ, "MOTCUA_DATABASE_URL": url, "MOTCUA_REDIS_URL": redis_url,
           "MOTCUA_SECRET_KEY": "test-secret", "MOTCUA_ASYNC_MODE": "eventlet",
           "MOTCUA_PRINTER": "dummy:"}
    with motcua_servers(2, env, tmp_path) as servers:
        yield servers


class Board:
    """A real python-socketio client on the `/display` namespace, noting what it receives."""

    def __init__(self, server: Server, hall: str) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []
        self.arrived = threading.Event()
        self.client = socketio.Client(reconnection=False)
        self.client.on("*", self._note, namespace="/display")
        self.client.connect(server.url, namespaces=["/display"], auth={"hall": hall},
                            transports=["websocket"], wait_timeout=10)

    def _note(self, name: str, message: dict[str, Any]) -> None:
        self.events.append((name, message))
        self.arrived.set()

    def close(self) -> None:
        self.client.disconnect()


def post(server: Server, token: str, path: str) -> Any:
    request = urllib.request.Request(server.url + path, data=b"{}", method="POST", headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)


def test_a_call_on_one_server_reaches_a_board_connected_to_the_other(
        two_servers: list[Server], database: tuple[str, Credentials]) -> None:
    first, second = two_servers
    _, staff = database
    post(first, staff.supervisor, "/api/v1/halls/demo/counters/1/open")
    demo_board = Board(second, "demo")
    ward_board = Board(first, OTHER_HALL)
    try:
        answer = post(first, staff.supervisor, "/api/v1/halls/demo/counters/1/call-next")
        assert answer["ticket"]["display_number"] == "1001"

        assert demo_board.arrived.wait(10), "the call never reached the other server's board"
        time.sleep(0.5)  # room for a duplicate or a stray delivery to show up
        calls = [m for name, m in demo_board.events if name == "ticket_called"
                 and m["ticket"]["display_number"] == "1001"]
        assert len(calls) == 1
        assert calls[0]["hall"] == "demo" and calls[0]["ticket"]["counter"] == 1
        assert ward_board.events == []
    finally:
        demo_board.close()
        ward_board.close()
