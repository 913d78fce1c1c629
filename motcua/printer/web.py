"""The printer inside the app: its dispatcher, the agents' namespace, its commands, and the
call the API makes once a ticket is issued."""
from __future__ import annotations

import logging

from flask import Flask, current_app
from sqlalchemy.exc import SQLAlchemyError

from motcua.printer import services
from motcua.printer.cli import printer_group
from motcua.printer.dispatch import PrintDispatcher
from motcua.printer.models import PrintJob
from motcua.printer.namespace import PrintAgentNamespace
from motcua.printer.transports import PrinterPolicy
from motcua.core.accounts import Device
from motcua.queue.services import IssuedTicket
from motcua.web import db, runtime
from motcua.web.links import ticket_page_url

log = logging.getLogger(__name__)

EXTENSION = "motcua.printer"
POLICY = "motcua.printer.policy"


def register(app: Flask) -> None:
    """Called by `create_app`: one dispatcher per app, the `/print-agent` namespace, the CLI,
    and the printers a hall may choose (a bad PRINTER_NETWORKS stops the app here)."""
    from motcua.extensions import socketio

    rt = app.extensions["motcua"]
    dispatcher = PrintDispatcher(
        rt.sessions, rt.clock, rt.publisher, socketio.emit,
        agent_seconds=float(app.config.get("PRINT_AGENT_ACK_SECONDS", services.AGENT_ACK_SECONDS)),
        printer_timeout=float(app.config["PRINTER_TIMEOUT_SECONDS"]),
    )
    app.extensions[EXTENSION] = dispatcher
    app.extensions[POLICY] = PrinterPolicy.from_settings(
        app.config["PRINTER_NETWORKS"], app.config["PRINTER_PORTS"])
    socketio.on_namespace(PrintAgentNamespace(dispatcher))
    app.cli.add_command(printer_group)


def dispatcher() -> PrintDispatcher:
    return current_app.extensions[EXTENSION]


def printer_policy() -> PrinterPolicy:
    return current_app.extensions[POLICY]


def print_issued_ticket(issued: IssuedTicket, device: Device | None) -> PrintJob | None:
    """Queue the slip of a just-issued (committed) ticket on its kiosk's printer.

    Never raises and never waits for a printer, nor for the slip's drawing (the dispatcher
    draws it after the answer): the ticket exists whatever happens here.
    None when the kiosk has no printer or the job could not even be stored.
    """
    if device is None or not device.printer:
        return None  # before building the QR code's address: most taps through the API
    session = db()
    rt = runtime()
    try:
        return services.print_ticket(
            session, rt.clock, rt.publisher, dispatcher(), issued.ticket, device,
            ahead=issued.ahead, wait_minutes=issued.estimated_wait_minutes,
            status_url=ticket_page_url(issued.ticket.token), later=True,
        )
    except SQLAlchemyError:
        session.rollback()
        log.exception("storing the print job of ticket %s", issued.ticket.id)
        return None
