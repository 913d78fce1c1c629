"""Socket.IO for the kiosk screens (`/kiosk`) and the ticket phone pages (`/ticket`).

Rooms are joined in the connect handler, which runs again on every reconnect; events
missed meanwhile are not replayed, so both pages re-read their state over HTTP on connect.
"""
from __future__ import annotations

from typing import Any

from flask_socketio import ConnectionRefusedError, Namespace, join_room, leave_room, rooms
from sqlalchemy import select

from motcua.core.actors import DeviceKind
from motcua.core.events import hall_room, line_room, ticket_room
from motcua.core.identity import device_for_token
from motcua.kiosk.lookup import TICKET_TOKEN
from motcua.queue.models import Hall, Sector, Ticket
from motcua.web import db
from motcua.web.realtime import KIOSK_NAMESPACE, TICKET_NAMESPACE


def _given_token(auth: Any) -> str:
    token = auth.get("token") if isinstance(auth, dict) else None
    if not isinstance(token, str) or not token:
        raise ConnectionRefusedError("connect with auth {token: …}")
    return token


class KioskNamespace(Namespace):
    """A registered kiosk joins its hall's room: waiting counts, print failures for its tickets."""

    def on_connect(self, auth: Any = None) -> None:
        device = device_for_token(db(), _given_token(auth))
        if device is None or device.kind != DeviceKind.KIOSK:
            raise ConnectionRefusedError("not a registered kiosk")
        join_room(hall_room(device.hall.code))


def _ticket_line(auth: Any) -> tuple[str, str] | None:
    """The ticket's token and the line room it waits in, or None for no such ticket."""
    token = auth.get("token") if isinstance(auth, dict) else None
    if not isinstance(token, str) or not TICKET_TOKEN.fullmatch(token):
        return None
    found = db().execute(
        select(Hall.code, Sector.code).select_from(Ticket)
        .join(Hall, Hall.id == Ticket.hall_id).join(Sector, Sector.id == Ticket.sector_id)
        .where(Ticket.token == token)).first()
    return None if found is None else (token, line_room(found[0], found[1]))


class TicketNamespace(Namespace):
    """A ticket's phone page joins the ticket's own room, and its sector's line room, where
    only a bare `line_moved` nudge is sent: the page re-reads how many people are ahead."""

    def on_connect(self, auth: Any = None) -> None:
        found = _ticket_line(auth)
        if found is None:
            raise ConnectionRefusedError("no ticket with that code")
        token, line = found
        join_room(ticket_room(token))
        join_room(line)

    def on_follow(self, auth: Any = None) -> None:
        """After a transfer the page asks to follow the line its ticket waits in now."""
        found = _ticket_line(auth)
        if found is None:
            return
        for room in rooms():
            if room.startswith("line:") and room != found[1]:
                leave_room(room)
        join_room(found[1])


def namespaces() -> list[Namespace]:
    return [KioskNamespace(KIOSK_NAMESPACE), TicketNamespace(TICKET_NAMESPACE)]
