"""Dossiers at a province's scale: 1,000,000 dossiers in PostgreSQL (about four years of a
provincial centre), then look-ups, intake and the public figures of a month.

- look-up by the receipt's QR code and by code + short secret: the service alone (find and
  read the citizen's view) and the whole page through the app (Flask test client, no
  network), p50 and p95;
- intake at a counter (numbering, due date on the working calendar, event row), p50 and p95;
- the publication figures of a month, for the hall and for every hall.

Targets: look-up p95 ≤ 20 ms; a month's figures ≤ 1 s. The dossiers and their events are
bulk-loaded with COPY into a database of the bench's own beside MOTCUA_TEST_POSTGRES_URL's
(created and dropped here); without that variable the benchmark says so and skips.
"""
from __future__ import annotations

import csv
import io
import json
import os
import random
import secrets
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, create_engine, select
from sqlalchemy.engine import make_url

from motcua import create_app
from motcua.auth.accounts import create_user
from motcua.core.actors import SYSTEM, Actor, Role
from motcua.core.clock import FixedClock
from motcua.core.db import make_engine, make_session_factory
from motcua.core.events import RecordingPublisher
from motcua.core.ports import Ports
from motcua.dossier import access, readmodels
from motcua.dossier import services as dossiers
from motcua.dossier.access import SHORT_ALPHABET
from motcua.dossier.calendar import default_holidays
from motcua.dossier.models import Dossier, Procedure
from motcua.migrate import upgrade
from motcua.queue import services as queue
from motcua.queue.demo import load_demo_hall
from motcua.queue.models import Hall

DOSSIERS = 1_000_000
CHUNK = 50_000
LOOKUPS = 500
INTAKES = 200
RUNS = 3
AGENCY = "H21.65"
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = date(2026, 11, 25)  # the bench's "now": the loaded years end the day before
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=ZONE)
LOOKUP_TARGET_MS = 20.0
FIGURES_TARGET_S = 1.0
COLUMNS = ("id", "code", "hall_id", "agency_code", "day", "sequence", "register_book",
           "register_entry", "procedure_id", "sector_id", "applicant_name", "applicant_address",
           "applicant_phone", "documents", "sets", "delivery", "processing_time", "unit", "status",
           "received_at", "due_at", "completed_at", "completed_day", "outcome", "closed_at",
           "qr_secret", "short_secret")
EVENT_COLUMNS = ("dossier_id", "hall_id", "kind", "from_status", "to_status", "actor", "at", "data")
NAMES = ("Nguyễn Văn Minh", "Trần Thị Hồng", "Lê Quốc Bảo", "Phạm Thị Thu Hà", "Võ Minh Tuấn",
         "Đặng Thị Ánh Tuyết", "Huỳnh Đức Thịnh", "Bùi Thị Lan")


@contextmanager
def own_database(url: str) -> Iterator[str]:
    """A database of the bench's own beside the given one; dropped afterwards."""
    base = make_url(url)
    name = f"{base.database}_dossier_bench"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


# --- the years' data --------------------------------------------------------------------------


def _working_days(count_back: int) -> list[date]:
    off = {h.day for year in range(TODAY.year - 6, TODAY.year + 1) for h in default_holidays(year)}
    days: list[date] = []
    day = TODAY - timedelta(days=1)
    while len(days) < count_back:
        if day.weekday() < 5 and day not in off:
            days.append(day)
        day -= timedelta(days=1)
    return sorted(days)


def _rows(hall_id: int, procedures: list[tuple[int, int, float]], rng: random.Random
          ) -> Iterator[tuple[list[Any], list[list[Any]]]]:
    """Each dossier's row and its events: received, and for most of them done and returned."""
    days = _working_days(1000)
    number = 0
    for index, day in enumerate(days):
        opening = datetime(day.year, day.month, day.day, 7, 0, tzinfo=ZONE)
        that_day = DOSSIERS * (index + 1) // len(days) - DOSSIERS * index // len(days)
        for sequence in range(1, that_day + 1):
            number += 1
            procedure_id, sector_id, amount = rng.choice(procedures)
            received = (opening + timedelta(seconds=rng.randrange(0, 9 * 3600))).astimezone(UTC)
            due = received + timedelta(days=amount * 1.4)
            age = (TODAY - day).days
            outcome = None
            if age > 60 or rng.random() < age / 60:
                outcome = rng.choices(("early", "on_time", "late"), (55, 33, 12))[0]
            completed = None
            if outcome:
                completed = due + {"early": -timedelta(days=2), "on_time": timedelta(hours=1),
                                   "late": timedelta(days=3)}[outcome]
            status = 10 if outcome and age > 30 else 9 if outcome else 4
            closed = completed + timedelta(days=2) if completed and status == 10 else None
            row = [number, f"{AGENCY}-{day:%y%m%d}-{sequence:04d}", hall_id, AGENCY, day, sequence,
                   day.year, number, procedure_id, sector_id, rng.choice(NAMES), "Nha Trang, Khánh Hòa",
                   f"09{rng.randrange(10**8):08d}", "[]", 1,
                   "counter", amount, "working_days", status, received, due, completed,
                   completed.astimezone(ZONE).date() if completed else None, outcome, closed,
                   secrets.token_urlsafe(18),
                   "".join(rng.choice(SHORT_ALPHABET) for _ in range(access.SHORT_LENGTH))]
            events = [[number, hall_id, "received", None, 2, "staff:bench", received, "{}"],
                      [number, hall_id, "status_changed", 2, 4, "staff:bench",
                       received + timedelta(hours=2), "{}"]]
            if completed:
                events.append([number, hall_id, "status_changed", 4, 9, "staff:bench", completed,
                               json.dumps({"outcome": outcome})])
            if closed:
                events.append([number, hall_id, "status_changed", 9, 10, "staff:bench", closed, "{}"])
            yield row, events


def _copy(cursor: Any, table: str, columns: tuple[str, ...], rows: list[list[Any]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(["" if v is None else v.isoformat() if isinstance(v, (date, datetime)) else v
                         for v in row])
    buffer.seek(0)
    cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)", buffer)


def fill(engine: Engine) -> tuple[int, int]:
    """The demo hall, its catalogue, and the dossiers with their events; returns their counts."""
    sessions = make_session_factory(engine)
    clock = FixedClock(NOW)
    with sessions() as session:
        load_demo_hall(Ports(session, clock, RecordingPublisher()))
        dossiers.load_demo_catalogue(session, clock)
        hall_id = session.scalars(select(Hall.id).where(Hall.code == "demo")).one()
        procedures = [(p.id, p.sector_id, p.processing_time) for p in session.scalars(
            select(Procedure).where(Procedure.unit == "working_days"))]
    rng = random.Random(7)
    loaded = events_loaded = 0
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        batch: list[list[Any]] = []
        batch_events: list[list[Any]] = []
        for row, events in _rows(hall_id, procedures, rng):
            batch.append(row)
            batch_events += events
            if len(batch) == CHUNK:
                _copy(cursor, "dossiers", COLUMNS, batch)
                _copy(cursor, "dossier_events", EVENT_COLUMNS, batch_events)
                loaded, events_loaded = loaded + len(batch), events_loaded + len(batch_events)
                batch, batch_events = [], []
        if batch:
            _copy(cursor, "dossiers", COLUMNS, batch)
            _copy(cursor, "dossier_events", EVENT_COLUMNS, batch_events)
            loaded, events_loaded = loaded + len(batch), events_loaded + len(batch_events)
        cursor.execute("SELECT setval(pg_get_serial_sequence('dossiers', 'id'), max(id)) FROM dossiers")
        raw.commit()
    finally:
        raw.close()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE dossiers")
        connection.exec_driver_sql("VACUUM ANALYZE dossier_events")
    return loaded, events_loaded


# --- timing -----------------------------------------------------------------------------------


def _percentiles(times: list[float]) -> tuple[float, float]:
    ms = sorted(t * 1000 for t in times)
    return statistics.median(ms), ms[int(0.95 * (len(ms) - 1))]


def _row(what: str, times: list[float], target_ms: float | None) -> dict[str, Any]:
    p50, p95 = _percentiles(times)
    row: dict[str, Any] = {"what": what, "n": len(times), "p50 ms": round(p50, 2),
                           "p95 ms": round(p95, 2)}
    if target_ms is not None:
        row["target"] = f"p95 ≤ {target_ms:g} ms: {'met' if p95 <= target_ms else 'MISSED'}"
    return row


def _timed(work: Callable[[], Any], count: int) -> list[float]:
    times = []
    for _ in range(count):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return times


def time_lookups(url: str, engine: Engine) -> list[dict[str, Any]]:
    rng = random.Random(11)
    with engine.connect() as connection:
        samples = connection.execute(
            select(Dossier.code, Dossier.qr_secret, Dossier.short_secret)
            .where(Dossier.id.in_(rng.sample(range(1, DOSSIERS + 1), LOOKUPS)))).all()
    clock = FixedClock(NOW)
    sessions = make_session_factory(engine)
    key = b"bench id-card key"
    rows = []
    picks = iter(list(samples) * 4)

    def by_qr() -> None:
        with sessions() as session:
            found = dossiers.find_by_qr(session, next(picks).qr_secret)
            assert found is not None
            readmodels.public_view(found, clock)

    def by_code() -> None:
        sample = next(picks)
        with sessions() as session:
            found = dossiers.find_by_code(session, sample.code, sample.short_secret, key)
            assert found is not None
            readmodels.public_view(found, clock)

    _timed(by_qr, 50)  # warm the pool and the caches, as a running server is
    rows.append(_row("look-up by QR (service + view)", _timed(by_qr, LOOKUPS), LOOKUP_TARGET_MS))
    rows.append(_row("look-up by code + secret (service + view)", _timed(by_code, LOOKUPS),
                     LOOKUP_TARGET_MS))

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False,
                      "ASYNC_MODE": "threading", "REDIS_URL": None, "PRINTER": "dummy:"},
                     clock=clock, publisher=RecordingPublisher())
    client = app.test_client()
    pages = iter(list(samples) * 4)

    def qr_page() -> None:
        assert client.get(f"/tra-cuu/{next(pages).qr_secret}").status_code == 200

    def code_page() -> None:
        sample = next(pages)
        answer = client.post("/tra-cuu", data={"code": sample.code, "secret": sample.short_secret})
        assert answer.status_code == 200

    def wrong_secret_page() -> None:
        answer = client.post("/tra-cuu", data={"code": next(pages).code, "secret": "XXXXXX"})
        assert answer.status_code == 404

    _timed(qr_page, 30)
    rows.append(_row("look-up page by QR (GET /tra-cuu/…)", _timed(qr_page, LOOKUPS), LOOKUP_TARGET_MS))
    rows.append(_row("look-up page by code + secret (POST /tra-cuu)", _timed(code_page, LOOKUPS),
                     LOOKUP_TARGET_MS))
    rows.append(_row("look-up page, wrong secret (404)", _timed(wrong_secret_page, LOOKUPS // 2),
                     LOOKUP_TARGET_MS))
    app.extensions["motcua"].engine.dispose()
    return rows


def time_intake(engine: Engine) -> list[dict[str, Any]]:
    clock = FixedClock(NOW)
    ports = Ports(make_session_factory(engine)(), clock, RecordingPublisher())
    user, _ = create_user(Ports(ports.session, clock, RecordingPublisher()), actor=SYSTEM,
                          username="bench-officer", role=Role.OFFICER,
                          password="bench-password", hall_code="demo")
    officer = Actor(kind="staff", name=user.username, role=Role.OFFICER, user_id=user.id,
                    hall_id=user.hall_id)
    queue.open_counter(ports, hall_code="demo", counter_number=1, actor=officer)
    queue.issue_ticket(ports, hall_code="demo", sector_code="dat-dai", priority=None, actor=SYSTEM)
    queue.call_next(ports, hall_code="demo", counter_number=1, actor=officer)
    intake = dossiers.Intake(
        procedure_code="1.012770",
        applicant=dossiers.Applicant(name="Nguyễn Văn Minh", phone="0905123456",
                                     address="12 Lê Thánh Tôn, Nha Trang", id_card="079123456789"),
        documents=(dossiers.HandedDocument("Đơn đăng ký biến động đất đai, tài sản gắn liền với đất", 1),
                   dossiers.HandedDocument("Giấy chứng nhận đã cấp", 1, 1)))
    installation = dossiers.Installation(agency_code=AGENCY, id_card_key=b"bench id-card key")

    def receive() -> None:
        dossiers.receive_dossier(ports, hall_code="demo", counter_number=1, actor=officer,
                                 intake=intake, installation=installation)
        clock.advance(seconds=20)

    _timed(receive, 10)
    rows = [_row("intake at a counter (receive_dossier)", _timed(receive, INTAKES), None)]
    ports.session.close()
    return rows


def time_figures(engine: Engine) -> list[dict[str, Any]]:
    sessions = make_session_factory(engine)
    rows = []
    first, last = date(2026, 10, 1), date(2026, 10, 31)
    for label, one_hall in (("the hall", True), ("every hall", False)):
        times = []
        for _ in range(RUNS + 1):
            with sessions() as session:
                hall = session.scalars(select(Hall).where(Hall.code == "demo")).one() if one_hall else None
                started = time.perf_counter()
                figures = readmodels.dossier_figures(session, hall, first, last)
                times.append(time.perf_counter() - started)
        seconds = statistics.median(times[1:])
        rows.append({"what": f"publication figures of a month, {label}", "n": RUNS,
                     "p50 ms": round(seconds * 1000, 1), "received": figures.total.received,
                     "completed": figures.total.completed,
                     "target": f"≤ {FIGURES_TARGET_S:g} s: "
                               f"{'met' if seconds <= FIGURES_TARGET_S else 'MISSED'}"})
    return rows


def run() -> list[dict[str, Any]]:
    postgres = os.environ.get("MOTCUA_TEST_POSTGRES_URL")
    if not postgres:
        return [{"what": "dossiers at a province's scale",
                 "note": "skipped: MOTCUA_TEST_POSTGRES_URL is not set (.ci/run sets it)"}]
    with own_database(postgres) as url:
        engine = make_engine(url)
        upgrade(engine)
        started = time.perf_counter()
        loaded, events = fill(engine)
        rows: list[dict[str, Any]] = [{"what": "bulk load (COPY) and VACUUM ANALYZE", "n": loaded,
                                       "events": events,
                                       "seconds": round(time.perf_counter() - started, 1)}]
        rows += time_lookups(url, engine)
        rows += time_intake(engine)
        rows += time_figures(engine)
        engine.dispose()
    return rows


if __name__ == "__main__":
    from bench.__main__ import print_table

    print_table("dossier", run())
