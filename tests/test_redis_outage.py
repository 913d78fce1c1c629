"""When Redis goes away (stopped, or frozen) the hall keeps serving: taps, sign-ins and
look-ups answer (rate limits count in each process meanwhile), no request waits on Redis
for more than a second, and once Redis is back every board re-reads its state.

The drills run two real `motcua serve` processes on one SQLite file, sharing a
`redis-server` of the test's own that is killed, restarted and frozen under load."""
from __future__ import annotations

import json
import os
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty, Queue
from types import SimpleNamespace
from typing import Any

import pytest
import socketio
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy import update

from motcua import create_app
from motcua.auth.accounts import create_api_token, register_device
from motcua.core.actors import SYSTEM, DeviceKind, Role
from motcua.core.clock import SystemClock
from motcua.core.db import make_engine, make_session_factory
from motcua.core.events import RecordingPublisher
from motcua.core.ports import Ports
from motcua.models import metadata
from motcua.queue.demo import load_demo_hall
from motcua.queue.models import Sector
from motcua.web.realtime import HallMessageQueue
from tests.auth.signing import csrf_token, sign_in
from tests.servers import RedisServer, Server, free_port, motcua_servers, redis_server
from tests.support import make_officer, system_ports

SECTOR = "dat-dai"  # served by counters 1 and 2
COUNTERS = (1, 2)


def test_with_redis_unreachable_taps_sign_ins_and_look_ups_still_answer(tmp_path, clock):
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'hall.sqlite'}",
                      "SECRET_KEY": "t", "ASYNC_MODE": "threading", "PRINTER": "dummy:",
                      "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",  # nobody listens
                      "RATELIMIT_ENABLED": True, "KIOSK_RATE_LIMIT": "3 per minute"}, clock=clock)
    metadata.create_all(app.extensions["motcua"].engine)
    with app.extensions["motcua"].sessions() as session:
        load_demo_hall(Ports(session, clock, RecordingPublisher()))
        make_officer(session, clock, username="lan")
        _, token = register_device(system_ports(session, clock), actor=SYSTEM, printers=None,
                                   hall_code="demo", name="kiosk-1",
                                   kind=DeviceKind.KIOSK, printer="agent")
    client = app.test_client()
    bearer = {"Authorization": f"Bearer {token}"}

    taps = [client.post("/api/v1/halls/demo/tickets", json={"sector": SECTOR}, headers=bearer)
            for _ in range(4)]
    assert [t.status_code for t in taps] == [201, 201, 201, 429]  # limits still count
    assert client.get(f"/kiosk/demo/setup?token={token}").status_code == 303
    assert client.post("/kiosk/demo/lookup", json={"code": "A999"}).status_code == 404
    assert client.post("/tra-cuu", data={"code": "H21.65-261125-0001",
                                         "secret": "AAAAAA"}).status_code == 404
    assert client.post("/sign-in", data={"username": "lan", "password": "wrong",
                                         "csrf_token": csrf_token(client)}).status_code == 401
    assert sign_in(client, "lan").status_code == 302
    health = client.get("/health")
    assert health.status_code == 200 and health.get_json()["status"] == "degraded"


class SilentLink:
    """A subscription whose Redis stopped answering (frozen, or the route dropped)."""

    def __init__(self, answers_ping: bool) -> None:
        self.answers_ping = answers_ping
        self.pending: list[dict[str, Any]] = [{"type": "subscribe", "data": 1}]

    def get_message(self, timeout: float) -> dict[str, Any] | None:
        if self.pending:
            return self.pending.pop()
        time.sleep(timeout)
        return None

    def ping(self) -> None:
        if self.answers_ping:
            self.pending.append({"type": "pong", "data": b""})


def test_a_subscription_that_stops_answering_ping_is_given_up_and_one_that_answers_is_kept():
    queue = HallMessageQueue("redis://127.0.0.1:1/0", timeout=0.1, heartbeat=0.05)
    silent = queue._messages(SilentLink(answers_ping=False))
    assert next(silent)["type"] == "subscribe"
    with pytest.raises(RedisConnectionError, match="no answer to PING"):
        next(silent)

    alive = queue._messages(SilentLink(answers_ping=True))
    assert [next(alive)["type"] for _ in range(4)] == ["subscribe", "pong", "pong", "pong"]


class CountingRedis:
    """A Redis client that notes what each round trip published (a pipeline is one)."""

    def __init__(self) -> None:
        self.round_trips: list[list[tuple[str, Any]]] = []

    def pipeline(self, transaction: bool = True) -> CountingRedis.Pipeline:
        return CountingRedis.Pipeline(self)

    @dataclass
    class Pipeline:
        client: CountingRedis
        published: list[tuple[str, Any]] = field(default_factory=list)

        def publish(self, channel: str, data: str) -> None:
            self.published.append((channel, json.loads(data)))

        def execute(self) -> None:
            self.client.round_trips.append(self.published)


def test_the_messages_waiting_to_be_published_go_to_redis_in_one_round_trip_in_order():
    queue = HallMessageQueue("redis://127.0.0.1:1/0", timeout=0.1)
    queue.server = SimpleNamespace(eio=SimpleNamespace(get_queue_empty_exception=lambda: Empty))
    queue._outbox = Queue()
    for n in range(2, 6):  # one event: the hall's three namespaces, the ticket's page, its line
        queue._outbox.put({"n": n})
    client = CountingRedis()
    queue._send_waiting(client, {"n": 1})
    assert client.round_trips == [[(queue.channel, {"n": n}) for n in range(1, 6)]]
    assert queue._outbox.empty()


# --- drills with real processes -------------------------------------------------------------


@dataclass
class Hall:
    supervisor: str
    kiosks: list[str]


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[RedisServer]:
    with redis_server(tmp_path) as server:
        yield server


@pytest.fixture
def hall_db(tmp_path: Path) -> tuple[str, Hall]:
    url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    engine = make_engine(url)
    metadata.create_all(engine)
    clock = SystemClock()
    with make_session_factory(engine)() as session:
        load_demo_hall(Ports(session, clock, RecordingPublisher()))
        # The kiosks tap as fast as they can for many seconds: more than a sector's daily cap.
        session.execute(update(Sector).values(daily_cap=None))
        session.commit()
        supervisor = create_api_token(system_ports(session, clock), actor=SYSTEM,
                                      name="lead", role=Role.SUPERVISOR,
                                      hall_code="demo")
        kiosks = [register_device(system_ports(session, clock), actor=SYSTEM, printers=None,
                                  hall_code="demo", name=f"kiosk-{n}",
                                  kind=DeviceKind.KIOSK, printer=None)[1] for n in range(4)]
    engine.dispose()
    return url, Hall(supervisor, kiosks)


@pytest.fixture
def two_servers(hall_db: tuple[str, Hall], redis: RedisServer, tmp_path: Path) -> Iterator[list[Server]]:
    env = {**os.environ, "MOTCUA_DATABASE_URL": hall_db[0], "MOTCUA_REDIS_URL": redis.url,
           "MOTCUA_SECRET_KEY": "test-secret", "MOTCUA_ASYNC_MODE": "eventlet",
           "MOTCUA_PRINTER": "dummy:", "MOTCUA_KIOSK_RATE_LIMIT": "100000 per minute",
           "MOTCUA_GLOBAL_RATE_LIMIT": "100000 per minute"}
    with motcua_servers(2, env, tmp_path) as servers:
        yield servers


def call(server: Server, token: str, path: str, body: dict[str, Any] | None = None,
         timeout: float = 10) -> tuple[int, Any]:
    data = json.dumps(body or {}).encode()
    request = urllib.request.Request(server.url + path, data=data, method="POST", headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as error:
        return error.code, None


def read(server: Server, path: str, timeout: float = 10) -> tuple[int, Any]:
    try:
        with urllib.request.urlopen(server.url + path, timeout=timeout) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def now_serving(server: Server) -> dict[int, str | None]:
    """The truth: each counter's current ticket, as the database has it."""
    status, snapshot = read(server, "/api/v1/halls/demo/queue")
    assert status == 200
    return {c["number"]: c["current"]["display_number"] if c["current"] else None
            for c in snapshot["counters"] if c["number"] in COUNTERS}


class Board:
    """What a hall board does, with a python-socketio client: it reads the state over HTTP on
    (re)connect and on `resync`, and follows the call events in between."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.shown: dict[int, str | None] = {}
        self.calls: list[str] = []
        self.lock = threading.Lock()
        self.client = socketio.Client(reconnection_delay=0.2)
        self.client.on("connect", self.reread, namespace="/display")
        self.client.on("resync", self.reread, namespace="/display")
        self.client.on("ticket_called", self.called, namespace="/display")
        self.client.connect(server.url, namespaces=["/display"], auth={"hall": "demo"},
                            transports=["websocket"], wait_timeout=10)

    def reread(self, _message: Any = None) -> None:
        state = now_serving(self.server)
        with self.lock:
            self.shown = state

    def called(self, message: dict[str, Any]) -> None:
        ticket = message["ticket"]
        with self.lock:
            self.shown[ticket["counter"]] = ticket["display_number"]
            self.calls.append(ticket["display_number"])

    def showing(self) -> dict[int, str | None]:
        with self.lock:
            return dict(self.shown)

    def close(self) -> None:
        self.client.disconnect()


@dataclass
class Taps:
    """Kiosks tapping for tickets in a loop, each noting every answer and how long it took."""

    servers: list[Server]
    kiosks: list[str]
    answers: list[tuple[int, float]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def __enter__(self) -> Taps:
        self.threads = [threading.Thread(target=self._tap, args=(self.servers[n % 2], token))
                        for n, token in enumerate(self.kiosks)]
        for thread in self.threads:
            thread.start()
        return self

    def _tap(self, server: Server, token: str) -> None:
        while not self.stop.is_set():
            started = time.monotonic()
            try:
                status, _ = call(server, token, "/api/v1/halls/demo/tickets", {"sector": SECTOR},
                                   timeout=5)
            except OSError as exc:  # includes time-outs
                self.errors.append(f"{server.url}: {exc}")
                continue
            self.answers.append((status, time.monotonic() - started))
            time.sleep(0.05)

    def __exit__(self, *_exc: Any) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=15)

    def since(self, count: int) -> list[tuple[int, float]]:
        return self.answers[count:]


def wait_for(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def call_next(server: Server, hall: Hall, counter: int) -> str:
    status, answer = call(server, hall.supervisor, f"/api/v1/halls/demo/counters/{counter}/call-next")
    assert status == 200 and answer["ticket"], answer
    return answer["ticket"]["display_number"]


def open_counters(server: Server, hall: Hall) -> None:
    for counter in COUNTERS:
        assert call(server, hall.supervisor, f"/api/v1/halls/demo/counters/{counter}/open")[0] == 200


@pytest.mark.slow
def test_redis_stopped_and_restarted_under_load_loses_no_tap_and_boards_catch_up(
        two_servers: list[Server], hall_db: tuple[str, Hall], redis: RedisServer) -> None:
    first, second = two_servers
    hall = hall_db[1]
    open_counters(first, hall)
    board = Board(second)
    try:
        with Taps(two_servers, hall.kiosks) as taps:
            time.sleep(1)
            before = call_next(first, hall, 1)
            assert wait_for(lambda: before in board.calls, 5), "events did not cross before the drill"

            redis.kill()
            time.sleep(0.5)
            during = [call_next(first, hall, counter) for counter in COUNTERS for _ in range(2)]
            time.sleep(1.5)
            redis.start()
            back = time.monotonic()

            assert wait_for(lambda: board.showing() == now_serving(first), 5), (
                f"the board shows {board.showing()}, the hall {now_serving(first)}; "
                f"calls during the outage: {during}")
            converged = time.monotonic() - back
            time.sleep(0.5)
            after = call_next(first, hall, 1)
            assert wait_for(lambda: after in board.calls, 5), "events did not cross after Redis came back"
            assert wait_for(lambda: len(taps.answers) > 20, 5)
        assert taps.errors == []
        statuses = {status for status, _ in taps.answers}
        assert statuses == {201}, f"answers during the drill: {sorted(statuses)}"
        assert converged < 5
    finally:
        board.close()


@pytest.mark.slow
def test_a_frozen_redis_never_holds_a_tap_for_long_and_boards_catch_up_after(
        two_servers: list[Server], hall_db: tuple[str, Hall], redis: RedisServer) -> None:
    first, second = two_servers
    hall = hall_db[1]
    open_counters(first, hall)
    board = Board(second)
    try:
        with Taps(two_servers, hall.kiosks) as taps:
            time.sleep(1)
            redis.freeze()
            frozen_from = len(taps.answers)
            started = time.monotonic()
            status, health = read(first, "/health", timeout=5)
            assert time.monotonic() - started < 1.5  # its ping gives up long before this
            assert status == 200 and health["status"] == "degraded"
            during = call_next(first, hall, 2)
            time.sleep(3)
            while_frozen = taps.since(frozen_from)
            redis.thaw()
            assert wait_for(lambda: board.showing() == now_serving(first), 5), (
                f"the board shows {board.showing()}, the hall {now_serving(first)}; "
                f"called while frozen: {during}")
        assert taps.errors == []
        assert len(while_frozen) > 20
        assert {status for status, _ in taps.answers} == {201}
        durations = sorted(seconds for _, seconds in while_frozen)
        # Only the taps in flight when a Redis call times out wait, for REDIS_TIMEOUT_SECONDS
        # (0.25 s) or two; the rest do not touch Redis. The bound leaves room for a loaded
        # machine; before, every tap hung past the client's 5 s time-out.
        assert durations[len(durations) // 2] < 0.25, f"taps on a frozen Redis: {durations}"
        assert durations[-1] < 1.5, f"a tap waited {durations[-1]:.2f} s on a frozen Redis"
    finally:
        board.close()
