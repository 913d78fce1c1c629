"""Two `motcua serve` processes sharing Redis: a call made on one reaches boards on the other."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import socketio

from motcua.clock import SystemClock
from motcua.db import make_engine, make_session_factory
from motcua.events import RecordingPublisher
from motcua.models import metadata
from motcua.queue.services import SYSTEM, Ports, issue_ticket
from tests.display.conftest import OTHER_HALL, Credentials, seed_halls

pytestmark = pytest.mark.redis

MOTCUA = Path(sys.executable).with_name("motcua")


@pytest.fixture(scope="module")
def redis_url() -> str:
    url = os.environ.get("MOTCUA_TEST_REDIS_URL")
    if not url:
        pytest.skip("MOTCUA_TEST_REDIS_URL is not set (.ci/run sets it)")
    return url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path


def wait_until_serving(server: Server, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"motcua serve exited with {server.process.returncode}:\n"
                        f"{server.log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(server.url + "/api/v1/halls/demo/sectors", timeout=2):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    pytest.fail(f"motcua serve at {server.url} did not answer within {timeout_s} s")


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
    servers = []
    for index in range(2):
        port = free_port()
        log = tmp_path / f"server-{index}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [str(MOTCUA), "serve", "--host", "127.0.0.1", "--port", str(port)], env=env,
                cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT)
        servers.append(Server(f"http://127.0.0.1:{port}", process, log))
    try:
        for server in servers:
            wait_until_serving(server)
        yield servers
    finally:
        for server in servers:
            server.process.terminate()
        for server in servers:
            try:
                server.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.process.kill()


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
