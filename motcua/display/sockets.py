"""The `/display` Socket.IO namespace: boards join their hall's room, counter displays a counter's.

Joining happens in the connect handler, which also runs on every reconnect; events missed
while away are not replayed, so the page re-reads the state over HTTP when it connects.
"""
from __future__ import annotations

from typing import Any

from flask import request
from flask_socketio import ConnectionRefusedError, Namespace, join_room

from motcua.core.events import counter_room, hall_room
from motcua.queue.errors import NotFound
from motcua.queue.services import get_counter, get_hall
from motcua.web import runtime


def _wanted(auth: Any) -> tuple[str, int | None]:
    """The hall (and counter) a screen asks for: from the Socket.IO auth, else the query string."""
    given = auth if isinstance(auth, dict) else {}
    hall = given.get("hall") or request.args.get("hall")
    counter = given.get("counter", request.args.get("counter"))
    if not isinstance(hall, str) or not hall.strip():
        raise ConnectionRefusedError("say which hall this screen shows: auth {hall: CODE}")
    if counter is None or counter == "":
        return hall.strip(), None
    try:
        number = int(counter)
    except (TypeError, ValueError):
        raise ConnectionRefusedError(f"counter must be a number, not {counter!r}") from None
    return hall.strip(), number


class DisplayNamespace(Namespace):
    def on_connect(self, auth: Any = None) -> None:
        hall_code, counter = _wanted(auth)
        with runtime().sessions() as session:
            try:
                hall = get_hall(session, hall_code)
                if counter is not None:
                    get_counter(session, hall, counter)
            except NotFound as exc:
                raise ConnectionRefusedError(exc.message) from None
            code = hall.code
        join_room(hall_room(code) if counter is None else counter_room(code, counter))
