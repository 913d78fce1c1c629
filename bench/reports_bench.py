"""Every report over a year of one busy hall, on SQLite and on PostgreSQL, and the report page's
draw time in Chromium.

The year: the demo hall's 13 sectors and 12 counters, ≈150,000 tickets on the working days
of 26/11/2025–25/11/2026 (weekends and the statutory days off skipped), each with its queue
log (issued, called, started, finished or no-show, some transferred), ratings for 60 % of the
services, and 50,000 dossiers. Rows are bulk-inserted with Core `insert()` executemany.

Targets: each report ≤ 1 s to compute; the page ≤ 2 s from navigation to charts drawn.
PostgreSQL rows run in a database of their own next to MOTCUA_TEST_POSTGRES_URL's (created and
dropped here), so tests using that database are never disturbed.
"""
from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, create_engine, func, insert, select
from sqlalchemy.engine import make_url

from motcua.admin import reports
from motcua.admin.export import report_xlsx
from motcua.auth.accounts import create_user
from motcua.core.accounts import StaffUser
from motcua.core.actors import SYSTEM, Role
from motcua.core.clock import FixedClock
from motcua.core.db import make_engine, make_session_factory
from motcua.core.events import RecordingPublisher
from motcua.core.ports import Ports
from motcua.counter.models import Rating, RatingLevel
from motcua.dossier.calendar import default_holidays
from motcua.dossier.models import Delivery, Dossier, DossierStatus, Procedure
from motcua.dossier.services import load_demo_catalogue
from motcua.migrate import upgrade
from motcua.queue.demo import load_demo_hall
from motcua.queue.models import Counter, Hall, Sector, Ticket, TicketEvent
from motcua.queue.models import TicketStatus as S

TICKETS = 150_000
DOSSIERS = 50_000
LAST_DAY = date(2026, 11, 25)
FIRST_DAY = LAST_DAY - timedelta(days=364)
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
CHUNK = 5_000
RUNS = 3
PASSWORD = "bench-password"
# Citizens per sector, relative (land and justice are the busiest lines of a provincial centre).
SECTOR_WEIGHTS = {"dat-dai": 24, "tu-phap": 18, "doanh-nghiep": 12, "xay-dung": 8,
                  "lao-dong": 8, "giao-thong": 7, "moi-truong": 5, "nong-nghiep": 4, "y-te": 4,
                  "giao-duc": 3, "cong-thuong": 3, "van-hoa": 2, "khoa-hoc": 2}


def working_days() -> list[date]:
    off = {h.day for year in (FIRST_DAY.year, LAST_DAY.year) for h in default_holidays(year)}
    days = (FIRST_DAY + timedelta(days=n) for n in range((LAST_DAY - FIRST_DAY).days + 1))
    return [d for d in days if d.weekday() < 5 and d not in off]


def issue_moment(rng: random.Random, day: date) -> datetime:
    """Mornings are busier (60 %) and peak around 08:30; afternoons 13:30–16:45."""
    if rng.random() < 0.6:
        minutes = min(max(rng.gauss(8.5 * 60, 75), 7 * 60), 11 * 60 + 25)
    else:
        minutes = rng.uniform(13.5 * 60, 16.75 * 60)
    local = datetime(day.year, day.month, day.day, tzinfo=ZONE) + timedelta(minutes=minutes)
    return local.astimezone(UTC)


# --- the year's data ------------------------------------------------------------------------


def fill(engine: Engine) -> dict[str, int]:
    """The demo hall and a year of its tickets, queue log, ratings and dossiers."""
    rng = random.Random(8)
    clock = FixedClock(datetime(2025, 11, 20, 8, 0, tzinfo=ZONE))
    with make_session_factory(engine)() as session:
        hall = load_demo_hall(Ports(session, clock, RecordingPublisher()))
        create_user(Ports(session, clock, RecordingPublisher()), actor=SYSTEM,
                    username="bench-admin", role=Role.ADMIN, password=PASSWORD)
        counters = session.scalars(select(Counter).where(Counter.hall_id == hall.id)).all()
        officers = []
        for counter in counters:
            user, _ = create_user(Ports(session, clock, RecordingPublisher()), actor=SYSTEM,
                                  username=f"canbo{counter.number}",
                                  role=Role.OFFICER, password=PASSWORD, hall_code="demo",
                                  full_name=f"Cán bộ quầy {counter.number}")
            officers.append(user)
        load_demo_catalogue(session, clock)
        sectors = {s.code: s for s in session.scalars(
            select(Sector).where(Sector.hall_id == hall.id))}
        serving: dict[int, list[tuple[Counter, StaffUser]]] = defaultdict(list)
        for counter, officer in zip(counters, officers, strict=True):
            for link in counter.sector_links:
                serving[link.sector_id].append((counter, officer))
        procedures: dict[int, list[int]] = defaultdict(list)
        for procedure in session.scalars(select(Procedure).where(Procedure.hall_id == hall.id)):
            procedures[procedure.sector_id].append(procedure.id)
        hall_id = hall.id
    days = working_days()
    codes = list(SECTOR_WEIGHTS)
    weights = [SECTOR_WEIGHTS[c] for c in codes]
    tickets: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    ratings: list[dict[str, Any]] = []
    per_day = TICKETS / len(days)
    ticket_id = 0
    for day in days:
        issued = sorted((issue_moment(rng, day), rng.choices(codes, weights)[0])
                        for _ in range(round(rng.gauss(per_day, per_day * 0.15))))
        sequence: dict[str, int] = defaultdict(int)
        for moment, code in issued:
            ticket_id += 1
            sector = sectors[code]
            sequence[code] += 1
            number = sector.number_start + sequence[code] - 1
            row, row_events, rating = _ticket(rng, ticket_id, hall_id, day, moment, sector,
                                              sequence[code], number, sectors, serving)
            tickets.append(row)
            events += row_events
            if rating:
                ratings.append(rating)
    dossiers = _dossiers(rng, hall_id, days, procedures)
    with engine.begin() as connection:
        for model, rows in ((Ticket, tickets), (TicketEvent, events), (Rating, ratings),
                            (Dossier, dossiers)):
            for start in range(0, len(rows), CHUNK):
                connection.execute(insert(model), rows[start:start + CHUNK])
        if engine.dialect.name == "postgresql":
            for table in ("tickets", "ticket_events", "ratings", "dossiers"):
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))")
                connection.exec_driver_sql(f"ANALYZE {table}")
        else:
            connection.exec_driver_sql("ANALYZE")
    return {"tickets": len(tickets), "events": len(events), "ratings": len(ratings),
            "dossiers": len(dossiers)}


def _ticket(rng: random.Random, ticket_id: int, hall_id: int, day: date, issued: datetime,
            sector: Sector, sequence: int, number: int, sectors: dict[str, Sector],
            serving: dict[int, list[tuple[Counter, StaffUser]]]
            ) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any] | None]:
    row: dict[str, Any] = {
        "id": ticket_id, "hall_id": hall_id, "sector_id": sector.id,
        "issued_sector_id": sector.id, "day": day, "sequence": sequence, "number": number,
        "display_number": sector.display(number), "status": S.WAITING, "priority": None,
        "token": f"bench-{ticket_id}", "issued_at": issued, "queued_at": issued,
        "called_at": None, "started_at": None, "finished_at": None, "counter_id": None,
        "reserved_counter_id": None, "call_count": 0, "transferred_from_sector_id": None,
        "transferred_from_counter_id": None, "issued_by_device_id": None,
    }
    events = [_event(hall_id, ticket_id, None, "issued", "kiosk:bench", issued)]
    fate = rng.random()
    if fate < 0.03:  # the day ended before the call
        row["status"] = S.CANCELLED if rng.random() < 0.5 else S.WAITING
        return row, events, None
    counter, officer = rng.choice(serving[sector.id])
    called = issued + timedelta(minutes=min(rng.expovariate(1 / 15), 180))
    row.update(called_at=called, counter_id=counter.id, call_count=1)
    events.append(_event(hall_id, ticket_id, counter.id, "called", f"staff:{officer.username}",
                         called))
    if fate < 0.08:  # called, did not come
        finished = called + timedelta(minutes=2)
        row.update(status=S.NO_SHOW, finished_at=finished)
        events.append(_event(hall_id, ticket_id, counter.id, "no_show",
                             f"staff:{officer.username}", finished))
        return row, events, None
    if fate < 0.12:  # transferred to another sector, served there
        moved = called + timedelta(minutes=rng.uniform(1, 5))
        target = sectors[rng.choice([c for c in SECTOR_WEIGHTS if c != sector.code])]
        events.append(_event(hall_id, ticket_id, counter.id, "transferred",
                             f"staff:{officer.username}", moved))
        row.update(sector_id=target.id, transferred_from_sector_id=sector.id,
                   transferred_from_counter_id=counter.id)
        counter, officer = rng.choice(serving[target.id])
        called = moved + timedelta(minutes=rng.expovariate(1 / 5))
        row.update(called_at=called, counter_id=counter.id, call_count=2)
        events.append(_event(hall_id, ticket_id, counter.id, "called",
                             f"staff:{officer.username}", called))
    started = called + timedelta(seconds=40) if rng.random() < 0.7 else None
    if started:
        events.append(_event(hall_id, ticket_id, counter.id, "started",
                             f"staff:{officer.username}", started))
    finished = (started or called) + timedelta(minutes=2 + rng.expovariate(1 / 6))
    row.update(status=S.DONE, started_at=started, finished_at=finished)
    events.append(_event(hall_id, ticket_id, counter.id, "completed",
                         f"staff:{officer.username}", finished))
    rating = None
    if rng.random() < 0.6:
        level = rng.choices(list(RatingLevel), [55, 35, 4, 6])[0]
        rating = {"hall_id": hall_id, "ticket_id": ticket_id, "counter_id": counter.id,
                  "officer_id": officer.id, "device_id": None, "level": level, "reason": None,
                  "day": day, "at": finished + timedelta(seconds=20)}
    return row, events, rating


def _event(hall_id: int, ticket_id: int, counter_id: int | None, kind: str, actor: str,
           at: datetime) -> dict[str, Any]:
    return {"hall_id": hall_id, "ticket_id": ticket_id, "counter_id": counter_id, "kind": kind,
            "actor": actor, "at": at, "reason": None, "data": {}}


def _dossiers(rng: random.Random, hall_id: int, days: list[date],
              procedures: dict[int, list[int]]) -> list[dict[str, Any]]:
    sector_ids = list(procedures)
    rows = []
    per_day: dict[date, int] = defaultdict(int)
    for n in range(1, DOSSIERS + 1):
        day = rng.choice(days)
        per_day[day] += 1
        sector_id = rng.choice(sector_ids)
        received = datetime(day.year, day.month, day.day, 9, tzinfo=ZONE).astimezone(UTC)
        due = received + timedelta(days=7)
        done = rng.random() < 0.9
        outcome = rng.choices(["early", "on_time", "late"], [50, 35, 15])[0] if done else None
        completed = (due + {"early": timedelta(days=-2), "on_time": timedelta(hours=2),
                            "late": timedelta(days=3)}[outcome]) if outcome else None
        rows.append({
            "id": n, "code": f"H21.65-{day:%y%m%d}-{per_day[day]:04d}", "hall_id": hall_id,
            "agency_code": "H21.65", "day": day, "sequence": per_day[day],
            "register_book": str(day.year), "register_entry": n,
            "procedure_id": rng.choice(procedures[sector_id]), "sector_id": sector_id,
            "ticket_id": None, "counter_id": None, "received_by_id": None,
            "applicant_name": "Nguyễn Văn Minh", "applicant_address": "", "applicant_phone": "",
            "id_card_digest": None, "documents": [], "sets": 1, "delivery": Delivery.COUNTER,
            "processing_time": 5, "unit": "working_days",
            "status": DossierStatus.DONE if done else DossierStatus.IN_PROCESS,
            "received_at": received, "due_at": due, "paused_at": None,
            "completed_at": completed,
            "completed_day": completed.astimezone(ZONE).date() if completed else None,
            "outcome": outcome, "closed_at": None, "qr_secret": f"bench-qr-{n}",
            "short_secret": f"b{n}",
        })
    return rows


# --- timing -----------------------------------------------------------------------------------


def time_reports(engine: Engine, backend: str, sizes: dict[str, int]) -> list[dict[str, Any]]:
    period = reports.Period(LAST_DAY - timedelta(days=365), LAST_DAY)
    sessions = make_session_factory(engine)
    results = []
    for key in reports.REPORTS:
        times = []
        for _ in range(RUNS + 1):  # the first run warms the caches, as a hall's server is warm
            with sessions() as session:
                hall = session.scalars(select(Hall).where(Hall.code == "demo")).one()
                started = time.perf_counter()
                built = reports.build_report(session, hall, key, period)
                times.append(time.perf_counter() - started)
        seconds = statistics.median(times[1:])
        results.append({"backend": backend, "what": f"report {key}", "rows": sum(
            len(t.rows) for t in built.tables), "seconds": seconds, "target_s": 1.0,
            "ok": seconds <= 1.0, **sizes})
    with sessions() as session:
        hall = session.scalars(select(Hall).where(Hall.code == "demo")).one()
        built = reports.build_report(session, hall, "times", period)
        started = time.perf_counter()
        report_xlsx(built, lambda s: s, hall.name)
        seconds = time.perf_counter() - started
    results.append({"backend": backend, "what": "xlsx export of times", "seconds": seconds,
                    "target_s": 1.0, "ok": seconds <= 1.0})
    return results


def time_pages(database_url: str) -> list[dict[str, Any]]:
    """Each report page of the year in Chromium, served by `motcua serve`: navigation start to
    every chart drawn."""
    from playwright.sync_api import sync_playwright

    from bench.server import served

    if not Path("/usr/bin/chromium").exists():
        return [{"backend": "sqlite", "what": "report pages", "note": "no /usr/bin/chromium"}]
    period = f"from={(LAST_DAY - timedelta(days=365)).isoformat()}&to={LAST_DAY.isoformat()}"
    results = []
    with served(database_url, prepare=False) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.goto(f"{server.url}/sign-in?next=/admin/")
        page.fill("#username", "bench-admin")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{server.url}/admin/")
        for key in reports.REPORTS:
            times = []
            for _ in range(RUNS):
                page.goto(f"{server.url}/admin/demo/reports/{key}?{period}", wait_until="commit")
                page.wait_for_function("document.body && document.body.dataset.chartsDrawn")
                times.append(page.evaluate("performance.now()") / 1000)
            seconds = statistics.median(times)
            results.append({"backend": "sqlite", "what": f"page {key} (Chromium)",
                            "seconds": seconds, "target_s": 2.0, "ok": seconds <= 2.0})
        browser.close()
    return results


@contextmanager
def own_database(url: str) -> Iterator[str]:
    """A PostgreSQL database of the bench's own beside the given one; dropped afterwards."""
    base = make_url(url)
    name = f"{base.database}_reports_bench"
    # Created and dropped from the maintenance database: tests may close every connection to
    # theirs, and a fresh (pre-pinged) connection does the final drop.
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT",
                          pool_pre_ping=True)
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def bench(backend: str, url: str, pages: bool) -> list[dict[str, Any]]:
    engine = make_engine(url)
    upgrade(engine)
    started = time.perf_counter()
    sizes = fill(engine)
    loaded = time.perf_counter() - started
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Ticket.__table__)) == \
            sizes["tickets"]
    rows = [{"backend": backend, "what": "bulk load of the year", "seconds": loaded, **sizes}]
    rows += time_reports(engine, backend, {"tickets": sizes["tickets"]})
    engine.dispose()
    if pages:
        rows += time_pages(url)
    return rows


def run() -> list[dict[str, Any]]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="motcua-reports-") as tmp:
        rows += bench("sqlite", f"sqlite:///{Path(tmp) / 'year.sqlite'}", pages=True)
    postgres = os.environ.get("MOTCUA_TEST_POSTGRES_URL")
    if postgres:
        with own_database(postgres) as url:
            rows += bench("postgresql", url, pages=False)
    return rows


if __name__ == "__main__":
    from bench.__main__ import print_table

    print_table("reports", run())
