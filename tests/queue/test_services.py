"""The queue services against a real (SQLite) database, with a fake clock and publisher."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import event, select

from motcua.core.actors import SYSTEM, Actor
from motcua.core.db import make_session_factory
from motcua.core.ports import Memo, Ports
from motcua.queue import errors, services
from motcua.queue.models import (
    CounterState,
    Priority,
    Sector,
    Ticket,
    TicketEvent,
    TicketStatus,
)
from tests.support import hall_time, make_officer

KIOSK = Actor(kind="kiosk", name="k1")


def issue(ports, sector="dat-dai", priority=None):
    return services.issue_ticket(ports, hall_code="demo", sector_code=sector, priority=priority,
                                 actor=KIOSK).ticket


def open_counter(ports, number, actor=SYSTEM):
    return services.open_counter(ports, hall_code="demo", counter_number=number, actor=actor)


def call(ports, number, actor=SYSTEM):
    return services.call_next(ports, hall_code="demo", counter_number=number, actor=actor).ticket


@pytest.fixture(autouse=True)
def _hall(demo_hall):
    return demo_hall


def test_numbers_start_at_the_sectors_block_and_go_up_by_one(ports):
    assert [issue(ports).display_number for _ in range(3)] == ["1001", "1002", "1003"]


def test_prefixed_sectors_show_a_letter_and_a_zero_padded_number(ports):
    ticket = issue(ports, "giao-duc")
    assert (ticket.number, ticket.display_number) == (1, "A001")


def test_each_sector_has_its_own_numbers(ports):
    issue(ports, "dat-dai")
    assert issue(ports, "tu-phap").display_number == "7001"


def test_a_closed_sector_refuses_tickets(ports, session):
    session.scalar(select(Sector).where(Sector.code == "dat-dai")).is_open = False
    session.commit()
    with pytest.raises(errors.SectorClosed):
        issue(ports)


def test_tickets_are_refused_outside_the_issuing_window(ports, session, clock):
    sector = session.scalar(select(Sector).where(Sector.code == "dat-dai"))
    sector.issuing_windows = "06:15-11:15,13:15-15:30"
    session.commit()
    clock.set(hall_time(2026, 11, 25, 12, 0))
    with pytest.raises(errors.OutsideIssuingWindow):
        issue(ports)
    clock.set(hall_time(2026, 11, 25, 13, 15))
    assert issue(ports).display_number == "1001"


def test_the_daily_cap_refuses_the_next_ticket_without_leaving_a_gap(ports, session):
    session.scalar(select(Sector).where(Sector.code == "dat-dai")).daily_cap = 2
    session.commit()
    issue(ports), issue(ports)
    with pytest.raises(errors.DailyCapReached):
        issue(ports)
    sector = session.scalar(select(Sector).where(Sector.code == "dat-dai"))
    sector.daily_cap = 3
    session.commit()
    assert issue(ports).display_number == "1003"


def test_numbering_restarts_at_midnight_hall_time(ports, clock):
    clock.set(hall_time(2026, 11, 25, 23, 59, 59))
    late = issue(ports)
    clock.set(hall_time(2026, 11, 26, 0, 0, 0))
    early = issue(ports)
    assert (late.day, late.display_number) == (date(2026, 11, 25), "1001")
    assert (early.day, early.display_number) == (date(2026, 11, 26), "1001")


def test_midnight_utc_is_not_a_new_day_in_the_hall(ports, clock):
    clock.set(hall_time(2026, 11, 25, 6, 59, 59))  # 23:59:59 UTC the day before
    before = issue(ports)
    clock.set(hall_time(2026, 11, 25, 7, 0, 0))  # 00:00:00 UTC
    after = issue(ports)
    assert before.day == after.day == date(2026, 11, 25)
    assert after.display_number == "1002"


def test_yesterdays_waiting_tickets_stay_in_history_and_are_not_called_today(ports, clock, session):
    clock.set(hall_time(2026, 11, 24, 16, 0))
    old = issue(ports)
    clock.set(hall_time(2026, 11, 25, 8, 0))
    open_counter(ports, 1)
    assert call(ports, 1) is None
    assert session.get(Ticket, old.id).status == TicketStatus.WAITING


def test_calling_on_a_paused_counter_is_refused(ports):
    open_counter(ports, 1)
    services.pause_counter(ports, hall_code="demo", counter_number=1, actor=SYSTEM)
    issue(ports)
    with pytest.raises(errors.CounterNotOpen):
        call(ports, 1)


def test_calling_on_a_closed_counter_is_refused(ports):
    issue(ports)
    with pytest.raises(errors.CounterNotOpen):
        call(ports, 1)


def test_an_officer_cannot_call_at_another_officers_counter(ports, session, clock):
    lan = make_officer(session, clock, "lan")
    minh = make_officer(session, clock, "minh")
    open_counter(ports, 1, lan)
    issue(ports)
    with pytest.raises(errors.NotYourCounter):
        call(ports, 1, minh)
    with pytest.raises(errors.CounterTaken):
        open_counter(ports, 1, minh)
    assert call(ports, 1, lan) is not None


def test_calling_next_finishes_the_citizen_at_the_counter(ports, session):
    open_counter(ports, 1)
    first, second = issue(ports), issue(ports)
    call(ports, 1)
    called = call(ports, 1)
    assert called.id == second.id
    assert session.get(Ticket, first.id).status == TicketStatus.DONE


def test_calling_with_nobody_waiting_gives_no_ticket(ports):
    open_counter(ports, 1)
    assert call(ports, 1) is None


def test_a_counter_only_calls_the_sectors_it_serves(ports):
    issue(ports, "tu-phap")
    open_counter(ports, 1)
    assert call(ports, 1) is None
    open_counter(ports, 8)
    assert call(ports, 8).sector.code == "tu-phap"


def test_priority_citizens_are_called_first_but_do_not_starve_the_others(ports):
    open_counter(ports, 1)
    regular = issue(ports)
    p1, p2, p3 = (issue(ports, priority=Priority.ELDERLY) for _ in range(3))
    order = [call(ports, 1).id for _ in range(4)]
    assert order == [p1.id, p2.id, regular.id, p3.id]


def test_a_transfer_keeps_the_citizens_original_place_in_line(ports, clock):
    open_counter(ports, 1)
    open_counter(ports, 8)
    moved = issue(ports, "dat-dai")
    clock.advance(minutes=5)
    already_waiting = issue(ports, "tu-phap")
    call(ports, 1)
    services.transfer(ports, hall_code="demo", counter_number=1, actor=SYSTEM,
                      to_sector="tu-phap", reason="Thủ tục thuộc Tư pháp")
    called = call(ports, 8)
    assert called.id == moved.id and called.display_number == "1001"
    assert called.transferred_from_sector.code == "dat-dai"
    assert call(ports, 8).id == already_waiting.id


def test_a_ticket_transferred_to_a_named_counter_is_called_only_there(ports):
    open_counter(ports, 1)
    open_counter(ports, 2)
    open_counter(ports, 12)
    ticket = issue(ports, "dat-dai")
    call(ports, 1)
    services.transfer(ports, hall_code="demo", counter_number=1, actor=SYSTEM, to_counter=12,
                      reason="Cần lãnh đạo ký")
    assert call(ports, 2) is None
    assert call(ports, 12).id == ticket.id


def test_a_transfer_to_a_closed_counter_is_refused_and_the_citizen_stays_at_the_counter(ports):
    open_counter(ports, 8)
    ticket = issue(ports, "tu-phap")
    call(ports, 8)
    with pytest.raises(errors.CounterNotOpen, match="Quầy 9 đang đóng"):
        services.transfer(ports, hall_code="demo", counter_number=8, actor=SYSTEM, to_counter=9,
                          reason="cần quầy 9")
    assert services.current_ticket(ports.session, services.get_counter(
        ports.session, services.get_hall(ports.session, "demo"), 8)).id == ticket.id


def test_closing_a_counter_sends_the_citizens_transferred_to_it_back_to_their_line(ports):
    open_counter(ports, 8)
    open_counter(ports, 9)
    ticket = issue(ports, "tu-phap")
    later = issue(ports, "tu-phap")
    call(ports, 8)
    services.transfer(ports, hall_code="demo", counter_number=8, actor=SYSTEM, to_counter=9,
                      reason="cần quầy 9")
    services.close_counter(ports, hall_code="demo", counter_number=9, actor=SYSTEM)
    assert call(ports, 8).id == ticket.id  # back in the line, in the place it had
    assert call(ports, 8).id == later.id


def test_a_transfer_needs_a_reason(ports):
    open_counter(ports, 1)
    issue(ports)
    call(ports, 1)
    with pytest.raises(errors.InvalidInput):
        services.transfer(ports, hall_code="demo", counter_number=1, actor=SYSTEM,
                          to_sector="tu-phap", reason=" ")


def test_a_recall_counts_the_call_and_is_announced_again(ports, publisher):
    open_counter(ports, 1)
    issue(ports)
    call(ports, 1)
    ticket = services.recall(ports, hall_code="demo", counter_number=1, actor=SYSTEM).ticket
    assert ticket.call_count == 2
    assert publisher.names()[-1] == "ticket_recalled"


def test_start_and_complete_record_the_service_times(ports, clock):
    open_counter(ports, 1)
    issue(ports)
    call(ports, 1)
    clock.advance(minutes=1)
    started = services.start_serving(ports, hall_code="demo", counter_number=1,
                                     actor=SYSTEM).ticket
    clock.advance(minutes=7)
    done = services.complete(ports, hall_code="demo", counter_number=1, actor=SYSTEM).acted_on
    assert done.status == TicketStatus.DONE
    assert done.finished_at - started.started_at == timedelta(minutes=7)


def test_finishing_leaves_the_counter_empty_and_names_the_ticket_finished(ports):
    open_counter(ports, 1)
    ticket = issue(ports)
    call(ports, 1)
    done = services.complete(ports, hall_code="demo", counter_number=1, actor=SYSTEM)
    assert done.ticket is None
    assert done.acted_on.id == ticket.id and done.acted_on.status == TicketStatus.DONE
    assert done.counter.number == 1


def test_a_recall_leaves_the_recalled_ticket_at_the_counter(ports):
    open_counter(ports, 1)
    issue(ports)
    called = call(ports, 1)
    again = services.recall(ports, hall_code="demo", counter_number=1, actor=SYSTEM)
    assert again.ticket.id == again.acted_on.id == called.id


def test_pausing_keeps_the_citizen_at_the_counter(ports):
    open_counter(ports, 1)
    issue(ports)
    called = call(ports, 1)
    paused = services.pause_counter(ports, hall_code="demo", counter_number=1, actor=SYSTEM)
    assert paused.ticket.id == called.id and paused.acted_on is None


def test_finishing_a_waiting_ticket_is_an_invalid_transition(ports):
    open_counter(ports, 1)
    with pytest.raises(errors.InvalidTransition):
        services.complete(ports, hall_code="demo", counter_number=1, actor=SYSTEM)


def test_a_no_show_can_be_called_back_out_of_order_with_a_reason(ports, session):
    open_counter(ports, 1)
    ticket = issue(ports)
    call(ports, 1)
    services.mark_no_show(ports, hall_code="demo", counter_number=1, actor=SYSTEM)
    with pytest.raises(errors.InvalidInput):
        services.call_specific(ports, hall_code="demo", counter_number=1, actor=SYSTEM,
                               display_number="1001", reason="")
    again = services.call_specific(ports, hall_code="demo", counter_number=1, actor=SYSTEM,
                                   display_number="1001", reason="Công dân quay lại").ticket
    assert again.id == ticket.id and again.status == TicketStatus.CALLED
    event = session.scalars(select(TicketEvent).order_by(TicketEvent.id.desc())).first()
    assert (event.kind, event.reason) == ("called_out_of_order", "Công dân quay lại")


def test_every_transition_leaves_an_event_with_who_and_when(ports, session, clock):
    lan = make_officer(session, clock, "lan")
    open_counter(ports, 1, lan)
    issue(ports)
    call(ports, 1, lan)
    services.start_serving(ports, hall_code="demo", counter_number=1, actor=lan)
    services.complete(ports, hall_code="demo", counter_number=1, actor=lan)
    events = session.scalars(select(TicketEvent).order_by(TicketEvent.id)).all()
    assert [(e.kind, e.actor) for e in events] == [
        ("counter_opened", "staff:lan"), ("issued", "kiosk:k1"), ("called", "staff:lan"),
        ("started", "staff:lan"), ("completed", "staff:lan")]
    assert all(e.at == clock.now() for e in events)


def test_the_event_log_is_append_only(ports, session):
    issue(ports)
    event = session.scalars(select(TicketEvent)).first()
    event.reason = "rewritten"
    with pytest.raises(ValueError, match="append-only"):
        session.flush()


def test_events_are_published_after_the_commit(ports, engine):
    seen = []

    class CheckingPublisher:
        def publish(self, event):
            with make_session_factory(engine)() as other:
                seen.append(other.scalar(select(Ticket.status).where(
                    Ticket.token == event.ticket_token)))

    checking = Ports(ports.session, ports.clock, CheckingPublisher())
    issue(checking)
    assert seen == [TicketStatus.WAITING]


def test_people_ahead_counts_priority_citizens_first(ports, session, clock):
    regular_1 = issue(ports)
    issue(ports, priority=Priority.PREGNANT)
    regular_2 = issue(ports)
    assert services.people_ahead(session, regular_1, clock.now()) == 1
    assert services.people_ahead(session, regular_2, clock.now()) == 2


def test_people_ahead_put_booked_citizens_first_once_their_slot_begins_and_last_before(
        ports, session, clock):
    now = clock.now()

    def booked(minutes):
        return services.issue_ticket(ports, hall_code="demo", sector_code="dat-dai", priority=None,
                                     actor=KIOSK, appointment_at=now + timedelta(minutes=minutes))

    walk_in = issue(ports)
    early = booked(30)  # checked in half an hour before the slot
    due = booked(-5)
    later_walk_in = services.issue_ticket(ports, hall_code="demo", sector_code="dat-dai",
                                          priority=None, actor=KIOSK)
    assert (due.ahead, early.ahead, later_walk_in.ahead) == (0, 1, 2)
    assert services.people_ahead(session, walk_in, now) == 1  # the slot that has begun
    assert services.people_ahead(session, later_walk_in.ticket, now) == 2  # not the early one
    assert services.people_ahead(session, due.ticket, now) == 0
    assert services.people_ahead(session, early.ticket, now) == 3  # everyone, until 30 min
    half_an_hour = now + timedelta(minutes=30)
    assert services.people_ahead(session, early.ticket, half_an_hour) == 1  # the earlier slot
    assert services.people_ahead(session, walk_in, half_an_hour) == 2


def test_a_walk_ins_tap_counts_the_lines_from_their_indexes_not_from_each_waiting_tickets_row(
        ports, session):
    """Counting the people ahead visits index entries only: a tap stays as quick when a line
    is long (SQLite's plan for every count of tickets a tap makes; the hall's forecast, read
    at most once in its seconds, is memorised)."""
    cached = Ports(ports.session, ports.clock, ports.publisher, memo=Memo(seconds=10))
    issue(cached)
    reads: list[tuple[str, tuple]] = []

    def note(_conn, _cursor, sql, parameters, *_args):
        if sql.lstrip().startswith("SELECT") and "count(tickets" in sql:
            reads.append((sql, parameters))

    bind = session.get_bind()
    event.listen(bind, "before_cursor_execute", note)
    try:
        issue(cached)
    finally:
        event.remove(bind, "before_cursor_execute", note)
    assert reads
    for sql, parameters in reads:
        plan = [row[3] for row in session.connection().exec_driver_sql(
            "EXPLAIN QUERY PLAN " + sql, parameters)]
        tickets = [step for step in plan if step.split()[:2] in (["SEARCH", "tickets"], ["SCAN", "tickets"])]
        assert all("COVERING INDEX" in step or "PRIMARY KEY" in step for step in tickets), (sql, plan)


def test_a_new_ticket_is_told_the_same_people_ahead_as_its_status_page_shows(ports, session, clock):
    issue(ports)
    issue(ports, priority=Priority.ELDERLY)
    regular = services.issue_ticket(ports, hall_code="demo", sector_code="dat-dai",
                                    priority=None, actor=KIOSK)
    assert regular.ahead == services.people_ahead(session, regular.ticket, clock.now()) == 2
    priority = services.issue_ticket(ports, hall_code="demo", sector_code="dat-dai",
                                     priority=Priority.DISABLED, actor=KIOSK)
    assert priority.ahead == services.people_ahead(session, priority.ticket, clock.now()) == 1


def test_issuing_reuses_the_hall_forecast_until_their_seconds_have_passed(ports, clock):
    cached = Ports(ports.session, ports.clock, ports.publisher, memo=Memo(seconds=10))

    def wait() -> int:
        return services.issue_ticket(cached, hall_code="demo", sector_code="dat-dai",
                                     priority=None, actor=KIOSK).estimated_wait_minutes

    for _ in range(5):
        issue(ports)
    # 5 ahead, 6 min each, the 2 counters assigned (none open yet): calls at 0, 0, 6, 6, 12
    assert wait() == 12
    open_counter(ports, 1)
    # 6 ahead, read from the forecast of 10 seconds ago, which followed 5 ahead and the one
    # tapping then: the next choice a counter of the sector makes after that one's call
    assert wait() == 12
    clock.advance(seconds=10)
    assert wait() == 42  # 7 ahead × 6 min at the 1 counter open


def test_the_estimate_uses_recent_service_times_and_the_open_counters(ports, session, clock):
    hall = services.get_hall(session, "demo")
    sector = services.get_sector(session, hall, "dat-dai")
    for _ in range(3):
        issue(ports)
    # 6 min each at the 2 counters assigned (none open yet): calls at 0, 0, 6, and the 4th at 6
    assert services.forecast_of(session, clock, hall).estimate(sector.id, 3).minutes == 6
    open_counter(ports, 1)
    call(ports, 1)
    clock.advance(minutes=4)
    services.complete(ports, hall_code="demo", counter_number=1, actor=SYSTEM)
    # 4 min each now, at the 1 counter open: the two left called at 0 and 4, the 3rd at 8
    assert services.forecast_of(session, clock, hall).estimate(sector.id, 2).minutes == 8


def calls_at_counter_1(ports, clock, calls):
    """Counter 1 opens and calls a new ticket per (minutes held, citizen came) in turn."""
    open_counter(ports, 1)
    for minutes, came in calls:
        issue(ports)
        call(ports, 1)
        clock.advance(minutes=minutes)
        end = services.complete if came else services.mark_no_show
        end(ports, hall_code="demo", counter_number=1, actor=SYSTEM)


def test_the_estimate_averages_the_last_hundred_services_not_the_last_twenty(ports, session, clock):
    # twenty services are too few: one's length varies by most of the mean
    hall = services.get_hall(session, "demo")
    sector = services.get_sector(session, hall, "dat-dai")
    calls_at_counter_1(ports, clock, [(minutes, True) for minutes in [16] * 10 + [4] * 20])
    assert services.service_rates(session, clock, hall).mean(sector.id) == 8  # (160 + 80) / 30


def test_a_citizen_who_does_not_come_holds_the_counter_only_for_the_wait_and_the_estimate_knows(
        ports, session, clock):
    hall = services.get_hall(session, "demo")
    sector = services.get_sector(session, hall, "dat-dai")
    calls_at_counter_1(ports, clock, [(10, True), (10, True), (10, True), (2, False)])
    # a call holds the counter 8 minutes on average: three services and one no-show
    assert services.service_rates(session, clock, hall).mean(sector.id) == 8


def test_the_estimate_expects_no_more_citizens_than_the_sectors_numbers_left_today(
        ports, session, clock):
    hall = services.get_hall(session, "demo")
    sector = services.get_sector(session, hall, "dat-dai")
    sector.daily_cap = 5
    session.commit()
    for _ in range(3):
        issue(ports)
    snapshot = services.hall_now(session, clock, hall, services.service_rates(session, clock, hall))
    assert snapshot.lines[sector.id].numbers_left == 2
    assert snapshot.lines[sector.id].arrivals_per_hour > 0


def test_pausing_and_resuming_change_the_counter_state(ports):
    open_counter(ports, 1)
    paused = services.pause_counter(ports, hall_code="demo", counter_number=1, actor=SYSTEM,
                                    reason="Họp")
    assert paused.counter.state == CounterState.PAUSED
    with pytest.raises(errors.InvalidTransition):
        services.pause_counter(ports, hall_code="demo", counter_number=1, actor=SYSTEM)
    assert services.resume_counter(ports, hall_code="demo", counter_number=1,
                                   actor=SYSTEM).counter.state == CounterState.OPEN


def test_a_kiosk_of_another_hall_cannot_issue_here(ports):
    with pytest.raises(errors.Forbidden):
        services.issue_ticket(ports, hall_code="demo", sector_code="dat-dai", priority=None,
                              actor=Actor(kind="kiosk", name="other", hall_id=999))


def test_a_ticket_keeps_the_estimate_it_was_told_and_its_first_call(ports, session, clock):
    for _ in range(3):
        issue(ports)
    issued = services.issue_ticket(ports, hall_code="demo", sector_code="dat-dai",
                                   priority=None, actor=KIOSK)
    ticket = session.get(Ticket, issued.ticket.id)
    assert (ticket.estimated_wait_minutes, ticket.estimate_low_minutes,
            ticket.estimate_high_minutes) == (6, 0, 15)  # 3 ahead at 2 counters, 6 min each:
    # called at the second round, 6 minutes on; told 0-15, as a service may take ±3 minutes
    assert issued.estimated_wait.low == 0 and issued.estimated_wait.high == 15
    open_counter(ports, 1)
    for _ in range(3):
        call(ports, 1)
        services.complete(ports, hall_code="demo", counter_number=1, actor=SYSTEM)
    clock.advance(minutes=7)
    first = clock.now()
    assert call(ports, 1).id == ticket.id
    clock.advance(minutes=1)
    services.recall(ports, hall_code="demo", counter_number=1, actor=SYSTEM)
    session.refresh(ticket)
    assert ticket.first_called_at == first


def late_morning_with_four_waiting(ports, session, clock, stop):
    """11:20 in a hall that closes for the day at 11:30, four ahead at 6 minutes each and the
    two counters of the sector: called at 0, 0, 6, 6; the fifth would be called at 12."""
    hall = services.get_hall(session, "demo")
    hall.opening_windows = "07:00-11:30"
    hall.settings = {"stop_issuing_past_closing": stop}
    session.commit()
    clock.advance(hours=2, minutes=20)
    for _ in range(4):
        issue(ports)


def test_a_ticket_whose_call_would_pass_closing_says_so(ports, session, clock):
    late_morning_with_four_waiting(ports, session, clock, stop=False)
    issued = services.issue_ticket(ports, hall_code="demo", sector_code="dat-dai",
                                   priority=None, actor=KIOSK)
    assert issued.estimated_wait_minutes > 10 and issued.past_closing


def test_a_ticket_called_after_the_break_does_not_pass_closing(ports, session, clock):
    hall = services.get_hall(session, "demo")
    hall.opening_windows = "07:00-11:30,13:30-17:00"
    session.commit()
    clock.advance(hours=2, minutes=20)
    for _ in range(4):
        issue(ports)
    issued = services.issue_ticket(ports, hall_code="demo", sector_code="dat-dai",
                                   priority=None, actor=KIOSK)
    # the break between: called at 13:30, 130 minutes on, but today
    assert issued.estimated_wait_minutes == 130 and not issued.past_closing


def test_a_hall_can_stop_issuing_a_sector_whose_tickets_would_pass_closing(ports, session, clock):
    late_morning_with_four_waiting(ports, session, clock, stop=True)
    with pytest.raises(errors.PastClosing):
        issue(ports)
    assert issue(ports, sector="tu-phap").display_number == "7001"  # other lines still issue
    session.get(Ticket, 1).status = TicketStatus.CANCELLED  # three ahead: 9 minutes, in time
    session.commit()
    assert issue(ports).sequence == 5  # the refusal used no number
