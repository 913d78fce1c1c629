"""Local stand-ins for the services channels talk to: an HTTP server that records requests and
answers what the test says, and a minimal SMTP server. Never the internet."""
from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]  # names in lower case
    body: bytes


@dataclass
class FakeHttp:
    url: str
    requests: list[Received] = field(default_factory=list)
    status: int = 200
    answer: bytes = b'{"ok": true}'


@contextmanager
def fake_http() -> Iterator[FakeHttp]:
    state = FakeHttp(url="")

    class Handler(BaseHTTPRequestHandler):
        def _record(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            state.requests.append(Received(self.command, self.path, {k.lower(): v for k, v in self.headers.items()},
                                           self.rfile.read(length)))
            self.send_response(state.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(state.answer)))
            self.end_headers()
            self.wfile.write(state.answer)

        do_GET = do_POST = do_PUT = _record

        def log_message(self, *args: object) -> None:
            """Quiet: the tests read the requests themselves, not the server's log."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class FakeSmtp:
    port: int
    mails: list[tuple[str, list[str], bytes]] = field(default_factory=list)  # from, to, data


@contextmanager
def fake_smtp() -> Iterator[FakeSmtp]:
    """Enough of RFC 5321 for smtplib: EHLO, MAIL, RCPT, DATA, QUIT."""
    state = FakeSmtp(port=0)

    class Handler(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            self.wfile.write(b"220 fake ESMTP\r\n")
            sender, recipients = "", []
            while line := self.rfile.readline():
                verb = line[:4].upper()
                if verb in (b"EHLO", b"HELO"):
                    self.wfile.write(b"250 fake\r\n")
                elif verb == b"MAIL":
                    sender = line.decode().split(":", 1)[1].strip().strip("<>")
                    self.wfile.write(b"250 OK\r\n")
                elif verb == b"RCPT":
                    recipients.append(line.decode().split(":", 1)[1].strip().strip("<>"))
                    self.wfile.write(b"250 OK\r\n")
                elif verb == b"DATA":
                    self.wfile.write(b"354 go on\r\n")
                    data = b""
                    while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                        data += chunk
                    state.mails.append((sender, recipients, data))
                    self.wfile.write(b"250 queued\r\n")
                elif verb == b"QUIT":
                    self.wfile.write(b"221 bye\r\n")
                    return
                else:
                    self.wfile.write(b"250 OK\r\n")

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
