"""Real `motcua serve` processes (eventlet), for the tests that need the production server."""
from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

MOTCUA = Path(sys.executable).with_name("motcua")


def with_schema(url: str) -> str:
    """`url` with motcua's schema made: `motcua serve` refuses a database without it."""
    from motcua.core.db import make_engine
    from motcua.migrate import upgrade

    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path


@contextmanager
def motcua_servers(count: int, env: dict[str, str], folder: Path) -> Iterator[list[Server]]:
    """`count` servers with this environment, each listening (the app is built by then);
    stopped on the way out. Their output goes to `folder/server-N.log`."""
    servers = []
    try:
        for index in range(count):
            port = free_port()
            log = folder / f"server-{index}.log"
            with log.open("wb") as out:
                process = subprocess.Popen(
                    [str(MOTCUA), "serve", "--host", "127.0.0.1", "--port", str(port)],
                    env=env, cwd=folder, stdout=out, stderr=subprocess.STDOUT)
            servers.append(Server(f"http://127.0.0.1:{port}", port, process, log))
        for server in servers:
            _wait_until_listening(server)
        yield servers
    finally:
        for server in servers:
            server.process.terminate()
        for server in servers:
            try:
                server.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.process.kill()


def _wait_until_listening(server: Server, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        if server.process.poll() is not None:
            pytest.fail(f"motcua serve exited with {server.process.returncode}:\n"
                        f"{server.log.read_text(errors='replace')[-3000:]}")
        try:
            socket.create_connection(("127.0.0.1", server.port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                pytest.fail(f"motcua serve at {server.url} did not listen within {timeout_s} s")
            time.sleep(0.1)


class RedisServer:
    """A `redis-server` of the test's own on a free port, to kill, restart and freeze at will
    (the shared Redis on 6379 is never touched)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as link:
                    link.sendall(b"PING\r\n")
                    if link.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"redis-server did not answer on port {self.port}")
            time.sleep(0.05)

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=10)

    def freeze(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.kill()


@contextmanager
def redis_server(folder: Path) -> Iterator[RedisServer]:
    server = RedisServer(folder)
    server.start()
    try:
        yield server
    finally:
        server.stop()
