"""Printing, in two parts.

- `device/`: what a slip or receipt says and how it is drawn, printers named by URLs, one
  transport per scheme, and the kiosk PC's print agent with its wire protocol. It imports
  nothing else of motcua: kiosk PCs install it alone (agent/pyproject.toml).
- the jobs part: `models` (print jobs), `services` (`print_document`, the one way anything
  is printed, and the job's marks), `dispatch` (the app's print queue: draws and delivers
  after the commit), `worker` (`motcua printer worker`: network printers' jobs drawn and sent
  outside the servers, MOTCUA_PRINT_WORKER=process), `sockets` (the agents' namespace), `cli`.

Importing this package loads nothing: the print agent imports `motcua.printer.device`
without the server's packages, and the server the jobs part through `register`.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

    from motcua.printer.device.urls import PrinterPolicy

POLICY = "motcua.printer.policy"
EXTENSION = "motcua.printer"


def register(app: Flask) -> None:
    """Called by `create_app`: the app's print queue (the dispatcher, also the runtime's
    `print_queue`), the agents' namespace, the CLI, and the printers a hall may choose (a bad
    PRINTER_NETWORKS stops the app here)."""
    from motcua.config import ENV_PREFIX, ConfigError
    from motcua.extensions import socketio
    from motcua.printer.cli import printer_group
    from motcua.printer.device.urls import PrinterPolicy
    from motcua.printer.dispatch import PrintDispatcher
    from motcua.printer.services import AGENT_ACK_SECONDS
    from motcua.printer.sockets import PrintAgentNamespace

    rt = app.extensions["motcua"]
    dispatcher = PrintDispatcher(
        rt.sessions, rt.clock, rt.publisher, socketio.emit,
        agent_seconds=float(app.config.get("PRINT_AGENT_ACK_SECONDS", AGENT_ACK_SECONDS)),
        printer_timeout=float(app.config["PRINTER_TIMEOUT_SECONDS"]),
        printer_jobs_elsewhere=print_worker_process(app.config),
    )
    rt.print_queue = dispatcher
    app.extensions[EXTENSION] = dispatcher
    try:
        app.extensions[POLICY] = PrinterPolicy.from_settings(
            app.config["PRINTER_NETWORKS"], app.config["PRINTER_PORTS"])
    except ValueError as exc:
        raise ConfigError(f"{ENV_PREFIX}{exc}") from None
    socketio.server.register_namespace(PrintAgentNamespace(dispatcher))
    app.cli.add_command(printer_group)


def print_worker_process(config: Mapping[str, Any]) -> bool:
    """MOTCUA_PRINT_WORKER: "server" (the default: each server process draws and sends its
    network printers' jobs, enough for a demo or a one-PC hall) or "process" (a separate
    `motcua printer worker` does, so taps at printing kiosks cost the servers no drawing)."""
    return bool(config.get("PRINT_WORKER") == "process")  # checked by `config.load_config`


def printer_policy() -> PrinterPolicy:
    """The printers this installation lets a hall's staff choose (in a request or app context)."""
    from flask import current_app

    policy: PrinterPolicy = current_app.extensions[POLICY]
    return policy


def server_printer() -> str:
    """The server's own printer (MOTCUA_PRINTER), with a relative file:/preview: folder made
    absolute from here: a kiosk's printer is stored once and used by servers that may run
    from another folder, and "preview:printer-out" must keep meaning this one."""
    from pathlib import Path

    from flask import current_app

    from motcua.core.errors import InvalidInput
    from motcua.printer.device.errors import PrinterError
    from motcua.printer.device.urls import parse_printer_url

    url = str(current_app.config["PRINTER"])
    try:
        settings = parse_printer_url(url)
    except PrinterError as exc:
        raise InvalidInput("MOTCUA_PRINTER: %(problem)s", problem=str(exc)) from None
    if settings.scheme not in ("file", "preview") or Path(settings.target).is_absolute():
        return url
    query = url.strip().partition("?")[2]
    folder = str(Path.cwd() / settings.target) + ("/" if settings.target.endswith("/") else "")
    return f"{settings.scheme}:{folder}" + (f"?{query}" if query else "")
