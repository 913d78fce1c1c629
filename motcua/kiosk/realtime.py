"""Socket.IO for the kiosk screens (`/kiosk`) and the ticket phone pages (`/ticket`).

Rooms are joined in the connect handler, which runs again on every reconnect; events
missed meanwhile are not replayed, so both pages re-read their state over HTTP on connect.
"""
from __future__ import annotations

from typing import Any

from flask_socketio import ConnectionRefusedError, Namespace, join_room
from sqlalchemy import select

from motcua.auth.accounts import device_for_token
from motcua.events import TICKET_NAMESPACE, hall_room, ticket_room
from motcua.kiosk.lookup import TICKET_TOKEN
from motcua.queue.models import DeviceKind, Ticket
from motcua.web import db

KIOSK_NAMESPACE = "/kiosk"


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


class TicketNamespace(Namespace):
    """A ticket's phone page joins the ticket's own room; nothing else is sent there."""

    def on_connect(self, auth: Any = None) -> None:
        token = _given_token(auth)
        if not TICKET_TOKEN.fullmatch(token) or db().scalar(
                select(Ticket.id).where(Ticket.token == token)) is None:
            raise ConnectionRefusedError("no ticket with that code")
        join_room(ticket_room(token))


def namespaces() -> list[Namespace]:
    return [KioskNamespace(KIOSK_NAMESPACE), TicketNamespace(TICKET_NAMESPACE)]
