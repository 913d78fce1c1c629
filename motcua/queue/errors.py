"""Domain errors. Each has a stable `code` the API and screens map to an answer."""
from __future__ import annotations


class DomainError(Exception):
    code = "domain_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    code = "not_found"


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


class DailyCapReached(DomainError):
    code = "daily_cap_reached"


class CounterNotOpen(DomainError):
    code = "counter_not_open"


class CounterTaken(DomainError):
    code = "counter_taken"


class NotYourCounter(DomainError):
    code = "not_your_counter"


class Forbidden(DomainError):
    code = "forbidden"


class InvalidTransition(DomainError):
    """The ticket is not in a state that allows this action (e.g. finishing a waiting ticket)."""

    code = "invalid_transition"


class InvalidInput(DomainError):
    code = "invalid_input"


class Conflict(DomainError):
    """The change would break a running day, or clashes with what exists."""

    code = "conflict"
