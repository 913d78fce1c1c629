"""Local stand-ins for network printers: one that answers like an ESC/POS printer, one that
accepts and then never reads or answers, and a port where nothing listens."""
from __future__ import annotations

import socket
import threading
from types import TracebackType


class FakeNetworkPrinter:
    """Listens on 127.0.0.1; answers DLE EOT status queries; keeps each job's bytes.

    `paper` is the paper status byte it reports (0x12 paper OK, 0x7E out of paper);
    `silent` makes it accept connections and then neither read nor answer.
    """

    def __init__(self, paper: int = 0x12, silent: bool = False) -> None:
        self.paper = paper
        self.silent = silent
        self.jobs: list[bytes] = []
        self.connections = 0
        self.received = threading.Event()
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.2)
        self._stop = threading.Event()
        self._held: list[socket.socket] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"tcp://127.0.0.1:{self._server.getsockname()[1]}"

    def __enter__(self) -> FakeNetworkPrinter:
        self._thread.start()
        return self

    def __exit__(self, *_exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        for conn in self._held:
            conn.close()
        self._server.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except TimeoutError:
                continue
            self.connections += 1
            if self.silent:
                self._held.append(conn)  # never read, never answer, never close
                continue
            self._job(conn)

    def _job(self, conn: socket.socket) -> None:
        data = b""
        conn.settimeout(5)
        with conn:
            while True:
                try:
                    chunk = conn.recv(65536)
                except OSError:
                    break
                if not chunk:
                    break
                data += chunk
                # Real-time status queries are answered at once, whatever else is buffered.
                for query, answer in ((b"\x10\x04\x01", 0x12), (b"\x10\x04\x04", self.paper)):
                    for _ in range(chunk.count(query)):
                        conn.sendall(bytes([answer]))
        if data:
            self.jobs.append(data)
            self.received.set()


def closed_port() -> int:
    """A loopback port with nothing listening (connections are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
