"""What a kiosk does: issue a ticket and print its slip, in one unit of work.

The API's issuing route (and any other entry point that issues at a kiosk) calls
`take_ticket`, so a ticket issued where there is a printer is never left unprinted by a
caller that forgot. No Flask here.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from motcua.core.accounts import Device
from motcua.core.actors import Actor
from motcua.core.uow import UnitOfWork, use_case
from motcua.printer.device.document import Document, ticket_document
from motcua.printer.models import PrintJob, PrintJobKind
from motcua.printer.services import kiosk_target, print_document, slip_for_ticket
from motcua.queue import services as queue
from motcua.queue.models import Priority


@dataclass(frozen=True)
class TakenTicket:
    issued: queue.IssuedTicket
    print_job: PrintJob | None  # None when the kiosk has no printer
    counters: tuple[int, ...]  # the counters serving the ticket's sector, as the slip says


@use_case
def take_ticket(
    uow: UnitOfWork,
    *,
    device: Device | None,
    hall_code: str,
    sector_code: str,
    priority: Priority | None,
    actor: Actor,
    status_url: Callable[[str], str],
    appointment_at: datetime | None = None,
) -> TakenTicket:
    """Issue a ticket and, when the kiosk has a printer, store its slip's print job in the
    same transaction; the slip is drawn and printed after the commit, never waited for.

    `status_url`: the absolute address of a ticket's phone page, from its token (the QR
    code's link); asked only when a slip is printed. `appointment_at`: the booked slot of a
    citizen checked in with a booking (motcua.booking), for the calling policy.
    """
    issued = queue.issue_ticket(uow, hall_code=hall_code, sector_code=sector_code,
                                priority=priority, actor=actor, appointment_at=appointment_at)
    ticket = issued.ticket
    # which counters serve a sector changes rarely: reused like the wait estimate's rates
    counters = uow.memo.get(("sector_counters", ticket.sector_id), uow.clock.now(),
                            lambda: queue.sector_counters(uow.session, ticket.hall, ticket.sector_id,
                                                          uow.clock))
    target = kiosk_target(device)
    if target is None:
        return TakenTicket(issued, None, counters)
    url = status_url(ticket.token)

    def layout(paper_mm: int) -> Document:
        return ticket_document(slip_for_ticket(
            ticket, ahead=issued.ahead, counters=counters,
            status_url=url, paper_mm=paper_mm))

    job = print_document(uow, target, layout, hall_id=ticket.hall_id, kind=PrintJobKind.TICKET,
                         ticket_id=ticket.id)
    return TakenTicket(issued, job, counters)
