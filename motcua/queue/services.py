"""The only place that changes tickets and counters.

Every change is a use case (`motcua.core.uow`): called with the ports, it runs in one
transaction, leaves an event row, and its events are published once it has committed. A busy
database runs it again, so kiosks tapping at once just wait a few milliseconds.
"""
from __future__ import annotations

import functools
import math
import secrets
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Integer,
    ScalarSelect,
    Select,
    bindparam,
    cast,
    false,
    func,
    insert,
    literal_column,
    select,
    true,
    union_all,
    update,
)
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from motcua.core.actors import Actor, Role
from motcua.core.clock import Clock, local_day, local_now
from motcua.core.db import as_loaded, insert_one, prepared
from motcua.core.errors import N_
from motcua.core.events import Event, EventName
from motcua.core.ports import Ports
from motcua.core.uow import UnitOfWork, use_case
from motcua.queue import errors
from motcua.queue.estimates import WaitRange, wait_range
from motcua.queue.hours import parse_weekdays, parse_windows, time_left, within
from motcua.queue.lookahead import (
    Desk,
    Forecast,
    HallNow,
    Line,
    Link,
    Waiter,
    Window,
    remaining_minutes,
)
from motcua.queue.models import (
    Counter,
    CounterSector,
    CounterState,
    Hall,
    Priority,
    Sector,
    StaffQualification,
    Ticket,
    TicketEvent,
    TicketStatus,
)
from motcua.queue.numbering import next_in_sequence
from motcua.queue.policy import (
    Candidate,
    LineLoad,
    appointment_streak_cap,
    appointments_first,
    next_appointment_streak,
    next_priority_streak,
    order_by_policy,
)
from motcua.queue.settings import HallSettings

T = TypeVar("T")

ACTIVE = (TicketStatus.CALLED, TicketStatus.SERVING)


@dataclass(frozen=True)
class IssuedTicket:
    ticket: Ticket
    ahead: int
    estimated_wait_minutes: int
    estimated_wait: WaitRange  # what the citizen is told: the point estimate as a range
    past_closing: bool  # the predicted call is after the hall closes (the kiosk warned)


# --- look-ups ---------------------------------------------------------------------------
# The statements of the hot paths (issuing, calling, look-ups) are built once, here, and only
# bound to values per call: building a SQLAlchemy statement costs more than SQLite takes to
# run it, and a kiosk tap is a handful of them.

_HALL_BY_CODE = select(Hall).where(Hall.code == bindparam("code"))
_SECTOR_BY_CODE = select(Sector).where(Sector.hall_id == bindparam("hall_id"),
                                       Sector.code == bindparam("code"))
_COUNTER_BY_NUMBER = (
    select(Counter)
    .where(Counter.hall_id == bindparam("hall_id"), Counter.number == bindparam("number"))
    .options(selectinload(Counter.sector_links).selectinload(CounterSector.sector))
)
_TICKET_BY_TOKEN = select(Ticket).where(Ticket.token == bindparam("token"))
_CURRENT_TICKET = (
    select(Ticket)
    .where(Ticket.counter_id == bindparam("counter_id"), Ticket.status.in_(ACTIVE))
    .order_by(Ticket.called_at.desc())
    .limit(1)
)


def get_hall(session: Session, code: str) -> Hall:
    hall = session.scalar(_HALL_BY_CODE, {"code": code})
    if hall is None:
        raise errors.HallNotFound(N_("Không có bộ phận một cửa mã “%(code)s”."), code=code)
    return hall


def get_sector(session: Session, hall: Hall, code: str) -> Sector:
    sector = session.scalar(_SECTOR_BY_CODE, {"hall_id": hall.id, "code": code})
    if sector is None:
        raise errors.SectorNotFound(N_("Không có lĩnh vực “%(code)s” tại %(hall)s."), code=code,
                                   hall=hall.code)
    return sector


_HALL_AND_SECTOR = prepared(
    select(Hall, Sector)
    .outerjoin(Sector, (Sector.hall_id == Hall.id) & (Sector.code == bindparam("sector")))
    .where(Hall.code == bindparam("hall"))
)


def get_hall_and_sector(session: Session, hall_code: str, sector_code: str) -> tuple[Hall, Sector]:
    """Both in one query (issuing needs both, at every tap)."""
    row = session.execute(_HALL_AND_SECTOR, {"hall": hall_code, "sector": sector_code}).first()
    if row is None:
        raise errors.HallNotFound(N_("Không có bộ phận một cửa mã “%(code)s”."), code=hall_code)
    hall, sector = row
    if sector is None:
        raise errors.SectorNotFound(N_("Không có lĩnh vực “%(code)s” tại %(hall)s."), code=sector_code,
                                   hall=hall.code)
    return hall, sector


_HALL_AND_COUNTER = prepared(
    select(Hall, Counter)
    .outerjoin(Counter, (Counter.hall_id == Hall.id) & (Counter.number == bindparam("number")))
    .where(Hall.code == bindparam("hall"))
    .options(joinedload(Counter.sector_links).joinedload(CounterSector.sector))
)


def get_hall_and_counter(session: Session, hall_code: str, number: int) -> tuple[Hall, Counter]:
    """Both, with the counter's sectors, in one query (every counter action needs them)."""
    row = session.execute(_HALL_AND_COUNTER, {"hall": hall_code, "number": number}).unique().first()
    if row is None:
        raise errors.HallNotFound(N_("Không có bộ phận một cửa mã “%(code)s”."), code=hall_code)
    hall, counter = row
    if counter is None:
        raise errors.CounterNotFound(N_("Không có quầy %(number)s tại %(hall)s."), number=number,
                                     hall=hall.code)
    return hall, counter


def get_counter(session: Session, hall: Hall, number: int) -> Counter:
    counter = session.scalar(_COUNTER_BY_NUMBER, {"hall_id": hall.id, "number": number})
    if counter is None:
        raise errors.CounterNotFound(N_("Không có quầy %(number)s tại %(hall)s."), number=number,
                                     hall=hall.code)
    return counter


def get_ticket_by_token(session: Session, token: str) -> Ticket:
    ticket = session.scalar(_TICKET_BY_TOKEN, {"token": token})
    if ticket is None:
        raise errors.TicketNotFound(N_("Không có số nào với mã này."))
    return ticket


def current_ticket(session: Session, counter: Counter) -> Ticket | None:
    return session.scalar(_CURRENT_TICKET, {"counter_id": counter.id})


def settings_of(hall: Hall) -> HallSettings:
    return HallSettings.of(hall.settings)


# --- plumbing -----------------------------------------------------------------------------


_INSERT_EVENT = insert(TicketEvent.metadata.tables[TicketEvent.__tablename__])


def _log(uow: UnitOfWork, hall: Hall, kind: str, actor: Actor, **fields: Any) -> None:
    """Append one event to the log (`_event_row`'s fields)."""
    _log_rows(uow, [_event_row(uow, hall, kind, actor, **fields)])


def _event_row(
    uow: UnitOfWork,
    hall: Hall,
    kind: str,
    actor: Actor,
    *,
    ticket: Ticket | None = None,
    ticket_id: int | None = None,
    counter: Counter | None = None,
    reason: str | None = None,
    **data: Any,
) -> dict[str, Any]:
    """One row of the event log, for `_log_rows`."""
    return {
        "hall_id": hall.id,
        "ticket_id": ticket.id if ticket else ticket_id,
        "counter_id": counter.id if counter else None,
        "kind": kind,
        "actor": actor.label,
        "at": uow.clock.now(),
        "reason": reason,
        "data": data,
    }


def _log_rows(uow: UnitOfWork, rows: list[dict[str, Any]]) -> None:
    """Append rows to the event log in one INSERT (several rows: one statement on
    PostgreSQL too). Never read back in the transaction that writes them, so it runs on the
    connection, without the ORM's handling (which costs more than the INSERT)."""
    if rows:
        uow.session.connection().execute(_INSERT_EVENT, rows)


def _on_postgresql(session: Session) -> bool:
    """Whether statements go to PostgreSQL, where a counter action's statements are folded
    into fewer: each round trip to the server costs more than the work it carries."""
    return session.get_bind().dialect.name == "postgresql"


@functools.lru_cache(maxsize=4)
def _counting_after_logging(rows: int) -> Select[str, int]:
    """`_LINE_WAITING` with the INSERT of `rows` event rows as a CTE (`row{i}_{column}`
    parameters): PostgreSQL runs the INSERT in full whatever the SELECT reads, and the
    SELECT sees what the transaction's earlier statements changed. The rows come from a
    UNION ALL of typed parameters, inserted in that order, rather than a multi-row VALUES,
    which SQLAlchemy compiles afresh at every run."""
    columns = [c for c in _INSERT_EVENT.table.columns if c.name != "id"]
    logged = _INSERT_EVENT.from_select([c.name for c in columns], union_all(*(
        select(*(cast(bindparam(f"row{i}_{c.name}", type_=c.type), c.type) for c in columns))
        for i in range(rows))))
    return _LINE_WAITING.add_cte(logged.cte("logged"))  # prepared, as _LINE_WAITING is


def _log_rows_and_count(uow: UnitOfWork, hall: Hall, ticket: Ticket,
                        rows: list[dict[str, Any]]) -> dict[str, int]:
    """`_log_rows`, then how many wait in the ticket's line as the transaction leaves it:
    the only line a counter action changes, and what its event tells the hall's pages
    (which keep the other lines' counts). One statement on PostgreSQL, where each round trip
    costs the officer's click more than the work it carries; SQLite cannot put an INSERT in
    a WITH, and its statements are calls within the process."""
    session = uow.session
    params: dict[str, Any] = {"day": local_day(uow.clock, hall.time_zone),
                              "sector_id": ticket.sector_id}
    if not _on_postgresql(session):
        _log_rows(uow, rows)
        return {code: count for code, count in session.execute(_LINE_WAITING, params)}
    for i, row in enumerate(rows):
        params |= {f"row{i}_{column}": value for column, value in row.items()}
    counted = session.execute(_counting_after_logging(len(rows)), params)  # flushes, as ever
    return {code: count for code, count in counted}


OFFICER_WITHOUT_PERSON = N_("Mã truy cập cán bộ không gắn với người nào thì không thao tác "
                            "được tại quầy (tạo mã với --user).")
COUNTER_STAFF_ONLY = N_("Chỉ cán bộ của bộ phận một cửa mới thao tác được tại quầy.")


def refuse_officer_without_person(actor: Actor) -> None:
    """An officer works at the counter they sit at; a token that acts as no person sits
    nowhere, so it would otherwise pass for the officer of every counter nobody holds."""
    if actor.role == Role.OFFICER and actor.user_id is None:
        raise errors.Forbidden(OFFICER_WITHOUT_PERSON)


def _authorize_counter(actor: Actor, hall: Hall, counter: Counter) -> None:
    """Officers act on the counter they sit at; supervisors and admins on any of their hall."""
    refuse_officer_without_person(actor)
    if actor.may_manage_hall(hall):
        return
    if actor.role == Role.OFFICER and actor.hall_id in (None, hall.id):
        if counter.officer_id == actor.user_id:
            return
        if counter.officer_id is None and counter.state == CounterState.CLOSED:
            _require_open(counter)  # nobody's counter yet: the officer only has to open it
        raise errors.NotYourCounter(N_("Quầy %(number)s không phải quầy của bạn."),
                                    number=counter.number)
    raise errors.Forbidden(COUNTER_STAFF_ONLY)


def _require_open(counter: Counter) -> None:
    if counter.state != CounterState.OPEN:
        if counter.state == CounterState.PAUSED:
            raise errors.CounterNotOpen(N_("Quầy %(number)s đang tạm dừng: bấm “Tiếp tục” trước."),
                                        number=counter.number)
        raise errors.CounterNotOpen(N_("Quầy %(number)s đang đóng: hãy mở quầy trước."),
                                    number=counter.number)


def _waiting_per_line(which: ColumnElement[bool]) -> Select[str, int]:
    return prepared(
        select(Sector.code, func.count(Ticket.id))
        .join(Ticket, (Ticket.sector_id == Sector.id) & (Ticket.day == bindparam("day"))
              & (Ticket.status == TicketStatus.WAITING), isouter=True)
        .where(which)
        .group_by(Sector.code))


# Counting is one index entry a citizen (ix_tickets_line): a hall's every line for a page
# that shows them all, the one line an action changed for its event.
_WAITING_COUNTS = _waiting_per_line(Sector.hall_id == bindparam("hall_id"))
_LINE_WAITING = _waiting_per_line(Sector.id == bindparam("sector_id"))


def waiting_counts(session: Session, hall: Hall, day: date) -> dict[str, int]:
    rows = session.execute(_WAITING_COUNTS, {"day": day, "hall_id": hall.id}).all()
    return {code: count for code, count in rows}


def _waiting_in_line(*also: ColumnElement[bool]) -> ScalarSelect[int]:
    return (select(func.count(Ticket.id))
            .where(Ticket.sector_id == Sector.id, Ticket.day == bindparam("day"),
                   Ticket.status == TicketStatus.WAITING, *also)
            .scalar_subquery())


# Two counts of a line, each read from an index alone (ix_tickets_line; the booked ones from
# ix_tickets_appointments): one count with a filter on appointment_at would visit every
# waiting ticket's row, and a tap would slow down as the line grows.
_LINE_COUNTS = prepared(
    select(_waiting_in_line(), _waiting_in_line(Ticket.appointment_at > bindparam("now")))
    .where(Sector.id == bindparam("sector_id"))
)


def _line_counts(session: Session, sector: Sector, day: date, now: datetime) -> tuple[int, int]:
    """How many wait in the sector's line, and of them the booked citizens whose slot has
    not begun (a new walk-in goes before them), in one read."""
    waiting, early = session.execute(
        _LINE_COUNTS, {"day": day, "sector_id": sector.id, "now": now}).one()
    return waiting, early


def ticket_payload(ticket: Ticket) -> dict[str, Any]:
    """What events say about a ticket: no personal data, nothing a citizen couldn't see."""
    return {
        "id": ticket.id,
        "number": ticket.number,
        "display_number": ticket.display_number,
        "sector": ticket.sector.code,
        "sector_name_vi": ticket.sector.name_vi,
        "sector_name_en": ticket.sector.name_en,
        "status": ticket.status.value,
        "priority": ticket.priority.value if ticket.priority else None,
        "counter": ticket.counter.number if ticket.counter else None,
        "call_count": ticket.call_count,
        "appointment": ticket.appointment_at is not None,
    }


def _ticket_event(uow: UnitOfWork, name: EventName, hall: Hall, ticket: Ticket, *,
                  counter_room: Counter | None = None, waiting: dict[str, int] | None = None,
                  **extra: Any) -> Event:
    """The event to publish once the transaction commits, read inside it (so the waiting
    counts are those of the state being committed). `waiting`: the counts of the lines the
    caller changed, read already (pages keep the others); by default every line of the hall.
    `counter_room`: the counter that must hear it when the ticket no longer names one."""
    if waiting is None:
        waiting = waiting_counts(uow.session, hall, local_day(uow.clock, hall.time_zone))
    payload = {"ticket": ticket_payload(ticket), "waiting": waiting}
    payload.update(extra)
    room = counter_room or ticket.counter
    return Event(
        name=name,
        hall=hall.code,
        payload=payload,
        counter_number=room.number if room else None,
        ticket_token=ticket.token,
    )


# --- issuing ------------------------------------------------------------------------------


def _ensure_issuing(uow: UnitOfWork, hall: Hall, sector: Sector) -> None:
    if not sector.is_open:
        raise errors.SectorClosed(N_("Lĩnh vực “%(sector)s” hiện không phát số."),
                                  sector=sector.name_vi)
    windows = sector.issuing_windows or hall.opening_windows
    if not within(windows, local_now(uow.clock, hall.time_zone)):
        raise errors.OutsideIssuingWindow(N_("Lĩnh vực “%(sector)s” phát số trong giờ %(windows)s."),
                                          sector=sector.name_vi, windows=windows)


def daily_capacity(sector: Sector) -> int:
    block = sector.number_end - sector.number_start + 1
    return min(block, sector.daily_cap) if sector.daily_cap else block


@use_case
def issue_ticket(
    uow: UnitOfWork,
    *,
    hall_code: str,
    sector_code: str,
    priority: Priority | None,
    actor: Actor,
    appointment_at: datetime | None = None,
) -> IssuedTicket:
    """`appointment_at`: the booked slot's start, for a citizen checked in with a booking."""
    session = uow.session
    hall, sector = get_hall_and_sector(session, hall_code, sector_code)
    if actor.kind == "tablet" or actor.hall_id not in (None, hall.id):
        raise errors.Forbidden(N_("Thiết bị này không được phát số tại %(hall)s."), hall=hall.code)
    _ensure_issuing(uow, hall, sector)
    now = uow.clock.now()
    day = local_day(uow.clock, hall.time_zone)
    # Everyone waiting in the line is ahead of a new ticket (a priority citizen: only the
    # other priority citizens, counted once it is in). Counted before the insert, so the
    # estimate goes into the ticket's row with it.
    waiting, early = _line_counts(session, sector, day, now)
    forecast = hall_forecast(uow, hall)
    ahead = waiting - early
    estimate = forecast.estimate(sector.id, ahead)
    if settings_of(hall).stop_issuing_past_closing and estimate.past_closing:
        raise errors.PastClosing(
            N_("Số của lĩnh vực “%(sector)s” lấy bây giờ sẽ không kịp được gọi trước giờ đóng cửa."),
            sector=sector.name_vi)
    sequence = next_in_sequence(session, f"sector:{sector.id}", day)
    if sequence > daily_capacity(sector):
        session.rollback()  # gives the number back: no gaps
        raise errors.DailyCapReached(N_("Lĩnh vực “%(sector)s” đã phát hết số của hôm nay."),
                                     sector=sector.name_vi)
    number = sector.number_start + sequence - 1
    told = wait_range(estimate.minutes, estimate.spread)
    ticket = _insert_ticket(session, hall, sector, {
        "hall_id": hall.id,
        "sector_id": sector.id,
        "issued_sector_id": sector.id,
        "day": day,
        "sequence": sequence,
        "number": number,
        "display_number": sector.display(number),
        "status": TicketStatus.WAITING,
        "priority": priority,
        "token": secrets.token_urlsafe(16),
        "issued_at": now,
        "queued_at": now,
        "call_count": 0,
        "issued_by_device_id": actor.device_id,
        "appointment_at": appointment_at,
        "estimated_wait_minutes": estimate.minutes,
        "estimate_low_minutes": told.low,
        "estimate_high_minutes": told.high,
    })
    _log(uow, hall, "issued", actor, ticket=ticket,
         priority=priority.value if priority else None)
    if priority is not None or appointment_at is not None:
        ahead = people_ahead(session, ticket, now)
        goes_first = priority is not None or (appointment_at is not None and appointment_at <= now)
        estimate = forecast.estimate(sector.id, ahead, priority=goes_first)
        told = wait_range(estimate.minutes, estimate.spread)
        ticket.estimated_wait_minutes = estimate.minutes
        ticket.estimate_low_minutes, ticket.estimate_high_minutes = told.low, told.high
    event = _ticket_event(uow, EventName.TICKET_ISSUED, hall, ticket, waiting={sector.code: waiting + 1})
    uow.publish(event)
    return IssuedTicket(ticket, ahead, estimate.minutes, told, estimate.past_closing)


def _people_ahead_statement(kind: str) -> Select[int]:
    """Who the calling order puts before a ticket of `kind` (see `people_ahead`), counted."""
    same_line = (
        (Ticket.sector_id == bindparam("sector_id"))
        & (Ticket.day == bindparam("day"))
        & (Ticket.status == TicketStatus.WAITING)
        & (Ticket.id != bindparam("id"))
    )
    earlier = (Ticket.queued_at < bindparam("queued_at")) | (
        (Ticket.queued_at == bindparam("queued_at")) & (Ticket.id < bindparam("id"))
    )
    walk_in = Ticket.appointment_at.is_(None)
    due = Ticket.appointment_at <= bindparam("now")
    slot_before = (Ticket.appointment_at < bindparam("appointment_at")) | (
        (Ticket.appointment_at == bindparam("appointment_at")) & earlier)
    ahead = {
        "regular": due | (walk_in & (Ticket.priority.is_not(None) | earlier)),
        "priority": due | (walk_in & Ticket.priority.is_not(None) & earlier),
        "due": due & slot_before,
        "early": walk_in | due | slot_before,
    }[kind]
    return select(func.count(Ticket.id)).where(same_line & ahead)


_PEOPLE_AHEAD = {kind: _people_ahead_statement(kind) for kind in ("regular", "priority", "due", "early")}


_tickets = Ticket.metadata.tables[Ticket.__tablename__]


def _insert_ticket(session: Session, hall: Hall, sector: Sector, values: dict[str, Any]) -> Ticket:
    """Insert a new ticket with one INSERT (`insert_one`), its hall and sector as loaded too:
    the event and a printing kiosk's slip read them, and the hall, held by nothing else
    once issuing returns, would be read again."""
    ticket = insert_one(session, Ticket, values)
    set_committed_value(ticket, "hall", hall)
    set_committed_value(ticket, "sector", sector)
    return ticket


def people_ahead(session: Session, ticket: Ticket, now: datetime) -> int:
    """Waiting tickets of the same sector the calling order serves first at `now`: booked
    citizens whose slot has begun (earliest slot first), then priority citizens, then the
    others in the order they came; a citizen who checked in before their slot comes after
    every walk-in until it begins (`policy.appointments_first`). The caps on streaks of
    priority or booked citizens are ignored."""
    if ticket.status != TicketStatus.WAITING:
        return 0
    if ticket.appointment_at is not None:
        kind = "due" if ticket.appointment_at <= now else "early"
    else:
        kind = "regular" if ticket.priority is None else "priority"
    return int(session.scalar(_PEOPLE_AHEAD[kind], {
        "sector_id": ticket.sector_id, "day": ticket.day, "id": ticket.id,
        "queued_at": ticket.queued_at, "now": now, "appointment_at": ticket.appointment_at,
    }) or 0)


@dataclass(frozen=True)
class ServiceRates:
    """The service times of a hall's sectors, read in two queries for all of them: the
    sector's last N calls over the past week that ended, served or not come (call to finish:
    what the line's next citizen waits for is how long each call holds the counter, and a
    citizen who does not come holds it only for the wait), the hall's default before there
    are any; and the counters serving each sector (open ones, all, and the open ones that
    serve it as their first sector)."""

    minutes_each: dict[int, float]  # mean time a call holds a counter, by sector id
    samples: dict[int, tuple[float, ...]]  # the calls measured, minutes
    open_counters: dict[int, int]
    all_counters: dict[int, int]
    first_counters: dict[int, int]  # open ones that serve the sector as their first
    default_minutes: float

    def mean(self, sector_id: int) -> float:
        return self.minutes_each.get(sector_id, self.default_minutes)

    def spread(self, sector_id: int) -> float:
        """The standard deviation of one service (half the mean before there are two)."""
        sample = self.samples.get(sector_id, ())
        if len(sample) < 2:
            return self.mean(sector_id) / 2
        mean = sum(sample) / len(sample)
        return math.sqrt(sum((x - mean) ** 2 for x in sample) / (len(sample) - 1))


def _recent_durations_statement(by_sector: bool) -> Select[int, datetime, datetime]:
    # Both forms name the sectors and the days (a ticket finishes on the day it was issued),
    # so the (sector_id, day, status) index keeps this to the past week.
    in_scope = (
        Ticket.sector_id == bindparam("sector_id") if by_sector
        else Ticket.sector_id.in_(select(Sector.id).where(Sector.hall_id == bindparam("hall_id"))
                                  .scalar_subquery()))
    newest_first = func.row_number().over(
        partition_by=Ticket.sector_id, order_by=Ticket.finished_at.desc()).label("n")
    recent = (
        select(Ticket.sector_id, Ticket.called_at, Ticket.finished_at, newest_first)
        .where(in_scope, Ticket.day >= bindparam("since_day"),
               Ticket.status.in_((TicketStatus.DONE, TicketStatus.NO_SHOW)),
               Ticket.called_at.is_not(None), Ticket.finished_at >= bindparam("since"))
        .subquery()
    )
    return (select(recent.c.sector_id, recent.c.called_at, recent.c.finished_at)
            .where(recent.c.n <= bindparam("sample")))


_RECENT_DURATIONS = {True: _recent_durations_statement(True), False: _recent_durations_statement(False)}
_COUNTERS_PER_SECTOR = (
    select(CounterSector.sector_id, func.count(Counter.id),
           func.count(Counter.id).filter(Counter.state == CounterState.OPEN),
           func.count(Counter.id).filter(Counter.state == CounterState.OPEN, CounterSector.rank == 0))
    .join(Counter, Counter.id == CounterSector.counter_id)
    .where(Counter.hall_id == bindparam("hall_id"))
    .group_by(CounterSector.sector_id)
)


def service_rates(
    session: Session, clock: Clock, hall: Hall, sector: Sector | None = None
) -> ServiceRates:
    """The rates of every sector of the hall, or of one `sector` only."""
    settings = settings_of(hall)
    durations: dict[int, list[float]] = {}
    for sector_id, called_at, finished_at in session.execute(
        _RECENT_DURATIONS[sector is not None],
        {"sector_id": sector.id if sector else None, "hall_id": hall.id,
         "since": clock.now() - timedelta(days=7),
         "since_day": local_day(clock, hall.time_zone) - timedelta(days=7),
         "sample": settings.estimate_sample},
    ):
        durations.setdefault(sector_id, []).append((finished_at - called_at).total_seconds())
    counted = session.execute(_COUNTERS_PER_SECTOR, {"hall_id": hall.id}).all()
    return ServiceRates(
        minutes_each={k: max(sum(v) / len(v) / 60, 0.5) for k, v in durations.items()},
        samples={k: tuple(x / 60 for x in v) for k, v in durations.items()},
        open_counters={sector_id: opened for sector_id, _, opened, _ in counted},
        all_counters={sector_id: total for sector_id, total, _, _ in counted},
        first_counters={sector_id: first for sector_id, _, _, first in counted},
        default_minutes=settings.default_service_minutes,
    )


def hall_rates(uow: UnitOfWork | Ports, hall: Hall) -> ServiceRates:
    """The hall's `ServiceRates`, reused for the app's ESTIMATE_CACHE_SECONDS of its clock.

    Every kiosk tap needs an estimate. What it rests on — a week of service times, the
    counters open — moves slowly, so an estimate a few seconds old is as good as a fresh
    one, and reading it once per hall every few seconds keeps taps cheap. A change made in
    the meantime (a counter opening, a ticket finished) shows in the next estimate after that
    (as in the forecast they feed: see `hall_forecast`).
    """
    return uow.memo.get(("service_rates", hall.id), uow.clock.now(),
                        lambda: service_rates(uow.session, uow.clock, hall))


_ARRIVALS = (
    select(Ticket.issued_sector_id,
           func.count(Ticket.id).filter(Ticket.issued_at >= bindparam("since")),
           func.count(Ticket.id), func.count(Ticket.id).filter(Ticket.priority.is_not(None)))
    .where(Ticket.hall_id == bindparam("hall_id"), Ticket.day == bindparam("day"))
    .group_by(Ticket.issued_sector_id)
)
_WAITING_NOW = (
    select(Ticket.sector_id, Ticket.priority.is_not(None), Ticket.queued_at, Ticket.appointment_at,
           Ticket.reserved_counter_id)
    .where(Ticket.hall_id == bindparam("hall_id"), Ticket.day == bindparam("day"),
           Ticket.status == TicketStatus.WAITING)
    .order_by(Ticket.queued_at, Ticket.id)
)
_AT_COUNTERS = (
    select(Ticket.counter_id, Ticket.sector_id, Ticket.called_at)
    .where(Ticket.hall_id == bindparam("hall_id"), Ticket.status.in_(ACTIVE))
    .order_by(Ticket.called_at)
)
# Columns, not Counter objects: the snapshot is read on every forecast, and loading a hall's
# counters with their links through the ORM was most of its cost.
_COUNTERS_OF_HALL = (
    select(Counter.id, Counter.state, Counter.officer_id, Counter.consecutive_priority_calls,
           Counter.consecutive_appointment_calls)
    .where(Counter.hall_id == bindparam("hall_id")).order_by(Counter.number)
)
_LINKS_OF_HALL = (
    select(CounterSector.counter_id, CounterSector.sector_id, CounterSector.rank,
           CounterSector.hours, CounterSector.weekdays)
    .join(Counter, Counter.id == CounterSector.counter_id)
    .where(Counter.hall_id == bindparam("hall_id")).order_by(CounterSector.rank)
)
_OFFICERS_QUALIFIED = select(StaffQualification.staff_user_id, StaffQualification.sector_id).where(
    StaffQualification.staff_user_id.in_(bindparam("officers", expanding=True)))
RECENT_PACE = timedelta(hours=1)  # arrivals are expected at the pace of this last stretch
SHORTEST_PACE_MINUTES = 10.0  # of issuing, before a pace is believed
PRIORITY_PRIOR = 10  # tickets: today's priority share counts as if these had none


def _from_now(windows: str, local: datetime) -> tuple[Window, ...]:
    """Today's windows ("07:00-11:30,…") as minutes from `local`, those not over yet."""
    now = local.hour * 60 + local.minute + local.second / 60 + local.microsecond / 60e6
    result = []
    for start, end in parse_windows(windows):
        finish = 24 * 60 if end == time.max else end.hour * 60 + end.minute + end.second / 60
        if finish > now:
            result.append((start.hour * 60 + start.minute + start.second / 60 - now, finish - now))
    return tuple(result)


def _issuing_minutes(windows: str, local: datetime) -> float:
    """Minutes of the past `RECENT_PACE` within the issuing `windows`."""
    start = local - RECENT_PACE
    past = _from_now(windows, start)
    span = RECENT_PACE / timedelta(minutes=1)
    return sum(max(0.0, min(end, span) - max(begin, 0.0)) for begin, end in past)


def hall_now(session: Session, clock: Clock, hall: Hall, rates: ServiceRates) -> HallNow:
    """The snapshot the wait estimate simulates forward from (`motcua.queue.lookahead`)."""
    now = clock.now()
    local = local_now(clock, hall.time_zone)
    day = local.date()
    settings = settings_of(hall)
    params = {"hall_id": hall.id, "day": day, "since": now - RECENT_PACE}
    opening = _from_now(hall.opening_windows, local)
    working = tuple((max(start, 0.0), end) for start, end in opening)
    lines = {}
    for sector_id, recent, today, priority in session.execute(_ARRIVALS, params):
        lines[sector_id] = (recent, today, priority)
    sector_lines = {}
    for sector in hall.sectors:
        issuing = sector.issuing_windows or hall.opening_windows
        recent, today, priority = lines.get(sector.id, (0, 0, 0))
        pace = recent / max(_issuing_minutes(issuing, local), SHORTEST_PACE_MINUTES) * 60
        sector_lines[sector.id] = Line(
            minutes_each=rates.mean(sector.id), spread=rates.spread(sector.id),
            arrivals_per_hour=pace if sector.is_open else 0.0,
            priority_share=priority / (today + PRIORITY_PRIOR),
            issuing=_from_now(issuing, local),
            numbers_left=max(0, daily_capacity(sector) - today))
    counters = session.execute(_COUNTERS_OF_HALL, {"hall_id": hall.id}).all()
    links_of: dict[int, list[Link]] = {}
    weekday = local.isoweekday()
    for counter_id, sector_id, rank, hours, weekdays in session.execute(
            _LINKS_OF_HALL, {"hall_id": hall.id}):
        if not weekdays or weekday in parse_weekdays(weekdays):
            links_of.setdefault(counter_id, []).append(
                Link(sector_id, rank, _from_now(hours, local) if hours else None))
    busy = {counter_id: (sector_id, called_at)
            for counter_id, sector_id, called_at in session.execute(_AT_COUNTERS, params)}
    qualified: dict[int, set[int]] = {}
    officers = [c.officer_id for c in counters if c.officer_id is not None]
    if settings.calling_policy != "static" and officers:
        for user_id, sector_id in session.execute(_OFFICERS_QUALIFIED, {"officers": officers}):
            qualified.setdefault(user_id, set()).add(sector_id)
    started = any(c.state != CounterState.CLOSED for c in counters)
    desks = []
    for counter in counters:
        if counter.state == CounterState.CLOSED and started:
            continue  # the others work today; this one is not staffed
        remaining = 0.0
        sector_id, called_at = busy.get(counter.id, (0, None))
        if called_at is not None:
            remaining = remaining_minutes(rates.samples.get(sector_id, ()),
                                          (now - called_at) / timedelta(minutes=1),
                                          rates.mean(sector_id))
        desks.append(Desk(
            id=counter.id, links=tuple(links_of.get(counter.id, ())),
            qualified=frozenset(qualified.get(counter.officer_id or 0, set())),
            works=working, busy=remaining,
            priority_streak=counter.consecutive_priority_calls,
            appointment_streak=counter.consecutive_appointment_calls))
    waiting = tuple(
        Waiter(sector_id, bool(priority), queued_at, appointment_at, reserved_for)
        for sector_id, priority, queued_at, appointment_at, reserved_for
        in session.execute(_WAITING_NOW, params))
    return HallNow(now=now, settings=settings, lines=sector_lines, desks=tuple(desks),
                   waiting=waiting, opening=opening,
                   closes=max((end for _, end in opening), default=0.0))


def forecast_of(session: Session, clock: Clock, hall: Hall) -> Forecast:
    """The hall's wait estimates, simulated from its state now (see `motcua.queue.lookahead`)."""
    return Forecast(hall_now(session, clock, hall, service_rates(session, clock, hall)))


def hall_forecast(uow: UnitOfWork, hall: Hall) -> Forecast:
    """`forecast_of` the hall, reused for the app's ESTIMATE_CACHE_SECONDS of its clock.

    Every kiosk tap needs an estimate. What it rests on moves slowly, so an estimate a few
    seconds old is as good as a fresh one: the run answers every sector and every place in
    its line (a tap is a look-up), and running it once per hall every few seconds keeps
    taps cheap. A change made in the meantime (a counter opening, a ticket finished) shows
    in the next estimate after that.
    """
    return uow.memo.get(("wait_forecast", hall.id), uow.clock.now(),
                        lambda: Forecast(hall_now(uow.session, uow.clock, hall, hall_rates(uow, hall))))


_SECTOR_COUNTERS = (
    select(Counter.number, CounterSector)
    .join(CounterSector, CounterSector.counter_id == Counter.id)
    .where(CounterSector.sector_id == bindparam("sector_id"))
    .order_by(Counter.number)
)


def sector_counters(session: Session, hall: Hall, sector_id: int, clock: Clock) -> tuple[int, ...]:
    """The numbers of the counters that serve a sector ("Quầy phục vụ: 2, 3, 5") now or later
    today, open or not: a citizen who takes a number before the counters open still learns
    where to go, and is not sent to one whose schedule leaves the sector out today."""
    local = local_now(clock, hall.time_zone)
    return tuple(number for number, link in session.execute(_SECTOR_COUNTERS, {"sector_id": sector_id})
                 if link.serves_later_today(local))


# --- counters -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AtCounter:
    """What a counter action leaves at the counter, as committed: its answer shows these
    without reading the hall, the counter or the ticket again."""

    counter: Counter
    ticket: Ticket | None  # the counter's current ticket now (None: nobody at the counter)
    acted_on: Ticket | None = None  # the ticket the action called, moved on or sent away


def _at_counter(uow: UnitOfWork, counter: Counter, acted_on: Ticket | None = None) -> AtCounter:
    """The counter after an action that may have left it without a current ticket."""
    if acted_on is not None and acted_on.status in ACTIVE and acted_on.counter_id == counter.id:
        return AtCounter(counter, acted_on, acted_on)
    return AtCounter(counter, current_ticket(uow.session, counter), acted_on)


def _counter_action(
    uow: UnitOfWork, hall_code: str, counter_number: int, actor: Actor
) -> tuple[Hall, Counter]:
    hall, counter = get_hall_and_counter(uow.session, hall_code, counter_number)
    _authorize_counter(actor, hall, counter)
    return hall, counter


def _publish_counter(uow: UnitOfWork, hall: Hall, counter: Counter) -> None:
    uow.session.flush()
    uow.session.expire(counter, ["officer"])  # follows the officer_id just set
    uow.publish(
        Event(
            name=EventName.COUNTER_CHANGED,
            hall=hall.code,
            counter_number=counter.number,
            payload={"counter": counter.number, "state": counter.state.value,
                     "officer": counter.officer.full_name if counter.officer else None},
        )
    )


@use_case
def open_counter(uow: UnitOfWork, *, hall_code: str, counter_number: int, actor: Actor) -> AtCounter:
    """An officer sits down at a counter (it becomes theirs) and opens it."""
    hall = get_hall(uow.session, hall_code)
    counter = get_counter(uow.session, hall, counter_number)
    if actor.role == Role.OFFICER:
        refuse_officer_without_person(actor)
        if actor.hall_id not in (None, hall.id):
            raise errors.Forbidden(N_("Quầy này thuộc bộ phận một cửa khác."))
        if counter.officer_id not in (None, actor.user_id):
            raise errors.CounterTaken(N_("Quầy %(number)s đã có cán bộ khác nhận."),
                                      number=counter.number)
        counter.officer_id = actor.user_id
    else:
        _authorize_counter(actor, hall, counter)
    counter.state = CounterState.OPEN
    _log(uow, hall, "counter_opened", actor, counter=counter)
    _publish_counter(uow, hall, counter)
    return _at_counter(uow, counter)


_RELEASE_RESERVED = (
    update(_tickets)
    .where(_tickets.c.reserved_counter_id == bindparam("closing"),
           _tickets.c.status == TicketStatus.WAITING)
    .values(reserved_counter_id=None))


@use_case
def close_counter(uow: UnitOfWork, *, hall_code: str, counter_number: int, actor: Actor) -> AtCounter:
    hall, counter = _counter_action(uow, hall_code, counter_number, actor)
    if current_ticket(uow.session, counter):
        raise errors.Conflict(N_("Hãy hoàn thành, chuyển hoặc bỏ qua số hiện tại trước khi đóng quầy."))
    counter.state = CounterState.CLOSED
    counter.officer_id = None
    counter.consecutive_priority_calls = 0
    # Citizens transferred to this counter by name would wait for nobody: back to their
    # line, in the place they had (any counter of their sector calls them).
    released = uow.session.connection().execute(_RELEASE_RESERVED, {"closing": counter.id}).rowcount
    _log(uow, hall, "counter_closed", actor, counter=counter, released=released or None)
    _publish_counter(uow, hall, counter)
    return AtCounter(counter, None)  # closing needs an empty counter


def _set_pause(
    uow: UnitOfWork, hall_code: str, counter_number: int, actor: Actor, paused: bool, reason: str | None
) -> AtCounter:
    hall, counter = _counter_action(uow, hall_code, counter_number, actor)
    wanted_from = CounterState.OPEN if paused else CounterState.PAUSED
    if counter.state != wanted_from:
        refusal = (N_("Quầy %(number)s không mở nên không tạm dừng được.") if paused
                   else N_("Quầy %(number)s không tạm dừng nên không tiếp tục được."))
        raise errors.InvalidTransition(refusal, number=counter.number)
    counter.state = CounterState.PAUSED if paused else CounterState.OPEN
    _log(uow, hall, "counter_paused" if paused else "counter_resumed", actor,
         counter=counter, reason=reason)
    _publish_counter(uow, hall, counter)
    return _at_counter(uow, counter)


@use_case
def pause_counter(uow: UnitOfWork, *, hall_code: str, counter_number: int, actor: Actor,
                  reason: str | None = None) -> AtCounter:
    return _set_pause(uow, hall_code, counter_number, actor, True, reason)


@use_case
def resume_counter(uow: UnitOfWork, *, hall_code: str, counter_number: int, actor: Actor) -> AtCounter:
    return _set_pause(uow, hall_code, counter_number, actor, False, None)


# --- calling ------------------------------------------------------------------------------


# The counter's current ticket (as `current_ticket` finds it) finished, in one statement.
# Core, not the ORM's bulk UPDATE: synchronising the session costs more than the UPDATE, and
# only a long-lived session (the simulator's) can hold a copy of the ticket, expired below.
_FINISH_CURRENT = prepared(
    update(_tickets)
    .where(_tickets.c.id == select(_tickets.c.id)
           .where(_tickets.c.counter_id == bindparam("at_counter"),
                  _tickets.c.status.in_(ACTIVE))
           .order_by(_tickets.c.called_at.desc()).limit(1).scalar_subquery())
    .values(status=TicketStatus.DONE, finished_at=bindparam("now"))
    .returning(_tickets.c.id)
)


def _finish_current(
    uow: UnitOfWork, hall: Hall, counter: Counter, actor: Actor, now: datetime
) -> list[dict[str, Any]]:
    """Calling the next citizen means the one at the counter is done; its event row is the
    caller's to log with the call's own (one INSERT for both)."""
    finished = uow.session.connection().scalar(_FINISH_CURRENT, {"at_counter": counter.id, "now": now})
    return _finished_rows(uow, hall, counter, actor, finished)


def _finished_rows(uow: UnitOfWork, hall: Hall, counter: Counter, actor: Actor,
                   finished: int | None) -> list[dict[str, Any]]:
    """The event row of the ticket `_FINISH_CURRENT` finished (none when nobody was at the
    counter); a copy the session holds (a long-lived session's) is read again when used."""
    if finished is None:
        return []
    session = uow.session
    copy = session.identity_map.get(session.identity_key(Ticket, finished))
    if copy is not None:
        session.expire(copy)
    return [_event_row(uow, hall, "completed", actor, ticket_id=finished, counter=counter,
                       reason="call next")]


# The claim: one conditional UPDATE that calls the ticket at the counter (what `_mark_called`
# does) and hands it back (RETURNING), so the ticket is read and written once. On
# PostgreSQL its row is taken with SKIP LOCKED, so a counter never waits on a ticket another
# counter is taking (the status condition is the safety net); SQLite has no row locks and
# needs none: the transaction already holds the write lock (BEGIN IMMEDIATE). Core, not the
# ORM's UPDATE … RETURNING, which costs several times the statement; the row becomes the
# ticket's object as `_insert_ticket`'s does.
_CALL_WAITING = prepared(
    update(_tickets)
    .where(_tickets.c.id == select(_tickets.c.id)
           .where(_tickets.c.id == bindparam("ticket_id"),
                  _tickets.c.status == TicketStatus.WAITING)
           .with_for_update(skip_locked=True).scalar_subquery(),
           _tickets.c.status == TicketStatus.WAITING)
    .values(status=TicketStatus.CALLED, counter_id=bindparam("at_counter"),
            called_at=bindparam("now"), started_at=None, call_count=_tickets.c.call_count + 1,
            reserved_counter_id=None,
            first_called_at=func.coalesce(_tickets.c.first_called_at, bindparam("now")))
    .returning(*_tickets.columns)
)


# On PostgreSQL a call's first claim also finishes the ticket at the counter: both UPDATEs
# as CTEs of one statement (they never touch the same row: one is waiting, the other not),
# whose one row names the finished ticket whether or not the claim succeeded. (No parameter
# may be named after a ticket's column, `counter_id`: SQLAlchemy would SET it in both.)
_FINISHED = _FINISH_CURRENT.cte("finished")
_CLAIMED = _CALL_WAITING.cte("claimed")
_DONE = select(select(_FINISHED.c.id).scalar_subquery().label("finished_id")).subquery("done")
_FINISH_AND_CALL_WAITING = prepared(select(_DONE.c.finished_id, *_CLAIMED.c)
                                    .select_from(_DONE.outerjoin(_CLAIMED, true())))


def _claim(session: Session, ticket_id: int, counter: Counter, now: datetime) -> Ticket | None:
    """Call a waiting ticket at `counter`; None if another counter got it first."""
    row = session.connection().execute(
        _CALL_WAITING, {"ticket_id": ticket_id, "at_counter": counter.id, "now": now}
    ).one_or_none()
    return None if row is None else _claimed(session, dict(row._mapping), counter)


def _finish_and_claim(session: Session, ticket_id: int, counter: Counter,
                      now: datetime) -> tuple[int | None, Ticket | None]:
    """`_FINISH_CURRENT` and `_claim` in one statement (PostgreSQL): the id of the ticket
    finished (None: nobody was at the counter) and the ticket called (None: taken)."""
    columns = dict(session.connection().execute(_FINISH_AND_CALL_WAITING, {
        "at_counter": counter.id, "ticket_id": ticket_id, "now": now}).one()._mapping)
    finished = columns.pop("finished_id")
    return finished, None if columns["id"] is None else _claimed(session, columns, counter)


def _claimed(session: Session, columns: dict[str, Any], counter: Counter) -> Ticket:
    ticket = as_loaded(session, Ticket, columns)
    set_committed_value(ticket, "counter", counter)
    return ticket


def _mark_called(ticket: Ticket, counter: Counter, now: datetime) -> None:
    ticket.status = TicketStatus.CALLED
    ticket.counter = counter
    ticket.called_at = now
    if ticket.first_called_at is None:
        ticket.first_called_at = now
    ticket.started_at = None
    ticket.call_count += 1
    ticket.reserved_counter_id = None


# The head of each line a counter calls from: one row per (line, priority or not), where a
# line is one of the sectors the counter calls from now (its own as scheduled, and under a
# policy that lets it, those its officer is qualified for) or the tickets transferred to the
# counter by name (rank 0, whatever their sector). Within a line the rank is the same for
# every ticket, so the policy's best of a line is its earliest ticket (then lowest id), and
# the policy's best overall is among these heads: at most two rows per line reach Python
# instead of every waiting ticket. Each head is found by walking its line's index
# (ix_tickets_line: sector, day, status, priority, queued_at) to the first ticket, not by
# ranking every waiting ticket, so a call costs the same with 10 or 1,000 people waiting.
# The lines are the counter's sectors and those its officer may help with, passed by
# position (`line` is the position; -1 the tickets reserved for the counter). How many wait
# in each line (the load-based policy weighs lines by it) is a second query, asked only then.
# `skipped`: tickets this call found taken meanwhile; a statement without that condition
# serves the usual call, which has none (an expanding list is rendered again at every run).
_RESERVED_LINE = -1


def _waiting_today(priority: bool, skipping: bool) -> ColumnElement[bool]:
    waiting = ((Ticket.day == bindparam("day")) & (Ticket.status == TicketStatus.WAITING)
               & (Ticket.priority.is_not(None) if priority else Ticket.priority.is_(None)))
    return waiting & Ticket.id.not_in(bindparam("skipped", expanding=True)) if skipping else waiting


def _head(line: int, priority: bool, appointment: bool, skipping: bool) -> Select[Any]:
    """The first ticket of a line; appointments are a line of their own within each line,
    earliest slot first."""
    if line == _RESERVED_LINE:
        where = ((Ticket.hall_id == bindparam("hall_id"))
                 & (Ticket.reserved_counter_id == bindparam("counter_id")))
    else:
        where = (Ticket.sector_id == bindparam(f"line_{line}")) & Ticket.reserved_counter_id.is_(None)
    if appointment:
        where &= Ticket.appointment_at.is_not(None)
        order: tuple[Any, ...] = (Ticket.appointment_at, Ticket.queued_at, Ticket.id)
    else:
        where &= Ticket.appointment_at.is_(None)
        order = (Ticket.queued_at, Ticket.id)
    first = (select(Ticket.id, Ticket.queued_at, Ticket.appointment_at)
             .where(_waiting_today(priority, skipping), where).order_by(*order).limit(1).subquery())
    # Constants, not parameters: a prepared statement's parameter in a SELECT list has no
    # type to take (PostgreSQL would make it text).
    return select(first.c.id, first.c.queued_at, first.c.appointment_at,
                  literal_column(str(line), Integer).label("line"),
                  (true() if priority else false()).label("priority"))


@functools.lru_cache(maxsize=32)
def _heads_of(lines: int, skipping: bool) -> CompoundSelect[Any]:
    """One statement per number of lines, built once: each line's heads, regular and
    priority, walk-in and appointment."""
    return prepared(union_all(*(_head(line, priority, appointment, skipping)
                                for line in (*range(lines), _RESERVED_LINE)
                                for priority in (False, True) for appointment in (False, True))))


_LINE_LENGTHS = (
    select(Ticket.sector_id, Ticket.reserved_counter_id, Ticket.priority.is_not(None), func.count())
    .where(Ticket.day == bindparam("day"), Ticket.status == TicketStatus.WAITING,
           Ticket.hall_id == bindparam("hall_id"))
    .group_by(Ticket.sector_id, Ticket.reserved_counter_id, Ticket.priority.is_not(None)))
_QUALIFICATIONS = select(StaffQualification.sector_id).where(
    StaffQualification.staff_user_id == bindparam("officer_id"))


def scheduled_ranks(counter: Counter, local: datetime | None = None) -> dict[int, int]:
    """The counter's own sectors (id → rank) at that hall-local moment, as their schedules
    say; every one of them when no moment is given."""
    return {link.sector_id: link.rank for link in counter.sector_links
            if local is None or link.serves_at(local)}


def qualified_sectors(session: Session, counter: Counter) -> set[int]:
    """The sectors the officer signed in at the counter may serve (none without an officer)."""
    if counter.officer_id is None:
        return set()
    return set(session.scalars(_QUALIFICATIONS, {"officer_id": counter.officer_id}))


def heads_of_lines(session: Session, hall: Hall, counter: Counter, day: date,
                   skipped: Collection[int] = (), *, ranks: dict[int, int] | None = None,
                   qualified: Collection[int] = (), count_waiting: bool = False) -> list[Candidate]:
    """The candidates the policy needs to pick what the counter calls next: the heads of
    its own lines (`ranks`, by default all its sectors) and of the `qualified` sectors, with
    how many wait in each line when `count_waiting`."""
    own = scheduled_ranks(counter) if ranks is None else ranks
    sectors = [*own, *(sector_id for sector_id in qualified if sector_id not in own)]
    params: dict[str, Any] = {"day": day, "hall_id": hall.id, "counter_id": counter.id,
                              "skipped": list(skipped)}
    params |= {f"line_{position}": sector_id for position, sector_id in enumerate(sectors)}
    rows = session.execute(_heads_of(len(sectors), bool(skipped)), params).all()
    lengths: dict[tuple[int, bool], int] = {}
    if count_waiting and rows:
        for sector_id, reserved_for, priority, count in session.execute(_LINE_LENGTHS, params):
            line = (_RESERVED_LINE if reserved_for == counter.id
                    else sector_id if reserved_for is None else None)
            if line is not None:
                key = (line, bool(priority))
                lengths[key] = lengths.get(key, 0) + count
    candidates = []
    for row in rows:
        line = _RESERVED_LINE if row.line == _RESERVED_LINE else sectors[row.line]
        candidates.append(Candidate(
            ticket_id=row.id, queued_at=row.queued_at, sector_rank=own.get(line, 0),
            priority=bool(row.priority), sector_id=line,
            own=line == _RESERVED_LINE or line in own,
            waiting=lengths.get((line, bool(row.priority)), 1),
            appointment_at=row.appointment_at))
    return candidates


_ARRIVALS_SINCE = (
    select(Ticket.sector_id, func.count())
    .where(Ticket.hall_id == bindparam("hall_id"), Ticket.day == bindparam("day"),
           Ticket.queued_at >= bindparam("since"))
    .group_by(Ticket.sector_id))


def arrivals_per_hour(uow: UnitOfWork | Ports, hall: Hall) -> dict[int, float]:
    """Each line's pace: the tickets that joined it over the last hour (issued or sent
    there), reused like the hall's rates."""
    now = uow.clock.now()
    return uow.memo.get(("arrivals_per_hour", hall.id), now, lambda: {
        sector_id: float(count) for sector_id, count in uow.session.execute(_ARRIVALS_SINCE, {
            "hall_id": hall.id, "day": local_day(uow.clock, hall.time_zone),
            "since": now - timedelta(hours=1)})})


def line_loads(uow: UnitOfWork | Ports, hall: Hall) -> dict[int, LineLoad]:
    """What the policies weigh of each of the hall's lines (`LineLoad`)."""
    rates = hall_rates(uow, hall)
    pace = arrivals_per_hour(uow, hall)
    sector_ids = set(rates.all_counters) | set(rates.minutes_each) | set(pace)
    return {sector_id: LineLoad(minutes_each=rates.minutes_each.get(sector_id, rates.default_minutes),
                                counters=rates.open_counters.get(sector_id, 0),
                                first_counters=rates.first_counters.get(sector_id, 0),
                                arrivals_per_hour=pace.get(sector_id, 0.0))
            for sector_id in sector_ids}


@dataclass(frozen=True)
class CallingOrder:
    """How a counter calls at one moment under its hall's policy: the lines it calls from (its
    sectors as scheduled now, and those its officer may help with when the policy lets it)
    and what the policy weighs of them. `call_next` claims the first of `ordered`; the
    counter's console shows the next few from the same."""

    session: Session
    hall: Hall
    counter: Counter
    day: date
    now: datetime
    settings: HallSettings
    ranks: dict[int, int]
    qualified: set[int]
    loads: dict[int, LineLoad] | None
    window_left: timedelta

    def ordered(self, skipped: Collection[int] = (), *, priority_streak: int,
                appointment_streak: int) -> list[Candidate]:
        """The waiting tickets the counter may call, best first, less `skipped`, after the
        given streaks of priority and appointment calls."""
        settings = self.settings
        ordered = order_by_policy(
            settings.calling_policy,
            heads_of_lines(self.session, self.hall, self.counter, self.day, skipped,
                           ranks=self.ranks, qualified=self.qualified,
                           count_waiting=self.loads is not None),
            consecutive_priority_calls=priority_streak,
            priority_cap=settings.priority_cap,
            rank_penalty=settings.rank_penalty,
            now=self.now,
            loads=self.loads,
            fair_wait=settings.fair_wait,
            switch_penalty=settings.switch_penalty,
            own_sectors=self.ranks,
            window_left=self.window_left,
        )
        return appointments_first(
            ordered, now=self.now, consecutive_appointment_calls=appointment_streak,
            streak_cap=appointment_streak_cap(settings.appointment_share))


def calling_order(reads: UnitOfWork | Ports, hall: Hall, counter: Counter) -> CallingOrder:
    """The counter's `CallingOrder` now."""
    settings = settings_of(hall)
    local = local_now(reads.clock, hall.time_zone)
    ranks = scheduled_ranks(counter, local)
    window_left = time_left(hall.opening_windows, local)
    helping = settings.calling_policy != "static" and window_left > settings.fair_wait
    qualified = qualified_sectors(reads.session, counter) if helping else set()
    return CallingOrder(
        session=reads.session, hall=hall, counter=counter, day=local.date(),
        now=reads.clock.now(), settings=settings, ranks=ranks, qualified=qualified,
        loads=line_loads(reads, hall) if qualified else None, window_left=window_left)


@use_case
def call_next(uow: UnitOfWork, *, hall_code: str, counter_number: int, actor: Actor) -> AtCounter:
    """Call the next citizen by the hall's calling policy (`motcua.queue.policy`); no ticket
    when nobody waits (the one at the counter is finished either way)."""
    session = uow.session
    hall, counter = _counter_action(uow, hall_code, counter_number, actor)
    _require_open(counter)
    now = uow.clock.now()
    # The citizen at the counter is finished by the first claim on PostgreSQL (one round
    # trip less), first of all on SQLite; the waiting tickets the order reads are not theirs.
    finishing = _on_postgresql(session)
    finished = [] if finishing else _finish_current(uow, hall, counter, actor, now)
    order = calling_order(uow, hall, counter)
    skipped: list[int] = []
    while True:
        ordered = order.ordered(skipped, priority_streak=counter.consecutive_priority_calls,
                                appointment_streak=counter.consecutive_appointment_calls)
        if not ordered:
            if finishing:
                finished = _finish_current(uow, hall, counter, actor, now)
            _log_rows(uow, finished)
            return AtCounter(counter, None)
        chosen = ordered[0]
        if finishing:
            done, ticket = _finish_and_claim(session, chosen.ticket_id, counter, now)
            finished, finishing = _finished_rows(uow, hall, counter, actor, done), False
        else:
            ticket = _claim(session, chosen.ticket_id, counter, now)
        if ticket is not None:
            break
        skipped.append(chosen.ticket_id)  # another counter took it: the next head, then
    # Set only when they change: an object merely assigned its own value still costs the
    # session a flush (most calls leave both streaks at 0).
    priority_streak = next_priority_streak(counter.consecutive_priority_calls, chosen.priority)
    if priority_streak != counter.consecutive_priority_calls:
        counter.consecutive_priority_calls = priority_streak
    appointment_streak = next_appointment_streak(counter.consecutive_appointment_calls, chosen, now)
    if appointment_streak != counter.consecutive_appointment_calls:
        counter.consecutive_appointment_calls = appointment_streak
    called = _event_row(uow, hall, "called", actor, ticket=ticket, counter=counter)
    waiting = _log_rows_and_count(uow, hall, ticket, [*finished, called])
    event = _ticket_event(uow, EventName.TICKET_CALLED, hall, ticket, waiting=waiting)
    uow.publish(event)
    return AtCounter(counter, ticket, ticket)


def _find_today(session: Session, hall: Hall, day: date, display_number: str) -> Ticket:
    ticket = session.scalar(
        select(Ticket).where(Ticket.hall_id == hall.id, Ticket.day == day,
                             Ticket.display_number == display_number)
    )
    if ticket is None:
        raise errors.TicketNotFound(N_("Hôm nay không có số %(number)s."), number=display_number)
    return ticket


@use_case
def call_specific(
    uow: UnitOfWork, *, hall_code: str, counter_number: int, actor: Actor,
    display_number: str, reason: str,
) -> AtCounter:
    """Call a ticket out of order (or one marked no-show who came back). Audited."""
    if not reason or not reason.strip():
        raise errors.InvalidInput(N_("Gọi số không theo thứ tự cần ghi lý do."), field="reason")

    session = uow.session
    hall, counter = _counter_action(uow, hall_code, counter_number, actor)
    _require_open(counter)
    now = uow.clock.now()
    ticket = _find_today(session, hall, local_day(uow.clock, hall.time_zone), display_number)
    if ticket.status not in (TicketStatus.WAITING, TicketStatus.NO_SHOW):
        raise errors.InvalidTransition(N_("Số %(number)s không còn chờ nên không gọi được."),
                                       number=display_number)
    finished = _finish_current(uow, hall, counter, actor, now)
    _mark_called(ticket, counter, now)
    waiting = _log_rows_and_count(uow, hall, ticket, [*finished, _event_row(
        uow, hall, "called_out_of_order", actor, ticket=ticket, counter=counter, reason=reason.strip())])
    event = _ticket_event(uow, EventName.TICKET_CALLED, hall, ticket, waiting=waiting, out_of_order=True)
    uow.publish(event)
    return AtCounter(counter, ticket, ticket)


def _current_or_fail(uow: UnitOfWork, counter: Counter) -> Ticket:
    ticket = current_ticket(uow.session, counter)
    if ticket is None:
        raise errors.InvalidTransition(N_("Quầy %(number)s chưa có số nào đang phục vụ."),
                                       number=counter.number)
    return ticket


def _ticket_step(
    uow: UnitOfWork,
    *,
    hall_code: str,
    counter_number: int,
    actor: Actor,
    allowed: tuple[TicketStatus, ...],
    step: Callable[[Ticket, datetime], None],
    kind: str,
    event_name: EventName,
    reason: str | None = None,
) -> AtCounter:
    hall, counter = _counter_action(uow, hall_code, counter_number, actor)
    ticket = _current_or_fail(uow, counter)
    if ticket.status not in allowed:
        raise errors.InvalidTransition(
            N_("Số %(number)s đang ở trạng thái không cho phép việc này."),
            number=ticket.display_number)
    step(ticket, uow.clock.now())
    waiting = _log_rows_and_count(uow, hall, ticket, [_event_row(
        uow, hall, kind, actor, ticket=ticket, counter=counter, reason=reason)])
    event = _ticket_event(uow, event_name, hall, ticket, waiting=waiting)
    uow.publish(event)
    return _at_counter(uow, counter, ticket)


@use_case
def recall(uow: UnitOfWork, *, hall_code: str, counter_number: int, actor: Actor) -> AtCounter:
    def step(ticket: Ticket, now: datetime) -> None:
        ticket.call_count += 1
        ticket.called_at = now

    return _ticket_step(uow, hall_code=hall_code, counter_number=counter_number, actor=actor,
                        allowed=(TicketStatus.CALLED,), step=step, kind="recalled",
                        event_name=EventName.TICKET_RECALLED)


@use_case
def start_serving(uow: UnitOfWork, *, hall_code: str, counter_number: int, actor: Actor) -> AtCounter:
    def step(ticket: Ticket, now: datetime) -> None:
        ticket.status = TicketStatus.SERVING
        ticket.started_at = now

    return _ticket_step(uow, hall_code=hall_code, counter_number=counter_number, actor=actor,
                        allowed=(TicketStatus.CALLED,), step=step, kind="started",
                        event_name=EventName.TICKET_STARTED)


@use_case
def complete(uow: UnitOfWork, *, hall_code: str, counter_number: int, actor: Actor) -> AtCounter:
    def step(ticket: Ticket, now: datetime) -> None:
        ticket.status = TicketStatus.DONE
        ticket.finished_at = now

    return _ticket_step(uow, hall_code=hall_code, counter_number=counter_number, actor=actor,
                        allowed=ACTIVE, step=step, kind="completed",
                        event_name=EventName.TICKET_COMPLETED)


@use_case
def mark_no_show(uow: UnitOfWork, *, hall_code: str, counter_number: int, actor: Actor) -> AtCounter:
    def step(ticket: Ticket, now: datetime) -> None:
        ticket.status = TicketStatus.NO_SHOW
        ticket.finished_at = now

    return _ticket_step(uow, hall_code=hall_code, counter_number=counter_number, actor=actor,
                        allowed=(TicketStatus.CALLED,), step=step, kind="no_show",
                        event_name=EventName.TICKET_NO_SHOW)


@use_case
def transfer(
    uow: UnitOfWork, *, hall_code: str, counter_number: int, actor: Actor,
    to_sector: str | None = None, to_counter: int | None = None, reason: str,
) -> AtCounter:
    """Send the current citizen to another sector or a named counter, keeping their place."""
    if not reason or not reason.strip():
        raise errors.InvalidInput(N_("Chuyển số cần ghi lý do."), field="reason")
    if (to_sector is None) == (to_counter is None):
        raise errors.InvalidInput(N_("Hãy chọn chuyển sang một lĩnh vực hoặc một quầy."))

    session = uow.session
    hall, counter = _counter_action(uow, hall_code, counter_number, actor)
    ticket = _current_or_fail(uow, counter)
    target_sector = get_sector(session, hall, to_sector) if to_sector else None
    target_counter = get_counter(session, hall, to_counter) if to_counter is not None else None
    if target_counter is not None and target_counter.id == counter.id:
        raise errors.InvalidInput(N_("Số này đã ở quầy này rồi."))
    if target_counter is not None and target_counter.state == CounterState.CLOSED:
        # nobody there to call the citizen (a paused counter's officer comes back)
        raise errors.CounterNotOpen(
            N_("Quầy %(number)s đang đóng: hãy chuyển sang một quầy đang mở hoặc sang lĩnh vực."),
            number=target_counter.number)
    ticket.transferred_from_sector_id = ticket.sector_id
    ticket.transferred_from_counter_id = counter.id
    if target_sector is not None:
        ticket.sector = target_sector
    ticket.reserved_counter_id = target_counter.id if target_counter else None
    ticket.status = TicketStatus.WAITING
    ticket.counter = None
    ticket.called_at = None
    ticket.started_at = None
    _log(uow, hall, "transferred", actor, ticket=ticket, counter=counter,
         reason=reason.strip(), to_sector=to_sector, to_counter=to_counter)
    event = _ticket_event(uow, EventName.TICKET_TRANSFERRED, hall, ticket, counter_room=counter,
                          from_counter=counter.number, to_sector=to_sector, to_counter=to_counter)
    uow.publish(event)
    return _at_counter(uow, counter, ticket)
