"""The event publisher port: services announce what changed after they commit.

Events are nudges, not the truth: a page that gets one may re-read state over HTTP.
Rooms are named here so publishers and Socket.IO namespaces agree on them.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Protocol


class EventName(str, enum.Enum):
    """Every event a page can hear. The pages read the same names from `/live/events.js`."""

    TICKET_ISSUED = "ticket_issued"
    TICKET_CALLED = "ticket_called"
    TICKET_RECALLED = "ticket_recalled"
    TICKET_STARTED = "ticket_started"
    TICKET_COMPLETED = "ticket_completed"
    TICKET_NO_SHOW = "ticket_no_show"
    TICKET_TRANSFERRED = "ticket_transferred"
    TICKET_RATED = "ticket_rated"
    COUNTER_CHANGED = "counter_changed"
    SECTOR_CHANGED = "sector_changed"
    HALL_CHANGED = "hall_changed"
    NOTICES_CHANGED = "notices_changed"
    PRINT_PRINTED = "print_printed"
    PRINT_UNCONFIRMED = "print_unconfirmed"
    PRINT_FAILED = "print_failed"
    DOSSIER_RECEIVED = "dossier_received"
    DOSSIER_STATUS_CHANGED = "dossier_status_changed"
    DOSSIER_SUPPLEMENT_SUBMITTED = "dossier_supplement_submitted"  # the citizen sent it online
    BOOKING_CONFIRMED = "booking_confirmed"  # booked or moved: payload booking, phone, slot_at
    BOOKING_CANCELLED = "booking_cancelled"
    BOOKING_CHECKED_IN = "booking_checked_in"
    # For the citizen's notifications (payload "dossier": the id), besides the change above:
    DOSSIER_SUBMITTED_ONLINE = "dossier_submitted_online"
    DOSSIER_ACCEPTED = "dossier_accepted"
    DOSSIER_SUPPLEMENT_REQUESTED = "dossier_supplement_requested"
    DOSSIER_REFUSED = "dossier_refused"
    # Sent by the transport, not by services:
    LINE_MOVED = "line_moved"  # to the phones waiting in a line that moved, without a word more
    RESYNC = "resync"  # to every page of a process whose link to the other processes came back

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Event:
    name: EventName
    hall: str  # hall code
    payload: dict[str, Any] = field(default_factory=dict)
    counter_number: int | None = None  # also sent to that counter's room
    ticket_token: str | None = None  # also sent to that ticket's phone page
    # Personal data (a booking's phone number): for the notifications, never for the screens.
    private: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", EventName(self.name))  # an unknown name fails here


class Publisher(Protocol):
    def publish(self, event: Event) -> None: ...


class RecordingPublisher:
    """The fake for tests: remembers what was published."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def publish(self, event: Event) -> None:
        self.events.append(event)

    def names(self) -> list[str]:
        return [e.name for e in self.events]


# Rooms of the Socket.IO namespaces (the namespaces themselves are the web layer's).


def hall_room(hall: str) -> str:
    return f"hall:{hall}"


def counter_room(hall: str, number: int) -> str:
    return f"counter:{hall}:{number}"


def ticket_room(token: str) -> str:
    return f"ticket:{token}"


def line_room(hall: str, sector: str) -> str:
    """The phones of the tickets waiting in a sector's line (in the `/ticket` namespace)."""
    return f"line:{hall}:{sector}"


def moved_line(event: Event) -> str | None:
    """The sector whose line this event moves for the people still waiting in it, if any.

    A call takes someone out of the line (in turn or out of order); a transfer puts someone
    back in at their old place; a priority citizen goes in ahead of the regular ones. A
    regular ticket joins at the end, and the rest (start, finish, no-show) concern tickets
    that have left the line: nobody's place changes.
    """
    ticket = event.payload.get("ticket")
    if not isinstance(ticket, dict):
        return None
    sector = ticket.get("sector")
    if not isinstance(sector, str):
        return None
    if event.name in (EventName.TICKET_CALLED, EventName.TICKET_TRANSFERRED) or (
            event.name == EventName.TICKET_ISSUED and ticket.get("priority")):
        return sector
    return None
