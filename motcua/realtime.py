"""The publisher that turns domain events into Socket.IO messages.

Each hall namespace gets the event in the hall's room (and the counter's room when the
event names a counter); the ticket's phone page gets it in the ticket's room, and the phones
waiting in a line that moved get a bare `line_moved` nudge (no other ticket's number or code). With a Redis
message queue configured, any process's emit reaches every server's clients. The WSGI
middleware below keeps the boards' WebSocket connections uncompressed, to save memory.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from flask_socketio import SocketIO

from motcua.events import (
    HALL_NAMESPACES,
    LINE_MOVED,
    TICKET_NAMESPACE,
    Event,
    counter_room,
    hall_room,
    line_room,
    moved_line,
    ticket_room,
)

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment


class SocketIOPublisher:
    def __init__(self, socketio: SocketIO) -> None:
        self._socketio = socketio

    def publish(self, event: Event) -> None:
        message = {"event": event.name, "hall": event.hall, **event.payload}
        rooms = [hall_room(event.hall)]
        if event.counter_number is not None:
            rooms.append(counter_room(event.hall, event.counter_number))
        for namespace in HALL_NAMESPACES:
            # One emit to the union of rooms: a client in both gets it once.
            self._socketio.emit(event.name, message, to=rooms, namespace=namespace)
        if event.ticket_token is not None:
            self._socketio.emit(event.name, message, to=ticket_room(event.ticket_token),
                                namespace=TICKET_NAMESPACE)
        sector = moved_line(event)
        if sector is not None:
            self._socketio.emit(LINE_MOVED, {}, to=line_room(event.hall, sector),
                                namespace=TICKET_NAMESPACE)


class WithoutWebSocketCompression:
    """WSGI middleware: WebSocket connections are made without permessage-deflate.

    Browsers offer the extension and the WebSocket servers under Socket.IO (eventlet's,
    simple-websocket) accept it, then keep a zlib compressor for the life of each connection:
    about 100 KB of server memory per hall board (169 KB a board instead of 66, measured), to
    compress messages of a few hundred bytes on the hall's LAN. Without the offer in the
    request, the handshake settles on plain frames; nothing else changes.
    """

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        environ.pop("HTTP_SEC_WEBSOCKET_EXTENSIONS", None)
        return self.app(environ, start_response)
