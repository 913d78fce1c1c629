"""The publisher that turns domain events into Socket.IO messages.

Each hall namespace gets the event in the hall's room (and the counter's room when the
event names a counter); the ticket's phone page gets it in the ticket's room. With a Redis
message queue configured, any process's emit reaches every server's clients. The WSGI
middleware below keeps the boards' WebSocket connections uncompressed, to save memory.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from flask_socketio import SocketIO

from motcua.events import (
    HALL_NAMESPACES,
    TICKET_NAMESPACE,
    Event,
    counter_room,
    hall_room,
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


DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(scheme: str, host: str) -> str:
    """`scheme://host[:port]` as a browser writes an Origin (no default port, lower case)."""
    parts = urlsplit(f"{scheme}://{host}")
    if not parts.hostname:
        return ""
    port = parts.port if parts.port not in (None, DEFAULT_PORTS.get(parts.scheme)) else None
    return f"{parts.scheme}://{parts.hostname}" + (f":{port}" if port else "")


def origin_rule(public_base_url: str | None) -> Callable[[str, dict[str, Any]], bool]:
    """Engine.IO's Origin check: a browser may connect from the server's own pages (its Host,
    or what a proxy in front says it is, as Engine.IO's own default) or from the configured
    public address; nothing else. A client sending no Origin (the print agent) is not asked."""
    public = None
    if public_base_url:
        parts = urlsplit(public_base_url)
        public = _origin(parts.scheme, parts.netloc)

    def allowed(origin: str, environ: dict[str, Any]) -> bool:
        host = environ.get("HTTP_HOST", "")
        scheme = environ.get("wsgi.url_scheme", "http")
        try:
            own = {_origin(scheme, host), public}
            if "HTTP_X_FORWARDED_PROTO" in environ or "HTTP_X_FORWARDED_HOST" in environ:
                own.add(_origin(
                    environ.get("HTTP_X_FORWARDED_PROTO", scheme).split(",")[0].strip(),
                    environ.get("HTTP_X_FORWARDED_HOST", host).split(",")[0].strip()))
            wanted = urlsplit(origin)
            candidate = _origin(wanted.scheme, wanted.netloc)
        except ValueError:  # a malformed Origin or Host (a bad port) is no origin of ours
            return False
        return bool(candidate) and candidate in own

    return allowed


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
