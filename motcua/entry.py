"""The `motcua` console command.

`motcua serve` runs on the green-thread server MOTCUA_ASYNC_MODE names: "eventlet" (the
default), "gevent", or "threading" (Werkzeug's threads, no patching). A green-thread library
must patch the standard library before anything else is imported, so that one decision is made
here, before the app module is loaded, from the environment (MOTCUA_ASYNC_MODE,
MOTCUA_GREEN_DNS). Everything else stays free of eventlet and gevent calls: what the server
itself is given (eventlet's HTTP handler, gevent's) goes to `motcua serve` through app.extensions.

Whatever fails, the command answers one line on stderr and a non-zero exit: `MotcuaGroup`
words what it foresees, and `main` anything else (MOTCUA_TRACEBACK=1 shows the traceback).
"""
from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn

from motcua.config import SERVE_MODES  # standard library only: safe before the patching

if TYPE_CHECKING:
    from flask import Flask

# eventlet reads each connection through an 8 KB buffer kept while a board's WebSocket is open
# (the WebSocket then reads the socket itself): 1 KB holds a request line, and longer headers
# take another read. Its 16 KB write buffer stays: smaller, a response would go out in more
# pieces, which TCP may hold back (Nagle) until the first is acknowledged.
READ_BUFFER_BYTES = 1024


def main() -> None:
    factory: Callable[[], Flask] | None = None
    if len(sys.argv) > 1 and sys.argv[1] == "serve":
        mode = os.environ.setdefault("MOTCUA_ASYNC_MODE", "eventlet").strip('"')
        if mode not in SERVE_MODES:
            _refuse(f"MOTCUA_ASYNC_MODE must be one of {', '.join(SERVE_MODES)}, not {mode!r}")
        if mode == "eventlet":
            factory = _patch_for_eventlet()
        elif mode == "gevent":
            factory = _patch_for_gevent()
        _load_socketio_without_redis()
    from motcua.cli import MotcuaGroup, first_line

    if factory is None:
        from motcua import create_app as factory
    group = MotcuaGroup(create_app=factory, add_default_commands=False,
                        help="motcua: kiosk and queue management for one-stop halls")
    try:
        group.main(prog_name="motcua")
    except Exception as exc:  # the last resort: still one line, even for a failure nobody foresaw
        if os.environ.get("MOTCUA_TRACEBACK"):
            raise
        print(f"Error: unexpected {exc.__class__.__name__}: {first_line(exc)} "
              "(MOTCUA_TRACEBACK=1 shows where)", file=sys.stderr)
        sys.exit(1)


def _refuse(message: str) -> NoReturn:
    """A setting `serve` cannot start with, said before anything is imported or patched."""
    print(f"Error: {message}", file=sys.stderr)
    sys.exit(2)


def _load_socketio_without_redis() -> None:
    """python-socketio imports redis-py on load for its own RedisManager (about 7 MB and 60
    modules in every server), which motcua does not use: its queue, web.realtime's
    HallMessageQueue, imports redis when REDIS_URL is set. Hidden while socketio loads, redis
    is imported normally afterwards by whoever needs it (the queue, a Redis rate-limit store)."""
    if "redis" in sys.modules or "socketio" in sys.modules:
        return
    sys.modules["redis"] = None  # type: ignore[assignment]  # `import redis` fails: ImportError
    try:
        import socketio  # noqa: F401
    finally:
        del sys.modules["redis"]


def _patch_for_eventlet() -> Callable[[], Flask]:
    # Eventlet's own resolver (dnspython, about 7 MB) only matters for host names that
    # need a DNS server; halls give printers and Redis by address or in /etc/hosts.
    from motcua.config import ConfigError, boolean

    try:
        green_dns = boolean("MOTCUA_GREEN_DNS", os.environ.get("MOTCUA_GREEN_DNS", "false").strip('"'))
    except ConfigError as exc:
        _refuse(str(exc))
    os.environ["EVENTLET_NO_GREENDNS"] = "no" if green_dns else "yes"
    # eventlet warns on import that it is in maintenance mode: nine lines on every
    # start that a hall operator can do nothing about (the README says what we do).
    warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
    import eventlet

    # All but psycopg2, which eventlet would import to patch it: libpq costs a
    # server on SQLite about 6 MB for nothing. It is patched once the app is built.
    eventlet.monkey_patch(psycopg=False)
    from eventlet.hubs import epolls, use_hub

    if epolls.is_available() and "EVENTLET_HUB" not in os.environ:
        use_hub(fair_eventlet_hub())
    return _create_app_on_eventlet


def _create_app_on_eventlet() -> Flask:
    """The app, with psycopg2 made cooperative if its engine loaded it (a PostgreSQL
    database: SQLAlchemy imports the driver when the engine is made, before any connection)."""
    import eventlet

    from motcua import create_app
    from motcua.cli import SERVER_OPTIONS

    app = create_app()
    if "psycopg2" in sys.modules:
        eventlet.monkey_patch(psycopg=True)
    app.extensions[SERVER_OPTIONS] = {"protocol": _lean_http_protocol()}
    return app


def _lean_http_protocol() -> type:
    """eventlet's HTTP handler with a smaller read buffer: about 5 KB less per board."""
    from eventlet.wsgi import HttpProtocol

    return type("LeanHttpProtocol", (HttpProtocol,), {"rbufsize": READ_BUFFER_BYTES})


def _patch_for_gevent() -> Callable[[], Flask]:
    from gevent import monkey

    monkey.patch_all()
    return _create_app_on_gevent


def _create_app_on_gevent() -> Flask:
    """The app, with psycopg2 waiting through gevent's hub (gevent does not patch C drivers:
    without this, one slow query would stop every connection of the process)."""
    from motcua import create_app
    from motcua.cli import SERVER_OPTIONS

    app = create_app()
    if "psycopg2" in sys.modules:
        from psycogreen.gevent import patch_psycopg

        patch_psycopg()
    app.extensions[SERVER_OPTIONS] = gevent_server_options()
    return app


def gevent_server_options() -> dict[str, Any]:
    """gevent's server with Nagle's algorithm off on each connection it accepts.

    gevent sends an answer's headers and its body in two writes; with Nagle's algorithm on,
    the body waits until the client acknowledges the headers, and a client on a kept-alive
    connection (a kiosk, a counter's console) holds that acknowledgement back 40 ms: every
    request took 40 ms more. eventlet and Werkzeug send a small answer in one write.
    """
    import socket

    from gevent.pywsgi import WSGIHandler

    class PromptHandler(WSGIHandler):
        def __init__(self, sock: socket.socket, address: Any, server: Any, rfile: Any = None) -> None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            super().__init__(sock, address, server, rfile)

    return {"handler_class": PromptHandler}


def fair_eventlet_hub() -> type:
    """eventlet's epoll hub, serving the connections a poll finds ready in the order the
    kernel reports them.

    eventlet's own hub gathers them in a set and serves them in the set's order, which has
    nothing to do with when each became ready: with eight kiosks tapping at once, some were
    answered twice while others waited, a p95 of 24–25 ms for 19–20 in order (the queue
    benchmark). The rest is eventlet's: what a ready descriptor calls, and how an error in
    one callback is kept from the others.
    """
    import select

    from eventlet.hubs import epolls, hub

    class FairHub(epolls.Hub):  # type: ignore[misc]  # eventlet has no type hints
        is_available = staticmethod(epolls.is_available)

        def wait(self, seconds: float | None = None) -> None:
            readers, writers = self.listeners[self.READ], self.listeners[self.WRITE]
            if not readers and not writers:
                super().wait(seconds)  # nothing to poll: eventlet's own sleep
                return
            ready = self.do_poll(seconds)
            if self.debug_blocking:
                self.block_detect_pre()
            # Each listener once, in the order of `ready` (dict keys keep it; a set did not).
            calls: dict[tuple[Any, int], None] = {}
            for fileno, event in ready:
                if event & self.READ_MASK:
                    calls[readers.get(fileno, hub.noop), fileno] = None
                if event & self.WRITE_MASK:
                    calls[writers.get(fileno, hub.noop), fileno] = None
                if event & select.POLLNVAL:
                    self.remove_descriptor(fileno)
                    continue
                if event & self.EXC_MASK:
                    calls[readers.get(fileno, hub.noop), fileno] = None
                    calls[writers.get(fileno, hub.noop), fileno] = None
            for listener, fileno in calls:
                try:
                    listener.cb(fileno)
                except self.SYSTEM_EXCEPTIONS:
                    raise
                except BaseException:
                    self.squelch_exception(fileno, sys.exc_info())
            if self.debug_blocking:
                self.block_detect_post()

    return FairHub
