"""The hall board, counter displays and voice announcements (issue 5)."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Add the display pages, the `/display` Socket.IO namespace and the voice commands."""
    from motcua.display.cli import announce_command, voice_group
    from motcua.display.sockets import DisplayNamespace
    from motcua.display.views import bp
    from motcua.extensions import socketio
    from motcua.web.realtime import DISPLAY_NAMESPACE

    app.register_blueprint(bp)
    socketio.on_namespace(DisplayNamespace(DISPLAY_NAMESPACE))
    app.cli.add_command(announce_command)
    app.cli.add_command(voice_group)
