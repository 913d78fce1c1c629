"""Fault drills with real `motcua serve` processes and four kiosks issuing at once: a server
killed mid-stream, and PostgreSQL's connections lost and refused, then back.

Afterwards every ticket a kiosk was given (201) exists, and numbers stay unique and gapless
per sector and day: nothing half-written survives. While the database is away, requests get
503 with Retry-After and the JSON error, never a 500; it recovers without a restart.
"""
from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path

import pytest
from sqlalchemy import Engine, make_url, select

from motcua.auth.accounts import register_device
from motcua.core.actors import SYSTEM, DeviceKind
from motcua.core.clock import SystemClock
from motcua.core.db import make_engine, make_session_factory
from motcua.core.events import RecordingPublisher
from motcua.core.ports import Ports
from motcua.models import metadata
from motcua.queue.demo import load_demo_hall
from motcua.queue.models import Sector, Ticket
from tests.faults import Kiosks, TcpProxy, call
from tests.servers import motcua_servers
from tests.support import system_ports

pytestmark = pytest.mark.slow

SECTORS = ("dat-dai", "tu-phap", "giao-duc")


def open_demo_hall(engine: Engine) -> str:
    """The demo hall and a kiosk (printing through an agent, so no printer is involved);
    returns the kiosk's token."""
    with make_session_factory(engine)() as session:
        load_demo_hall(Ports(session, SystemClock(), RecordingPublisher()))
        _, token = register_device(system_ports(session, SystemClock()), actor=SYSTEM, printers=None,
                                   hall_code="demo", name="kiosk-drill",
                                   kind=DeviceKind.KIOSK, printer="agent")
    return token


def server_env(database_url: str) -> dict[str, str]:
    env = {**os.environ, "MOTCUA_DATABASE_URL": database_url, "MOTCUA_SECRET_KEY": "drill",
           "MOTCUA_ASYNC_MODE": "eventlet", "MOTCUA_RATELIMIT_ENABLED": "false",
           "MOTCUA_PRINTER": "dummy:"}
    env.pop("MOTCUA_REDIS_URL", None)
    return env


def assert_every_issued_ticket_exists_and_numbers_are_gapless(engine: Engine,
                                                              kiosks: Kiosks) -> None:
    issued = {answer.body["token"] for answer in kiosks.issued()}
    with make_session_factory(engine)() as session:
        rows = session.execute(select(Sector.code, Ticket.day, Ticket.sequence, Ticket.token)
                               .join(Ticket.sector)).all()
    assert issued <= {row.token for row in rows}, "a ticket a kiosk was given is missing"
    lines: dict[tuple[str, object], list[int]] = defaultdict(list)
    for row in rows:
        lines[(row.code, row.day)].append(row.sequence)
    for line, sequences in lines.items():
        assert sorted(sequences) == list(range(1, len(sequences) + 1)), f"gap or duplicate in {line}"


def kill_a_server_under_four_kiosks(database_url: str, engine: Engine, folder: Path) -> None:
    token = open_demo_hall(engine)
    env = server_env(database_url)
    with motcua_servers(1, env, folder) as (server,), Kiosks(server.url, token, SECTORS) as kiosks:
        kiosks.wait_for(30)
        server.process.kill()  # SIGKILL: no clean-up, transactions cut wherever they were
        server.process.wait(timeout=10)
    assert_every_issued_ticket_exists_and_numbers_are_gapless(engine, kiosks)

    # A new server on the same database carries on from the last committed number.
    with motcua_servers(1, env, folder) as (server,), Kiosks(server.url, token, SECTORS) as after:
        after.wait_for(6)
    assert_every_issued_ticket_exists_and_numbers_are_gapless(engine, after)


def test_a_server_killed_while_four_kiosks_issue_loses_no_ticket_on_sqlite(tmp_path):
    url = f"sqlite:///{tmp_path / 'drill.sqlite'}"
    engine = make_engine(url)
    metadata.create_all(engine)
    kill_a_server_under_four_kiosks(url, engine, tmp_path)
    engine.dispose()


@pytest.mark.postgres
def test_a_server_killed_while_four_kiosks_issue_loses_no_ticket_on_postgresql(
        postgres_engine, postgres_url, tmp_path):
    kill_a_server_under_four_kiosks(postgres_url, postgres_engine, tmp_path)


def assert_database_unavailable(answer) -> None:
    assert answer.status == 503, (answer.status, answer.body)
    assert int(answer.headers["Retry-After"]) > 0
    assert answer.body["error"]["code"] == "database_unavailable", answer.body


@pytest.mark.postgres
def test_postgresql_connections_lost_answer_503_then_recover_without_a_restart(
        postgres_engine, postgres_url, tmp_path):
    token = open_demo_hall(postgres_engine)
    real = make_url(postgres_url)
    with TcpProxy((real.host or "127.0.0.1", real.port or 5432)) as proxy:
        through_proxy = real.set(host="127.0.0.1", port=proxy.port)
        env = server_env(through_proxy.render_as_string(hide_password=False))
        with motcua_servers(1, env, tmp_path) as (server,), \
                Kiosks(server.url, token, SECTORS) as kiosks:
            kiosks.wait_for(12)  # connections are open and in use

            proxy.cut()
            kiosks.wait_for(8, status=503)  # every kiosk keeps being told to retry
            assert_database_unavailable(call(server.url + "/api/v1/halls/demo/queue"))
            page = call(server.url + "/display/demo")
            assert page.status == 503 and "Hệ thống tạm thời gián đoạn" in page.body

            proxy.restore()
            kiosks.wait_for(12)  # the same server issues again: no restart
            assert call(server.url + "/api/v1/halls/demo/queue").status == 200

    answers = kiosks.all()
    odd = [answer for answer in answers if answer.status not in (201, 503)]
    assert not odd, f"a 500 or no answer: {odd}\n{server.log.read_text(errors='replace')[-6000:]}"
    assert {answer.status for answer in answers} == {201, 503}
    for answer in answers:
        if answer.status == 503:
            assert_database_unavailable(answer)
    assert_every_issued_ticket_exists_and_numbers_are_gapless(postgres_engine, kiosks)
