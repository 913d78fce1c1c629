"""The load-based calling policies under real concurrency: counters in separate processes
call from their own lines and from the sectors their officers are qualified for, on an SQLite
file and on PostgreSQL. No ticket is called twice; nobody is left behind."""
from __future__ import annotations

import time
from collections import Counter as Tally
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from motcua.admin.staff import set_qualifications
from motcua.core.actors import SYSTEM, Actor
from motcua.core.clock import FixedClock
from motcua.core.db import make_engine, make_session_factory
from motcua.core.events import RecordingPublisher
from motcua.core.ports import Ports
from motcua.models import metadata
from motcua.queue import services
from motcua.queue.demo import load_demo_hall
from motcua.queue.models import Hall, Ticket
from tests.queue.test_concurrency import _run
from tests.support import hall_time, make_officer

# The calls are at nine in the morning, hall time: a counter near its window's end would
# not help (the demo hall's window ends at midnight).
MORNING = hall_time(2026, 11, 25, 9, 0)
# counter → its own sector (demo hall); every officer may also serve land
HELPERS = {3: "moi-truong", 6: "xay-dung", 7: "giao-thong", 8: "tu-phap"}
LAND_TICKETS, OWN_TICKETS = 120, 8  # few of their own: the helpers reach land early
SERVING_SECONDS = 0.003


def _ports_at_nine(url: str) -> Ports:
    return Ports(make_session_factory(make_engine(url))(), FixedClock(MORNING),
                 RecordingPublisher())


def _call_all(url: str, counter: int, officer: Actor, start: Any) -> list[tuple[int, int]]:
    ports = _ports_at_nine(url)
    start.wait()
    called = []
    while (ticket := services.call_next(ports, hall_code="demo", counter_number=counter,
                                        actor=officer).ticket) is not None:
        called.append((ticket.id, ticket.sector_id))
        # A moment with the citizen, as at a real counter. Calling back to back, one process
        # could take SQLite's write lock call after call while the others' busy handlers
        # backed off, and counter 1 then called every land ticket before a helper got a turn.
        time.sleep(SERVING_SECONDS)
    return called


def check_helping_counters_never_call_the_same_ticket(url: str, policy: str) -> None:
    ports = _ports_at_nine(url)
    load_demo_hall(ports)
    hall = ports.session.scalar(select(Hall).where(Hall.code == "demo"))
    hall.settings = {**hall.settings, "calling_policy": policy}
    ports.session.commit()
    officers = {}
    for number in (1, *HELPERS):
        officer = make_officer(ports.session, ports.clock, f"officer-{number}")
        set_qualifications(ports, actor=SYSTEM, hall_code="demo", user_id=officer.user_id,
                           sectors=["dat-dai"])
        services.open_counter(ports, hall_code="demo", counter_number=number, actor=officer)
        officers[number] = officer
    for _ in range(LAND_TICKETS):
        services.issue_ticket(ports, hall_code="demo", sector_code="dat-dai", priority=None,
                              actor=SYSTEM)
    early = Ports(ports.session, FixedClock(MORNING - timedelta(hours=2)), ports.publisher)
    for sector in HELPERS.values():
        for _ in range(OWN_TICKETS):
            # two hours before the calls: at their line's pace of the last hour (none), a
            # helper's own work fits in the rest of the hall's day, so it may help with land
            services.issue_ticket(early, hall_code="demo", sector_code=sector, priority=None,
                                  actor=SYSTEM)
    results = _run(_call_all, [(url, number, officer) for number, officer in officers.items()])
    called = [ticket_id for r in results for ticket_id, _ in r]
    total = LAND_TICKETS + OWN_TICKETS * len(HELPERS)
    assert len(called) == len(set(called)) == total  # every ticket, each called once
    ports.session.commit()  # a fresh snapshot: the counters wrote from other processes
    sectors = {s.code: s.id for s in ports.session.scalar(select(Hall).where(Hall.code == "demo")).sectors}
    helped = Tally(sector for r in results[1:] for _, sector in r)
    assert helped[sectors["dat-dai"]] > 0, "the helping counters took land tickets"
    for own, called_there in zip(HELPERS.values(), results[1:], strict=True):
        # only this counter serves its own sector: helping left none of its citizens behind
        assert sum(1 for _, sector in called_there if sector == sectors[own]) == OWN_TICKETS
    assert {t.call_count for t in ports.session.scalars(select(Ticket))} == {1}


@pytest.mark.slow
@pytest.mark.parametrize("policy", ["overflow", "balanced"])
def test_helping_counters_in_separate_processes_on_sqlite_never_share_a_ticket(tmp_path, policy):
    url = f"sqlite:///{tmp_path / 'concurrent.sqlite'}"
    metadata.create_all(make_engine(url))
    check_helping_counters_never_call_the_same_ticket(url, policy)


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.parametrize("policy", ["overflow", "balanced"])
def test_helping_counters_in_separate_processes_on_postgresql_never_share_a_ticket(
        postgres_engine, postgres_url, policy):
    check_helping_counters_never_call_the_same_ticket(postgres_url, policy)
