"""The server process carries only what serving needs: libraries that only printing, PDFs,
workbooks, migrations or PostgreSQL use load on those paths (issue 5: <= 100 MB RSS
with 100 boards connected)."""
from __future__ import annotations

import gc
import http.client
import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

from motcua.entry import READ_BUFFER_BYTES
from tests.servers import motcua_servers, with_schema

# Each costs the server megabytes; none is needed until its feature is used.
LOADED_ON_DEMAND = {
    "escpos": "python-escpos: printing a slip",
    "PIL": "Pillow: drawing a slip, a preview or a QR code",
    "phonenumbers": "phonenumbers: checking a citizen's mobile number for notifications",
    "qrcode": "qrcode: a QR code",
    "fpdf": "fpdf2: an A4 receipt",
    "openpyxl": "openpyxl: a report workbook",
    "alembic": "Alembic: migrations and restores",
}

# `motcua serve --help` goes through the real start-up (eventlet's patching, then the app
# that finds the command) and stops before serving.
PROBE = """
import json, sys
sys.argv = ["motcua", "serve", "--help"]
from motcua.entry import main
try:
    main()
except SystemExit:
    pass
wait = sys.modules["psycopg2.extensions"].get_wait_callback() if "psycopg2" in sys.modules else None
print("PROBE " + json.dumps({
    "modules": sorted(name for name in sys.modules if not name.startswith("__")),
    "psycopg2_wait_callback": wait and f"{wait.__module__}.{wait.__name__}",
}))
"""


def started_server(tmp_path: Path, database_url: str, **settings: str) -> dict[str, Any]:
    env = {**os.environ, "MOTCUA_DATABASE_URL": database_url, "MOTCUA_SECRET_KEY": "t",
           "MOTCUA_PRINTER": "dummy:"}
    for name in ("MOTCUA_ASYNC_MODE", "MOTCUA_REDIS_URL", "MOTCUA_GREEN_DNS"):
        env.pop(name, None)
    env.update(settings)
    result = subprocess.run([sys.executable, "-c", PROBE], env=env, cwd=tmp_path,
                            capture_output=True, text=True, timeout=120, check=True)
    line = next(x for x in result.stdout.splitlines() if x.startswith("PROBE "))
    probe = json.loads(line.removeprefix("PROBE "))
    assert "flask" in probe["modules"] and "motcua" in probe["modules"]  # the app did start
    return probe


def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'probe.sqlite'}"


def test_starting_the_server_loads_no_library_that_only_one_feature_needs(tmp_path):
    loaded = {name.split(".")[0] for name in started_server(tmp_path, sqlite_url(tmp_path))["modules"]}
    assert {name: why for name, why in LOADED_ON_DEMAND.items() if name in loaded} == {}


def test_a_server_on_sqlite_does_not_load_the_postgresql_driver(tmp_path):
    assert "psycopg2" not in started_server(tmp_path, sqlite_url(tmp_path))["modules"]


def test_a_server_on_postgresql_has_psycopg2_cooperating_with_eventlet(tmp_path):
    # Nothing connects while the server starts, so no PostgreSQL is needed here.
    probe = started_server(tmp_path, "postgresql+psycopg2://nobody@127.0.0.1:1/none")
    assert probe["psycopg2_wait_callback"] == "eventlet.support.psycopg2_patcher.eventlet_wait_callback"


def test_the_server_resolves_host_names_with_the_system_resolver_unless_asked(tmp_path):
    assert "dns" not in started_server(tmp_path, sqlite_url(tmp_path))["modules"]


def test_green_dns_loads_eventlets_own_resolver(tmp_path):
    probe = started_server(tmp_path, sqlite_url(tmp_path), MOTCUA_GREEN_DNS="true")
    assert "dns" in probe["modules"]


def test_a_server_without_a_message_queue_does_not_load_redis(tmp_path):
    # python-socketio imports redis-py for a RedisManager motcua does not use: 7 MB.
    assert "redis" not in started_server(tmp_path, sqlite_url(tmp_path))["modules"]


def test_a_server_with_a_message_queue_loads_redis_for_it(tmp_path):
    # Nothing connects while the server starts, so no Redis is needed here.
    probe = started_server(tmp_path, sqlite_url(tmp_path), MOTCUA_REDIS_URL="redis://127.0.0.1:1/0")
    assert "redis" in probe["modules"]


def test_the_eventlet_server_reads_headers_longer_than_its_small_read_buffer(tmp_path):
    # Each connection's read buffer is small to save memory per board; a browser's request
    # with many cookies, twice on one kept-alive connection, is still read whole.
    env = {**os.environ, "MOTCUA_DATABASE_URL": with_schema(sqlite_url(tmp_path)),
           "MOTCUA_SECRET_KEY": "t", "MOTCUA_PRINTER": "dummy:", "MOTCUA_ASYNC_MODE": "eventlet"}
    env.pop("MOTCUA_REDIS_URL", None)
    cookies = "; ".join(f"c{i}={'x' * 60}" for i in range(READ_BUFFER_BYTES // 10))
    with motcua_servers(1, env, tmp_path) as (server,):
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        for _ in range(2):
            connection.request("GET", "/api/v1/openapi.json", headers={"Cookie": cookies})
            answer = connection.getresponse()
            assert answer.status == 200 and json.loads(answer.read())["openapi"]
        connection.close()


def test_the_server_leaves_what_it_made_to_start_out_of_full_garbage_collections(runner, monkeypatch):
    """About 130,000 objects live as long as the server (modules, the app, SQLAlchemy's
    mappings); each collection of the oldest generation walked them all, 50-60 ms in which no
    request was served (once in about a thousand taps). Frozen before serving, they are not."""
    from motcua.extensions import socketio

    frozen_when_serving: list[int] = []
    monkeypatch.setattr(socketio, "run", lambda *_a, **_k: frozen_when_serving.append(gc.get_freeze_count()))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    try:
        result = runner.invoke(args=["serve", "--host", "127.0.0.1", "--port", str(port)])
    finally:
        gc.unfreeze()
    assert result.exit_code == 0, result.output
    assert frozen_when_serving and frozen_when_serving[0] > 10_000
