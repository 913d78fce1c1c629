"""Fixtures for the board tests: an app whose events really go out over Socket.IO, a second hall
to check that events stay in their own hall, and staff credentials for driving calls."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from motcua import create_app
from motcua.auth.accounts import create_api_token
from motcua.core.actors import SYSTEM, Role
from motcua.core.clock import Clock, FixedClock
from motcua.core.events import RecordingPublisher
from motcua.core.ports import Ports
from motcua.display import clips
from motcua.models import metadata
from motcua.queue.demo import load_demo_hall
from motcua.queue.models import Counter, CounterSector, Hall, Sector
from motcua.queue.services import issue_ticket
from tests.conftest import runtime_of
from tests.support import system_ports

OTHER_HALL = "phuong-1"


@dataclass(frozen=True)
class Credentials:
    supervisor: str  # a supervisor token of the demo hall
    other_supervisor: str  # one of the ward hall


@pytest.fixture(scope="session")
def default_pack() -> Path:
    """The generated clip pack the board speaks with (built here if set-up has not built it)."""
    return clips.ensure_default_pack()


@pytest.fixture
def realtime_app(database_url: str, clock: FixedClock, tmp_path: Path) -> Iterator[Flask]:
    """Like the `app` fixture, but with the real publisher: events go out over Socket.IO."""
    app = create_app(
        {"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret",
         "ASYNC_MODE": "threading", "REDIS_URL": None, "RATELIMIT_ENABLED": False,
         "PRINTER": "dummy:"},
        clock=clock,
    )
    app.instance_path = str(tmp_path / "instance")
    metadata.create_all(runtime_of(app).engine)
    yield app
    runtime_of(app).engine.dispose()


@pytest.fixture
def realtime_client(realtime_app: Flask) -> FlaskClient:
    return realtime_app.test_client()


def add_other_hall(session: Session) -> Hall:
    """A small ward hall beside the demo hall, so tests can see events stay in their hall."""
    hall = Hall(code=OTHER_HALL, name="Bộ phận Một cửa phường 1", opening_windows="00:00-24:00",
                settings={})
    sector = Sector(hall=hall, code="ho-tich", name_vi="Hộ tịch", name_en="Civil status",
                    number_start=1, number_end=999, position=0)
    counter = Counter(hall=hall, number=1, name="Quầy 1")
    counter.sector_links = [CounterSector(sector=sector, rank=0)]
    session.add_all([hall, sector, counter])
    session.commit()
    return hall


def seed_halls(session: Session, clock: Clock) -> Credentials:
    """The demo hall and the ward hall, each with a supervisor token."""
    load_demo_hall(Ports(session, clock, RecordingPublisher()))
    add_other_hall(session)
    return Credentials(
        supervisor=create_api_token(system_ports(session, clock), actor=SYSTEM,
                                    name="demo-lead", role=Role.SUPERVISOR,
                                    hall_code="demo"),
        other_supervisor=create_api_token(system_ports(session, clock), actor=SYSTEM,
                                          name="ward-lead", role=Role.SUPERVISOR,
                                          hall_code=OTHER_HALL))


def issue(app: Flask, sector: str, hall: str = "demo") -> str:
    """Issue a ticket as a kiosk would, without a printer; returns its display number.

    (Through the kiosk API the slip is also printed, and the printer's own events would mix
    with the ones these tests count.)
    """
    rt = runtime_of(app)
    with rt.sessions() as session:
        issued = issue_ticket(Ports(session, rt.clock, rt.publisher), hall_code=hall,
                              sector_code=sector, priority=None, actor=SYSTEM)
        return issued.ticket.display_number


@pytest.fixture
def halls(realtime_app: Flask, clock: FixedClock) -> Credentials:
    with runtime_of(realtime_app).sessions() as session:
        return seed_halls(session, clock)


def received_names(client: Any, namespace: str = "/display") -> list[str]:
    """Event names a Socket.IO test client got since the last call (drains its inbox)."""
    return [message["name"] for message in client.get_received(namespace)]
