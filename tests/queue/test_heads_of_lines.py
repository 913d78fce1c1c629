"""Calling next reads only the head of each line, and picks exactly what the policy would
pick from every waiting ticket."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, or_, select

from motcua.core.actors import Actor
from motcua.core.clock import local_day
from motcua.queue import services
from motcua.queue.models import Counter, Priority, Sector, Ticket, TicketEvent, TicketStatus
from motcua.queue.policy import Candidate, order_candidates
from tests.conftest import runtime_of

# Demo counters: 2 serves dat-dai then moi-truong; 12 serves cong-thuong, khoa-hoc, y-te.
COUNTERS = (2, 12)
OTHER_COUNTER = 1
SECTORS = ("dat-dai", "moi-truong", "cong-thuong", "khoa-hoc", "y-te", "tu-phap")

ticket = st.fixed_dictionaries({
    "sector": st.sampled_from(SECTORS),
    "minutes": st.integers(0, 40),  # few values: ties in queued_at happen
    "priority": st.booleans(),
    "status": st.sampled_from([TicketStatus.WAITING] * 4 + [TicketStatus.CALLED, TicketStatus.DONE]),
    "reserved": st.sampled_from([None] * 4 + ["this", "other"]),
    "yesterday": st.sampled_from([False] * 9 + [True]),
})


def every_waiting_candidate(session: Any, counter: Counter, day: Any) -> list[Candidate]:
    """The candidates as calling next used to read them: every waiting ticket it may call."""
    ranks = {link.sector_id: link.rank for link in counter.sector_links}
    rows = session.execute(
        select(Ticket.id, Ticket.queued_at, Ticket.sector_id, Ticket.priority,
               Ticket.reserved_counter_id)
        .where(Ticket.hall_id == counter.hall_id, Ticket.day == day,
               Ticket.status == TicketStatus.WAITING,
               or_(Ticket.reserved_counter_id == counter.id,
                   Ticket.sector_id.in_(ranks) & Ticket.reserved_counter_id.is_(None)))
    ).all()
    return [Candidate(ticket_id=r.id, queued_at=r.queued_at,
                      sector_rank=0 if r.reserved_counter_id == counter.id else ranks[r.sector_id],
                      priority=r.priority is not None) for r in rows]


@pytest.fixture
def hall(demo_hall):
    return demo_hall


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tickets=st.lists(ticket, max_size=30), counter_number=st.sampled_from(COUNTERS),
       streak=st.integers(0, 4), cap=st.integers(1, 3), penalty=st.integers(0, 30),
       skip=st.integers(0, 3))
def test_the_heads_of_lines_give_the_ticket_the_full_candidate_list_would(
        session, clock, hall, tickets, counter_number, streak, cap, penalty, skip):
    day = local_day(clock, hall.time_zone)
    sectors = {s.code: s for s in session.scalars(select(Sector).where(Sector.hall_id == hall.id))}
    counter = services.get_counter(session, hall, counter_number)
    other = services.get_counter(session, hall, OTHER_COUNTER)
    try:
        for i, t in enumerate(tickets):
            sector = sectors[t["sector"]]
            queued = clock.now() + timedelta(minutes=t["minutes"])
            session.add(Ticket(
                hall_id=hall.id, sector_id=sector.id, issued_sector_id=sector.id,
                day=day - timedelta(days=1) if t["yesterday"] else day, sequence=i + 1,
                number=i + 1, display_number=str(i + 1), status=t["status"],
                priority=Priority.ELDERLY if t["priority"] else None, token=f"t{i}",
                issued_at=queued, queued_at=queued, call_count=0,
                reserved_counter_id={"this": counter.id, "other": other.id, None: None}[t["reserved"]],
            ))
        session.flush()
        policy = {"consecutive_priority_calls": streak, "priority_cap": cap,
                  "rank_penalty": timedelta(minutes=penalty)}
        full = [c.ticket_id for c in order_candidates(every_waiting_candidate(session, counter, day), **policy)]
        # Tickets another counter took meanwhile: calling next then takes the next best.
        skipped = full[:skip]
        heads = order_candidates(services.heads_of_lines(session, hall, counter, day, skipped), **policy)
        expected = full[len(skipped)] if len(full) > len(skipped) else None
        assert (heads[0].ticket_id if heads else None) == expected
    finally:
        session.rollback()


def test_the_call_next_answer_reads_the_hall_counter_and_ticket_only_once(app, client, hall,
                                                                         supervisor_token):
    headers = {"Authorization": f"Bearer {supervisor_token}"}
    for _ in range(3):
        client.post("/api/v1/halls/demo/tickets", json={"sector": "dat-dai"}, headers=headers)
    client.post("/api/v1/halls/demo/counters/1/open", json={}, headers=headers)
    statements: list[str] = []
    bind = runtime_of(app).engine
    listener = lambda _c, _cur, sql, *_a: statements.append(" ".join(sql.split()))  # noqa: E731
    event.listen(bind, "before_cursor_execute", listener)
    try:
        answer = client.post("/api/v1/halls/demo/counters/1/call-next", json={}, headers=headers)
    finally:
        event.remove(bind, "before_cursor_execute", listener)
    assert answer.status_code == 200
    assert answer.get_json()["ticket"]["display_number"] == "1001"
    assert answer.get_json()["counter"]["current"]["display_number"] == "1001"
    reads = [s for s in statements if s.startswith("SELECT")]
    assert sum("FROM halls" in s for s in reads) == 1
    assert sum("FROM counters" in s or "JOIN counters" in s for s in reads) == 1


def test_calling_next_is_one_write_transaction_authentication_included(app, client, hall,
                                                                       supervisor_token):
    """No read transaction for the token before the write: one BEGIN, one pool checkout."""
    headers = {"Authorization": f"Bearer {supervisor_token}"}
    client.post("/api/v1/halls/demo/tickets", json={"sector": "dat-dai"}, headers=headers)
    client.post("/api/v1/halls/demo/counters/1/open", json={}, headers=headers)
    statements: list[str] = []
    bind = runtime_of(app).engine
    listener = lambda _c, _cur, sql, *_a: statements.append(" ".join(sql.split()))  # noqa: E731
    event.listen(bind, "before_cursor_execute", listener)
    try:
        answer = client.post("/api/v1/halls/demo/counters/1/call-next", json={}, headers=headers)
    finally:
        event.remove(bind, "before_cursor_execute", listener)
    assert answer.status_code == 200
    assert [s for s in statements if s.startswith("BEGIN")] == ["BEGIN IMMEDIATE"]


def test_calling_next_logs_the_finished_and_the_called_ticket_in_one_insert(app, client, hall,
                                                                           supervisor_token):
    """The one at the counter is completed and the next one called: two event rows, one
    statement (a round trip less on PostgreSQL)."""
    headers = {"Authorization": f"Bearer {supervisor_token}"}
    for _ in range(2):
        client.post("/api/v1/halls/demo/tickets", json={"sector": "dat-dai"}, headers=headers)
    client.post("/api/v1/halls/demo/counters/1/open", json={}, headers=headers)
    client.post("/api/v1/halls/demo/counters/1/call-next", json={}, headers=headers)
    statements: list[str] = []
    bind = runtime_of(app).engine
    listener = lambda _c, _cur, sql, *_a: statements.append(" ".join(sql.split()))  # noqa: E731
    event.listen(bind, "before_cursor_execute", listener)
    try:
        answer = client.post("/api/v1/halls/demo/counters/1/call-next", json={}, headers=headers)
    finally:
        event.remove(bind, "before_cursor_execute", listener)
    assert answer.get_json()["ticket"]["display_number"] == "1002"
    assert sum(s.startswith("INSERT INTO ticket_events") for s in statements) == 1, statements
    with runtime_of(app).sessions() as session:
        kinds = session.scalars(select(TicketEvent.kind).order_by(TicketEvent.id)).all()
    assert kinds[-3:] == ["called", "completed", "called"]


def test_finding_the_heads_of_lines_reads_as_much_with_300_waiting_as_with_10(
        ports, session, clock, hall):
    """Each head is the first entry of its line's index: the work does not grow with the
    line (counted in SQLite's virtual machine steps, which the machine's load leaves alone).
    Only the few priority citizens are put in order (their group spans priority kinds)."""
    counter = services.get_counter(session, hall, COUNTERS[0])
    day = local_day(clock, hall.time_zone)
    kiosk = Actor(kind="kiosk", name="k1")

    def issue(count: int, priority: Priority | None = None) -> None:
        for i in range(count):
            services.issue_ticket(ports, hall_code="demo", sector_code=("dat-dai", "moi-truong")[i % 2],
                                  priority=priority, actor=kiosk)

    def steps() -> int:
        counted = [0]

        def count() -> int:
            counted[0] += 1
            return 0

        raw = session.connection().connection.dbapi_connection
        raw.set_progress_handler(count, 1)
        try:
            assert services.heads_of_lines(session, hall, counter, day)
        finally:
            raw.set_progress_handler(None, 1)
            session.rollback()
        return counted[0]

    issue(2, Priority.ELDERLY)
    issue(8)
    few = steps()
    issue(290)
    assert steps() <= few * 1.5  # an index one level deeper, not a walk along the line
