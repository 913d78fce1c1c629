"""Booking's refusals, each with a stable code and a Vietnamese message for the screens."""
from __future__ import annotations

from motcua.core.errors import N_, Conflict, InvalidInput, InvalidTransition, NotFound

__all__ = [
    "N_",
    "BookingNotFound",
    "NoBookings",
    "NotConfirmed",
    "NotToday",
    "PhoneLimitReached",
    "SlotNotOffered",
    "SlotTaken",
]


class BookingNotFound(NotFound):
    code = "booking_not_found"


class NoBookings(NotFound):
    """The hall takes no bookings (no settings, or no band for the sector)."""

    code = "booking_not_offered"


class SlotTaken(Conflict):
    code = "slot_full"


class PhoneLimitReached(Conflict):
    code = "phone_limit_reached"


class SlotNotOffered(InvalidInput):
    code = "slot_not_offered"


class NotToday(InvalidTransition):
    code = "booking_not_today"


class NotConfirmed(InvalidTransition):
    code = "booking_not_confirmed"
