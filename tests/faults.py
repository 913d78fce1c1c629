"""Faults for the drills: a TCP proxy that can lose every connection (a database or a whole
server going away and coming back on the same address), and kiosks issuing tickets over HTTP
as fast as they are answered."""
from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.client import HTTPException
from typing import Any


class TcpProxy:
    """Forwards a loopback port to `target`, like a network path to the database server.

    `cut()` drops every connection and refuses new ones (the database restarting, a cable
    pulled); `restore()` lets connections through again on the same port.
    """

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self._lock = threading.Lock()
        self._connections: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self._acceptor: threading.Thread | None = None
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port: int = probe.getsockname()[1]

    @property
    def url(self) -> str:
        """The proxied server as browsers reach it, when it is an HTTP server."""
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> TcpProxy:
        self.restore()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.cut()

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen()
        listener.settimeout(0.1)  # the accept loop notices a cut within this
        self._listener = listener
        self._acceptor = threading.Thread(target=self._accept, args=(listener,), daemon=True)
        self._acceptor.start()

    def cut(self) -> None:
        self._listener = None
        if self._acceptor is not None:
            self._acceptor.join()  # the listener is closed: new connections are refused
            self._acceptor = None
        with self._lock:
            connections, self._connections = self._connections, set()
        for connection in connections:
            _close(connection)

    def _accept(self, listener: socket.socket) -> None:
        with listener:
            while self._listener is listener:
                try:
                    client, _ = listener.accept()
                except TimeoutError:
                    continue
                try:
                    upstream = socket.create_connection(self.target, timeout=5)
                except OSError:
                    _close(client)
                    continue
                client.settimeout(None)
                upstream.settimeout(None)
                with self._lock:
                    self._connections |= {client, upstream}
                for source, sink in ((client, upstream), (upstream, client)):
                    threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for end in (source, sink):
            _close(end)
            with self._lock:
                self._connections.discard(end)


def _close(connection: socket.socket) -> None:
    with contextlib.suppress(OSError):
        connection.shutdown(socket.SHUT_RDWR)
    connection.close()


@dataclass
class Answer:
    status: int  # 0: no HTTP answer at all (refused, reset, server gone); body says why
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None


def call(url: str, *, token: str | None = None, body: dict[str, Any] | None = None,
         timeout: float = 10) -> Answer:
    """One HTTP request; every outcome, even no answer, comes back as an `Answer`."""
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers=headers,
                                     method="POST" if data is not None else "GET")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Answer(response.status, dict(response.headers), _decoded(response.read()))
    except urllib.error.HTTPError as error:
        return Answer(error.code, dict(error.headers), _decoded(error.read()))
    except (OSError, HTTPException) as error:
        return Answer(0, body=repr(error))


def _decoded(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode(errors="replace")


class Kiosks:
    """`count` kiosks tapping sectors in turn on one server until stopped, each keeping every
    answer (one tap at a time per kiosk, as a touchscreen does)."""

    def __init__(self, base_url: str, token: str, sectors: tuple[str, ...], count: int = 4,
                 most_each: int = 150) -> None:
        self.url = base_url + "/api/v1/halls/demo/tickets"
        self.token, self.sectors, self.most_each = token, sectors, most_each
        self.answers: list[list[Answer]] = [[] for _ in range(count)]
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._tap, args=(i,), daemon=True)
                         for i in range(count)]

    def __enter__(self) -> Kiosks:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def _tap(self, index: int) -> None:
        answers = self.answers[index]
        while not self._stop.is_set() and len(answers) < self.most_each:
            sector = self.sectors[(index + len(answers)) % len(self.sectors)]
            answers.append(call(self.url, token=self.token, body={"sector": sector}, timeout=15))
            self._stop.wait(0.01)

    def all(self) -> list[Answer]:
        return [answer for answers in self.answers for answer in answers]

    def issued(self) -> list[Answer]:
        return [answer for answer in self.all() if answer.status == 201]

    def wait_for(self, count: int, status: int = 201, timeout_s: float = 60) -> None:
        """Until `count` more answers with `status` (201: issued) have come than so far."""
        def answered() -> int:
            return sum(1 for answer in self.all() if answer.status == status)
        goal = answered() + count
        deadline = time.monotonic() + timeout_s
        while answered() < goal:
            if time.monotonic() > deadline:
                raise AssertionError(f"fewer than {count} answers {status} within {timeout_s} s")
            time.sleep(0.05)
