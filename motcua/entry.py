"""The `motcua` console command.

`motcua serve` runs eventlet's server when ASYNC_MODE is "eventlet" (the default): eventlet
must patch the standard library before anything else is imported, so that one decision is
made here, before the app module is loaded, from the environment (MOTCUA_ASYNC_MODE,
MOTCUA_GREEN_DNS). Everything else stays free of eventlet calls.

Whatever fails, the command answers one line on stderr and a non-zero exit: `MotcuaGroup`
words what it foresees, and `main` anything else (MOTCUA_TRACEBACK=1 shows the traceback).
"""
from __future__ import annotations

import os
import sys
import warnings
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def main() -> None:
    from_eventlet = False
    if len(sys.argv) > 1 and sys.argv[1] == "serve":
        mode = os.environ.setdefault("MOTCUA_ASYNC_MODE", "eventlet").strip('"')
        if mode == "eventlet":
            # Eventlet's own resolver (dnspython, about 7 MB) only matters for host names that
            # need a DNS server; halls give printers and Redis by address or in /etc/hosts.
            green_dns = os.environ.get("MOTCUA_GREEN_DNS", "false").strip('"').lower()
            os.environ["EVENTLET_NO_GREENDNS"] = "no" if green_dns in ("1", "true", "yes") else "yes"
            # eventlet warns on import that it is in maintenance mode: nine lines on every
            # start that a hall operator can do nothing about (the README says what we do).
            warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
            import eventlet

            # All but psycopg2, which eventlet would import to patch it: libpq costs a
            # server on SQLite about 6 MB for nothing. It is patched once the app is built.
            eventlet.monkey_patch(psycopg=False)
            from_eventlet = True
    from motcua import create_app
    from motcua.cli import MotcuaGroup, first_line

    group = MotcuaGroup(create_app=_create_app_on_eventlet if from_eventlet else create_app,
                        add_default_commands=False,
                        help="motcua: kiosk and queue management for one-stop halls")
    try:
        group.main(prog_name="motcua")
    except Exception as exc:  # the last resort: still one line, even for a failure nobody foresaw
        if os.environ.get("MOTCUA_TRACEBACK"):
            raise
        print(f"Error: unexpected {exc.__class__.__name__}: {first_line(exc)} "
              "(MOTCUA_TRACEBACK=1 shows where)", file=sys.stderr)
        sys.exit(1)


def _create_app_on_eventlet() -> Flask:
    """The app, with psycopg2 made cooperative if its engine loaded it (a PostgreSQL
    database: SQLAlchemy imports the driver when the engine is made, before any connection)."""
    import eventlet

    from motcua import create_app

    app = create_app()
    if "psycopg2" in sys.modules:
        eventlet.monkey_patch(psycopg=True)
    return app
