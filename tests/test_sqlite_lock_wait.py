"""A server on the embedded SQLite database waits for another process's write lock (the print
worker's, a CLI command's) without stopping: under eventlet and gevent every request of a
process shares one thread, so a wait inside SQLite would hold up the whole process (boards,
other kiosks) until the lock came free."""
from __future__ import annotations

import sqlite3
import threading

import pytest
import requests
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from motcua.core import db
from motcua.core.db import begin_write, make_engine, make_session_factory
from motcua.models import metadata
from tests.deploy.test_async_modes import seed, serve_env
from tests.servers import motcua_servers


def test_a_write_begins_once_another_process_lets_go_of_the_lock(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'hall.sqlite'}")
    metadata.create_all(engine)
    other = sqlite3.connect(tmp_path / "hall.sqlite", isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    threading.Timer(0.2, lambda: other.execute("COMMIT")).start()
    with make_session_factory(engine)() as session:
        begin_write(session)
        assert session.connection().exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
    other.close()
    engine.dispose()


def test_a_write_that_waits_past_the_lock_wait_says_the_database_is_locked(tmp_path, monkeypatch):
    monkeypatch.setattr(db, "SQLITE_LOCK_WAIT_MS", 200)
    engine = make_engine(f"sqlite:///{tmp_path / 'hall.sqlite'}")
    metadata.create_all(engine)
    other = sqlite3.connect(tmp_path / "hall.sqlite", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    with make_session_factory(engine)() as session:
        with pytest.raises(OperationalError, match="database is locked"):
            begin_write(session)
        session.rollback()
        assert session.connection().exec_driver_sql("PRAGMA busy_timeout").scalar() == 200
    other.close()
    engine.dispose()


def test_writers_of_one_process_take_turns_without_asking_sqlite_again_and_again(tmp_path):
    """Threads (MOTCUA_ASYNC_MODE=threading: a thread per kiosk) queue for the write: each
    asks SQLite for its lock once, when the writer before it has committed. Asking until
    SQLite said yes cost the threading server its 95th percentile (100 ms at 8 kiosks)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'hall.sqlite'}")
    metadata.create_all(engine)
    asked: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def count(_conn, _cursor, statement, *_args):
        if statement == "BEGIN IMMEDIATE":
            asked.append(threading.current_thread().name)

    sessions = make_session_factory(engine)
    first = sessions()
    begin_write(first)
    second_began = threading.Event()

    def second_writer():
        with sessions() as session:
            begin_write(session)
            second_began.set()
            session.commit()

    second = threading.Thread(target=second_writer, name="second")
    second.start()
    assert not second_began.wait(0.3)  # it waits while the first writes
    first.commit()
    first.close()
    second.join(5)
    assert second_began.is_set()
    assert asked.count("second") == 1
    engine.dispose()


def test_a_writer_of_the_same_process_that_never_ends_leaves_the_next_one_a_clear_refusal(
        tmp_path, monkeypatch):
    monkeypatch.setattr(db, "SQLITE_LOCK_WAIT_MS", 200)
    engine = make_engine(f"sqlite:///{tmp_path / 'hall.sqlite'}")
    metadata.create_all(engine)
    sessions = make_session_factory(engine)
    stuck = sessions()
    begin_write(stuck)
    with sessions() as session, pytest.raises(OperationalError, match="database is locked"):
        begin_write(session)
    stuck.rollback()
    stuck.close()
    with sessions() as session:  # and the lock is free again once the stuck writer ends
        begin_write(session)
        session.commit()
    engine.dispose()


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["eventlet", "gevent"])
def test_a_tap_waiting_for_another_process_s_write_lock_does_not_hold_up_the_server(mode, tmp_path):
    path = tmp_path / "hall.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    metadata.create_all(engine)
    kiosk, _staff = seed(engine)
    engine.dispose()
    with motcua_servers(1, serve_env(f"sqlite:///{path}", mode), tmp_path) as (server,):
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another process writes, and takes its time
        answers: list[requests.Response] = []
        tap = threading.Thread(target=lambda: answers.append(requests.post(
            f"{server.url}/api/v1/halls/demo/tickets", json={"sector": "dat-dai"},
            headers={"Authorization": f"Bearer {kiosk}"}, timeout=30)))
        tap.start()
        try:
            tap.join(0.5)
            assert tap.is_alive()  # the tap waits for the lock
            page = requests.get(f"{server.url}/display/demo", timeout=5)  # meanwhile, a board
            assert page.status_code == 200
        finally:
            other.execute("COMMIT")
            other.close()
            tap.join(30)
        assert [answer.status_code for answer in answers] == [201]
