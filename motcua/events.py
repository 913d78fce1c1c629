"""The event publisher port: services announce what changed after they commit.

Events are nudges, not the truth: a page that gets one may re-read state over HTTP.
Rooms are named here so publishers and Socket.IO namespaces agree on them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class Event:
    name: str  # "ticket_issued", "ticket_called", "counter_changed", "print_failed", …
    hall: str  # hall code
    payload: dict[str, Any] = field(default_factory=dict)
    counter_number: int | None = None  # also sent to that counter's room
    ticket_token: str | None = None  # also sent to that ticket's phone page


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


# Socket.IO namespaces and their rooms.
HALL_NAMESPACES = ("/display", "/counter", "/kiosk")  # each has a room per hall
TICKET_NAMESPACE = "/ticket"  # the phone page behind a ticket's QR code: a room per ticket
LINE_MOVED = "line_moved"  # sent, without a word more, to the phones waiting in a line that moved


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
    sector = ticket.get("sector") if isinstance(ticket, dict) else None
    if not isinstance(sector, str):
        return None
    if event.name in ("ticket_called", "ticket_transferred") or (
            event.name == "ticket_issued" and ticket.get("priority")):
        return sector
    return None
