"""A hall day, simulated through the real queue services.

SimPy (discrete-event simulation; well kept, processes are plain generators, and with a
seeded `random.Random` a day comes out the same on every run) moves a simulated clock; the
citizens and counters of the scenario act through `motcua.queue.services` — issue, call next,
start, complete, no-show, transfer, pause, resume — with that clock, on a throw-away SQLite
database. So what is simulated is exactly what runs in the hall, calling policy included.

Time inside is minutes since the hall's midnight (SimPy's `env.now`); the services see it as
aware UTC instants through `SimulatedClock`.
"""
from __future__ import annotations

import random
import tempfile
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import simpy
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from motcua.config import DEFAULTS
from motcua.core.accounts import StaffUser
from motcua.core.actors import Actor, Role
from motcua.core.clock import HALL_TIME_ZONE
from motcua.core.db import make_engine, make_session_factory
from motcua.core.errors import InvalidInput
from motcua.core.events import Event
from motcua.core.ports import Memo, Ports
from motcua.models import metadata
from motcua.queue import errors, services
from motcua.queue.models import Counter, CounterSector, Hall, Priority, Sector, StaffQualification
from motcua.queue.policy import POLICIES as CALLING_POLICIES
from motcua.simulate.scenario import Scenario

HALL = "sim"
KIOSK = Actor(kind="kiosk", name="simulated")
# What each calling policy puts in the hall's settings before the day: the calling service
# reads the policy from there (`motcua.queue.policy`), so the simulator only has to set it.
POLICIES: dict[str, dict[str, Any]] = {name: {"calling_policy": name} for name in CALLING_POLICIES}


def check_policies(names: list[str]) -> None:
    unknown = [name for name in names if name not in POLICIES]
    if unknown:
        raise InvalidInput("unknown policy %(names)s; known: %(known)s",
                            names=", ".join(unknown), known=", ".join(POLICIES))


class SimulatedClock:
    """`core.clock.Clock` whose now is the simulation's: `env.now` minutes after midnight of
    the simulated day, in hall time."""

    def __init__(self, env: simpy.Environment, day: date, zone: str = HALL_TIME_ZONE) -> None:
        self._env = env
        self._midnight = datetime.combine(day, time(0), ZoneInfo(zone)).astimezone(UTC)

    def now(self) -> datetime:
        return self._midnight + timedelta(minutes=self._env.now)


@dataclass
class Citizen:
    """One visit: drawn before the day (or replayed), then what happened to it."""

    arrives: float  # minute of the day
    sector: str
    priority: bool
    no_show: bool
    service_minutes: float
    transfer_to: str | None = None
    ticket_id: int | None = None
    estimate_minutes: int | None = None
    first_wait: float | None = None  # from the ticket to the first call
    waited: float = 0.0  # all the time spent waiting, after a transfer too
    queued_since: float = 0.0
    outcome: str = "waiting"  # served, no-show, unserved, turned-away


@dataclass
class CounterDay:
    number: int
    working_minutes: float
    busy_minutes: float = 0.0


@dataclass
class DayResult:
    policy: str
    day: date
    sectors: list[str]  # the scenario's, in its order
    citizens: list[Citizen]
    counters: list[CounterDay]
    # (minute, waiting per sector) as the services announced it after every change
    queue: list[tuple[float, dict[str, int]]] = field(default_factory=list)


class LinePublisher:
    """The publisher port: keeps the waiting counts ticket events announce, with when (an
    event counts the lines it changed: the others are as last announced)."""

    def __init__(self, env: simpy.Environment) -> None:
        self.env = env
        self.queue: list[tuple[float, dict[str, int]]] = []
        self.waiting: dict[str, int] = {}  # as last announced

    def publish(self, event: Event) -> None:
        waiting = event.payload.get("waiting")
        if waiting is not None:
            self.waiting = {**self.waiting, **waiting}
            self.queue.append((self.env.now, self.waiting))


def draw_citizens(scenario: Scenario, rng: random.Random) -> list[Citizen]:
    """The day's citizens: Poisson arrivals per sector (piecewise constant rates, until
    closing), each with a lognormal service time, plus the scenario's replayed visits."""
    citizens: list[Citizen] = []
    closes = scenario.close_minute
    for sector in scenario.sectors:
        rates = sector.rates
        for index, (start, per_hour) in enumerate(rates):
            end = rates[index + 1][0] if index + 1 < len(rates) else closes
            moment = start
            while per_hour > 0:
                moment += rng.expovariate(per_hour / 60)
                if moment >= min(end, closes):
                    break
                citizens.append(_drawn(scenario, sector.code, moment, rng))
    for visit in scenario.visits:
        citizens.append(Citizen(
            arrives=visit.minute, sector=visit.sector, priority=visit.priority,
            no_show=visit.no_show, service_minutes=visit.service_minutes or 0.0,
            transfer_to=visit.transfer_to))
    citizens.sort(key=lambda c: c.arrives)
    return citizens


def _drawn(scenario: Scenario, code: str, moment: float, rng: random.Random) -> Citizen:
    sector = scenario.sector(code)
    transfer_to = sector.transfer_to if rng.random() < sector.transfer_share else None
    served_by = scenario.sector(transfer_to) if transfer_to else sector
    if served_by.service_minutes is None:  # a sector only transferred to: its sender's times
        served_by = sector
    mu, sigma = served_by.lognormal
    return Citizen(arrives=moment, sector=code, priority=rng.random() < sector.priority_share,
                   no_show=rng.random() < sector.no_show_share,
                   service_minutes=rng.lognormvariate(mu, sigma), transfer_to=transfer_to)


@contextmanager
def throwaway_database() -> Iterator[Engine]:
    """A fresh SQLite file with every table, deleted afterwards. Nothing of it needs to
    survive a crash, so commits skip the disk flush and the rollback journal stays in memory
    (the product's own settings are for real halls)."""
    with tempfile.TemporaryDirectory(prefix="motcua-simulate-") as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'hall.sqlite'}")

        @event.listens_for(engine, "connect")
        def _no_flush(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.execute("PRAGMA synchronous=OFF")
            dbapi_connection.execute("PRAGMA journal_mode=MEMORY")

        metadata.create_all(engine)
        try:
            yield engine
        finally:
            engine.dispose()


def _time_text(minutes: float) -> str:
    if minutes >= 24 * 60:
        return "24:00"
    seconds = round(minutes * 60)
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def windows_text(windows: list[tuple[float, float]]) -> str:
    return ",".join(f"{_time_text(start)}-{_time_text(end)}" for start, end in windows)


def officer_of(number: int) -> str:
    return f"officer-{number}"


def build_hall(session: Session, scenario: Scenario, policy: str) -> dict[int, Actor]:
    """The scenario's hall, sectors and counters (all closed) in the throw-away database, and
    the officer who sits at each counter, qualified for the counter's `qualified` sectors.
    The hall is open in the counters' hours; its sectors issue in the scenario's issuing
    windows, as a hall that stops issuing before its counters stop is configured."""
    opening = windows_text(scenario.open_windows())
    issuing = windows_text(scenario.issuing_windows())
    hall = Hall(code=HALL, name=scenario.name, time_zone=HALL_TIME_ZONE, opening_windows=opening,
                settings=scenario.hall_settings() | POLICIES[policy])
    session.add(hall)
    sectors = {}
    for position, sector in enumerate(scenario.sectors):
        sectors[sector.code] = Sector(hall=hall, code=sector.code, name_vi=sector.name or sector.code,
                                      name_en=sector.name or sector.code, number_start=1,
                                      number_end=9999, daily_cap=sector.daily_cap, position=position,
                                      issuing_windows=issuing if issuing != opening else None)
        session.add(sectors[sector.code])
    for spec in scenario.counters:
        counter = Counter(hall=hall, number=spec.number, name=f"Quầy {spec.number}")
        counter.sector_links = [CounterSector(sector=sectors[code], rank=rank)
                                for rank, code in enumerate(spec.sectors)]
        session.add(counter)
    officers = {}
    for spec in scenario.counters:
        user = StaffUser(username=officer_of(spec.number), password_hash="!", role=Role.OFFICER,
                         hall=hall, created_at=datetime.combine(scenario.day, time(0), UTC))
        session.add(user)
        session.flush()
        session.add_all(StaffQualification(staff_user_id=user.id, sector_id=sectors[code].id)
                        for code in spec.qualified)
        officers[spec.number] = Actor(kind="staff", name=user.username, role=Role.OFFICER,
                                      user_id=user.id, hall_id=hall.id)
    session.commit()
    return officers


# Told of each ticket as it is issued (the hall's state then is in the ports' session): what a
# study of the estimates needs beyond the figures a day's result keeps.
IssueWatcher = Callable[[Ports, Citizen, services.IssuedTicket], None]


class HallDay:
    """One simulated day: the citizens' arrivals and one process per counter."""

    def __init__(self, scenario: Scenario, session: Session, policy: str, day: date,
                 citizens: list[Citizen], officers: dict[int, Actor],
                 on_issued: IssueWatcher | None = None) -> None:
        self.scenario = scenario
        self.on_issued = on_issued
        self.officers = officers
        self.policy = policy
        self.day = day
        self.citizens = citizens
        self.env = simpy.Environment(initial_time=min(
            [scenario.open_minute] + [c.arrives for c in citizens]))
        self.lines = LinePublisher(self.env)
        self.ports = Ports(session=session, clock=SimulatedClock(self.env, day),
                           publisher=self.lines,
                           memo=Memo(seconds=float(DEFAULTS["ESTIMATE_CACHE_SECONDS"])))
        self.by_ticket: dict[int, Citizen] = {}
        self.idle: dict[int, simpy.Event] = {}  # counters waiting for a citizen
        # the counters that may call a sector's tickets: those serving it, and those
        # qualified for it when the policy lets officers help (under "static" they never
        # do: a wake-up or a call for those tickets would find nobody)
        self.callers: dict[str, list[int]] = {s.code: [] for s in scenario.sectors}
        self.lines_of: dict[int, list[str]] = {}
        for counter in scenario.counters:
            helps = counter.qualified if policy != "static" else []
            self.lines_of[counter.number] = counter.sectors + helps
            for code in self.lines_of[counter.number]:
                self.callers[code].append(counter.number)
        self.counters = [CounterDay(c.number, sum(end - start for start, end in
                                                  scenario.counter_windows(c)))
                         for c in scenario.counters]

    def run(self) -> DayResult:
        workers = [self.env.process(self._arrivals())]
        for spec, log in zip(self.scenario.counters, self.counters, strict=True):
            windows = self.scenario.counter_windows(spec)
            if windows:
                workers.append(self.env.process(self._counter(spec.number, windows, log)))
        self.env.run(until=simpy.AllOf(self.env, workers))
        for citizen in self.citizens:
            if citizen.outcome == "waiting":
                citizen.outcome = "unserved"
                citizen.waited += self.env.now - citizen.queued_since
        return DayResult(self.policy, self.day, [s.code for s in self.scenario.sectors],
                         self.citizens, self.counters, self.lines.queue)

    def _wake(self, sector: str) -> None:
        for number in self.callers[sector]:
            idle = self.idle.pop(number, None)
            if idle is not None:
                idle.succeed()

    def _arrivals(self) -> Generator[simpy.Event, Any, None]:
        for citizen in self.citizens:
            if citizen.arrives > self.env.now:
                yield self.env.timeout(citizen.arrives - self.env.now)
            try:
                issued = services.issue_ticket(
                    self.ports, hall_code=HALL, sector_code=citizen.sector,
                    priority=Priority.ELDERLY if citizen.priority else None, actor=KIOSK)
            except (errors.OutsideIssuingWindow, errors.DailyCapReached, errors.SectorClosed):
                citizen.outcome = "turned-away"
                continue
            citizen.ticket_id = issued.ticket.id
            citizen.estimate_minutes = issued.estimated_wait_minutes
            citizen.queued_since = self.env.now
            self.by_ticket[issued.ticket.id] = citizen
            if self.on_issued is not None:
                self.on_issued(self.ports, citizen, issued)
            self._wake(citizen.sector)

    def _act(self, use_case: Any, number: int, **kwargs: Any) -> Any:
        return use_case(self.ports, hall_code=HALL, counter_number=number,
                        actor=self.officers[number], **kwargs)

    def _counter(self, number: int, windows: list[tuple[float, float]],
                 log: CounterDay) -> Generator[simpy.Event, Any, None]:
        """An officer's day: open, call, serve, pause for the breaks, close. As officers do,
        "call next" also finishes the citizen at the counter; with nobody waiting on the
        officer's screen, or when the hours end, the officer completes them instead."""
        env = self.env
        for index, (start, end) in enumerate(windows):
            if env.now < start:
                yield env.timeout(start - env.now)
            self._act(services.resume_counter if index else services.open_counter, number)
            holding = False  # a served citizen still at the counter
            while env.now < end:
                nobody = not any(self.lines.waiting.get(code) for code in self.lines_of[number])
                if nobody and holding:
                    self._act(services.complete, number)
                call = None if nobody else self._act(services.call_next, number)
                holding = False
                if call is None or call.ticket is None:
                    self.idle[number] = idle = env.event()
                    yield idle | env.timeout(end - env.now)
                    self.idle.pop(number, None)
                    continue
                busy_from = env.now
                holding = yield from self._serve(number, self.by_ticket[call.ticket.id])
                log.busy_minutes += env.now - busy_from
            if holding:
                self._act(services.complete, number)
            log.working_minutes += max(0.0, env.now - end)  # finishing a citizen past the hour
            if index + 1 < len(windows):
                self._act(services.pause_counter, number, reason="giờ nghỉ")
        self._act(services.close_counter, number)

    def _serve(self, number: int, citizen: Citizen) -> Generator[simpy.Event, Any, bool]:
        """From the call to the end of the citizen's business at the counter; True when they
        were served (and are still to be finished)."""
        env = self.env
        waited = env.now - citizen.queued_since
        citizen.waited += waited
        if citizen.first_wait is None:
            citizen.first_wait = waited
        if citizen.no_show:
            yield env.timeout(self.scenario.no_show_grace_minutes)
            self._act(services.mark_no_show, number)
            citizen.outcome = "no-show"
            return False
        yield env.timeout(self.scenario.walk_minutes)
        self._act(services.start_serving, number)
        if citizen.transfer_to is not None:
            yield env.timeout(self.scenario.transfer_after_minutes)
            target, citizen.transfer_to = citizen.transfer_to, None
            self._act(services.transfer, number, to_sector=target,
                      reason="công dân cần lĩnh vực khác")
            citizen.queued_since = env.now
            self._wake(target)
            return False
        yield env.timeout(citizen.service_minutes)
        citizen.outcome = "served"
        return True


def simulate(scenario: Scenario, policy: str = "static", days: int = 1,
             seed: int = 1, on_issued: IssueWatcher | None = None) -> list[DayResult]:
    """`days` days of the scenario under `policy`, one after another on one throw-away
    database (so the wait estimates learn from the days before, as in a hall). The same
    seed gives every policy the same citizens."""
    check_policies([policy])
    results = []
    with throwaway_database() as engine, make_session_factory(engine)() as session:
        officers = build_hall(session, scenario, policy)
        for index in range(days):
            citizens = draw_citizens(scenario, random.Random(f"{seed}:{index}"))
            day = scenario.day + timedelta(days=index)
            results.append(HallDay(scenario, session, policy, day, citizens, officers,
                                   on_issued).run())
    return results
