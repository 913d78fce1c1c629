"""A real `motcua serve` with MOTCUA_PRINT_WORKER=process beside a real `motcua printer worker`:
a tap at a kiosk with a network printer is stored by the server and printed by the worker."""
from __future__ import annotations

import os
import subprocess
import time

import pytest
import requests
from sqlalchemy import select

from motcua.auth.accounts import register_device
from motcua.core.actors import SYSTEM, DeviceKind
from motcua.core.clock import SystemClock
from motcua.core.db import make_engine, make_session_factory
from motcua.models import metadata
from motcua.printer import services
from motcua.printer.device.stream import commands
from motcua.printer.models import PrintJob, PrintJobStatus
from motcua.queue.demo import load_demo_hall
from tests.printer.fakes import FakeNetworkPrinter
from tests.servers import MOTCUA, motcua_servers
from tests.support import system_ports

pytestmark = pytest.mark.slow


def marked(engine, seconds=10):
    """The one job once the worker marked it (it marks after the printer took the bytes)."""
    deadline = time.monotonic() + seconds
    while True:
        with make_session_factory(engine)() as session:
            job = session.scalars(select(PrintJob)).one()
            if not job.open or time.monotonic() > deadline:
                return job
        time.sleep(0.05)


def test_a_kiosks_network_printer_gets_its_slip_from_the_worker_not_the_server(tmp_path):
    url = f"sqlite:///{tmp_path / 'hall.sqlite'}"
    engine = make_engine(url)
    metadata.create_all(engine)
    env = {**os.environ, "MOTCUA_DATABASE_URL": url, "MOTCUA_SECRET_KEY": "worker",
           "MOTCUA_PRINTER": "dummy:", "MOTCUA_RATELIMIT_ENABLED": "false",
           "MOTCUA_PRINT_WORKER": "process"}
    with FakeNetworkPrinter() as printer:
        with make_session_factory(engine)() as session:
            clock = SystemClock()
            load_demo_hall(system_ports(session, clock))
            _, token = register_device(system_ports(session, clock), actor=SYSTEM, printers=None,
                                       hall_code="demo", name="kiosk-1", kind=DeviceKind.KIOSK,
                                       printer=printer.url)
        with motcua_servers(1, env, tmp_path) as (server,):
            tapped = requests.post(f"{server.url}/api/v1/halls/demo/tickets", json={"sector": "dat-dai"},
                                   headers={"Authorization": f"Bearer {token}"}, timeout=10)
            assert tapped.status_code == 201, tapped.text
            time.sleep(0.5)
            assert not printer.jobs, "the server left the job to the worker"
            with (tmp_path / "worker.log").open("wb") as log:
                worker = subprocess.Popen([str(MOTCUA), "printer", "worker"], env=env, cwd=tmp_path,
                                          stdout=log, stderr=subprocess.STDOUT)
            try:
                assert printer.received.wait(30), (tmp_path / "worker.log").read_text()
                job = marked(engine)
            finally:
                worker.terminate()
                worker.wait(timeout=10)
    assert job.status == PrintJobStatus.PRINTED and services.undrawn(job)
    slip = services.escpos(job.data)
    assert slip in printer.jobs[0] and "raster" in [c.name for c in commands(slip)]
    engine.dispose()
