"""Dossier codes under real concurrency: six counters, each in its own process, receive at once.

No code twice, no gap in the day's sequence nor in the register book — on an SQLite file
(WAL, BEGIN IMMEDIATE) and on PostgreSQL.
"""
from __future__ import annotations

import multiprocessing
from typing import Any

import pytest
from sqlalchemy import select

from motcua.core.actors import SYSTEM
from motcua.core.clock import SystemClock
from motcua.core.db import make_engine, make_session_factory
from motcua.core.events import RecordingPublisher
from motcua.core.ports import Ports
from motcua.dossier import services as dossiers
from motcua.dossier.models import Dossier
from motcua.models import metadata
from motcua.queue import services as queue
from motcua.queue.demo import load_demo_hall
from tests.dossier.support import INSTALLATION, an_intake

COUNTERS = (1, 2, 4, 6, 7, 8)
EACH = 20


def _ports(url: str) -> Ports:
    return Ports(make_session_factory(make_engine(url))(), SystemClock(), RecordingPublisher())


def _prepare(url: str) -> None:
    ports = _ports(url)
    load_demo_hall(ports)
    dossiers.load_demo_catalogue(ports.session, ports.clock)
    for number in COUNTERS:
        queue.open_counter(ports, hall_code="demo", counter_number=number, actor=SYSTEM)
        queue.issue_ticket(ports, hall_code="demo", sector_code="dat-dai", priority=None, actor=SYSTEM)
        counter = queue.get_counter(ports.session, queue.get_hall(ports.session, "demo"), number)
        ticket = ports.session.scalars(select(queue.Ticket).where(
            queue.Ticket.status == queue.TicketStatus.WAITING)).first()
        queue.call_specific(ports, hall_code="demo", counter_number=counter.number, actor=SYSTEM,
                            display_number=ticket.display_number, reason="test")
    ports.session.close()


def _receive_many(url: str, counter: int, start: Any) -> list[tuple[str, int, int]]:
    ports = _ports(url)
    start.wait()
    received = []
    for _ in range(EACH):
        dossier = dossiers.receive_dossier(ports, hall_code="demo", counter_number=counter, actor=SYSTEM,
                                           intake=an_intake(), installation=INSTALLATION)
        received.append((dossier.code, dossier.sequence, dossier.register_entry))
    return received


def check_codes_are_unique_and_gapless(url: str) -> None:
    _prepare(url)
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        start = manager.Barrier(len(COUNTERS))
        with context.Pool(len(COUNTERS)) as pool:
            runs = [pool.apply_async(_receive_many, (url, number, start)) for number in COUNTERS]
            results = [r.get(timeout=240) for r in runs]
    received = [item for run in results for item in run]
    total = len(COUNTERS) * EACH
    codes = {code for code, _, _ in received}
    assert len(codes) == total
    assert sorted(sequence for _, sequence, _ in received) == list(range(1, total + 1))
    assert sorted(entry for _, _, entry in received) == list(range(1, total + 1))
    assert all(code.rsplit("-", 1)[1] == f"{sequence:04d}" for code, sequence, _ in received)
    with _ports(url).session as session:
        assert len(session.scalars(select(Dossier.id)).all()) == total


@pytest.mark.slow
def test_six_counters_receiving_at_once_on_sqlite_get_unique_gapless_codes(tmp_path):
    url = f"sqlite:///{tmp_path / 'concurrent.sqlite'}"
    metadata.create_all(make_engine(url))
    check_codes_are_unique_and_gapless(url)


@pytest.mark.slow
@pytest.mark.postgres
def test_six_counters_receiving_at_once_on_postgresql_get_unique_gapless_codes(postgres_engine, postgres_url):
    check_codes_are_unique_and_gapless(postgres_url)
