"""A door in front of a live server: the server as browsers see it goes away and comes back.

Shutting the door resets every open connection and stops listening, so reconnecting is refused
as when the server process is down; opening it listens again on the same port. The server
behind it keeps running, so a test can change the hall meanwhile, as other processes would.
"""
from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class Door:
    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        probe = socket.create_server(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self._listener: socket.socket | None = None
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def open(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", self.port))  # SO_REUSEADDR
        threading.Thread(target=self._accept, args=(self._listener,), daemon=True).start()

    def shut(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            _reset(listener)  # shutdown wakes the thread waiting in accept(); close alone would not
        with self._lock:
            for connection in self._open:
                _reset(connection)
            self._open.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # shut
            try:
                server = socket.create_connection(("127.0.0.1", self.target_port))
            except OSError:
                _reset(client)
                continue
            with self._lock:
                self._open.update((client, server))
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        for end in (source, sink):
            with self._lock:
                self._open.discard(end)
            _reset(end)


def _reset(connection: socket.socket) -> None:
    try:
        connection.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    connection.close()


@contextmanager
def door_to(target_port: int) -> Iterator[Door]:
    door = Door(target_port)
    door.open()
    try:
        yield door
    finally:
        door.shut()
