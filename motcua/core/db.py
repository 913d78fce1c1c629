"""Database plumbing: the declarative base, engines tuned per backend, and busy retries.

SQLite runs in WAL mode. A unit of work that writes starts its transaction with
`BEGIN IMMEDIATE`, so it takes the write lock before it reads and two kiosks can never
read the same "last number" (SQLAlchemy's "non-legacy SQLite transactional modes"
recipe); reads start a plain deferred `BEGIN` and never block writers. PostgreSQL runs at
READ COMMITTED; numbering there relies on an upsert of a counter row.
"""
from __future__ import annotations

import enum
import re
import sqlite3
import threading
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar, cast

from sqlalchemy import DateTime, Engine, Enum, Table, create_engine, event, insert, make_url
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    DisconnectionError,
    InterfaceError,
    OperationalError,
)
from sqlalchemy.orm import DeclarativeBase, Session, make_transient_to_detached, sessionmaker
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.base import Executable
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC and always returns them aware.

    SQLite has no time zone type and hands back naive values; this keeps the rest of the
    code free of naive datetimes on both backends.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def enum_column(cls: type[enum.Enum]) -> Enum:
    """An enum stored as its values in a short string column (no native type to migrate)."""
    return Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime()}


M = TypeVar("M", bound=Base)
E = TypeVar("E", bound=Executable)


def insert_one(session: Session, model: type[M], values: Mapping[str, Any]) -> M:
    """Insert one row with one Core INSERT and hand back its object without reading it: on
    the paths a tap takes, the ORM's unit of work costs several times the INSERT itself.
    Columns not given are None on the object (give every column that has a default)."""
    table = cast(Table, model.__table__)
    inserted = session.connection().execute(insert(table), dict(values)).inserted_primary_key
    assert inserted is not None  # set by every single-row INSERT
    every = {column.key: None for column in table.columns}
    return as_loaded(session, model, every | dict(values) | {"id": inserted[0]})


def as_loaded(session: Session, model: type[M], columns: Mapping[str, Any]) -> M:
    """The object of the row a Core statement just wrote (`columns`: every column, as the
    database holds it, "id" among them), in the session as if loaded: a copy the session
    holds already (a long-lived session's) takes the new values, its relationships read
    again when asked."""
    found = session.identity_map.get(session.identity_key(model, columns["id"]))
    if found is None:
        made = model(**columns)
        make_transient_to_detached(made)
        session.add(made)
        return made
    assert isinstance(found, model)
    for key, value in columns.items():
        set_committed_value(found, key, value)
    session.expire(found, [relationship.key for relationship in sa_inspect(model).relationships])
    return found


class DatabaseUrlError(ValueError):
    """DATABASE_URL is not a URL of a database motcua can use (said without the URL, which
    may hold a password)."""


def make_engine(url: str, pool: tuple[int, int] = (10, 5), **kwargs: Any) -> Engine:
    """`pool`: (pool_size, max_overflow) of a server database, per process. Every process may
    open their sum: with 4 processes and 10 + 20, PostgreSQL's default max_connections (100)
    refused Socket.IO connects ("too many clients already") at a province's connect burst."""
    try:
        return _make_engine(url, pool, **kwargs)
    except (ArgumentError, ImportError) as exc:  # not a URL, an unknown database, no driver
        # SQLAlchemy's default driver for postgresql:// is psycopg (3); motcua ships psycopg2
        hint = ("; name the driver motcua installs: postgresql+psycopg2://…"
                if isinstance(exc, ImportError) and url.startswith("postgresql:") else "")
        raise DatabaseUrlError("DATABASE_URL (MOTCUA_DATABASE_URL) is not a database URL motcua "
                               f"can use: {exc}{hint}") from None


def _make_engine(url: str, pool: tuple[int, int], **kwargs: Any) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"timeout": 30, "check_same_thread": False},
            **kwargs,
        )
        _configure_sqlite(engine)
        return engine
    polled = make_url(url).get_driver_name() == "psycopg2" and "pool_pre_ping" not in kwargs
    kwargs.setdefault("pool_pre_ping", not polled)
    kwargs.setdefault("pool_size", pool[0])
    kwargs.setdefault("max_overflow", pool[1])
    engine = create_engine(url, **kwargs)
    if polled:
        _replace_closed_connections(engine)
    if engine.dialect.driver == "psycopg2":
        _run_prepared(engine)
    return engine


PREPARED_OPTION = "motcua_prepared"
PREPARED_PER_CONNECTION = 64  # statements kept prepared on one connection, at most
_PREPARED_NAMES = "motcua_prepared_names"
_PLACEHOLDER = re.compile(r"%%|%\((\w+)\)s")


def prepared(statement: E) -> E:
    """`statement`, run on PostgreSQL as a prepared statement of each connection: planned
    once instead of at every run. For the statements of a tap or a call, whose planning cost
    PostgreSQL more than running them (the heads of a counter's lines: 1 ms to plan, 0.2 to
    run). Every parameter's type must follow from the statement (a column it is compared
    with, a CAST), as PostgreSQL infers them once for every later run."""
    return statement.execution_options(**{PREPARED_OPTION: True})


def _run_prepared(engine: Engine) -> None:
    """psycopg2 has no prepared statements of its own: a statement marked by `prepared` is
    prepared with SQL the first time a connection meets it, in the round trip that runs it
    (`PREPARE name AS …; EXECUTE name(…)`), then run by `EXECUTE` with its parameters, which
    psycopg2 quotes as ever. What a connection prepared is kept in its pool entry's `info`,
    dropped with the connection. PostgreSQL keeps a prepared statement for the session,
    whatever becomes of the transaction; one whose first run failed is prepared again under
    a new name (`PREPARED_PER_CONNECTION` names at most, then it is run unprepared)."""

    @event.listens_for(engine, "before_cursor_execute", retval=True)
    def _as_prepared(conn: Any, _cursor: Any, statement: str, parameters: Any, context: Any,
                     executemany: bool) -> tuple[str, Any]:
        if executemany or context is None or not context.execution_options.get(PREPARED_OPTION):
            return statement, parameters
        info = conn.connection.info
        kept: dict[str, str] = info.setdefault(PREPARED_OPTION, {})  # statement -> its EXECUTE
        run = kept.get(statement)
        if run is not None:
            return run, parameters
        named = info.get(_PREPARED_NAMES, 0)
        if named >= PREPARED_PER_CONNECTION:
            return statement, parameters
        info[_PREPARED_NAMES] = named + 1
        keys: list[str] = []

        def numbered(match: re.Match[str]) -> str:
            if match.group(1) is None:
                return match.group(0)  # "%%", which psycopg2 makes "%"
            if match.group(1) not in keys:
                keys.append(match.group(1))
            return f"${keys.index(match.group(1)) + 1}"

        body = _PLACEHOLDER.sub(numbered, statement)
        name = f"motcua_{named}"
        run = f"EXECUTE {name}(" + ", ".join(f"%({key})s" for key in keys) + ")" if keys \
            else f"EXECUTE {name}"
        kept[statement] = run
        context.motcua_preparing = statement
        return f"PREPARE {name} AS {body}; {run}", parameters

    @event.listens_for(engine, "handle_error")
    def _forget_failed(error: Any) -> None:
        preparing = getattr(error.execution_context, "motcua_preparing", None)
        if preparing is not None and error.connection is not None and not error.connection.invalidated:
            error.connection.connection.info.get(PREPARED_OPTION, {}).pop(preparing, None)


def _replace_closed_connections(engine: Engine) -> None:
    """What `pool_pre_ping` does, without its round trip: a connection the server has closed
    (PostgreSQL restarted or ended it, the network path was cut) is replaced as it leaves the
    pool, so the request that takes it is answered instead of failing once.

    The ping cost every request a `SELECT 1` (one of about ten round trips of a call-next).
    A server that ends a connection sends an error and closes the socket; reading what waits
    on the idle socket without blocking (psycopg2's `poll`) finds both: the first read takes
    the error as a notice, the second meets the closed socket and raises. A connection lost
    without a word (a host gone dark) passes here, where the ping would have hung until TCP
    gave up; the request then answers 503 (`web.outage`) and the pool drops the connection.
    """
    lost = engine.dialect.loaded_dbapi.Error

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        try:
            dbapi_connection.poll()
            dbapi_connection.poll()
        except lost as exc:
            raise DisconnectionError(f"the connection was closed: {exc}") from exc


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_LOCK_WAIT_MS}")
        cursor.close()

    # One writer at a time in this process, in turn: SQLite lets one connection write and
    # answers the others "busy", which they could only meet by asking again after a sleep.
    # Threads (MOTCUA_ASYNC_MODE=threading: one per kiosk) asked dozens of times a write, each
    # sleep a few milliseconds past the moment the lock came free. They wait on this lock
    # instead (green threads on a green one), woken as the writer before them ends; only
    # another process's writer (the print worker, a CLI command) is waited for by asking.
    writers = threading.Lock()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if not connection.get_execution_options().get(WRITE_OPTION, False):
            connection.exec_driver_sql("BEGIN")
            return
        wait = SQLITE_LOCK_WAIT_MS / 1000  # past it, SQLite is asked anyway and says "locked"
        if not connection.info.get(_HOLDS_WRITERS_LOCK) and writers.acquire(timeout=wait):
            connection.info[_HOLDS_WRITERS_LOCK] = True
        try:
            _begin_immediate(connection)
        except BaseException:
            _let_go(connection.info)
            raise

    def _let_go(info: dict[Any, Any]) -> None:
        if info.pop(_HOLDS_WRITERS_LOCK, False):
            writers.release()

    # Let go once the connection is back in the pool: after its COMMIT or ROLLBACK has run
    # (the engine's "commit" event comes before; the next writer would find SQLite still busy).
    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        _let_go(record.info)

    @event.listens_for(engine, "invalidate")
    def _on_invalidate(_dbapi_connection: Any, record: Any, _exception: Any) -> None:
        _let_go(record.info)


_HOLDS_WRITERS_LOCK = "motcua_holds_writers_lock"


def _begin_immediate(connection: Any) -> None:
    """BEGIN IMMEDIATE, waiting for another process's write lock.

    SQLite waits for it inside its own C code, in the thread that asked; under eventlet or
    gevent every request of the process shares that thread, so boards and kiosks would stop
    until the print worker or a CLI command let go. The wait is made here instead, in sleeps
    the server's other requests run in (`time.sleep`, green when the server's mode makes it so).
    """
    raw = connection.connection.driver_connection
    raw.execute("PRAGMA busy_timeout=0")
    try:
        pause, waited = 0.001, 0.0
        while True:
            try:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
                return
            except OperationalError as exc:
                if not is_busy_error(exc) or waited >= SQLITE_LOCK_WAIT_MS / 1000:
                    raise
            time.sleep(pause)
            waited += pause
            pause = min(pause * 2, 0.005)
    finally:
        raw.execute(f"PRAGMA busy_timeout={SQLITE_LOCK_WAIT_MS}")


WRITE_OPTION = "motcua_write"
SQLITE_LOCK_WAIT_MS = 30_000  # how long a statement waits for another writer before "database is locked"


def begin_write(session: Session) -> None:
    """Make the session's transaction a writer (BEGIN IMMEDIATE on SQLite).

    A write transaction already open is kept. A read transaction still open from earlier in
    the request is ended first: in WAL mode a deferred reader that later tries to write can
    fail at once instead of waiting its turn.
    """
    if session.in_transaction():
        if session.connection().get_execution_options().get(WRITE_OPTION, False):
            return
        session.commit()
    session.connection(execution_options={WRITE_OPTION: True})


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


_PG_RETRYABLE = {"40001", "40P01", "55P03"}  # serialization failure, deadlock, lock not available


def is_busy_error(exc: BaseException) -> bool:
    if isinstance(exc, OperationalError) and "database is locked" in str(exc):
        return True
    if isinstance(exc, DBAPIError):
        code = getattr(getattr(exc, "orig", None), "pgcode", None)
        return code in _PG_RETRYABLE
    return False


# PostgreSQL error classes that mean "not now" rather than "never": connection exception,
# insufficient resources (too many connections), operator intervention (shutdown, starting up).
_PG_UNAVAILABLE_CLASSES = ("08", "53", "57P")
_SQLITE_UNAVAILABLE = ("database is locked", "unable to open database", "disk I/O error")


def is_unavailable_error(exc: BaseException) -> bool:
    """Whether `exc` means the database cannot be reached or used right now (it restarts, its
    connections dropped, SQLite stayed locked through the busy retries), so the same request
    may succeed a little later. Constraint violations and a missing schema are not: they are
    bugs or set-up errors and stay 500s."""
    if isinstance(exc, DisconnectionError):
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, InterfaceError):  # psycopg2: "connection already closed"
        return not isinstance(exc.orig, sqlite3.Error)  # sqlite3: a value it cannot bind, a bug
    if not isinstance(exc, OperationalError):
        return False
    if isinstance(exc.orig, sqlite3.Error):
        return any(text in str(exc.orig) for text in _SQLITE_UNAVAILABLE)
    code = getattr(exc.orig, "pgcode", None)
    # psycopg2 gives connection failures ("refused", "server closed the connection") no code.
    return code is None or code.startswith(_PG_UNAVAILABLE_CLASSES) or code in _PG_RETRYABLE
