"""A board's WebSocket is made without permessage-deflate, though its browser offers it: the
compressor a server keeps per connection costs about 100 KB a board (issue 5's memory target)."""
from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.servers import motcua_servers, with_schema

# What Chromium sends to open a WebSocket, extension offer included.
UPGRADE = (
    "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
    "Host: 127.0.0.1\r\n"
    "Upgrade: websocket\r\n"
    "Connection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    "Sec-WebSocket-Version: 13\r\n"
    "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
    "\r\n"
)


@pytest.fixture
def eventlet_server(tmp_path: Path) -> Iterator[int]:
    """`motcua serve` (eventlet) in its own process; yields its port."""
    env = {**os.environ, "MOTCUA_DATABASE_URL": with_schema(f"sqlite:///{tmp_path / 'ws.sqlite'}"),
           "MOTCUA_SECRET_KEY": "t", "MOTCUA_PRINTER": "dummy:", "MOTCUA_ASYNC_MODE": "eventlet"}
    env.pop("MOTCUA_REDIS_URL", None)
    with motcua_servers(1, env, tmp_path) as (server,):
        yield server.port


@pytest.fixture
def threading_server(app: Flask) -> Iterator[int]:
    """The test app (async mode "threading": simple-websocket) on Werkzeug's server; its port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        thread.join(timeout=10)


def handshake_answer(port: int) -> str:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(UPGRADE.encode())
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = conn.recv(4096)
            if not chunk:
                break
            answer += chunk
    return answer.split(b"\r\n\r\n")[0].decode("latin-1")


def assert_opened_without_extensions(answer: str) -> None:
    status, *headers = answer.split("\r\n")
    assert status.split()[1] == "101"
    assert [h for h in headers if h.lower().startswith("sec-websocket-extensions")] == []


def test_under_motcua_serve_a_websocket_offered_compression_is_opened_without_it(eventlet_server):
    assert_opened_without_extensions(handshake_answer(eventlet_server))


def test_in_threading_mode_a_websocket_offered_compression_is_opened_without_it(threading_server):
    assert_opened_without_extensions(handshake_answer(threading_server))
