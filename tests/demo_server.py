"""The demo as `motcua demo` loads it, served live with a hall clock the test moves: the demo
hall, its catalogue and booking rules, its staff (with the passwords the command printed), its
kiosk (printing PNG previews, as the demo's default printer does) and its fake SMS channel."""
from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from motcua import create_app
from motcua.core.clock import FixedClock
from motcua.models import metadata
from motcua.notify.delivery import deliver_due
from tests.conftest import LiveServer, runtime_of


@dataclass
class DemoServer:
    server: LiveServer
    clock: FixedClock
    kiosk_token: str
    passwords: dict[str, str]  # demo username → the password `motcua demo` printed
    printer_out: Path  # the kiosk's previews: one PNG a print job

    def url(self, path: str) -> str:
        return self.server.url + path

    def run_notify_worker(self) -> list[dict[str, str]]:
        """One pass of the `motcua notify run` worker, then every SMS the fake channel wrote."""
        rt = runtime_of(self.server.app)
        deliver_due(rt.sessions, rt.clock, Path(self.server.app.instance_path))
        written = Path(self.server.app.instance_path) / "fake-sms.jsonl"
        if not written.exists():
            return []
        return [json.loads(line) for line in written.read_text(encoding="utf-8").splitlines()]

    def printed(self) -> list[Path]:
        return sorted(self.printer_out.glob("*.png")) if self.printer_out.exists() else []


def _from_output(pattern: str, output: str) -> str:
    found = re.search(pattern, output, re.MULTILINE)
    assert found is not None, f"`motcua demo` printed no {pattern!r}:\n{output}"
    return found.group(1)


def demo_server(tmp_path: Path, database_url: str, starts_at: datetime) -> Iterator[DemoServer]:
    """Run `motcua demo` on a fresh database, then serve the app on a free loopback port."""
    from werkzeug.serving import make_server

    clock = FixedClock(starts_at)
    printer_out = tmp_path / "printer-out"
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret",
                      "ASYNC_MODE": "threading", "REDIS_URL": None, "RATELIMIT_ENABLED": False,
                      "PRINTER": f"preview:{printer_out}"}, clock=clock)
    app.instance_path = str(tmp_path / "instance")
    metadata.create_all(runtime_of(app).engine)
    loaded = app.test_cli_runner().invoke(args=["demo"])
    assert loaded.exit_code == 0, loaded.output
    passwords = dict(re.findall(r"^  (\w+) +(\S+) +\w+$", loaded.output, re.MULTILINE))
    kiosk_token = _from_output(r"kiosk: +\S+\?token=(\S+)$", loaded.output)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield DemoServer(LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app),
                         clock, kiosk_token, passwords, printer_out)
    finally:
        server.shutdown()
        runtime_of(app).engine.dispose()


@pytest.fixture
def contexts(browser: Any) -> Iterator[list[Any]]:
    """Browser contexts opened by the test, closed after it."""
    opened: list[Any] = []
    yield opened
    for context in opened:
        context.close()
