"""Fixtures shared by every test: a fresh app and database per test, a fake clock and publisher,
and a guard that fails any test reaching for the network or a service it did not ask for."""
from __future__ import annotations

import gc
import os
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import Engine, create_engine, make_url
from sqlalchemy.orm import Session

from motcua import create_app
from motcua.auth.accounts import create_api_token, register_device
from motcua.core.actors import SYSTEM, DeviceKind, Role
from motcua.core.clock import Clock, FixedClock, SystemClock
from motcua.core.db import Base, make_engine, make_session_factory
from motcua.core.events import RecordingPublisher
from motcua.core.ports import Ports
from motcua.models import metadata
from motcua.queue.demo import load_demo_hall
from motcua.web import Runtime
from tests.support import hall_time, system_ports

SERVICE_PORTS = {5432: "postgres", 6379: "redis"}


@pytest.fixture(autouse=True)
def _no_unrequested_network(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Loopback only, and PostgreSQL/Redis only for tests marked for them."""
    allowed = {m.name for m in request.node.iter_markers()}
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def check(address: Any) -> None:
        if not isinstance(address, tuple):
            return  # unix sockets
        host, port = address[0], address[1]
        if host not in ("127.0.0.1", "::1", "localhost") and not str(host).startswith("127."):
            pytest.fail(f"test tried to reach {host}:{port}; tests stay on this machine")
        service = SERVICE_PORTS.get(port)
        if service and service not in allowed:
            pytest.fail(f"test reached {service} without @pytest.mark.{service}")

    def connect(self: socket.socket, address: Any) -> None:
        check(address)
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        check(address)
        return real_connect_ex(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(hall_time(2026, 11, 25, 9, 0))


@pytest.fixture
def publisher() -> RecordingPublisher:
    return RecordingPublisher()


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'motcua.sqlite'}"


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """The test's database with every table: enough for domain services, no Flask app."""
    engine = make_engine(database_url)
    metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def app(engine: Engine, database_url: str, clock: FixedClock, publisher: RecordingPublisher,
        tmp_path: Path) -> Iterator[Flask]:
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret",
            "ASYNC_MODE": "threading",
            "REDIS_URL": None,
            "RATELIMIT_ENABLED": False,
            "PRINTER": "dummy:",
        },
        clock=clock,
        publisher=publisher,
    )
    app.instance_path = str(tmp_path / "instance")
    yield app
    runtime_of(app).engine.dispose()


def runtime_of(app: Flask) -> Runtime:
    return app.extensions["motcua"]


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with make_session_factory(engine)() as s:
        yield s


@pytest.fixture
def ports(session: Any, clock: FixedClock, publisher: RecordingPublisher) -> Ports:
    return Ports(session=session, clock=clock, publisher=publisher)


@pytest.fixture
def demo_hall(ports: Ports) -> Any:
    return load_demo_hall(ports)


@pytest.fixture
def kiosk_token(session: Any, clock: FixedClock, demo_hall: Any) -> str:
    _, token = register_device(system_ports(session, clock), actor=SYSTEM, printers=None,
                               hall_code="demo", name="kiosk-test",
                               kind=DeviceKind.KIOSK, printer="agent")  # no background print worker
    return token


@pytest.fixture
def supervisor_token(session: Any, clock: FixedClock, demo_hall: Any) -> str:
    return create_api_token(system_ports(session, clock), actor=SYSTEM,
                            name="test-supervisor", role=Role.SUPERVISOR,
                            hall_code="demo")


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """The test database; under pytest-xdist each worker gets a database of its own."""
    url = os.environ.get("MOTCUA_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("MOTCUA_TEST_POSTGRES_URL is not set (.ci/run sets it)")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    base = make_url(url)
    mine = f"{base.database}_{worker}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.exec_driver_sql(
            "SELECT 1 FROM pg_database WHERE datname = %s", (mine,)).scalar()
        if not exists:
            connection.exec_driver_sql(f'CREATE DATABASE "{mine}"')
    admin.dispose()
    return base.set(database=mine).render_as_string(hide_password=False)


def _drop_everything(engine: Any) -> None:
    """Drop the schema, first ending sessions a test (or its child processes) left open:
    one forgotten transaction would otherwise make DROP wait forever.

    The test's unreachable sessions are collected first, while their connections still
    answer. Collected later, after their backends were ended, each logs a failed rollback with
    a traceback, from whatever code the collector interrupted; on CPython 3.11.7 a traceback
    formatted inside another `ast.parse` (Werkzeug compiling routes) breaks it with
    "AST constructor recursion depth mismatch".
    """
    gc.collect()
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    Base.metadata.drop_all(engine)


@pytest.fixture
def postgres_engine(postgres_url: str) -> Iterator[Any]:
    """A clean schema in the test database, dropped again afterwards."""
    engine = make_engine(postgres_url)
    _drop_everything(engine)
    metadata.create_all(engine)
    yield engine
    engine.dispose()
    _drop_everything(engine)
    engine.dispose()


@pytest.fixture(scope="session", autouse=True)
def _compiled_translations() -> None:
    from motcua.i18n import compile_catalogues

    compile_catalogues()


# --- a live server and a real browser, for end-to-end tests --------------------------------

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic", "--autoplay-policy=no-user-gesture-required"]


@dataclass
class LiveServer:
    url: str
    app: Flask

    def session(self) -> Any:
        return runtime_of(self.app).sessions()


@pytest.fixture
def live_clock() -> Clock:
    """The live server's clock: the system's, unless a test module overrides this fixture."""
    return SystemClock()


@pytest.fixture
def live_server(database_url: str, tmp_path: Path, live_clock: Clock) -> Iterator[LiveServer]:
    """The app served over HTTP and Socket.IO (threading mode) on a free loopback port."""
    from werkzeug.serving import make_server

    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret",
                      "ASYNC_MODE": "threading", "REDIS_URL": None, "RATELIMIT_ENABLED": False,
                      "PRINTER": "dummy:"}, clock=live_clock)
    app.instance_path = str(tmp_path / "instance")
    metadata.create_all(runtime_of(app).engine)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app)
    server.shutdown()
    runtime_of(app).engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian chromium is not installed (./dev test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class HeldRead:
    """The first request a page makes to `url` is sent to the server at once, but its answer
    reaches the page only on `release()`: a busy server answering reads out of order. Later
    requests to `url` pass."""

    def __init__(self, page: Any, url: str) -> None:
        self._held: list[tuple[Any, Any]] = []
        page.route(url, self._route)

    def _route(self, route: Any) -> None:
        if self._held:
            route.continue_()
        else:
            self._held.append((route, route.fetch()))

    @property
    def holding(self) -> bool:
        return bool(self._held)

    def release(self) -> None:
        route, answer = self._held[0]
        route.fulfill(response=answer)


def screenshot(page: Any, name: str) -> Path:
    """Save a screenshot under artifacts/screenshots/ for a person to look at."""
    path = ARTIFACTS / "screenshots" / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path))
    return path

