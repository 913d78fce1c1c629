"""The demo hall's booking rules, so booking works out of the box in `motcua demo`."""
from __future__ import annotations

from motcua.booking.bands import Band
from motcua.booking.models import BookingSettings
from motcua.core.uow import UnitOfWork, use_case
from motcua.queue.demo import DEMO_HALL, SECTORS
from motcua.queue.services import get_hall

DEMO_WINDOWS = "07:30-11:00,13:30-16:30"


@use_case
def load_demo_booking(uow: UnitOfWork, hall_code: str = DEMO_HALL) -> BookingSettings:
    """Every sector: 30-minute slots for two people, Monday to Friday, in the working hours."""
    hall = get_hall(uow.session, hall_code)
    settings = BookingSettings(
        hall_id=hall.id, horizon_days=7, lead_minutes=30, grace_minutes=15, phone_daily_limit=2,
        bands=[Band(code, (0, 1, 2, 3, 4), DEMO_WINDOWS, 30, 2).as_json() for code, *_ in SECTORS])
    uow.session.add(settings)
    return settings
