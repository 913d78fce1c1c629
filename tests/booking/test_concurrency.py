"""Booking limits under real concurrency: eight processes book the same slots at once.

No slot ever holds more than its capacity, and no phone number more than its daily limit —
on an SQLite file (WAL, BEGIN IMMEDIATE) and on PostgreSQL.
"""
from __future__ import annotations

import multiprocessing
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import select

from motcua.booking import services as booking
from motcua.booking.demo import load_demo_booking
from motcua.booking.errors import PhoneLimitReached, SlotTaken
from motcua.booking.models import Booking, BookingStatus
from motcua.core.clock import FixedClock
from motcua.core.db import make_engine, make_session_factory
from motcua.core.events import RecordingPublisher
from motcua.core.ports import Ports
from motcua.models import metadata
from motcua.queue.demo import load_demo_hall
from tests.support import hall_time

PROCESSES = 8
SLOTS = [hall_time(2026, 11, 26, 8, 0), hall_time(2026, 11, 26, 8, 30), hall_time(2026, 11, 26, 9, 0)]
CAPACITY = 2  # the demo's
SHARED_PHONE = "0999999999"  # every process tries it too: the daily limit is 2


def _ports(url: str) -> Ports:
    return Ports(make_session_factory(make_engine(url))(), FixedClock(hall_time(2026, 11, 25, 9, 0)),
                 RecordingPublisher())


def _book_many(url: str, worker: int, start: Any) -> list[tuple[str, str]]:
    ports = _ports(url)
    start.wait()
    outcomes = []
    for index, slot in enumerate(SLOTS * 2):
        for phone in (f"09{worker:02d}{index:06d}", SHARED_PHONE):
            try:
                made = booking.book(ports, hall_code="demo", sector_code="dat-dai", slot_at=slot,
                                    applicant=booking.Applicant("Người thử", phone),
                                    id_card_key=b"k")
                outcomes.append(("booked", made.code))
            except (SlotTaken, PhoneLimitReached) as refused:
                outcomes.append((refused.code, ""))
    return outcomes


def check_no_slot_is_overbooked(url: str) -> None:
    ports = _ports(url)
    load_demo_hall(ports)
    load_demo_booking(ports)
    ports.session.close()
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        start = manager.Barrier(PROCESSES)
        with context.Pool(PROCESSES) as pool:
            runs = [pool.apply_async(_book_many, (url, worker, start)) for worker in range(PROCESSES)]
            outcomes = [o for r in runs for o in r.get(timeout=240)]
    with _ports(url).session as session:
        kept = session.scalars(select(Booking).where(Booking.status == BookingStatus.CONFIRMED)).all()
        per_slot = Counter(b.slot_at for b in kept)
        assert {slot: per_slot[slot] for slot in SLOTS} == {slot: CAPACITY for slot in SLOTS}
        assert sum(1 for b in kept if b.phone == SHARED_PHONE) <= 2
        assert len({b.code for b in kept}) == len(kept)
    assert sum(1 for kind, _ in outcomes if kind == "booked") == len(kept)
    assert len(outcomes) == PROCESSES * len(SLOTS) * 2 * 2



@pytest.mark.slow
def test_eight_processes_booking_at_once_on_sqlite_never_overbook_a_slot(tmp_path):
    url = f"sqlite:///{tmp_path / 'concurrent.sqlite'}"
    metadata.create_all(make_engine(url))
    check_no_slot_is_overbooked(url)


@pytest.mark.slow
@pytest.mark.postgres
def test_eight_processes_booking_at_once_on_postgresql_never_overbook_a_slot(postgres_engine, postgres_url):
    check_no_slot_is_overbooked(postgres_url)
