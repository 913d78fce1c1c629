"""The server process carries only what serving needs: libraries that only printing, PDFs,
workbooks or migrations use load on those paths (issue 5: <= 100 MB RSS with 100 boards)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

# Each costs the server megabytes; none is needed until its feature is used.
LOADED_ON_DEMAND = {
    "escpos": "python-escpos: printing a slip",
    "PIL": "Pillow: drawing a slip, a preview or a QR code",
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
print("MODULES " + json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def modules_of_a_started_server(tmp_path: Path) -> set[str]:
    env = {**os.environ, "MOTCUA_DATABASE_URL": f"sqlite:///{tmp_path / 'probe.sqlite'}",
           "MOTCUA_SECRET_KEY": "t", "MOTCUA_PRINTER": "dummy:"}
    env.pop("MOTCUA_ASYNC_MODE", None)
    env.pop("MOTCUA_REDIS_URL", None)
    result = subprocess.run([sys.executable, "-c", PROBE], env=env, cwd=tmp_path,
                            capture_output=True, text=True, timeout=120, check=True)
    line = next(x for x in result.stdout.splitlines() if x.startswith("MODULES "))
    return set(json.loads(line.removeprefix("MODULES ")))


def test_starting_the_server_loads_no_library_that_only_one_feature_needs(tmp_path):
    loaded = modules_of_a_started_server(tmp_path)
    assert "flask" in loaded and "motcua" in loaded  # the probe did start the app
    assert {name: why for name, why in LOADED_ON_DEMAND.items() if name in loaded} == {}
