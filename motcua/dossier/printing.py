"""A dossier's papers (the receipt; the refusal or supplement slip): their layouts, their
printer, and the print jobs queued for them."""
from __future__ import annotations

from flask import current_app

from motcua.dossier import services
from motcua.dossier.models import Dossier
from motcua.dossier.notice import NoticeSlip, notice_document, notice_for
from motcua.dossier.receipt import ReceiptSlip, receipt_document, slip_for
from motcua.printer import services as printing
from motcua.printer.device.document import Document
from motcua.printer.models import PrintJob, PrintJobKind
from motcua.printer.services import PrintTarget
from motcua.queue.models import Hall
from motcua.web import ports
from motcua.web.links import dossier_lookup_page, dossier_lookup_url


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


def receipt_printer(dossier: Dossier, counter_number: int | None = None) -> str:
    """The counter's receipt printer (hall setting: of `counter_number`, else of the counter
    that received the dossier), else the installation's."""
    number = counter_number if counter_number is not None else (
        dossier.counter.number if dossier.counter else None)
    per_counter = services.settings_of(dossier.hall).receipt_printers
    if number is not None and str(number) in per_counter:
        return per_counter[str(number)]
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



def notice_slip(dossier: Dossier, officer_name: str, paper_mm: int = 80) -> NoticeSlip:
    return notice_for(dossier, receiving_unit=receiving_unit(dossier.hall), officer_name=officer_name,
                      lookup_url=dossier_lookup_url(dossier.qr_secret), paper_mm=paper_mm)


def print_notice(dossier: Dossier, officer_name: str, requested_by: str,
                 counter_number: int | None = None) -> PrintJob:
    """Print the refusal or supplement slip on the receipt printer of the counter the officer
    works at (else the dossier's, else the installation's), as receipts are printed."""
    def layout(paper_mm: int) -> Document:
        return notice_document(notice_slip(dossier, officer_name, paper_mm))

    return printing.print_document(
        ports(), PrintTarget(receipt_printer(dossier, counter_number)), layout,
        hall_id=dossier.hall_id, kind=PrintJobKind.NOTICE, requested_by=requested_by)
