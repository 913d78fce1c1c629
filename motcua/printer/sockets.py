"""The server end of the print agents: the Socket.IO namespace of `wire.AGENT_NAMESPACE`.

An agent connects with `wire.agent_auth(kiosk, token)`, joins its kiosk's room, and sends
`READY` after every (re)connection to get the jobs it missed. The server sends `JOB`
messages; the agent answers each with `ACK`.

A python-socketio namespace, not a Flask-SocketIO one: nothing here needs Flask, and
Flask-SocketIO would open a Flask request context for every event, a tenth of a millisecond
for each slip's acknowledgement at a busy kiosk.
"""
from __future__ import annotations

from typing import Any

import socketio

from motcua.printer.device import wire
from motcua.printer.dispatch import PrintDispatcher


class PrintAgentNamespace(socketio.Namespace):  # type: ignore[misc]  # python-socketio has no types
    def __init__(self, dispatcher: PrintDispatcher, namespace: str = wire.AGENT_NAMESPACE) -> None:
        super().__init__(namespace)
        self._dispatcher = dispatcher
        self._devices: dict[str, int] = {}  # Socket.IO session id -> kiosk device id

    def on_connect(self, sid: str, _environ: dict[str, Any], auth: Any = None) -> None:
        auth = auth if isinstance(auth, dict) else {}
        device_id = self._dispatcher.authenticate(
            str(auth["kiosk"]) if auth.get("kiosk") is not None else None, auth.get("token")
        )
        if device_id is None:
            raise socketio.exceptions.ConnectionRefusedError("kiosk token rejected")
        self._devices[sid] = device_id
        self.enter_room(sid, wire.agent_room(device_id))

    def on_ready(self, sid: str, _data: Any = None) -> None:
        device_id = self._devices.get(sid)
        if device_id is None:
            return
        for message in self._dispatcher.open_jobs(device_id):
            self.emit(wire.JOB, message, to=sid)

    def on_ack(self, sid: str, answer: Any) -> None:
        device_id = self._devices.get(sid)
        if device_id is not None:
            self._dispatcher.acknowledge(device_id, answer)

    def on_disconnect(self, sid: str, *_reason: Any) -> None:
        self._devices.pop(sid, None)
