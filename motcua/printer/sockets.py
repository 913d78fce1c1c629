"""The server end of the print agents: the Socket.IO namespace of `wire.AGENT_NAMESPACE`.

An agent connects with `wire.agent_auth(kiosk, token)`, joins its kiosk's room, and sends
`READY` after every (re)connection to get the jobs it missed. The server sends `JOB`
messages; the agent answers each with `ACK`.
"""
from __future__ import annotations

from typing import Any

from flask import request
from flask_socketio import ConnectionRefusedError, Namespace, emit, join_room

from motcua.printer.device import wire
from motcua.printer.dispatch import PrintDispatcher


class PrintAgentNamespace(Namespace):  # type: ignore[misc]  # flask_socketio has no types
    def __init__(self, dispatcher: PrintDispatcher, namespace: str = wire.AGENT_NAMESPACE) -> None:
        super().__init__(namespace)
        self._dispatcher = dispatcher
        self._devices: dict[str, int] = {}  # Socket.IO session id -> kiosk device id

    def on_connect(self, auth: dict[str, Any] | None = None) -> None:
        auth = auth if isinstance(auth, dict) else {}
        device_id = self._dispatcher.authenticate(
            str(auth["kiosk"]) if auth.get("kiosk") is not None else None, auth.get("token")
        )
        if device_id is None:
            raise ConnectionRefusedError("kiosk token rejected")
        self._devices[request.sid] = device_id  # type: ignore[attr-defined]
        join_room(wire.agent_room(device_id))

    def on_ready(self, _data: Any = None) -> None:
        device_id = self._devices.get(request.sid)  # type: ignore[attr-defined]
        if device_id is None:
            return
        for message in self._dispatcher.open_jobs(device_id):
            emit(wire.JOB, message)

    def on_ack(self, answer: Any) -> None:
        device_id = self._devices.get(request.sid)  # type: ignore[attr-defined]
        if device_id is not None:
            self._dispatcher.acknowledge(device_id, answer)

    def on_disconnect(self, *_reason: Any) -> None:
        self._devices.pop(request.sid, None)  # type: ignore[attr-defined]
