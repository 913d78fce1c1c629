"""Tickets through the HTTP API: throughput and latency with 1 and 8 clients, call-next latency.

Targets (2 cores): issue p95 ≤ 25 ms with 8 concurrent clients on SQLite, ≥ 300 tickets/s,
printing kiosks included (their slips go to a print agent or a network printer, and the
print starts within 100 ms of the tap); call next from 4 counters ≥ 400 calls/s on SQLite
and ≥ 300/s on PostgreSQL with 2 server processes, p95 ≤ 25 ms.
Client processes (one per kiosk) share the two cores with the server, so the figures are
conservative.
`server_cpu_ms` is the server process's CPU time per request: unlike latency, it does not
depend on what else the machine is doing.
"""
from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import queue
import socket
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from bench.server import Served, prepare_database, served
from motcua.auth.accounts import register_device
from motcua.core.actors import SYSTEM, DeviceKind
from motcua.core.clock import SystemClock
from motcua.core.db import make_engine, make_session_factory
from motcua.core.events import RecordingPublisher
from motcua.core.ports import Ports

ISSUES = 1200
CALLS = 300
# Two pairs of counters sharing a line each (doanh-nghiep: 4 and 5; tu-phap: 8 and 9), so
# counters race for the same heads of line, as in a hall.
CALLING_COUNTERS = (4, 8, 5, 9)
COUNTER_CALLS = 120  # per counter; the issuing rows leave about 270 waiting in each line
# Calls per counter before the measured ones, left out of the row: a server process compiles
# a counter's statements (and on PostgreSQL prepares them on each connection) the first time
# that counter calls, once a day at most in a hall; the row measures the rest of the day.
WARM_UP_CALLS = 10
KIOSKS = 8
PRINTED_ISSUES = 400  # at 8 clients; a quarter of it at 1
PRINT_WAIT_SECONDS = 120
# A busy hall: 8 kiosks, each tapped every 0.2 s (40 tickets/s), instead of as fast as the
# answers come. A slip for a network printer costs the server more CPU than a tap (drawing
# it), so tapping without pause measures how many slips one process draws per second; paced
# taps show what a citizen waits for. A print agent draws its kiosk's slips itself.
PACED_EVERY = 0.2
PACED_ISSUES = 160


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _request(conn: http.client.HTTPConnection, path: str, token: str,
             body: dict[str, Any] | None) -> tuple[float, dict[str, Any]]:
    """POST; the milliseconds it took and the answer."""
    data = json.dumps(body or {})
    started = time.perf_counter()
    conn.request("POST", path, body=data, headers={"Authorization": f"Bearer {token}",
                                                    "Content-Type": "application/json"})
    response = conn.getresponse()
    payload = response.read()
    elapsed = (time.perf_counter() - started) * 1000
    if response.status not in (200, 201):
        raise RuntimeError(f"{path}: {response.status} {payload[:200]!r}")
    return elapsed, json.loads(payload)


def _post(conn: http.client.HTTPConnection, path: str, token: str, body: dict[str, Any] | None) -> float:
    return _request(conn, path, token, body)[0]


SECTORS = ("dat-dai", "tu-phap", "doanh-nghiep", "y-te", "giao-thong", "xay-dung")

# (wall-clock time the request started, milliseconds it took, what the answer names)
Sample = tuple[float, float, Any]


def _kiosk(port: int, token: str, index: int, count: int, every: float, offset: float,
           start: Any, out: Any) -> None:
    """One client process, like one kiosk: its own connection, one tap after another, each
    `every` seconds after the one before (0: as soon as the answer came), the first `offset`
    seconds after the start (kiosks of a hall are not tapped in step)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    start.wait()
    time.sleep(offset)
    try:
        taps: list[Sample] = []
        for i in range(count):
            if i and every:
                time.sleep(max(0.0, taps[-1][0] + every - time.time()))
            began = time.time()
            ms, answer = _request(conn, "/api/v1/halls/demo/tickets", token,
                                  {"sector": SECTORS[(index + i) % len(SECTORS)]})
            taps.append((began, ms, answer["display_number"]))
        out.put((index, taps))
    except Exception as exc:  # the parent says what went wrong instead of waiting for results
        out.put(f"kiosk {index}: {exc}")
    conn.close()


def _counter(port: int, token: str, number: int, count: int, start: Any, out: Any) -> None:
    """One client process, like one officer pressing "call next" as fast as the answers come."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    start.wait()
    try:
        calls = []
        for _ in range(count):
            began = time.time()
            ms, answer = _request(conn, f"/api/v1/halls/demo/counters/{number}/call-next", token, None)
            calls.append((began, ms, (answer["ticket"] or {}).get("id")))
        out.put((number, calls))
    except Exception as exc:
        out.put(f"counter {number}: {exc}")
    conn.close()


def _clients(target: Callable[..., None], jobs: list[tuple[Any, ...]]) -> tuple[list[list[Sample]], float]:
    """Run one client process per job, started together; their samples (in the order of the
    jobs) and the wall time. Clients are processes, so their own work never waits on one
    another's GIL."""
    context = multiprocessing.get_context("fork")
    start, out = context.Barrier(len(jobs) + 1), context.Queue()
    processes = [context.Process(target=target, args=(*job, start, out)) for job in jobs]
    for process in processes:
        process.start()
    start.wait()
    started = time.perf_counter()
    results = [out.get(timeout=300) for _ in processes]
    wall = time.perf_counter() - started
    for process in processes:
        process.join()
    failures = [r for r in results if isinstance(r, str)]
    if failures:
        raise RuntimeError("; ".join(failures))
    return [samples for _, samples in sorted(results)], wall


def _issue(server: Served, clients: int, total: int, tokens: list[str] | None = None,
           every: float = 0) -> tuple[list[list[Sample]], float]:
    """`clients` kiosks tapping `total` tickets; each kiosk's taps in order."""
    tokens = tokens or [server.kiosk_token] * clients
    return _clients(_kiosk, [(server.port, tokens[i], i, total // clients, every,
                              every * i / clients) for i in range(clients)])


def _row(backend: str, operation: str, clients: int, samples: list[Sample], wall: float,
         cpu: float, *, processes: int = 1, mode: str = "eventlet", printing: str = "no",
         **extra: Any) -> dict[str, Any]:
    """A table row; `server`: the async mode and how many `motcua serve` processes answered,
    `printing`: what the kiosks' slips went to ("no": kiosks without a printer)."""
    latencies = [ms for _, ms, _ in samples]
    return {"backend": backend, "server": f"{mode} x{processes}", "operation": operation,
            "printing": printing, "clients": clients,
            "requests": len(latencies), "per_s": len(latencies) / wall,
            "p50_ms": statistics.median(latencies), "p95_ms": percentile(latencies, 95),
            "p99_ms": percentile(latencies, 99), "server_cpu_ms": cpu * 1000 / len(latencies),
            **extra}


def _call_next(server: Served) -> list[float]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    _post(conn, "/api/v1/halls/demo/counters/1/open", server.staff_token, None)
    return [_post(conn, "/api/v1/halls/demo/counters/1/call-next", server.staff_token, None)
            for _ in range(CALLS)]


def _call_next_from_counters(backend: str, servers: list[Served]) -> dict[str, Any]:
    """Four counters calling at once, spread over the server processes; every ticket called
    must be called once only."""
    token = servers[0].staff_token
    jobs = []
    for i, number in enumerate(CALLING_COUNTERS):
        port = servers[i % len(servers)].port
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        _post(conn, f"/api/v1/halls/demo/counters/{number}/open", token, None)
        conn.close()
        jobs.append((port, token, number))
    warm_up, _ = _clients(_counter, [(*job, WARM_UP_CALLS) for job in jobs])
    cpu = sum(cpu_seconds(s.pid) for s in servers)
    results, wall = _clients(_counter, [(*job, COUNTER_CALLS) for job in jobs])
    cpu = sum(cpu_seconds(s.pid) for s in servers) - cpu
    samples = [s for r in results for s in r]
    called = [ticket for _, _, ticket in samples if ticket is not None]
    every_call = called + [ticket for r in warm_up for _, _, ticket in r if ticket is not None]
    return _row(backend, f"call next, {len(CALLING_COUNTERS)} counters", len(CALLING_COUNTERS),
                samples, wall, cpu, processes=len(servers), called=len(called),
                double_calls=len(every_call) - len(set(every_call)))


def _measure(backend: str, url: str | None, processes: int) -> list[dict[str, Any]]:
    with served(url) as server:
        rows = _issuing(backend, server)
        cpu = cpu_seconds(server.pid)
        calls = _call_next(server)
        rows.append(_row(backend, "call next", 1, [(0, ms, None) for ms in calls],
                         sum(calls) / 1000, cpu_seconds(server.pid) - cpu))
        with ExitStack() as more:
            # Several processes share their events through Redis, every one of them, as a
            # province runs them (the issuing rows' server above runs without it).
            servers = [server] if processes == 1 else [
                replace(more.enter_context(served(url, env=_shared_env(), prepare=False)),
                        staff_token=server.staff_token)
                for _ in range(processes)]
            rows.append(_call_next_from_counters(backend, servers))
    return rows


def _issuing(backend: str, server: Served, mode: str = "eventlet") -> list[dict[str, Any]]:
    """Kiosks that print nothing tapping without a pause, 1 and then 8 at once."""
    _issue(server, 1, 40)  # warm up
    rows = []
    for clients in (1, 8):
        cpu = cpu_seconds(server.pid)
        results, wall = _issue(server, clients, ISSUES // (3 if clients == 1 else 1))
        rows.append(_row(backend, "issue ticket", clients, [s for r in results for s in r],
                         wall, cpu_seconds(server.pid) - cpu, mode=mode))
    return rows


# The other servers a hall may run (MOTCUA_ASYNC_MODE), kiosks talking to them directly, with no
# nginx in between: an answer held back on a kept-alive connection shows here and not behind
# nginx, which opens a new connection to the server for each request.
OTHER_MODES = ("gevent", "threading")


def _measure_other_modes() -> list[dict[str, Any]]:
    rows = []
    for mode in OTHER_MODES:
        with served(env={"MOTCUA_ASYNC_MODE": mode}) as server:
            rows += _issuing("sqlite", server, mode)
    return rows


def _shared_env() -> dict[str, str]:
    redis = os.environ.get("MOTCUA_TEST_REDIS_URL")
    return {"MOTCUA_REDIS_URL": redis} if redis else {}


# --- issuing through kiosks that print ----------------------------------------------------


class FakeNetworkPrinters:
    """Network printers that read and discard: when each job's connection came, per printer
    (a printer's jobs arrive in the order its kiosk tapped them: one worker per printer)."""

    def __init__(self, count: int) -> None:
        self._servers = [socket.create_server(("127.0.0.1", 0)) for _ in range(count)]
        self.arrivals: list[list[float]] = [[] for _ in range(count)]
        self._threads = [threading.Thread(target=self._serve, args=(i,), daemon=True)
                         for i in range(count)]
        for thread in self._threads:
            thread.start()

    def url(self, index: int) -> str:
        # status=off: the fake answers no status queries, like a printer nobody asks
        return f"tcp://127.0.0.1:{self._servers[index].getsockname()[1]}?status=off"

    def _serve(self, index: int) -> None:
        server = self._servers[index]
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            self.arrivals[index].append(time.time())
            threading.Thread(target=self._discard, args=(conn,), daemon=True).start()

    @staticmethod
    def _discard(conn: socket.socket) -> None:
        with conn:
            while conn.recv(65536):
                pass

    def received(self) -> int:
        return sum(len(a) for a in self.arrivals)

    def close(self) -> None:
        for server in self._servers:
            server.close()


class FakeAgents:
    """The kiosks' print agents (`motcua printer agent` with a dummy: printer), noting when
    each ticket's slip, drawn by its agent, went to the printer.

    In a hall each agent draws on its own kiosk PC, at the same time as the others. Here they
    would share the two cores with the server and the tapping clients: starved of CPU, they
    fell seconds behind and answered in bursts, which no hall's server sees. So each agent
    draws its first slips for real, timing the CPU each took, and then pauses that long (the
    median, `draw_ms`) instead of drawing; it still receives, prints to its dummy printer and
    acknowledges every job over its own connection. The process runs at the lowest CPU
    priority (nice 19)."""

    def __init__(self, base: str, kiosks: list[tuple[int, str]], state_dir: Path) -> None:
        context = multiprocessing.get_context("fork")
        self.arrivals: dict[str, float] = {}
        self._arrived: Any = context.Queue()
        self._ready, self._stop = context.Event(), context.Event()
        self._draw_ms = context.Value("d", 0.0)
        self._process = context.Process(
            target=_run_agents,
            args=(base, kiosks, state_dir, self._arrived, self._ready, self._stop, self._draw_ms),
            daemon=True)
        self._process.start()
        if not self._ready.wait(60):
            raise RuntimeError("the print agents did not connect")

    @property
    def draw_ms(self) -> float:
        """What one slip took to draw, as timed by the agents (0 before they drew any)."""
        return float(self._draw_ms.value)

    def received(self) -> int:
        while True:
            try:
                ticket, at = self._arrived.get_nowait()
            except queue.Empty:
                return len(self.arrivals)
            self.arrivals.setdefault(ticket, at)

    def reset(self) -> None:
        self.received()
        self.arrivals.clear()

    def close(self) -> None:
        self._stop.set()
        self._process.join(timeout=30)


DRAWS_TIMED = 9  # slips each agents' process draws for real, the first (fonts loading) left out


def _run_agents(base: str, kiosks: list[tuple[int, str]], state_dir: Path, arrived: Any,
                ready: Any, stop: Any, draw_ms: Any) -> None:
    from motcua.printer.device import agent as print_agent
    from motcua.printer.device.agent import PrintAgent
    from motcua.printer.device.transports import Printer

    os.nice(19)
    real_draw = print_agent.draw
    timed: list[float] = []
    slip = b""

    def draw_as_on_its_own_pc(job: Any) -> bytes:
        nonlocal slip
        if len(timed) < DRAWS_TIMED:
            began = time.thread_time()  # its CPU: the wait for a core here is no kiosk PC's
            slip = real_draw(job)
            timed.append(time.thread_time() - began)
            draw_ms.value = statistics.median(timed[1:] or timed) * 1000
        else:
            time.sleep(draw_ms.value / 1000)
        return slip

    print_agent.draw = draw_as_on_its_own_pc
    agents = []
    tickets: dict[str | None, str] = {}  # a job's name at the printer -> its ticket
    for device_id, token in kiosks:
        printer = Printer("dummy:")
        agent = PrintAgent(base, str(device_id), token, printer,
                           state_dir / f"agent-{device_id}.json", say=lambda _m: None)
        receive = agent._on_job

        def on_job(job: Any, receive: Callable[[Any], None] = receive) -> None:
            tickets[f"job-{job.get('id')}"] = str(job.get("ticket"))
            receive(job)

        def print_bytes(data: bytes, name: str | None = None,
                        send: Callable[..., bool] = printer.print_bytes) -> bool:
            arrived.put((tickets[name], time.time()))
            return send(data, name=name)

        printer.print_bytes = print_bytes  # type: ignore[method-assign]
        agent.client.on("job", on_job, namespace="/print-agent")
        agent.start()
        agents.append(agent)
    ready.set()
    stop.wait()
    for agent in agents:
        agent.stop()


def _register_kiosks(url: str, printers: list[str], prefix: str) -> list[tuple[int, str]]:
    engine = make_engine(url)
    kiosks = []
    with make_session_factory(engine)() as session:
        for i, printer in enumerate(printers):
            device, token = register_device(Ports(session, SystemClock(), RecordingPublisher()),
                                            actor=SYSTEM, printers=None, hall_code="demo",
                                            name=f"{prefix}-{i}", kind=DeviceKind.KIOSK,
                                            printer=printer)
            kiosks.append((device.id, token))
    engine.dispose()
    return kiosks


def _wait_for(count: Callable[[], int], expected: int) -> None:
    deadline = time.monotonic() + PRINT_WAIT_SECONDS
    while count() < expected:
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {count()} of {expected} print jobs arrived")
        time.sleep(0.05)


@contextmanager
def _printing_kiosks(url: str, base: str, kind: str, tmp: Path) -> Iterator[tuple[
        list[str], Callable[[], int], Callable[[list[list[Sample]]], list[float]], Callable[[], None],
        Callable[[], float | None]]]:
    """Kiosks printing by `kind` ("agent" or "tcp"): their tokens, a count of the jobs that
    reached a printer, a function giving each tap's print-start delay (ms), a reset, and what
    a slip takes an agent to draw (ms; None: the slips are drawn in the print worker)."""
    if kind == "agent":
        kiosks = _register_kiosks(url, ["agent"] * KIOSKS, "bench-agent")
        agents = FakeAgents(base, kiosks, tmp)

        def delays(results: list[list[Sample]]) -> list[float]:
            agents.received()
            return [(agents.arrivals[number] - began) * 1000
                    for taps in results for began, _, number in taps]

        try:
            yield [t for _, t in kiosks], agents.received, delays, agents.reset, lambda: agents.draw_ms
        finally:
            agents.close()
    else:
        printers = FakeNetworkPrinters(KIOSKS)
        kiosks = _register_kiosks(url, [printers.url(i) for i in range(KIOSKS)], "bench-tcp")

        def delays(results: list[list[Sample]]) -> list[float]:
            return [(printers.arrivals[i][k] - began) * 1000
                    for i, taps in enumerate(results) for k, (began, _, _) in enumerate(taps)]

        def reset() -> None:
            for arrivals in printers.arrivals:
                arrivals.clear()

        try:
            yield [t for _, t in kiosks], printers.received, delays, reset, lambda: None
        finally:
            printers.close()


# What a kiosk prints through, its label in the table, and whether a print worker process
# (`motcua printer worker`) draws and sends the slips instead of the server (the deployed way
# for network printers: MOTCUA_PRINT_WORKER=process).
PRINTERS = {"agent": ("agent", False), "tcp": ("tcp printer (worker)", True)}


def _measure_printing() -> list[dict[str, Any]]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="motcua-bench-print-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'print.sqlite'}"
        prepare_database(url)
        for kind, (label, worker) in PRINTERS.items():
            with served(url, prepare=False, print_worker=worker) as server, \
                    _printing_kiosks(url, server.url, kind, Path(tmp)) as (
                        tokens, received, delays, reset, draw_ms):
                _issue(server, KIOSKS, KIOSKS * 2, tokens)  # warm up: fonts, drawn lines
                _wait_for(received, KIOSKS * 2)
                for clients, total, every in ((1, PRINTED_ISSUES // 4, 0),
                                              (KIOSKS, PRINTED_ISSUES, 0),
                                              (KIOSKS, PACED_ISSUES, PACED_EVERY)):
                    reset()
                    before = _cpu(server)
                    results, wall = _issue(server, clients, total, tokens[:clients], every)
                    _wait_for(received, total)
                    after = _cpu(server)
                    paced = f", a tap every {every:g} s each" if every else ""
                    extra: dict[str, Any] = {"print_start_p95_ms": percentile(delays(results), 95)}
                    if worker:
                        extra["worker_cpu_ms"] = (after[1] - before[1]) * 1000 / total
                    else:
                        extra["agent_draw_ms"] = draw_ms()
                    rows.append(_row("sqlite", f"issue ticket{paced}", clients,
                                     [s for r in results for s in r], wall, after[0] - before[0],
                                     printing=label, **extra))
    return rows


def _cpu(server: Served) -> tuple[float, float]:
    """CPU seconds so far of the server and of its print worker (0 without one)."""
    return cpu_seconds(server.pid), cpu_seconds(server.worker_pid) if server.worker_pid else 0.0


def run() -> list[dict[str, Any]]:
    rows = _measure("sqlite", None, processes=1)
    rows += _measure_other_modes()
    rows += _measure_printing()
    postgres = os.environ.get("MOTCUA_TEST_POSTGRES_URL")
    if postgres:
        rows += _measure("postgresql", postgres, processes=2)
    else:
        rows.append({"backend": "postgresql", "operation": "skipped: MOTCUA_TEST_POSTGRES_URL unset"})
    return rows
