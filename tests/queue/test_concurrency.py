"""Numbering and calling under real concurrency: separate processes on one database.

8 processes issue tickets at once; 4 counters call at once. No duplicate number, no gap,
no ticket called twice — on an SQLite file (WAL, BEGIN IMMEDIATE) and on PostgreSQL.
"""
from __future__ import annotations

import multiprocessing
import time
from collections import defaultdict
from typing import Any

import pytest
from sqlalchemy import select

from motcua.core.actors import SYSTEM, Actor
from motcua.core.clock import SystemClock
from motcua.core.db import Base, make_engine, make_session_factory
from motcua.core.events import RecordingPublisher
from motcua.core.ports import Ports
from motcua.models import metadata
from motcua.queue import services
from motcua.queue.demo import load_demo_hall
from motcua.queue.models import Counter, CounterSector, Sector, Ticket, TicketStatus

ISSUERS = 8
TICKETS_EACH = 50
CALLERS = (1, 2, 3, 4)
SECTORS = ("dat-dai", "tu-phap", "giao-duc")


def _ports(url: str) -> Ports:
    engine = make_engine(url)
    return Ports(make_session_factory(engine)(), SystemClock(), RecordingPublisher())


def _issue_many(url: str, worker: int, start: Any) -> list[tuple[str, str, int]]:
    ports = _ports(url)
    kiosk = Actor(kind="kiosk", name=f"kiosk-{worker}")
    start.wait()
    issued = []
    for i in range(TICKETS_EACH):
        ticket = services.issue_ticket(ports, hall_code="demo", sector_code=SECTORS[(worker + i) % 3],
                                       priority=None, actor=kiosk).ticket
        issued.append((ticket.sector.code, ticket.day.isoformat(), ticket.sequence))
    return issued


def _call_until_empty(url: str, counter: int, start: Any) -> list[int]:
    ports = _ports(url)
    start.wait()
    called = []
    while (ticket := services.call_next(ports, hall_code="demo", counter_number=counter,
                                        actor=SYSTEM).ticket) is not None:
        called.append(ticket.id)
        # No officer calls again within a millisecond. Without a pause, one process can take
        # SQLite's lock again and again while the others' busy handlers sleep, and drain the line.
        time.sleep(0.002)
    return called


def _prepare(url: str) -> None:
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        load_demo_hall(Ports(session, SystemClock(), RecordingPublisher()))
        land = session.scalar(select(Sector).where(Sector.code == "dat-dai"))
        for number in (3, 4):  # four counters on one line: the hardest case
            counter = session.scalar(select(Counter).where(Counter.number == number))
            counter.sector_links.append(CounterSector(sector=land, rank=0))
        session.commit()
    engine.dispose()


def _run(target: Any, args: list[tuple[Any, ...]]) -> list[Any]:
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        start = manager.Barrier(len(args))
        with context.Pool(len(args)) as pool:
            results = [pool.apply_async(target, (*a, start)) for a in args]
            return [r.get(timeout=240) for r in results]


def check_issuing_has_no_duplicates_and_no_gaps(url: str) -> None:
    results = _run(_issue_many, [(url, w) for w in range(ISSUERS)])
    by_line: dict[tuple[str, str], list[int]] = defaultdict(list)
    for sector, day, sequence in (t for r in results for t in r):
        by_line[(sector, day)].append(sequence)
    total = sum(len(s) for s in by_line.values())
    assert total == ISSUERS * TICKETS_EACH
    for line, sequences in by_line.items():
        assert sorted(sequences) == list(range(1, len(sequences) + 1)), f"gap or duplicate in {line}"


def check_four_counters_never_call_the_same_ticket(url: str) -> None:
    ports = _ports(url)
    for number in CALLERS:
        services.open_counter(ports, hall_code="demo", counter_number=number, actor=SYSTEM)
    for _ in range(200):
        services.issue_ticket(ports, hall_code="demo", sector_code="dat-dai", priority=None,
                              actor=SYSTEM)
    results = _run(_call_until_empty, [(url, n) for n in CALLERS])
    called = [ticket_id for r in results for ticket_id in r]
    assert len(called) == len(set(called)) == 200
    assert sum(1 for r in results if r) >= 2, "the counters really called at the same time"
    ports.session.commit()  # a fresh snapshot: the counters wrote from other processes
    tickets = ports.session.scalars(select(Ticket)).all()
    assert sorted({t.call_count for t in tickets}) == [1], [(t.id, t.call_count, t.status) for t in tickets if t.call_count != 1][:5]
    assert {t.status for t in tickets} <= {TicketStatus.DONE, TicketStatus.CALLED}


@pytest.mark.slow
def test_eight_processes_issuing_on_sqlite_get_gapless_unique_numbers(tmp_path):
    url = f"sqlite:///{tmp_path / 'concurrent.sqlite'}"
    metadata.create_all(make_engine(url))
    _prepare(url)
    check_issuing_has_no_duplicates_and_no_gaps(url)


@pytest.mark.slow
def test_four_counters_calling_at_once_on_sqlite_never_share_a_ticket(tmp_path):
    url = f"sqlite:///{tmp_path / 'concurrent.sqlite'}"
    metadata.create_all(make_engine(url))
    _prepare(url)
    check_four_counters_never_call_the_same_ticket(url)


@pytest.mark.slow
@pytest.mark.postgres
def test_eight_processes_issuing_on_postgresql_get_gapless_unique_numbers(postgres_engine, postgres_url):
    _prepare(postgres_url)
    check_issuing_has_no_duplicates_and_no_gaps(postgres_url)


@pytest.mark.slow
@pytest.mark.postgres
def test_four_counters_calling_at_once_on_postgresql_never_share_a_ticket(postgres_engine, postgres_url):
    _prepare(postgres_url)
    check_four_counters_never_call_the_same_ticket(postgres_url)


def test_importing_queue_still_gives_the_standard_library():
    import queue

    assert hasattr(queue, "Queue") and hasattr(queue, "SimpleQueue")
    assert "site-packages" not in (queue.__file__ or "") and "motcua" not in (queue.__file__ or "")


def test_the_base_metadata_knows_every_table():
    assert {"tickets", "halls", "sectors", "counters", "ticket_events", "day_sequences"} <= set(
        Base.metadata.tables)
