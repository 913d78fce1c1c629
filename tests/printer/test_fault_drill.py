"""Fault drill with real processes: a network printer that takes the connection and then
never reads. The production server (`motcua serve`, eventlet) keeps issuing at once, fails
the stuck job with an alert once the printer's time-out has passed, and holds no later job
hostage longer than that time-out."""
from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
import requests
import socketio

from motcua import create_app
from motcua.auth.accounts import register_device
from motcua.core.actors import SYSTEM, DeviceKind
from motcua.core.events import RecordingPublisher
from motcua.core.ports import Ports
from motcua.models import metadata
from motcua.printer.models import PrintJob, PrintJobStatus
from motcua.queue.demo import load_demo_hall
from tests.conftest import runtime_of
from tests.printer.fakes import FakeNetworkPrinter
from tests.servers import motcua_servers
from tests.support import bearer, system_ports

PRINTER_TIMEOUT = 2.0  # seconds: MOTCUA_PRINTER_TIMEOUT_SECONDS for the server under test


class StallingPrinter:
    """Accepts every connection and never reads from it. Its receive buffer is tiny, so a
    job's bytes fill the connection's buffers and the sender's writes block."""

    def __init__(self) -> None:
        self._server = socket.socket()
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)  # inherited on accept
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(16)
        self._server.settimeout(0.2)
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def url(self) -> str:
        return f"tcp://127.0.0.1:{self._server.getsockname()[1]}"

    def __enter__(self) -> StallingPrinter:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        for conn in self._held:
            conn.close()
        self._server.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except TimeoutError:
                continue
            self._held.append(conn)


@contextmanager
def kiosk_alerts(url: str, token: str) -> Iterator[list[dict]]:
    """What a kiosk screen (and every console of the hall, in the same room) is told."""
    heard: list[dict] = []
    client = socketio.Client(reconnection=False)
    client.on("print_failed", lambda message: heard.append(message), namespace="/kiosk")
    client.connect(url, namespaces=["/kiosk"], auth={"token": token}, transports=["websocket"],
                   wait_timeout=10)
    try:
        yield heard
    finally:
        client.disconnect()


def job_when_done(engine, job_id: int, seconds: float) -> PrintJob:
    from sqlalchemy.orm import Session

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with Session(engine) as session:
            job = session.get(PrintJob, job_id)
            if job is not None and not job.open:
                session.expunge(job)
                return job
        time.sleep(0.05)
    raise AssertionError(f"print job {job_id} still open after {seconds} s")


def tap(server_url: str, token: str) -> tuple[float, dict]:
    started = time.monotonic()
    answer = requests.post(f"{server_url}/api/v1/halls/demo/tickets", json={"sector": "dat-dai"},
                           headers=bearer(token), timeout=30)
    took = time.monotonic() - started
    assert answer.status_code == 201, answer.text
    return took, answer.json()


@pytest.mark.parametrize("stalls_on", ["the status query", "the write"])
def test_a_printer_that_takes_the_connection_and_never_reads_holds_up_no_one(stalls_on, tmp_path: Path):
    database_url = f"sqlite:///{tmp_path / 'drill.sqlite'}"
    with StallingPrinter() as stalling, FakeNetworkPrinter() as working:
        stuck_url = stalling.url + ("?status=off" if stalls_on == "the write" else "")
        app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "drill",
                          "PRINTER": "dummy:"})
        engine = runtime_of(app).engine
        metadata.create_all(engine)
        with runtime_of(app).sessions() as session:
            clock = runtime_of(app).clock
            load_demo_hall(Ports(session, clock, RecordingPublisher()))
            _, stuck_token = register_device(system_ports(session, clock), actor=SYSTEM, printers=None,
                                             hall_code="demo", name="stuck",
                                             kind=DeviceKind.KIOSK, printer=stuck_url)
            _, working_token = register_device(system_ports(session, clock), actor=SYSTEM, printers=None,
                                               hall_code="demo", name="working",
                                               kind=DeviceKind.KIOSK, printer=working.url)
        env = {**os.environ, "MOTCUA_DATABASE_URL": database_url, "MOTCUA_SECRET_KEY": "drill",
               "MOTCUA_PRINTER_TIMEOUT_SECONDS": str(PRINTER_TIMEOUT), "MOTCUA_PRINTER": "dummy:"}
        with motcua_servers(1, env, tmp_path) as [server], \
                kiosk_alerts(server.url, stuck_token) as alerts:
            # The first slip a server draws loads the drawing libraries (about a second):
            # a tap on the working kiosk goes first, so the times below are the printer's.
            _, elsewhere = tap(server.url, working_token)
            first_took, first = tap(server.url, stuck_token)
            next_took, following = tap(server.url, stuck_token)

            # Issuing does not wait for the printer (the issue asks ≤ 100 ms; on this shared
            # test machine the bound proves the point with room: far below the time-out).
            assert max(first_took, next_took) < PRINTER_TIMEOUT / 4, (first_took, next_took)

            printed = job_when_done(engine, elsewhere["print_job"]["id"], seconds=PRINTER_TIMEOUT)
            assert printed.status == PrintJobStatus.PRINTED, printed.error

            failed = job_when_done(engine, first["print_job"]["id"], seconds=PRINTER_TIMEOUT + 5)
            assert failed.status == PrintJobStatus.FAILED
            assert ("did not answer" if stalls_on == "the status query" else "no answer in time") \
                in (failed.error or "")
            took = failed.updated_at - failed.created_at
            assert timedelta(seconds=PRINTER_TIMEOUT * 0.9) <= took <= timedelta(seconds=PRINTER_TIMEOUT + 1)

            later = job_when_done(engine, following["print_job"]["id"], seconds=PRINTER_TIMEOUT + 5)
            assert later.status == PrintJobStatus.FAILED
            assert later.updated_at - later.created_at <= timedelta(seconds=PRINTER_TIMEOUT + 1), \
                "the next ticket waited for the stuck job and then for a time-out of its own"

            deadline = time.monotonic() + 5
            while len(alerts) < 2 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert {a["display_number"] for a in alerts} == {first["display_number"],
                                                              following["display_number"]}
            assert all(a["device"] == "stuck" and a["error"] for a in alerts)
    engine.dispose()
