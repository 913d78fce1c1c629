"""Real `motcua serve` processes (eventlet), for the tests that need the production server."""
from __future__ import annotations

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
