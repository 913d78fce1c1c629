"""Helpers for booking tests: the demo hall with its booking rules."""
from __future__ import annotations

from datetime import datetime

from motcua.booking import services as booking
from motcua.booking.demo import load_demo_booking
from motcua.booking.models import Booking
from motcua.core.ports import Ports

ID_CARD_KEY = b"test id-card key"


def prepare(ports: Ports) -> None:
    """Booking rules in the demo hall (the `demo_hall` fixture made the hall)."""
    load_demo_booking(ports)


def a_booking(ports: Ports, slot_at: datetime, *, phone: str = "0912345678",
              sector: str = "dat-dai", id_card: str | None = None) -> Booking:
    return booking.book(ports, hall_code="demo", sector_code=sector, slot_at=slot_at,
                        applicant=booking.Applicant("Nguyễn Văn Dân", phone, id_card),
                        id_card_key=ID_CARD_KEY)
