"""A dossier's papers (the receipt; the refusal or supplement slip): their layouts, their
printer, and the print jobs queued for them; and a procedure's checklist of what to bring,
printed on a kiosk's printer."""
from __future__ import annotations

from flask import current_app

from motcua.core.accounts import Device
from motcua.core.errors import N_
from motcua.dossier import services
from motcua.dossier.errors import KioskWithoutPrinter
from motcua.dossier.models import Dossier, Procedure
from motcua.dossier.notice import NoticeSlip, notice_document, notice_for
from motcua.dossier.receipt import FORMS, ReceiptSlip, processing_time_text, receipt_document, slip_for
from motcua.printer import services as printing
from motcua.printer.device.document import ChecklistItem, ChecklistSlip, Document, checklist_document
from motcua.printer.models import PrintJob, PrintJobKind
from motcua.printer.services import PrintTarget
from motcua.queue.models import Hall
from motcua.web import db, ports
from motcua.web.links import dossier_lookup_page, dossier_lookup_url, procedure_page_url


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



def how_many(document: dict[str, object]) -> str:
    """"Bản chính: 1 · Bản sao: 1", or the form alone when the catalogue gives no numbers."""
    originals, copies = document.get("originals") or 0, document.get("copies") or 0
    form = document.get("form")
    if not (originals or copies):
        return FORMS.get(str(form), "") if form else ""
    parts = [f"{FORMS['original']}: {originals}"] if originals else []
    if copies:
        parts.append(f"{FORMS['certified_copy' if form == 'certified_copy' else 'copy']}: {copies}")
    return " · ".join(parts)


def fee_text(procedure: Procedure) -> str:
    if procedure.fee_note:
        return procedure.fee_note
    if procedure.fee_vnd is None:
        return ""
    if procedure.fee_vnd == 0:
        return "Không thu"
    return f"{procedure.fee_vnd:,} đồng".replace(",", ".")


def checklist_slip(procedure: Procedure, paper_mm: int = 80) -> ChecklistSlip:
    return ChecklistSlip(
        hall_name=procedure.hall.name, procedure_code=procedure.code, procedure_name=procedure.name,
        sector_name=procedure.sector.name_vi,
        documents=tuple(ChecklistItem(d["name"], how_many(d)) for d in procedure.documents),
        sets=procedure.sets, processing_time=processing_time_text(procedure.processing_time, procedure.unit),
        fee=fee_text(procedure), result=procedure.result, result_place=procedure.result_place,
        legal_basis=tuple(procedure.legal_basis),
        page_url=procedure_page_url(procedure.hall.code, procedure.code), paper_mm=paper_mm)


def print_checklist(hall: Hall, code: str, kiosk: Device) -> PrintJob:
    """Print what to bring for the hall's procedure `code` on the kiosk's printer, as tickets
    are printed (the agent's or the server's); a kiosk without a printer is told so, before
    anything is stored."""
    procedure = services.get_procedure(db(), hall, code)
    target = printing.kiosk_target(kiosk)
    if target is None:
        raise KioskWithoutPrinter(N_("Máy này không có máy in; xin quét mã QR để xem trên điện thoại."))

    def layout(paper_mm: int) -> Document:
        return checklist_document(checklist_slip(procedure, paper_mm))

    return printing.print_document(ports(), target, layout, hall_id=procedure.hall_id,
                                   kind=PrintJobKind.CHECKLIST, requested_by=f"kiosk:{kiosk.name}")


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
