"""A real `motcua serve` (eventlet unless `env` names another MOTCUA_ASYNC_MODE) on a loopback port,
on a fresh database, for benchmarks; with `print_worker`, a `motcua printer worker` process
beside it (MOTCUA_PRINT_WORKER=process)."""
from __future__ import annotations

import os
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench import MOTCUA
from motcua.auth.accounts import create_api_token, register_device
from motcua.core.actors import SYSTEM, DeviceKind, Role
from motcua.core.clock import SystemClock
from motcua.core.db import Base, make_engine, make_session_factory
from motcua.core.events import RecordingPublisher
from motcua.core.ports import Ports
from motcua.migrate import upgrade
from motcua.models import metadata
from motcua.queue.demo import load_demo_hall


@dataclass(frozen=True)
class Served:
    url: str
    port: int
    pid: int
    kiosk_token: str
    staff_token: str
    worker_pid: int | None = None  # the print worker's, when one runs beside the server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare_database(url: str) -> tuple[str, str]:
    """A fresh schema with the demo hall; returns a kiosk token and a supervisor token."""
    engine = make_engine(url)
    if not url.startswith("sqlite"):
        Base.metadata.drop_all(engine)
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    upgrade(engine)
    assert set(metadata.tables) <= set(Base.metadata.tables)
    clock = SystemClock()
    with make_session_factory(engine)() as session:
        load_demo_hall(Ports(session, clock, RecordingPublisher()))
        _, kiosk = register_device(Ports(session, clock, RecordingPublisher()), actor=SYSTEM, printers=None,
                                   hall_code="demo", name="bench-kiosk",
                                   kind=DeviceKind.KIOSK,
                                   printer=None)  # the queue alone; printing: bench.printer_bench
        staff = create_api_token(Ports(session, clock, RecordingPublisher()), actor=SYSTEM,
                                 name="bench", role=Role.SUPERVISOR,
                                 hall_code="demo")
    engine.dispose()
    return kiosk, staff


@contextmanager
def served(database_url: str | None = None, env: dict[str, str] | None = None,
           prepare: bool = True, print_worker: bool = False) -> Iterator[Served]:
    with tempfile.TemporaryDirectory(prefix="motcua-bench-") as tmp, ExitStack() as processes:
        url = database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        kiosk, staff = prepare_database(url) if prepare else ("", "")
        port = free_port()
        environment = {**os.environ, "MOTCUA_DATABASE_URL": url, "MOTCUA_SECRET_KEY": "bench",
                       "MOTCUA_RATELIMIT_ENABLED": "false", "MOTCUA_PRINTER": "dummy:",
                       "MOTCUA_ASYNC_MODE": "eventlet",  # the rows say which; `env` may change it
                       **({"MOTCUA_PRINT_WORKER": "process"} if print_worker else {}),
                       **(env or {})}
        process = processes.enter_context(_running(
            [MOTCUA, "serve", "--host", "127.0.0.1", "--port", str(port)], environment, tmp))
        worker = processes.enter_context(_running([MOTCUA, "printer", "worker"], environment, tmp)) \
            if print_worker else None
        base = f"http://127.0.0.1:{port}"
        _wait_until_up(base, process)
        if worker is not None and (output := worker.exited()) is not None:
            raise RuntimeError(f"print worker exited: {output}")
        yield Served(base, port, process.pid, kiosk, staff, worker.pid if worker else None)


@dataclass(frozen=True)
class _Process:
    popen: subprocess.Popen[bytes]
    log: Path  # its stdout and stderr: a pipe nobody reads would stop a server that writes much

    @property
    def pid(self) -> int:
        return self.popen.pid

    def exited(self) -> str | None:
        """The end of its output when it has exited, else None."""
        if self.popen.poll() is None:
            return None
        return self.log.read_text(errors="replace")[-2000:]


@contextmanager
def _running(command: list[str], environment: dict[str, str], cwd: str) -> Iterator[_Process]:
    log = Path(cwd) / f"{command[1]}-{time.monotonic_ns()}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=environment, cwd=cwd, stdout=out,
                                   stderr=subprocess.STDOUT)
    try:
        yield _Process(process, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def _wait_until_up(base: str, process: _Process) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if (output := process.exited()) is not None:
            raise RuntimeError(f"server exited: {output}")
        try:
            urllib.request.urlopen(base + "/api/v1/openapi.json", timeout=1).read()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not start within 30 s")
