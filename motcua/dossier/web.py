"""Glue between requests and the dossier services: configuration, receipts, printing."""
from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

from flask import current_app, request

from motcua.dossier import services
from motcua.dossier.models import Dossier
from motcua.dossier.receipt import ReceiptSlip, receipt_document, slip_for
from motcua.dossier.services import Installation
from motcua.printer import services as printing
from motcua.printer.device.document import Document
from motcua.printer.models import PrintJob, PrintJobKind
from motcua.printer.services import PrintTarget
from motcua.queue.models import Hall
from motcua.web import db, ports, runtime

DEFAULT_AGENCY_CODE = "H21.65"


def installation() -> Installation:
    """The agency code and the ID-card key, from the installation's configuration."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return Installation(
        agency_code=str(current_app.config.get("AGENCY_CODE") or DEFAULT_AGENCY_CODE),
        id_card_key=hashlib.sha256(b"motcua id-card digests\0" + secret).digest(),
    )


def public_base() -> str:
    """Where citizens reach this server: the configured public URL, else this request's host."""
    return str(current_app.config.get("PUBLIC_BASE_URL") or request.host_url).rstrip("/")


def lookup_url(dossier: Dossier) -> str:
    return f"{public_base()}/tra-cuu/{dossier.qr_secret}"


def receiving_unit(hall: Hall) -> str:
    return services.settings_of(hall).receiving_unit or hall.name


def receipt_slip(dossier: Dossier, paper_mm: int = 80) -> ReceiptSlip:
    hall = dossier.hall
    base = public_base()
    return slip_for(
        dossier,
        receiving_unit=receiving_unit(hall),
        result_place=services.settings_of(hall).result_place or hall.name,
        lookup_url=lookup_url(dossier),
        lookup_page=urlsplit(base).netloc + urlsplit(base).path + "/tra-cuu",
        paper_mm=paper_mm,
    )


def receipt_printer(dossier: Dossier) -> str:
    """The counter's receipt printer (hall setting), else the installation's."""
    counter = dossier.counter
    per_counter = services.settings_of(dossier.hall).receipt_printers
    if counter is not None and str(counter.number) in per_counter:
        return per_counter[str(counter.number)]
    return str(current_app.config.get("RECEIPT_PRINTER") or current_app.config["PRINTER"])


def print_receipt(dossier: Dossier, requested_by: str) -> PrintJob:
    """Print the receipt on the counter's printer, as every document is printed (drawn and
    sent after the answer): a printer that cannot take it gives a failed job, announced
    as `print_failed`, which staff may reprint; the officer can also hand over the A4 PDF.
    """
    def layout(paper_mm: int) -> Document:
        return receipt_document(receipt_slip(dossier, paper_mm))

    return printing.print_document(
        ports(), PrintTarget(receipt_printer(dossier)), layout, hall_id=dossier.hall_id,
        kind=PrintJobKind.RECEIPT, requested_by=requested_by)


def due_soon_count(hall: Hall) -> int:
    """For the console's link: how many dossiers of the hall are due within 24 hours."""
    return len(services.due_soon(db(), runtime().clock, hall))
