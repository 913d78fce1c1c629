"""The counter component: the officer's console, the hall's counters, the audit log and the
citizen's satisfaction rating tablet."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from motcua.counter import cli, tablet, views
    from motcua.counter.sockets import NAMESPACE, CounterNamespace
    from motcua.extensions import socketio

    app.register_blueprint(views.bp)
    app.register_blueprint(tablet.bp)
    socketio.on_namespace(CounterNamespace(NAMESPACE))
    app.cli.add_command(cli.tablet_group)
