"""How fast a call reaches the hall boards: from the officer's call-next request to the
`ticket_called` event arriving at real Socket.IO clients.

Scenarios: 1, 100 and 500 boards, against one `motcua serve` (eventlet) and against two
processes sharing Redis (boards split between them, calls made on the first). The boards are
python-socketio AsyncClients, spread over a few worker processes so that the clients' own
work does not queue behind one event loop; arrival times use CLOCK_MONOTONIC, which all
processes of the machine share. Each call waits until every board has it (or a timeout)
before the next, so the figures are latency, not a backlog. Everything runs on loopback, in a
temporary folder, with bounded loops; the servers are stopped at the end.

Targets (issue 5): p95 <= 50 ms with 100 boards on one process; p95 <= 150 ms with 500 boards
over Redis; the server process <= 100 MB RSS with 100 boards connected.
"""
from __future__ import annotations

import asyncio
import json
import math
import multiprocessing as mp
import os
import socket
import statistics
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path
from typing import Any

from bench import MOTCUA

BOARD_COUNTS = (1, 100, 500)
CALLS = 20  # measured calls per scenario
WARM_UP_CALLS = 2  # first calls after connecting, not measured
BOARDS_PER_WORKER = 125
CONNECT_TIMEOUT_S = 90.0
CALL_TIMEOUT_S = 10.0  # a call not at every board by then counts its missing arrivals as lost
SERVER_START_TIMEOUT_S = 30.0
HALL = "demo"
COUNTER = 1
SECTOR = "dat-dai"  # counter 1's sector in the demo hall
TICKETS = len(BOARD_COUNTS) * (CALLS + WARM_UP_CALLS) + 5


# --- the boards (worker processes) ---------------------------------------------------------


def _board_worker(urls: list[str], connected: Synchronized[int], received: Synchronized[int],
                  stop: Any, results: Any) -> None:
    """Hold one board connection per URL; report (display number, arrival) of every call."""
    asyncio.run(_hold_boards(urls, connected, received, stop, results))


async def _hold_boards(urls: list[str], connected: Synchronized[int],
                       received: Synchronized[int], stop: Any, results: Any) -> None:
    import socketio

    arrivals: list[tuple[str, float]] = []
    clients = []

    async def connect(url: str) -> None:
        client = socketio.AsyncClient(reconnection=False)

        async def on_call(message: dict[str, Any]) -> None:
            arrivals.append((message["ticket"]["display_number"], time.monotonic()))
            with received.get_lock():
                received.value += 1

        client.on("ticket_called", on_call, namespace="/display")
        await client.connect(url, namespaces=["/display"], auth={"hall": HALL},
                             transports=["websocket"], wait_timeout=30)
        clients.append(client)
        with connected.get_lock():
            connected.value += 1

    for start in range(0, len(urls), 25):  # a few at a time: no connection storm
        await asyncio.gather(*(connect(url) for url in urls[start:start + 25]))
    while not stop.is_set():
        await asyncio.sleep(0.05)
    results.put(arrivals)
    await asyncio.gather(*(client.disconnect() for client in clients), return_exceptions=True)


@dataclass
class Boards:
    workers: list[Any]
    connected: Synchronized[int]
    received: Synchronized[int]
    stop: Any
    results: Any

    def arrivals(self) -> list[tuple[str, float]]:
        self.stop.set()
        collected: list[tuple[str, float]] = []
        for _ in self.workers:
            collected += self.results.get(timeout=30)
        for worker in self.workers:
            worker.join(timeout=30)
            if worker.is_alive():
                worker.terminate()
        return collected


@contextmanager
def boards(urls: list[str]) -> Iterator[Boards]:
    context = mp.get_context("spawn")  # a clean interpreter: no eventlet, no threads inherited
    connected, received = context.Value("i", 0), context.Value("i", 0)
    stop, results = context.Event(), context.Queue()
    shares = math.ceil(len(urls) / BOARDS_PER_WORKER)
    workers = [context.Process(target=_board_worker, daemon=True,
                               args=(urls[i::shares], connected, received, stop, results))
               for i in range(shares)]
    for worker in workers:
        worker.start()
    group = Boards(workers, connected, received, stop, results)
    try:
        deadline = time.monotonic() + CONNECT_TIMEOUT_S
        while connected.value < len(urls):
            if time.monotonic() > deadline or not all(w.is_alive() for w in workers):
                raise RuntimeError(f"only {connected.value} of {len(urls)} boards connected")
            time.sleep(0.05)
        yield group
    finally:
        stop.set()
        for worker in workers:
            worker.join(timeout=5)
            if worker.is_alive():
                worker.terminate()


# --- the servers ---------------------------------------------------------------------------


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def rss_mb(self) -> float:
        """Resident memory of the server process, from /proc (Linux)."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmRSS in /proc status")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _reachable(url: str) -> bool:
    from urllib.parse import urlparse

    parts = urlparse(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), 2):
            return True
    except OSError:
        return False


def _prepare_database(folder: Path) -> tuple[str, str]:
    """A fresh SQLite database with the demo hall, counter 1 open and tickets waiting."""
    from motcua.auth.accounts import create_api_token
    from motcua.core.actors import SYSTEM, Role
    from motcua.core.clock import SystemClock
    from motcua.core.db import make_engine, make_session_factory
    from motcua.core.events import RecordingPublisher
    from motcua.core.ports import Ports
    from motcua.models import metadata
    from motcua.queue.demo import load_demo_hall
    from motcua.queue.services import issue_ticket, open_counter

    url = f"sqlite:///{folder / 'bench.sqlite'}"
    engine = make_engine(url)
    metadata.create_all(engine)
    clock = SystemClock()
    with make_session_factory(engine)() as session:
        load_demo_hall(Ports(session, clock, RecordingPublisher()))
        token = create_api_token(Ports(session, clock, RecordingPublisher()), actor=SYSTEM,
                                 name="bench", role=Role.SUPERVISOR,
                                 hall_code=HALL)
        ports = Ports(session, clock, RecordingPublisher())
        open_counter(ports, hall_code=HALL, counter_number=COUNTER, actor=SYSTEM)
        for _ in range(TICKETS):
            issue_ticket(ports, hall_code=HALL, sector_code=SECTOR, priority=None, actor=SYSTEM)
    engine.dispose()
    return url, token


@contextmanager
def servers(count: int, database_url: str, redis_url: str | None,
            folder: Path) -> Iterator[list[Server]]:
    env = {**os.environ, "MOTCUA_DATABASE_URL": database_url, "MOTCUA_SECRET_KEY": "bench",
           "MOTCUA_ASYNC_MODE": "eventlet", "MOTCUA_PRINTER": "dummy:",
           "MOTCUA_RATELIMIT_ENABLED": "false"}
    env.pop("MOTCUA_REDIS_URL", None)
    if redis_url:
        env["MOTCUA_REDIS_URL"] = redis_url
    started: list[Server] = []
    try:
        for index in range(count):
            port = _free_port()
            log = folder / f"server-{index}.log"
            with log.open("wb") as out:
                process = subprocess.Popen(
                    [MOTCUA, "serve", "--host", "127.0.0.1", "--port", str(port)],
                    env=env, cwd=folder, stdout=out, stderr=subprocess.STDOUT)
            started.append(Server(f"http://127.0.0.1:{port}", process, log))
        for server in started:
            _wait_serving(server)
        yield started
    finally:
        for server in started:
            server.process.terminate()
        for server in started:
            try:
                server.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.process.kill()


def _wait_serving(server: Server) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"motcua serve exited:\n{server.log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{server.url}/api/v1/halls/{HALL}/sectors", timeout=2):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise RuntimeError(f"motcua serve at {server.url} did not start")


def _call_next(server: Server, token: str) -> str:
    request = urllib.request.Request(
        f"{server.url}/api/v1/halls/{HALL}/counters/{COUNTER}/call-next", data=b"{}",
        method="POST", headers={"Authorization": f"Bearer {token}",
                                "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=CALL_TIMEOUT_S) as answer:
        ticket = json.load(answer)["ticket"]
    if ticket is None:
        raise RuntimeError("nobody left waiting: raise TICKETS")
    return str(ticket["display_number"])


# --- one scenario --------------------------------------------------------------------------


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


def measure(group: list[Server], token: str, board_count: int) -> dict[str, Any]:
    urls = [group[i % len(group)].url for i in range(board_count)]
    sent: dict[str, float] = {}
    answered_ms: list[float] = []  # the call-next request alone: database work and emits
    idle_rss = group[0].rss_mb()
    with boards(urls) as held:
        rss = group[0].rss_mb()
        expected = 0
        for call in range(WARM_UP_CALLS + CALLS):
            started = time.monotonic()
            number = _call_next(group[0], token)
            if call >= WARM_UP_CALLS:
                sent[number] = started
                answered_ms.append((time.monotonic() - started) * 1000)
            expected += board_count
            deadline = time.monotonic() + CALL_TIMEOUT_S
            while held.received.value < expected and time.monotonic() < deadline:
                time.sleep(0.01)  # only paces the calls: arrival times are taken by the boards
            expected = held.received.value  # a lost arrival must not hold up the next call
        arrivals = held.arrivals()
    latencies = [(at - sent[number]) * 1000 for number, at in arrivals if number in sent]
    return {
        "boards": board_count,
        "calls": CALLS,
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p95_ms": round(_percentile(latencies, 0.95), 1) if latencies else None,
        "max_ms": round(max(latencies), 1) if latencies else None,
        "lost": CALLS * board_count - len(latencies),
        "request_p50_ms": round(statistics.median(answered_ms), 1),
        "server_rss_mb": round(rss, 1),
        "rss_before_boards_mb": round(idle_rss, 1),
    }


def _target(servers_label: str, board_count: int) -> str:
    if servers_label == "1 process" and board_count == 100:
        return "p95 <= 50 ms, RSS <= 100 MB"
    if servers_label != "1 process" and board_count == 500:
        return "p95 <= 150 ms"
    return ""


def run() -> list[dict[str, Any]]:
    """One row per (servers, boards): p50/p95/max latency in ms, lost arrivals, the call-next
    request's own time, and the first server's RSS with the boards connected and before."""
    redis_url = (os.environ.get("MOTCUA_BENCH_REDIS_URL") or os.environ.get("MOTCUA_TEST_REDIS_URL")
                 or "redis://127.0.0.1:6379/0")
    rows: list[dict[str, Any]] = []
    for label, count, redis in (("1 process", 1, None), ("2 processes + Redis", 2, redis_url)):
        if redis is not None and not _reachable(redis):
            rows.append({"bench": "display", "servers": label,
                         "note": f"skipped: Redis not reachable at {redis}"})
            continue
        with tempfile.TemporaryDirectory(prefix="motcua-display-bench-") as tmp:
            folder = Path(tmp)
            database_url, token = _prepare_database(folder)
            with servers(count, database_url, redis, folder) as group:
                for board_count in BOARD_COUNTS:
                    measured = measure(group, token, board_count)
                    rows.append({"bench": "display", "servers": label, **measured,
                                 "target": _target(label, board_count)})
    return rows


def main() -> None:
    rows = run()
    columns = ["servers", "boards", "calls", "p50_ms", "p95_ms", "max_ms", "lost",
               "request_p50_ms", "server_rss_mb", "rss_before_boards_mb", "target", "note"]
    present = [c for c in columns if any(c in row for row in rows)]
    widths = {c: max(len(c), *(len(str(row.get(c, ""))) for row in rows)) for c in present}
    print("  ".join(c.ljust(widths[c]) for c in present))
    for row in rows:
        print("  ".join(str(row.get(c, "")).ljust(widths[c]) for c in present))


if __name__ == "__main__":
    main()
