"""Benchmarks: `./dev bench` (or `python -m bench [--only NAME,…]`) prints one table each."""
from __future__ import annotations

from pathlib import Path

# The server as a hall installs it: `./dev bench` makes .venv-server with the package and its
# dependencies only. The benchmark's own tools (aiohttp for the Socket.IO load, Playwright)
# would otherwise be imported by the server too (socketio loads its aiohttp client when it
# can) and count in its memory.
SERVER_VENV = Path(__file__).resolve().parent.parent / ".venv-server"
MOTCUA = str(SERVER_VENV / "bin" / "motcua")
