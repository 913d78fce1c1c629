"""A dossier's receipt: its slip, its printer, and the print job queued for it."""
from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from motcua.dossier import services
from motcua.dossier.models import Dossier
from motcua.dossier.receipt import ReceiptSlip, receipt_document, slip_for
from motcua.printer import services as printing
from motcua.printer.errors import PrinterError
from motcua.printer.models import PrintJob, PrintJobKind
from motcua.queue.models import Hall
from motcua.web import db, runtime
from motcua.web.links import dossier_lookup_page, dossier_lookup_url

log = logging.getLogger(__name__)

PRINTER_EXTENSION = "motcua.printer"


def receiving_unit(hall: Hall) -> str:
    return services.settings_of(hall).receiving_unit or hall.name


def receipt_slip(dossier: Dossier, paper_mm: int = 80) -> ReceiptSlip:
    hall = dossier.hall
    return slip_for(
        dossier,
        receiving_unit=receiving_unit(hall),
        result_place=services.settings_of(hall).result_place or hall.name,
        lookup_url=dossier_lookup_url(dossier.qr_secret),
        lookup_page=dossier_lookup_page(),
        paper_mm=paper_mm,
    )


def receipt_printer(dossier: Dossier) -> str:
    """The counter's receipt printer (hall setting), else the installation's."""
    counter = dossier.counter
    per_counter = services.settings_of(dossier.hall).receipt_printers
    if counter is not None and str(counter.number) in per_counter:
        return per_counter[str(counter.number)]
    return str(current_app.config.get("RECEIPT_PRINTER") or current_app.config["PRINTER"])


def print_receipt(dossier: Dossier, requested_by: str) -> PrintJob | None:
    """Queue the 80 mm receipt on the counter's printer; never raises, never waits.

    The dossier exists whatever happens here: a printer problem is logged, the job (if
    stored) reports it as printer jobs do, and the officer can print again or hand over
    the A4 PDF.
    """
    if PRINTER_EXTENSION not in current_app.extensions:
        log.warning("no printer component: receipt of %s not printed", dossier.code)
        return None
    from motcua.printer.render import to_escpos  # Pillow and python-escpos only to print

    session = db()
    try:
        target = printing.target_for_url(receipt_printer(dossier))
        document = receipt_document(receipt_slip(dossier, target.settings.paper_mm))
        data = to_escpos(document, native_qr=target.settings.native_qr)
        return printing.enqueue(
            session, runtime().clock, current_app.extensions[PRINTER_EXTENSION],
            hall_id=dossier.hall_id, device_id=None, printer_url=target.printer_url,
            kind=PrintJobKind.RECEIPT, data=data, requested_by=requested_by)
    except PrinterError as exc:
        log.error("receipt of %s not printed: %s", dossier.code, exc)
        return None
    except SQLAlchemyError:
        session.rollback()
        log.exception("storing the receipt job of %s", dossier.code)
        return None
