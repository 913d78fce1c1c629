"""The publisher that turns domain events into Socket.IO messages.

Each hall namespace gets the event in the hall's room (and the counter's room when the
event names a counter); the ticket's phone page gets it in the ticket's room. With a Redis
message queue configured, any process's emit reaches every server's clients.
"""
from __future__ import annotations

from flask_socketio import SocketIO

from motcua.events import (
    HALL_NAMESPACES,
    TICKET_NAMESPACE,
    Event,
    counter_room,
    hall_room,
    ticket_room,
)


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
