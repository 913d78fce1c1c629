"""Look-ups at the kiosk ("Tra cứu"): whatever the scanner or the keypad gives, find what it names.

A USB scanner types the QR code's text and Enter; the keypad types a ticket number. The
value goes through the registered finders in turn; the first that recognises it answers
with a fragment for the kiosk's look-up screen. Tickets are found here; another component
adds its own finder from its `register(app)`:

    from motcua.kiosk.lookup import lookups
    lookups.register("dossier", find_dossier)   # (LookupContext, str) -> Found | None

A finder returns None for values that are not its kind, so the order rarely matters; a
finder must not reveal anything a citizen could not see on the paper they hold.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from motcua.core.clock import Clock, local_day
from motcua.kiosk.texts import describe_ticket
from motcua.queue.models import Hall, Ticket
from motcua.queue.readmodels import ticket_status

MAX_LENGTH = 300
TICKET_TOKEN = re.compile(r"[A-Za-z0-9_-]{10,40}")
DISPLAY_NUMBER = re.compile(r"[A-Z]{0,4}[0-9]{1,6}")


@dataclass(frozen=True)
class LookupContext:
    session: Session
    clock: Clock
    hall: Hall  # the kiosk's hall


@dataclass(frozen=True)
class Found:
    kind: str
    template: str  # a fragment, rendered into the kiosk's look-up screen
    context: dict[str, Any] = field(default_factory=dict)


Finder = Callable[[LookupContext, str], Found | None]


class Lookups:
    """The finders, by name; registering a name again replaces it (one per app start)."""

    def __init__(self) -> None:
        self._finders: dict[str, Finder] = {}

    def register(self, name: str, finder: Finder) -> None:
        self._finders[name] = finder

    def names(self) -> list[str]:
        return list(self._finders)

    def find(self, context: LookupContext, scanned: str) -> Found | None:
        value = scanned.strip()
        if not value or len(value) > MAX_LENGTH:
            return None
        for finder in self._finders.values():
            found = finder(context, value)
            if found is not None:
                return found
        return None


lookups = Lookups()


def ticket_token_in(value: str) -> str | None:
    """The token in a ticket's phone-page URL or a bare token.

    Any host is accepted: printed QR codes outlive changes of the server's address.
    """
    path = urlsplit(value).path if "/" in value else ""
    if path:
        parts = [p for p in path.split("/") if p]
        if len(parts) >= 2 and parts[-2] == "t":
            value = parts[-1]
        else:
            return None
    return value if TICKET_TOKEN.fullmatch(value) else None


def find_ticket(context: LookupContext, value: str) -> Found | None:
    """A ticket by the URL or token in its QR code, or by today's number in this hall."""
    session = context.session
    ticket: Ticket | None = None
    number = value.upper()
    if DISPLAY_NUMBER.fullmatch(number):
        day = local_day(context.clock, context.hall.time_zone)
        ticket = session.scalar(select(Ticket).where(
            Ticket.hall_id == context.hall.id, Ticket.day == day, Ticket.display_number == number))
    if ticket is None:
        token = ticket_token_in(value)
        if token is not None:
            ticket = session.scalar(select(Ticket).where(Ticket.token == token))
    if ticket is None:
        return None
    status = ticket_status(session, context.clock, ticket)
    return Found(kind="ticket", template="kiosk/lookup_ticket.html",
                 context={"ticket": status, "described": describe_ticket(status)})
