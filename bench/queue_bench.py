"""Tickets through the HTTP API: throughput and latency with 1 and 8 clients, call-next latency.

Targets (2 cores): issue p95 ≤ 25 ms with 8 concurrent clients on SQLite, ≥ 300 tickets/s.
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
import statistics
import time
from pathlib import Path
from typing import Any

from bench.server import Served, served

ISSUES = 1200
CALLS = 300


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _post(conn: http.client.HTTPConnection, path: str, token: str, body: dict[str, Any] | None) -> float:
    data = json.dumps(body or {})
    started = time.perf_counter()
    conn.request("POST", path, body=data, headers={"Authorization": f"Bearer {token}",
                                                    "Content-Type": "application/json"})
    response = conn.getresponse()
    payload = response.read()
    elapsed = (time.perf_counter() - started) * 1000
    if response.status not in (200, 201):
        raise RuntimeError(f"{path}: {response.status} {payload[:200]!r}")
    return elapsed


SECTORS = ("dat-dai", "tu-phap", "doanh-nghiep", "y-te", "giao-thong", "xay-dung")


def _kiosk(port: int, token: str, index: int, count: int, start: Any, out: Any) -> None:
    """One client process, like one kiosk: its own connection, one tap after another."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    start.wait()
    try:
        out.put([_post(conn, "/api/v1/halls/demo/tickets", token,
                       {"sector": SECTORS[(index + i) % len(SECTORS)]}) for i in range(count)])
    except Exception as exc:  # the parent says what went wrong instead of waiting for results
        out.put(f"kiosk {index}: {exc}")
    conn.close()


def _issue(server: Served, clients: int, total: int) -> tuple[list[float], float]:
    """Clients are processes, so their own work never waits on one another's GIL."""
    context = multiprocessing.get_context("fork")
    start, out = context.Barrier(clients + 1), context.Queue()
    kiosks = [context.Process(target=_kiosk, args=(server.port, server.kiosk_token, i,
                                                   total // clients, start, out))
              for i in range(clients)]
    for kiosk in kiosks:
        kiosk.start()
    start.wait()
    started = time.perf_counter()
    results = [out.get(timeout=300) for _ in kiosks]
    wall = time.perf_counter() - started
    for kiosk in kiosks:
        kiosk.join()
    failures = [r for r in results if isinstance(r, str)]
    if failures:
        raise RuntimeError("; ".join(failures))
    return [ms for r in results for ms in r], wall


def _call_next(server: Served) -> list[float]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    _post(conn, "/api/v1/halls/demo/counters/1/open", server.staff_token, None)
    return [_post(conn, "/api/v1/halls/demo/counters/1/call-next", server.staff_token, None)
            for _ in range(CALLS)]


def _measure(backend: str, url: str | None) -> list[dict[str, Any]]:
    rows = []
    with served(url) as server:
        _issue(server, 1, 40)  # warm up
        for clients in (1, 8):
            cpu = cpu_seconds(server.pid)
            latencies, wall = _issue(server, clients, ISSUES // (3 if clients == 1 else 1))
            rows.append({"backend": backend, "operation": "issue ticket", "clients": clients,
                         "requests": len(latencies), "per_s": len(latencies) / wall,
                         "p50_ms": statistics.median(latencies), "p95_ms": percentile(latencies, 95),
                         "p99_ms": percentile(latencies, 99),
                         "server_cpu_ms": (cpu_seconds(server.pid) - cpu) * 1000 / len(latencies)})
        cpu = cpu_seconds(server.pid)
        calls = _call_next(server)
        rows.append({"backend": backend, "operation": "call next", "clients": 1,
                     "requests": len(calls), "per_s": len(calls) / (sum(calls) / 1000),
                     "p50_ms": statistics.median(calls), "p95_ms": percentile(calls, 95),
                     "p99_ms": percentile(calls, 99),
                     "server_cpu_ms": (cpu_seconds(server.pid) - cpu) * 1000 / len(calls)})
    return rows


def run() -> list[dict[str, Any]]:
    rows = _measure("sqlite", None)
    postgres = os.environ.get("MOTCUA_TEST_POSTGRES_URL")
    if postgres:
        rows += _measure("postgresql", postgres)
    else:
        rows.append({"backend": "postgresql", "operation": "skipped: MOTCUA_TEST_POSTGRES_URL unset"})
    return rows
