"""Notify tests: a demo hall that sends through a channel, and ports that write the outbox."""
from __future__ import annotations

from typing import Any

import pytest

from motcua.core.actors import SYSTEM, Actor
from motcua.core.ports import Ports
from motcua.notify.outbox import Notifier
from motcua.notify.settings import configure_channel
from motcua.queue import services
from tests.admin.conftest import admin_client, admin_user
from tests.kiosk.conftest import live_hall

KIOSK = Actor(kind="kiosk", name="k1")
NOTIFIER = Notifier(dossier_link=lambda secret: f"http://hall.test/tra-cuu/{secret}")


@pytest.fixture
def sending(session: Any, clock: Any, publisher: Any, demo_hall: Any) -> Ports:
    """Ports with the outbox reaction, in a demo hall whose channel is the fake SMS."""
    configure_channel(Ports(session, clock, publisher), actor=SYSTEM, hall_code="demo",
                      kind="fake_sms", config={}, ahead=2)
    return Ports(session=session, clock=clock, publisher=publisher, reactions=(NOTIFIER,))


def issue(ports: Ports, sector: str = "dat-dai") -> Any:
    return services.issue_ticket(ports, hall_code="demo", sector_code=sector, priority=None,
                                 actor=KIOSK).ticket


def call(ports: Ports, number: int = 1) -> Any:
    return services.call_next(ports, hall_code="demo", counter_number=number, actor=SYSTEM).ticket
