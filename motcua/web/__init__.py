"""The web layer every component's views share: the request's ports and actor, request parsing,
the one JSON error shape and error-to-response mechanism, the public URLs for phones, and the
Socket.IO transport with its namespace names.

The request context (ports, actor, device) is imported from here; the rest from its modules:
`errors`, `parsing`, `links`, `realtime`, `live` (the event names for scripts), `outage`.
"""
from __future__ import annotations

from flask import Flask

from motcua.web.context import (
    Runtime,
    bearer_token,
    begin_request_write,
    close_db,
    current_actor,
    current_device,
    db,
    ports,
    runtime,
)

__all__ = [
    "Runtime",
    "bearer_token",
    "begin_request_write",
    "close_db",
    "current_actor",
    "current_device",
    "db",
    "ports",
    "register",
    "runtime",
]


def register(app: Flask) -> None:
    """Called by `create_app`: the answers to errors and outages, and the pages' event names."""
    from motcua.web import errors, live, outage

    errors.register(app)
    outage.register(app)
    app.register_blueprint(live.bp)
