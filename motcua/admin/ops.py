"""Operations: backing up and restoring the embedded SQLite database, and the health report.

Backups use SQLite's online backup API (`sqlite3.Connection.backup`), which copies a
consistent snapshot while the server keeps running — copying the file would tear a WAL
database. A restore first checks the file is a motcua database this version can read, keeps
a backup of the current database, then copies the file into the live database with the same
API (so open connections simply see the restored data) and brings its schema up to date.
"""
from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

SQLITE_HEADER = b"SQLite format 3\x00"
MOTCUA_TABLES = frozenset({"halls", "sectors", "counters", "tickets", "staff_users"})


class OpsError(Exception):
    """A backup or restore that cannot go ahead; the message says why, in one line."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    revision: str | None  # None: a database made without migrations (tests)
    halls: int
    tickets: int
    size_bytes: int

    def describe(self) -> str:
        revision = self.revision or "unversioned"
        return (f"{self.path} ({self.halls} hall(s), {self.tickets} ticket(s), "
                f"{self.size_bytes / 2**20:.1f} MB, schema {revision})")


def database_file(engine: Engine) -> Path:
    """The SQLite file behind the engine; other databases have their own tools."""
    if engine.dialect.name != "sqlite":
        raise OpsError(f"backup and restore work on the embedded SQLite database; this one is "
                       f"{engine.dialect.name} (use pg_dump and pg_restore)")
    name = engine.url.database
    if not name or name == ":memory:" or name.startswith("file:"):
        raise OpsError("the database is not a file: nothing to back up")
    return Path(name).resolve()


def backup_name(moment: datetime, prefix: str = "motcua") -> str:
    return f"{prefix}-{moment.strftime('%Y%m%d-%H%M%S')}.sqlite"


def backup(engine: Engine, out: Path) -> BackupInfo:
    """Write a consistent copy of the live database to `out` (a new file)."""
    source = database_file(engine)
    if not source.exists():
        raise OpsError(f"no database at {source}: run `motcua db upgrade` first")
    if out.exists():
        raise OpsError(f"{out} already exists: choose another file name")
    if not out.parent.is_dir():
        raise OpsError(f"folder {out.parent} does not exist")
    partial = out.with_name(out.name + ".partial")
    try:
        # the owner's alone from the start, as the database: password hashes, citizens' data
        made = os.open(partial, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
        os.fchmod(made, 0o600)
        os.close(made)
        with _connect(source) as live, _connect(partial) as copy:
            live.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        os.replace(partial, out)
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise OpsError(f"backup failed: {exc}") from None
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise OpsError(f"cannot write {out}: {exc.strerror}") from None
    return inspect_backup(out)


def _connect(path: Path, read_only: bool = False) -> sqlite3.Connection:
    if read_only:
        return sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=30)
    return sqlite3.connect(path, timeout=30)


def _known_revisions() -> set[str]:
    from motcua import migrate  # Alembic: only backup and restore need it, not the server

    return migrate.known_revisions()


def inspect_backup(path: Path) -> BackupInfo:
    """What a backup file holds; refuses anything that is not a motcua database."""
    if not path.is_file():
        raise OpsError(f"{path} is not a file")
    with path.open("rb") as f:
        if f.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise OpsError(f"{path} is not a SQLite database, so not a motcua backup")
    try:
        with _connect(path, read_only=True) as db:
            if db.execute("PRAGMA quick_check").fetchone() != ("ok",):
                raise OpsError(f"{path} is damaged (SQLite's quick_check failed)")
            tables = {row[0] for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            missing = MOTCUA_TABLES - tables
            if missing:
                raise OpsError(f"{path} is not a motcua database (no {', '.join(sorted(missing))})")
            revision = None
            if "alembic_version" in tables:
                row = db.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = row[0] if row else None
            halls = db.execute("SELECT count(*) FROM halls").fetchone()[0]
            tickets = db.execute("SELECT count(*) FROM tickets").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise OpsError(f"{path} cannot be read as a database: {exc}") from None
    if revision is not None and revision not in _known_revisions():
        raise OpsError(f"{path} was made by a newer motcua (schema {revision}): upgrade motcua "
                       "before restoring it")
    return BackupInfo(path, revision, halls, tickets, path.stat().st_size)


def restore(engine: Engine, backup_file: Path, keep_dir: Path,
            moment: datetime) -> BackupInfo | None:
    """Replace the live database with `backup_file`; returns the copy kept of the current one
    (None when there was no database yet)."""
    info = inspect_backup(backup_file.resolve())
    live = database_file(engine)
    if backup_file.resolve() == live:
        raise OpsError(f"{backup_file} is the live database itself")
    keep_dir.mkdir(parents=True, exist_ok=True)
    kept = backup(engine, keep_dir / backup_name(moment, "before-restore")) if live.exists() \
        else None
    try:
        with _connect(info.path, read_only=True) as source, _connect(live) as target:
            source.backup(target)
    except sqlite3.Error as exc:
        raise OpsError(f"restore failed, the database is unchanged: {exc}") from None
    engine.dispose()  # pooled connections start afresh on the restored file
    if info.revision is not None:
        from motcua import migrate

        migrate.upgrade(engine)
    return kept


# --- health -------------------------------------------------------------------------------------


def database_health(session: Session) -> dict[str, Any]:
    try:
        session.execute(text("SELECT 1"))
        from motcua.queue.models import Hall

        halls = session.scalar(select(func.count(Hall.id)))
        return {"ok": True, "backend": session.get_bind().dialect.name, "halls": halls}
    except SQLAlchemyError as exc:
        session.rollback()
        return {"ok": False, "backend": session.get_bind().dialect.name,
                "error": str(exc.orig if hasattr(exc, "orig") else exc).splitlines()[0]}


def message_queue_health(redis_url: str | None, timeout: float) -> dict[str, Any]:
    """Whether Socket.IO's message queue (Redis) answers within `timeout`; not configured is
    healthy."""
    if not redis_url:
        return {"configured": False, "ok": True}
    import redis

    from motcua.web.realtime import redis_options

    try:
        client = redis.Redis.from_url(redis_url, **redis_options(timeout))
        try:
            client.ping()
        finally:
            client.close()
        return {"configured": True, "ok": True}
    except (redis.RedisError, OSError, ValueError) as exc:
        return {"configured": True, "ok": False, "error": str(exc)}


def printers_health(session: Session) -> list[dict[str, Any]]:
    """Each kiosk's printer, and each printer the server drives alone, with its last job."""
    from motcua.core.accounts import Device
    from motcua.core.actors import DeviceKind
    from motcua.printer.models import PrintJob
    from motcua.queue.models import Hall

    last_by_device = select(func.max(PrintJob.id)).where(PrintJob.device_id.is_not(None)) \
        .group_by(PrintJob.device_id)
    last_by_url = select(func.max(PrintJob.id)).where(
        PrintJob.device_id.is_(None), PrintJob.printer_url.is_not(None)
    ).group_by(PrintJob.printer_url)
    last_ids = [*session.scalars(last_by_device), *session.scalars(last_by_url)]
    jobs = {job.device_id if job.device_id is not None else job.printer_url: job
            for job in session.scalars(select(PrintJob).where(PrintJob.id.in_(last_ids)))}
    kiosks = session.execute(
        select(Device, Hall.code).join(Hall, Hall.id == Device.hall_id)
        .where(Device.kind == DeviceKind.KIOSK, Device.active.is_(True),
               Device.printer.is_not(None))
        .order_by(Hall.code, Device.name)).all()
    report = [_printer_entry(hall_code, device.name, device.printer, jobs.get(device.id))
              for device, hall_code in kiosks]
    for key, job in sorted(jobs.items(), key=lambda item: str(item[0])):
        if isinstance(key, str):
            report.append(_printer_entry(job.hall.code, None, key, job))
    return report


def _printer_entry(hall: str, device: str | None, printer: str | None,
                   job: Any) -> dict[str, Any]:
    return {
        "hall": hall,
        "device": device,
        "printer": printer,
        "last_job": None if job is None else {
            "id": job.id, "status": job.status.value, "error": job.error,
            "at": job.updated_at.isoformat()},
        "ok": job is None or job.status.value != "failed",
    }


def public_health(report: dict[str, Any]) -> dict[str, Any]:
    """What anyone may read: whether each part answers; printer paths, device names and
    error texts are for staff."""
    return {"status": report["status"], "database": {"ok": report["database"]["ok"]},
            "message_queue": {"ok": report["message_queue"]["ok"]}}


def health(session: Session, redis_url: str | None, redis_timeout: float) -> dict[str, Any]:
    """The whole report: "ok", "degraded" (a printer or the message queue fails) or "down"."""
    database = database_health(session)
    queue = message_queue_health(redis_url, redis_timeout)
    printers = printers_health(session) if database["ok"] else []
    if not database["ok"]:
        status = "down"
    elif not queue["ok"] or not all(p["ok"] for p in printers):
        status = "degraded"
    else:
        status = "ok"
    return {"status": status, "database": database, "message_queue": queue,
            "printers": printers}
