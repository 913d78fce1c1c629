"""Socket.IO takes browsers only from its own pages: the Origin of a handshake must be the
server's own address or the configured public base URL. Clients that send no Origin (the
print agent, python-socketio) are not browsers and still connect."""
from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import socketio as socketio_client
from flask import Flask
from werkzeug.serving import make_server

from motcua import create_app
from motcua.core.clock import FixedClock
from motcua.core.events import RecordingPublisher
from motcua.core.ports import Ports
from motcua.extensions import socketio
from motcua.models import metadata
from motcua.queue.demo import load_demo_hall
from tests.conftest import runtime_of

PUBLIC = "http://10.0.0.5:5000"
FOREIGN = "http://evil.example"


@pytest.fixture
def public_app(database_url: str, clock: FixedClock, tmp_path: Path) -> Iterator[Flask]:
    app = create_app(
        {"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret",
         "ASYNC_MODE": "threading", "REDIS_URL": None, "RATELIMIT_ENABLED": False,
         "PRINTER": "dummy:", "PUBLIC_BASE_URL": PUBLIC + "/"},
        clock=clock,
    )
    app.instance_path = str(tmp_path / "instance")
    metadata.create_all(runtime_of(app).engine)
    with runtime_of(app).sessions() as session:
        load_demo_hall(Ports(session, clock, RecordingPublisher()))
    yield app
    runtime_of(app).engine.dispose()


@pytest.fixture
def port(public_app: Flask) -> Iterator[int]:
    server = make_server("127.0.0.1", 0, public_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        thread.join(timeout=10)


def polling_handshake(port: int, origin: str | None) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Origin": origin} if origin else {}
    connection.request("GET", "/socket.io/?EIO=4&transport=polling", headers=headers)
    status = connection.getresponse().status
    connection.close()
    return status


def websocket_handshake(port: int, origin: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/socket.io/?EIO=4&transport=websocket", headers={
        "Origin": origin, "Upgrade": "websocket", "Connection": "Upgrade",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version": "13"})
    status = connection.getresponse().status
    connection.close()
    return status


def test_a_handshake_from_a_foreign_page_is_refused(port):
    assert polling_handshake(port, FOREIGN) == 400
    assert websocket_handshake(port, FOREIGN) == 400


@pytest.mark.parametrize("origin", [PUBLIC, "same-origin"])
def test_a_handshake_from_the_halls_own_pages_is_accepted(port, origin):
    origin = f"http://127.0.0.1:{port}" if origin == "same-origin" else origin
    assert polling_handshake(port, origin) == 200
    assert websocket_handshake(port, origin) == 101


def test_a_client_without_an_origin_such_as_the_print_agent_connects(port):
    assert polling_handshake(port, None) == 200
    client = socketio_client.Client(reconnection=False)
    client.connect(f"http://127.0.0.1:{port}", namespaces=["/display"], auth={"hall": "demo"},
                   wait_timeout=10)
    try:
        assert client.connected
    finally:
        client.disconnect()


def test_the_test_client_still_connects_a_board(public_app):
    board = socketio.test_client(public_app, namespace="/display", auth={"hall": "demo"},
                                 headers={"Origin": PUBLIC})
    assert board.is_connected("/display")
    board.disconnect(namespace="/display")
