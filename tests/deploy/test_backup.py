"""deploy/backup: the nightly pg_dump can be restored, giving back exactly the hall it saved."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from motcua.core.actors import SYSTEM
from motcua.core.clock import SystemClock
from motcua.core.db import make_session_factory
from motcua.core.events import RecordingPublisher
from motcua.core.ports import Ports
from motcua.queue.demo import load_demo_hall
from motcua.queue.models import Ticket
from motcua.queue.services import issue_ticket
from tests.support import system_ports

BACKUP = Path(__file__).resolve().parent.parent.parent / "deploy" / "backup"

pytestmark = pytest.mark.postgres


def tickets(engine: Any) -> list[tuple[str, str]]:
    with make_session_factory(engine)() as session:
        return [(t.display_number, t.token) for t in
                session.scalars(select(Ticket).order_by(Ticket.id))]


def run(script: str, *args: str, env: dict[str, str]) -> str:
    done = subprocess.run([str(BACKUP / script), *args], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_backup_restored_gives_back_the_hall_as_it_was(postgres_engine, postgres_url, tmp_path):
    if not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed (postgresql-client)")
    clock = SystemClock()
    with make_session_factory(postgres_engine)() as session:
        load_demo_hall(system_ports(session, clock))
        for _ in range(3):
            issue_ticket(Ports(session, clock, RecordingPublisher()), hall_code="demo",
                         sector_code="dat-dai", priority=None, actor=SYSTEM)
    saved = tickets(postgres_engine)
    env = {**os.environ, "MOTCUA_DATABASE_URL": postgres_url,
           "MOTCUA_BACKUP_DIR": str(tmp_path / "backups"), "MOTCUA_BACKUP_KEEP_DAYS": "14"}

    dump = Path(run("motcua-backup.sh", env=env).strip())
    assert dump.parent == tmp_path / "backups" and dump.stat().st_size > 0
    assert oct(dump.stat().st_mode & 0o777) == "0o600"  # it holds every citizen's tickets

    # The day goes on after the backup; then the machine is restored from it.
    with make_session_factory(postgres_engine)() as session:
        issue_ticket(Ports(session, clock, RecordingPublisher()), hall_code="demo",
                     sector_code="dat-dai", priority=None, actor=SYSTEM)
    assert tickets(postgres_engine) != saved
    postgres_engine.dispose()

    run("motcua-restore.sh", str(dump), env=env)
    assert tickets(postgres_engine) == saved
    with make_session_factory(postgres_engine)() as session:  # numbering goes on from the backup
        issued = issue_ticket(Ports(session, clock, RecordingPublisher()), hall_code="demo",
                              sector_code="dat-dai", priority=None, actor=SYSTEM)
        numbers = session.scalars(select(Ticket.number).order_by(Ticket.id)).all()
    assert numbers == [1001, 1002, 1003, 1004] and issued.ticket.number == 1004
