"""The queue's refusals. Each has a stable `code` the API and screens map to an answer.

The kernel's general refusals are named here too, so a queue service raises every refusal
from this one module.
"""
from __future__ import annotations

from motcua.core.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    InvalidTransition,
    NotFound,
)

__all__ = [
    "Conflict", "CounterNotFound", "CounterNotOpen", "CounterTaken", "DailyCapReached",
    "DomainError", "Forbidden", "HallNotFound", "InvalidInput", "InvalidTransition", "NotFound",
    "NotYourCounter", "OutsideIssuingWindow", "PastClosing", "SectorClosed", "SectorNotFound",
    "TicketNotFound",
]


class HallNotFound(NotFound):
    code = "hall_not_found"


class SectorNotFound(NotFound):
    code = "sector_not_found"


class CounterNotFound(NotFound):
    code = "counter_not_found"


class TicketNotFound(NotFound):
    code = "ticket_not_found"


class SectorClosed(DomainError):
    code = "sector_closed"


class OutsideIssuingWindow(DomainError):
    code = "outside_issuing_window"


class PastClosing(Conflict):
    """The hall stops issuing a sector whose new tickets would be called after closing."""

    code = "past_closing"


class DailyCapReached(DomainError):
    code = "daily_cap_reached"


class CounterNotOpen(DomainError):
    code = "counter_not_open"


class CounterTaken(DomainError):
    code = "counter_taken"


class NotYourCounter(DomainError):
    code = "not_your_counter"
