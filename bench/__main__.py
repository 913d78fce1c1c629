"""Runs the benchmarks and prints a table for each.

    python -m bench                 every benchmark
    python -m bench --only queue    some of them (comma-separated names)

PostgreSQL rows run when MOTCUA_TEST_POSTGRES_URL is set, Redis rows when
MOTCUA_TEST_REDIS_URL is set (.ci/run sets both; so does `./dev bench` via the same variables).
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Integer, String, create_engine, event, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from bench import MOTCUA

BENCHMARKS = {
    "queue": "bench.queue_bench",
    "printer": "bench.printer_bench",
    "kiosk": "bench.kiosk_bench",
    "display": "bench.display_bench",
    "dossier": "bench.dossier_bench",
    "reports": "bench.reports_bench",
    "simulate": "bench.simulate_bench",
    "policies": "bench.policies_bench",
    "floor": "bench.estimate_floor",
    "province": "bench.province_bench",
}


def print_table(title: str, rows: list[dict[str, Any]]) -> None:
    print(f"\n## {title}")
    if not rows:
        print("(no rows)")
        return
    columns: list[str] = []
    for row in rows:
        columns += [c for c in row if c not in columns]
    cells = [[_cell(row.get(c, "")) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    print(" | ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)))
    print("-|-".join("-" * w for w in widths))
    for r in cells:
        print(" | ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)))


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.1f}" if abs(value) >= 10 else f"{value:.2f}"
    return str(value)


def machine_speed() -> str:
    """One line to compare tables measured on different days: the figures here scale with the
    speed of one core and with what else the machine runs, neither of which a table shows.
    Two fixed workloads (one core, best of three each) and the load average as the run starts.
    The pure-Python loop alone can mislead: on 2026-12-06 it ran as fast as ever while the
    server's work, mostly the ORM and SQLite, took up to twice its usual CPU."""
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    return (f"machine: {os.cpu_count()} cores; {CALIBRATION_LOOP:,} additions in a Python loop "
            f"took {_best_of_three(_python_loop) * 1000:.0f} ms of CPU, a database round "
            f"{_database_round_us():.0f} µs (best of 3 each); load average {load}")


CALIBRATION_LOOP = 2_000_000
DATABASE_ROUNDS = 2_000


def _best_of_three(work: Callable[[], object]) -> float:
    """The least CPU time `work` took in three runs, in seconds."""
    best = float("inf")
    for _ in range(3):
        began = time.process_time()
        work()
        best = min(best, time.process_time() - began)
    return best


def _python_loop() -> int:
    total = 0
    for i in range(CALIBRATION_LOOP):
        total += i
    return total


def _database_round_us() -> float:
    """CPU microseconds of one round of what a request does with its database: an ORM session
    on SQLite (WAL) that reads a row by its key, inserts one and commits. A table of its own,
    not motcua's models, so the figure moves with the machine and the libraries, never with
    motcua's code."""
    class Base(DeclarativeBase):
        """The calibration's own metadata, apart from motcua's."""

    class Note(Base):
        __tablename__ = "notes"
        id: Mapped[int] = mapped_column(Integer, primary_key=True)
        text: Mapped[str] = mapped_column(String(40))

    with tempfile.TemporaryDirectory(prefix="motcua-calibration-") as tmp:
        engine = create_engine(f"sqlite:///{Path(tmp) / 'calibration.sqlite'}")

        @event.listens_for(engine, "connect")
        def _as_motcua_does(connection: Any, _record: Any) -> None:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")

        Base.metadata.create_all(engine)

        def rounds() -> None:
            for i in range(DATABASE_ROUNDS):
                with Session(engine) as session:
                    session.scalar(select(Note).where(Note.id == i // 2 + 1))
                    session.add(Note(text=f"note {i}"))
                    session.commit()

        seconds = _best_of_three(rounds)
        engine.dispose()
    return seconds / DATABASE_ROUNDS * 1_000_000


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--only", help="comma-separated: " + ",".join(BENCHMARKS))
    parser.add_argument("--scale", type=float, default=1.0,
                        help="the province bench's counts times this (0.1: a quick check)")
    args = parser.parse_args()
    names = args.only.split(",") if args.only else list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}", file=sys.stderr)
        return 2
    if not Path(MOTCUA).exists():
        print(f"no {MOTCUA}: run ./dev bench, which makes the server-only venv the benchmarks "
              "start `motcua serve` from", file=sys.stderr)
        return 2
    print(machine_speed())
    for name in names:
        started = time.monotonic()
        module = importlib.import_module(BENCHMARKS[name])
        rows = module.run(scale=args.scale) if name == "province" else module.run()
        print_table(f"{name} ({time.monotonic() - started:.0f} s)", rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
