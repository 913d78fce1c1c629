"""The `/counter` Socket.IO namespace: consoles and rating tablets get their hall's nudges.

Who connects is checked before any room is joined: signed-in staff of the hall (through
the Flask-Login session carried by the handshake) join the hall's room and, for a counter
they may act on, its counter room; a registered tablet joins only its own counter's room.
"""
from __future__ import annotations

from typing import Any

from flask import request
from flask_login import current_user
from flask_socketio import ConnectionRefusedError as Refused
from flask_socketio import Namespace, join_room

from motcua.core.actors import Role
from motcua.core.events import counter_room, hall_room
from motcua.counter.ratings import tablet_at
from motcua.counter.tablet import TABLET_COOKIE
from motcua.queue import services
from motcua.queue.errors import DomainError
from motcua.queue.models import Hall
from motcua.web import db
from motcua.web.realtime import COUNTER_NAMESPACE

NAMESPACE = COUNTER_NAMESPACE


class CounterNamespace(Namespace):
    def on_connect(self, auth: Any = None) -> None:
        wanted = auth if isinstance(auth, dict) else {}
        number = wanted.get("counter")
        number = number if isinstance(number, int) and not isinstance(number, bool) else None
        try:
            hall = services.get_hall(db(), str(wanted.get("hall") or ""))
            if current_user.is_authenticated:
                self._join_as_staff(hall, number)
            elif number is not None:
                tablet_at(db(), request.cookies.get(TABLET_COOKIE), hall.code, number)
                join_room(counter_room(hall.code, number))
            else:
                raise Refused("unauthorized")
        except DomainError as exc:
            raise Refused(exc.code) from None

    @staticmethod
    def _join_as_staff(hall: Hall, number: int | None) -> None:
        user = current_user.user
        if user.hall_id not in (None, hall.id):
            raise Refused("forbidden")
        join_room(hall_room(hall.code))
        if number is None:
            return
        counter = services.get_counter(db(), hall, number)
        if user.role in (Role.ADMIN, Role.SUPERVISOR) or counter.officer_id == user.id:
            join_room(counter_room(hall.code, number))
