"""A province's load through deploy/'s nginx: 164 halls, 50 kiosks issuing at a peak, 500 boards
and 500 phone pages connected, 200 counters calling, against 2 and 4 `motcua serve` processes
on PostgreSQL and Redis, in each async mode (eventlet, gevent, threading).

    python -m bench --only province [--scale 0.1]

`--scale` multiplies every count (halls, kiosks, boards, phones, counters) for a quick check;
the table's first columns say what ran. The load generator shares the machine's two cores with
nginx, the servers, PostgreSQL and Redis, as the targets say it should.

Per scenario: a fresh schema with the halls (one kiosk and four counters in each hall with
traffic, the phones' tickets issued beforehand), a Redis of its own, the servers, nginx with
the site rendered from deploy/, then the boards and phones (WebSocket, python-socketio
AsyncClients in worker processes), then MEASURE_S seconds of kiosks tapping every KIOSK_TAP_S
and counters calling every COUNTER_CALL_S (aiohttp, one process, every device its own cookie
jar so nginx's sticky cookie spreads them). Arrival times use CLOCK_MONOTONIC, which every
process of the machine shares. Rate limits are off: every client is 127.0.0.1.

Targets (issue 17): issue p95 <= 100 ms, call -> board p95 <= 150 ms, 0 errors, 0 duplicate
numbers, 0 tickets called twice.
"""
from __future__ import annotations

import asyncio
import math
import multiprocessing as mp
import os
import queue
import random
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path
from typing import Any

from bench import MOTCUA

HALLS, KIOSKS, BOARDS, PHONES, COUNTERS = 164, 50, 500, 500, 200
COUNTERS_PER_HALL = 4  # the calling counters are the four of each hall with a kiosk
SECTORS = ("dat-dai", "tu-phap", "lao-dong")
KIOSK_TAP_S = 4.0  # each kiosk: a tap every 4 s (50 kiosks: 12.5 tickets/s, a province's peak)
COUNTER_CALL_S = 20.0  # each counter: a call every 20 s (200 counters: 10 calls/s)
MEASURE_S = 45.0
MODES = ("eventlet", "gevent", "threading")
PROCESSES = (2, 4)
SOCKETS_PER_WORKER = 125
CONNECT_TIMEOUT_S = 240.0
CONNECT_ATTEMPTS = 3


@dataclass(frozen=True)
class Plan:
    """Who does what, by hall code and token."""

    kiosks: list[tuple[str, str]]  # (hall, kiosk token)
    counters: list[tuple[str, int, str]]  # (hall, counter number, supervisor token)
    boards: list[str]  # hall
    phones: list[str]  # ticket token


def _counts(scale: float) -> dict[str, int]:
    return {name: max(1, round(value * scale)) for name, value in
            {"halls": HALLS, "kiosks": KIOSKS, "boards": BOARDS, "phones": PHONES,
             "counters": COUNTERS}.items()}


def prepare_database(url: str, counts: dict[str, int]) -> Plan:
    """A fresh schema with the province's halls, devices and tokens, and the phones' tickets."""
    from motcua.auth.accounts import create_api_token, register_device
    from motcua.core.actors import SYSTEM, DeviceKind, Role
    from motcua.core.clock import SystemClock
    from motcua.core.db import make_engine, make_session_factory
    from motcua.core.events import RecordingPublisher
    from motcua.core.ports import Ports
    from motcua.migrate import upgrade
    from motcua.models import metadata  # every component's tables
    from motcua.queue.demo import SECTORS as DEMO_SECTORS
    from motcua.queue.models import Counter, CounterSector, Hall, Sector
    from motcua.queue.services import issue_ticket

    engine = make_engine(url)
    metadata.drop_all(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    upgrade(engine)
    clock = SystemClock()
    halls = [f"h{i:03d}" for i in range(counts["halls"])]
    busy = min(len(halls), counts["kiosks"], math.ceil(counts["counters"] / COUNTERS_PER_HALL))
    busy_halls = [halls[i * len(halls) // busy] for i in range(busy)]  # spread over the list
    names = {code: (vi, en, icon, start) for code, vi, en, icon, start in DEMO_SECTORS}
    kiosks, counters, phones = [], [], []
    with make_session_factory(engine)() as session:
        for code in halls:
            hall = Hall(code=code, name=f"Bộ phận Một cửa {code}", opening_windows="00:00-24:00",
                        settings={})
            sectors = [Sector(hall=hall, code=s, name_vi=names[s][0], name_en=names[s][1],
                              icon=names[s][2], number_start=names[s][3],
                              number_end=names[s][3] + 998, position=p)
                       for p, s in enumerate(SECTORS)]
            session.add_all([hall, *sectors])
            for number in range(1, COUNTERS_PER_HALL + 1):
                counter = Counter(hall=hall, number=number, name=f"Quầy {number}")
                counter.sector_links = [CounterSector(sector=s, rank=r)
                                        for r, s in enumerate(sectors)]
                session.add(counter)
        session.commit()
        for index, code in enumerate(busy_halls):
            ports = Ports(session, clock, RecordingPublisher())
            staff = create_api_token(ports, actor=SYSTEM, name=f"bench-{code}",
                                     role=Role.SUPERVISOR, hall_code=code)
            if index < counts["kiosks"]:
                _, kiosk = register_device(ports, actor=SYSTEM, printers=None, hall_code=code,
                                           name="kiosk", kind=DeviceKind.KIOSK, printer=None)
                kiosks.append((code, kiosk))
            counters += [(code, n, staff) for n in range(1, COUNTERS_PER_HALL + 1)]
        ports = Ports(session, clock, RecordingPublisher())
        for index in range(counts["phones"]):
            issued = issue_ticket(ports, hall_code=busy_halls[index % busy],
                                  sector_code=SECTORS[index % len(SECTORS)], priority=None,
                                  actor=SYSTEM)
            phones.append(issued.ticket.token)
    engine.dispose()
    return Plan(kiosks=kiosks, counters=counters[:counts["counters"]],
                boards=[halls[i % len(halls)] for i in range(counts["boards"])], phones=phones)


# --- boards and phones (worker processes) ----------------------------------------------------


def _socket_worker(url: str, screens: list[tuple[str, str]], settled: Synchronized[int],
                   refused: Synchronized[int], stop: Any, results: Any) -> None:
    asyncio.run(_hold_screens(url, screens, settled, refused, stop, results))


async def _hold_screens(url: str, screens: list[tuple[str, str]], settled: Synchronized[int],
                        refused: Synchronized[int], stop: Any, results: Any) -> None:
    """Hold each screen ("board", hall) or ("phone", token); note each call's arrival."""
    import socketio

    arrivals: list[tuple[str, str, float]] = []  # (hall, display number, arrival)
    phone_calls = 0
    clients = []

    async def connect(kind: str, key: str) -> None:
        nonlocal phone_calls
        client = socketio.AsyncClient(reconnection=False)
        namespace = "/display" if kind == "board" else "/ticket"

        async def on_call(message: dict[str, Any]) -> None:
            nonlocal phone_calls
            if kind == "board":
                arrivals.append((message["hall"], message["ticket"]["display_number"],
                                 time.monotonic()))
            else:
                phone_calls += 1

        client.on("ticket_called", on_call, namespace=namespace)
        auth = {"hall": key} if kind == "board" else {"token": key}
        for attempt in range(CONNECT_ATTEMPTS):  # as a page retries; each refusal is counted
            try:
                await client.connect(url, namespaces=[namespace], auth=auth,
                                     transports=["websocket"], wait_timeout=60)
                clients.append(client)
                break
            except socketio.exceptions.ConnectionError:
                with refused.get_lock():
                    refused.value += 1
                await asyncio.sleep(1 + attempt)
        with settled.get_lock():
            settled.value += 1

    for start in range(0, len(screens), 25):  # a few at a time: no connection storm
        await asyncio.gather(*(connect(kind, key) for kind, key in screens[start:start + 25]))
    while not stop.is_set():
        await asyncio.sleep(0.05)
    results.put((arrivals, phone_calls, len(clients)))
    await asyncio.gather(*(client.disconnect() for client in clients), return_exceptions=True)


@dataclass
class Screens:
    workers: list[Any]
    refused: Synchronized[int]  # connection attempts refused or failed (each is an error)
    stop: Any
    results: Any

    def collect(self) -> tuple[list[tuple[str, str, float]], int, int]:
        self.stop.set()
        arrivals: list[tuple[str, str, float]] = []
        phone_calls = still_connected = 0
        for _ in self.workers:
            got, calls, held = self.results.get(timeout=60)
            arrivals += got
            phone_calls += calls
            still_connected += held
        return arrivals, phone_calls, still_connected


@contextmanager
def screens(url: str, plan: Plan) -> Iterator[Screens]:
    context = mp.get_context("spawn")
    wanted = [("board", hall) for hall in plan.boards] + [("phone", t) for t in plan.phones]
    random.Random(17).shuffle(wanted)
    shares = max(1, math.ceil(len(wanted) / SOCKETS_PER_WORKER))
    settled, refused = context.Value("i", 0), context.Value("i", 0)
    stop, results = context.Event(), context.Queue()
    workers = [context.Process(target=_socket_worker, daemon=True,
                               args=(url, wanted[i::shares], settled, refused, stop, results))
               for i in range(shares)]
    for worker in workers:
        worker.start()
    try:
        deadline = time.monotonic() + CONNECT_TIMEOUT_S
        while settled.value < len(wanted):
            if time.monotonic() > deadline or not all(w.is_alive() for w in workers):
                raise RuntimeError(f"only {settled.value} of {len(wanted)} screens tried")
            time.sleep(0.1)
        yield Screens(workers, refused, stop, results)
    finally:
        stop.set()
        for worker in workers:
            worker.join(timeout=10)
            if worker.is_alive():
                worker.terminate()


# --- kiosks and counters (one worker process) ------------------------------------------------


def _load_worker(url: str, plan: Plan, seconds: float, results: Any) -> None:
    try:
        results.put(asyncio.run(_load(url, plan, seconds)))
    except Exception as exc:  # the scenario's row says what went wrong
        results.put({"failed": f"{exc.__class__.__name__}: {exc}"})


async def _load(url: str, plan: Plan, seconds: float) -> dict[str, list[Any]]:
    import aiohttp

    issues: list[tuple[float, int, str]] = []  # (latency s, status, hall:number)
    calls: list[tuple[float, float, int, str | None]] = []  # (sent, latency, status, hall:number)
    timeout = aiohttp.ClientTimeout(total=30)

    async def kiosk(hall: str, token: str, offset: float, until: float) -> None:
        rng = random.Random(token)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            due = time.monotonic() + offset
            while due < until:
                await asyncio.sleep(max(0.0, due - time.monotonic()))
                sent = time.monotonic()
                try:
                    async with session.post(f"{url}/api/v1/halls/{hall}/tickets",
                                            json={"sector": rng.choice(SECTORS)},
                                            headers={"Authorization": f"Bearer {token}"}) as r:
                        body = await r.json(content_type=None)
                        number = f"{hall}:{body.get('display_number')}" if r.status == 201 else ""
                        issues.append((time.monotonic() - sent, r.status, number))
                except (TimeoutError, aiohttp.ClientError):
                    issues.append((time.monotonic() - sent, 0, ""))
                due += KIOSK_TAP_S

    async def counter(hall: str, number: int, token: str, offset: float, until: float) -> None:
        bearer = {"Authorization": f"Bearer {token}"}
        base = f"{url}/api/v1/halls/{hall}/counters/{number}"
        async with aiohttp.ClientSession(timeout=timeout) as session:
            due = time.monotonic() + offset
            while due < until:
                await asyncio.sleep(max(0.0, due - time.monotonic()))
                sent = time.monotonic()
                try:
                    async with session.post(f"{base}/call-next", json={}, headers=bearer) as r:
                        body = await r.json(content_type=None)
                        ticket = body.get("ticket") if r.status == 200 else None
                        called = f"{hall}:{ticket['display_number']}" if ticket else None
                        calls.append((sent, time.monotonic() - sent, r.status, called))
                except (TimeoutError, aiohttp.ClientError):
                    calls.append((sent, time.monotonic() - sent, 0, None))
                due += COUNTER_CALL_S

    async def open_counters() -> None:
        """Before the clock starts, a few at a time: the morning's opening is not the peak."""
        gate = asyncio.Semaphore(8)

        async def open_one(session: Any, hall: str, number: int, token: str) -> None:
            async with gate, session.post(f"{url}/api/v1/halls/{hall}/counters/{number}/open",
                                          json={}, headers={"Authorization": f"Bearer {token}"}
                                          ) as r:
                await r.read()
                if r.status != 200:
                    raise RuntimeError(f"counter {hall}/{number} did not open: {r.status}")

        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as session:
            await asyncio.gather(*(open_one(session, h, n, t) for h, n, t in plan.counters))

    await open_counters()
    rng = random.Random(4)
    until = time.monotonic() + seconds
    await asyncio.gather(
        *(kiosk(h, t, rng.uniform(0, KIOSK_TAP_S), until) for h, t in plan.kiosks),
        *(counter(h, n, t, rng.uniform(0, COUNTER_CALL_S), until) for h, n, t in plan.counters))
    return {"issues": issues, "calls": calls}


# --- the servers ----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Process:
    process: subprocess.Popen[bytes]

    def _proc(self, name: str) -> str:
        return Path(f"/proc/{self.process.pid}/{name}").read_text()

    def rss_mb(self) -> float:
        line = next(x for x in self._proc("status").splitlines() if x.startswith("VmRSS:"))
        return int(line.split()[1]) / 1024

    def cpu_s(self) -> float:
        fields = self._proc("stat").rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def redis(folder: Path) -> Iterator[str]:
    """A redis-server of the bench's own: Socket.IO's channel is shared by every database index
    of a Redis, so another user of the shared one would hear these calls."""
    port = _free_port()
    process = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                                "--save", "", "--appendonly", "no", "--dir", str(folder)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.kill()
        process.wait()


@contextmanager
def servers(count: int, env: dict[str, str], folder: Path) -> Iterator[tuple[list[int], list[Process]]]:
    ports = [_free_port() for _ in range(count)]
    running: list[Process] = []
    try:
        for index, port in enumerate(ports):
            log = (folder / f"server-{index}.log").open("wb")
            running.append(Process(subprocess.Popen(
                [MOTCUA, "serve", "--host", "127.0.0.1", "--port", str(port)], env=env,
                cwd=folder, stdout=log, stderr=subprocess.STDOUT)))
        for port, server in zip(ports, running, strict=True):
            deadline = time.monotonic() + 60
            while True:
                if server.process.poll() is not None:
                    raise RuntimeError(f"motcua serve exited; see {folder}/server-*.log")
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/openapi.json",
                                           timeout=2).read()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise RuntimeError("motcua serve did not answer within 60 s") from None
                    time.sleep(0.1)
        yield ports, running
    finally:
        for server in running:
            server.process.terminate()
        for server in running:
            try:
                server.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.process.kill()


def _database_connections(url: str) -> int:
    from sqlalchemy import create_engine, make_url

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.exec_driver_sql(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> "
                "pg_backend_pid()", (make_url(url).database,)).scalar() or 0)
    finally:
        engine.dispose()


# --- a scenario and the table ----------------------------------------------------------------


def _percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


def scenario(mode: str, processes: int, counts: dict[str, int], database_url: str,
             seconds: float) -> dict[str, Any]:
    from tests.deploy.nginx import nginx_in_front

    plan = prepare_database(database_url, counts)
    with tempfile.TemporaryDirectory(prefix="motcua-province-") as tmp, ExitStack() as stack:
        folder = Path(tmp)
        redis_url = stack.enter_context(redis(folder))
        env = {**os.environ, "MOTCUA_DATABASE_URL": database_url, "MOTCUA_REDIS_URL": redis_url,
               "MOTCUA_SECRET_KEY": "province", "MOTCUA_ASYNC_MODE": mode,
               "MOTCUA_PRINTER": "dummy:", "MOTCUA_RATELIMIT_ENABLED": "false",
               "MOTCUA_TRUSTED_PROXIES": "127.0.0.1"}
        ports, running = stack.enter_context(servers(processes, env, folder))
        url = stack.enter_context(nginx_in_front(ports, folder / "nginx", workers=1))
        idle_rss = sum(p.rss_mb() for p in running)
        held = stack.enter_context(screens(url, plan))
        time.sleep(2)  # the connections settle
        connected_rss = [p.rss_mb() for p in running]
        cpu_before = sum(p.cpu_s() for p in running)
        context = mp.get_context("spawn")
        results = context.Queue()
        load = context.Process(target=_load_worker, args=(url, plan, seconds, results), daemon=True)
        load.start()
        peak_connections = 0
        deadline = time.monotonic() + seconds + 180  # the counters open first
        while load.is_alive() and time.monotonic() < deadline:
            peak_connections = max(peak_connections, _database_connections(database_url))
            if not results.empty():
                break
            time.sleep(1)
        try:
            measured = results.get(timeout=60)
        except queue.Empty:
            raise RuntimeError("the load generator gave no figures") from None
        load.join(timeout=10)
        if "failed" in measured:
            raise RuntimeError(f"the load generator failed: {measured['failed']}")
        cpu = sum(p.cpu_s() for p in running) - cpu_before
        time.sleep(2)  # the last calls reach the boards and phones
        arrivals, phone_calls, still_connected = held.collect()
        refused = held.refused.value
        alive = all(p.process.poll() is None for p in running)

    issues, calls = measured["issues"], measured["calls"]
    issued = [n for _, status, n in issues if status == 201]
    called = [n for _, _, status, n in calls if status == 200 and n]
    sent_at = {n: sent for sent, _, status, n in calls if status == 200 and n}
    delays = [(arrived - sent_at[f"{hall}:{number}"]) * 1000 for hall, number, arrived in arrivals
              if f"{hall}:{number}" in sent_at]
    errors = (sum(1 for _, status, _ in issues if status != 201)
              + sum(1 for _, _, status, _ in calls if status != 200)
              + refused + (counts["boards"] + counts["phones"] - still_connected)
              + (0 if alive else 1))
    requests = len(issues) + len(calls) + len(plan.counters)  # the openings too
    issue_ms = [latency * 1000 for latency, _, _ in issues]
    call_ms = [latency * 1000 for _, latency, _, _ in calls]
    return {
        "mode": mode, "processes": processes, "halls": counts["halls"],
        "kiosks": counts["kiosks"], "boards": counts["boards"], "phones": counts["phones"],
        "counters": counts["counters"], "issued": len(issued), "called": len(called),
        "issue p50/p95/p99 ms": "/".join(f"{_percentile(issue_ms, p):.0f}" for p in (50, 95, 99)),
        "call p50/p95/p99 ms": "/".join(f"{_percentile(call_ms, p):.0f}" for p in (50, 95, 99)),
        "call->board p95 ms": round(_percentile(delays, 95), 1),
        "RSS MB/process": round(statistics.mean(connected_rss), 1),
        "KB/screen": round((sum(connected_rss) - idle_rss) * 1024
                          / (counts["boards"] + counts["phones"]), 1),
        "CPU ms/request": round(cpu * 1000 / max(1, requests), 2),
        "PG connections": peak_connections,
        "errors": errors,
        "refused connects": refused,
        "duplicates": len(issued) - len(set(issued)),
        "double calls": len(called) - len(set(called)),
        "phones called": phone_calls,
    }


def run(scale: float = 1.0) -> list[dict[str, Any]]:
    database_url = os.environ.get("MOTCUA_TEST_POSTGRES_URL")
    if not database_url:
        return [{"skipped": "MOTCUA_TEST_POSTGRES_URL is not set (the province runs on PostgreSQL)"}]
    if not shutil.which("redis-server"):
        return [{"skipped": "redis-server is not installed"}]
    from tests.deploy.nginx import nginx_available

    if not nginx_available():
        return [{"skipped": "nginx is not installed (./dev bench installs it)"}]
    counts = _counts(scale)
    seconds = MEASURE_S if scale >= 1 else max(15.0, MEASURE_S * scale * 4)
    rows = []
    for processes in PROCESSES:
        for mode in MODES:
            try:
                rows.append(scenario(mode, processes, counts, database_url, seconds))
            except RuntimeError as exc:  # a mode that cannot carry the load: a row that says so
                rows.append({"mode": mode, "processes": processes, "errors": f"failed: {exc}"})
            print(f"  province: {mode}, {processes} processes done", flush=True)
    return rows
