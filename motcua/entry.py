"""The `motcua` console command.

`motcua serve` runs eventlet's server when ASYNC_MODE is "eventlet" (the default): eventlet
must patch the standard library before anything else is imported, so that one decision is
made here, before the app module is loaded. Everything else stays free of eventlet calls.
"""
from __future__ import annotations

import os
import sys


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "serve":
        mode = os.environ.setdefault("MOTCUA_ASYNC_MODE", "eventlet").strip('"')
        if mode == "eventlet":
            import eventlet

            eventlet.monkey_patch()
    from flask.cli import FlaskGroup

    from motcua import create_app

    FlaskGroup(create_app=create_app, add_default_commands=False,
               help="motcua: kiosk and queue management for one-stop halls")(prog_name="motcua")
