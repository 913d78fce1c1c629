"""Print jobs: created after a ticket's transaction commits, delivered, marked, reprinted.

Like the queue services these take their ports — session, clock, publisher, print queue —
as arguments and import nothing from Flask. Printing never decides whether a ticket exists:
a job that cannot even be rendered is stored as failed, and the kiosk is told.
"""
from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from motcua.core.clock import Clock
from motcua.core.db import with_retry
from motcua.core.events import Event, Publisher
from motcua.printer.document import PRIORITY_LABELS, TicketSlip, ticket_document
from motcua.printer.errors import PrinterError
from motcua.printer.models import PrintJob, PrintJobKind, PrintJobStatus
from motcua.printer.transports import PrinterSettings, parse_printer_url
from motcua.queue import errors
from motcua.queue.models import Ticket
from motcua.core.accounts import Device
from motcua.queue.settings import HallSettings

AGENT_ACK_SECONDS = 15.0  # an agent job unconfirmed this long is failed, and the kiosk told
SERVER_JOB_SECONDS = 120.0  # a server job still open this long was lost (e.g. a restart)


class PrintQueue(Protocol):
    """Where committed jobs go: the server's printer workers or a kiosk's print agent."""

    def submit(self, job: PrintJob) -> None: ...


class RecordingPrintQueue:
    """The fake for tests: remembers the ids of submitted jobs."""

    def __init__(self) -> None:
        self.submitted: list[int] = []

    def submit(self, job: PrintJob) -> None:
        self.submitted.append(job.id)


@dataclass(frozen=True)
class PrintTarget:
    """Where a job goes, and how it is drawn for that printer (paper width, QR mode)."""

    device_id: int | None
    printer_url: str | None  # None: the device's print agent prints it
    settings: PrinterSettings


def target_for_device(device: Device) -> PrintTarget | None:
    """A kiosk's printer: "agent[:?options]" for its print agent, else a URL the server drives.

    None when the kiosk has no printer. A bad URL raises `PrinterError`.
    """
    if not device.printer:
        return None
    settings = parse_printer_url(device.printer)
    return PrintTarget(device.id, None if settings.scheme == "agent" else device.printer, settings)


def target_for_url(url: str, device_id: int | None = None) -> PrintTarget:
    settings = parse_printer_url(url)
    if settings.scheme == "agent":
        raise PrinterError("agent: needs a kiosk: use the kiosk's own printer setting")
    return PrintTarget(device_id, url, settings)


def slip_for_ticket(
    ticket: Ticket, *, ahead: int, wait_minutes: int | None, status_url: str, paper_mm: int = 80
) -> TicketSlip:
    """The plain data a ticket prints, read from the ORM once, here."""
    hall = ticket.hall
    return TicketSlip(
        hall_name=hall.name,
        sector_name=ticket.sector.name_vi,
        display_number=ticket.display_number,
        priority_label=PRIORITY_LABELS[ticket.priority.value] if ticket.priority else None,
        issued_at=ticket.issued_at,
        time_zone=hall.time_zone,
        ahead=ahead,
        wait_minutes=wait_minutes,
        status_url=status_url,
        footer=tuple(HallSettings.of(hall.settings).ticket_footer),
        paper_mm=paper_mm,
    )


def ticket_job(session: Session, ticket_id: int) -> PrintJob | None:
    """The ticket's original job (reprints aside), if it has one."""
    return session.scalar(
        select(PrintJob).where(PrintJob.ticket_id == ticket_id, PrintJob.reprint_of_id.is_(None))
    )


def print_ticket(
    session: Session,
    clock: Clock,
    publisher: Publisher,
    queue: PrintQueue,
    ticket: Ticket,
    device: Device | None,
    *,
    ahead: int,
    wait_minutes: int | None,
    status_url: str,
    later: bool = False,
) -> PrintJob | None:
    """Queue the ticket's slip on its kiosk's printer. Call after the ticket committed.

    Returns None when the kiosk has no printer. Calling it again for the same ticket
    returns the first job instead of printing twice. A printer setting or font that makes
    the job impossible gives a job stored as failed (and a `print_failed` event), never an
    exception: the ticket is issued either way.

    `later`: store the slip undrawn and leave the drawing (about 10 ms of CPU) to the
    queue (`draw_job`), so a kiosk's tap does not wait for it. The stored job says all the
    slip shows, so a job whose process died before drawing it is drawn when it is re-sent.
    """
    if device is None or not device.printer:
        return None
    existing = ticket_job(session, ticket.id)
    if existing is not None:
        return existing
    try:
        target = target_for_device(device)
        assert target is not None
        slip = slip_for_ticket(
            ticket, ahead=ahead, wait_minutes=wait_minutes, status_url=status_url,
            paper_mm=target.settings.paper_mm,
        )
        data = _describe(slip, target.settings.native_qr)
        if not later:
            data = _draw(data)
    except PrinterError as exc:
        return _store_failed(session, clock, publisher, ticket, device, str(exc))
    try:
        return enqueue(
            session, clock, queue, hall_id=ticket.hall_id, device_id=target.device_id,
            printer_url=target.printer_url, kind=PrintJobKind.TICKET, data=data,
            ticket_id=ticket.id,
        )
    except IntegrityError:  # another request printed this ticket a moment ago
        session.rollback()
        return ticket_job(session, ticket.id)


# An undrawn job's data: this mark, then the slip as JSON. Drawn ESC/POS starts with ESC @.
_UNDRAWN = b"motcua-slip:"


def _describe(slip: TicketSlip, native_qr: bool) -> bytes:
    fields = {**dataclasses.asdict(slip), "issued_at": slip.issued_at.isoformat()}
    return _UNDRAWN + json.dumps({"slip": fields, "native_qr": native_qr}).encode()


def _draw(described: bytes) -> bytes:
    # Drawing loads Pillow, qrcode and python-escpos: in the server process only once a
    # kiosk with a printer issues a ticket, not with the app (memory of `motcua serve`).
    from motcua.printer.render import to_escpos

    stored = json.loads(described[len(_UNDRAWN):])
    fields = stored["slip"]
    slip = TicketSlip(**{**fields, "issued_at": datetime.fromisoformat(fields["issued_at"]),
                         "footer": tuple(fields["footer"])})
    return to_escpos(ticket_document(slip), native_qr=stored["native_qr"])


def undrawn(job: PrintJob) -> bool:
    """Stored by `print_ticket(later=True)` and not drawn yet."""
    return job.data.startswith(_UNDRAWN)


def draw_job(session: Session, clock: Clock, publisher: Publisher, job_id: int) -> PrintJob | None:
    """Draw an undrawn job into its ESC/POS bytes (a no-op for a drawn one). A slip that
    cannot be drawn (a font missing) fails the job, announced, and the ticket stays issued."""
    job = session.get(PrintJob, job_id, populate_existing=True)
    if job is None or not undrawn(job):
        session.commit()
        return job
    try:
        data = _draw(job.data)
    except PrinterError as exc:
        session.commit()
        return mark_failed(session, clock, publisher, job_id, str(exc))

    def work() -> PrintJob | None:
        drawn = session.get(PrintJob, job_id, populate_existing=True, with_for_update=True)
        if drawn is not None and undrawn(drawn):  # two drawers draw the same bytes
            drawn.data = data
            drawn.updated_at = clock.now()
        session.commit()
        return drawn

    return with_retry(session, work)


def _store_failed(
    session: Session, clock: Clock, publisher: Publisher, ticket: Ticket, device: Device, error: str
) -> PrintJob:
    now = clock.now()
    printer_url = None if (device.printer or "").strip().startswith("agent") else device.printer
    job = _insert(session, lambda: PrintJob(
        hall_id=ticket.hall_id, device_id=device.id, printer_url=printer_url, ticket_id=ticket.id,
        kind=PrintJobKind.TICKET, data=b"", status=PrintJobStatus.FAILED, error=error,
        attempts=0, created_at=now, updated_at=now,
    ))
    _publish(publisher, "print_failed", job)
    return job


def enqueue(
    session: Session,
    clock: Clock,
    queue: PrintQueue,
    *,
    hall_id: int,
    device_id: int | None,
    printer_url: str | None,
    kind: PrintJobKind,
    data: bytes,
    ticket_id: int | None = None,
    reprint_of_id: int | None = None,
    requested_by: str | None = None,
) -> PrintJob:
    """Store a rendered job, commit, then hand it to the queue (which never blocks).

    `printer_url` None means the device's print agent. Receipts come this way: take
    `target_for_device(kiosk)`, draw the document `target.settings.width` dots wide, render
    it with `to_escpos(doc, native_qr=target.settings.native_qr)`, pass the target's ids.
    """
    now = clock.now()
    job = _insert(session, lambda: PrintJob(
        hall_id=hall_id, device_id=device_id, printer_url=printer_url,
        ticket_id=ticket_id, kind=kind, data=data, status=PrintJobStatus.QUEUED, attempts=0,
        created_at=now, updated_at=now, reprint_of_id=reprint_of_id, requested_by=requested_by,
    ))
    queue.submit(job)
    session.refresh(job)  # the queue may have moved it on already (sent, or printed on dummy:)
    return job


def reprint(
    session: Session, clock: Clock, queue: PrintQueue, job_id: int, *, requested_by: str
) -> PrintJob:
    """Print a job's bytes again, on purpose: the only way a ticket prints twice."""
    original = session.get(PrintJob, job_id)
    if original is None:
        raise errors.NotFound(f"No print job {job_id}")
    if not original.data:  # an undrawn one is copied undrawn, and drawn on its way out
        raise errors.Conflict(f"Print job {job_id} was never rendered: {original.error}")
    return enqueue(
        session, clock, queue, hall_id=original.hall_id, device_id=original.device_id,
        printer_url=original.printer_url, kind=original.kind,
        data=original.data, ticket_id=original.ticket_id,
        reprint_of_id=original.reprint_of_id or original.id, requested_by=requested_by,
    )


def reprint_ticket(
    session: Session, clock: Clock, queue: PrintQueue, ticket_id: int, *, requested_by: str
) -> PrintJob:
    original = ticket_job(session, ticket_id)
    if original is None:
        raise errors.NotFound("This ticket was never sent to a printer")
    return reprint(session, clock, queue, original.id, requested_by=requested_by)


def open_agent_jobs(session: Session, device_id: int) -> list[PrintJob]:
    """What a (re)connecting agent must get: its jobs not yet printed or failed, oldest first."""
    return list(
        session.scalars(
            select(PrintJob)
            .where(
                PrintJob.device_id == device_id,
                PrintJob.printer_url.is_(None),
                PrintJob.status.in_((PrintJobStatus.QUEUED, PrintJobStatus.SENT)),
            )
            .order_by(PrintJob.id)
        )
    )


def mark_sent(session: Session, clock: Clock, job_id: int) -> PrintJob | None:
    def change(job: PrintJob) -> bool:
        if not job.open:
            return False
        job.status = PrintJobStatus.SENT
        job.attempts += 1
        return True

    return _change(session, clock, job_id, change)[0]


def mark_printed(
    session: Session, clock: Clock, publisher: Publisher, job_id: int, *,
    device_id: int | None = None, confirmed: bool = True,
) -> PrintJob | None:
    """The printer took the job. Also after a timeout marked it failed: the paper is the truth.

    `confirmed` False: the bytes went out to a printer not asked for its status, so the job
    is `unconfirmed` (announced as `print_unconfirmed`), never "printed".
    `device_id` (an agent's acknowledgement) must own the job, or nothing happens.
    """
    outcome = PrintJobStatus.PRINTED if confirmed else PrintJobStatus.UNCONFIRMED

    def change(job: PrintJob) -> bool:
        if job.status in (PrintJobStatus.PRINTED, PrintJobStatus.UNCONFIRMED):
            return False
        job.status = outcome
        job.error = None
        return True

    job, changed = _change(session, clock, job_id, change, device_id)
    if changed:
        assert job is not None
        _publish(publisher, f"print_{outcome.value}", job)
    return job


def mark_failed(
    session: Session,
    clock: Clock,
    publisher: Publisher,
    job_id: int,
    error: str,
    *,
    device_id: int | None = None,
) -> PrintJob | None:
    """The job could not be printed; tells the hall once (`print_failed`)."""
    def change(job: PrintJob) -> bool:
        if not job.open:
            return False
        job.status = PrintJobStatus.FAILED
        job.error = error[:2000]
        return True

    job, changed = _change(session, clock, job_id, change, device_id)
    if changed:
        assert job is not None
        _publish(publisher, "print_failed", job)
    return job


def _insert(session: Session, make: Callable[[], PrintJob]) -> PrintJob:
    """One short write transaction (BEGIN IMMEDIATE on SQLite), retried while busy."""
    def work() -> PrintJob:
        job = make()
        session.add(job)
        session.commit()
        return job

    return with_retry(session, work)


def _change(
    session: Session,
    clock: Clock,
    job_id: int,
    change: Callable[[PrintJob], bool],
    device_id: int | None = None,
) -> tuple[PrintJob | None, bool]:
    """Apply `change` to the job as committed now (not as this session last saw it).

    Returns the job (None if missing or not `device_id`'s) and whether it changed.
    """
    def work() -> tuple[PrintJob | None, bool]:
        job = session.get(PrintJob, job_id, populate_existing=True, with_for_update=True)
        if job is None or (device_id is not None and job.device_id != device_id):
            session.commit()
            return None, False
        changed = change(job)
        if changed:
            job.updated_at = clock.now()
        session.commit()
        return job, changed

    return with_retry(session, work)


def fail_unconfirmed(
    session: Session, clock: Clock, publisher: Publisher, job_id: int, seconds: float
) -> PrintJob | None:
    """Fail a job nobody confirmed within `seconds` (a no-op once it is printed or failed)."""
    job = session.get(PrintJob, job_id)
    if job is None or not job.open:
        return job
    if job.for_agent:
        name = job.device.name if job.device else "?"
        error = f"The print agent of kiosk {name} did not confirm within {seconds:g} s (is it running?)"
    else:
        error = f"The printer {job.printer_url} did not finish within {seconds:g} s"
    return mark_failed(session, clock, publisher, job_id, error)


def fail_overdue(
    session: Session,
    clock: Clock,
    publisher: Publisher,
    *,
    agent_seconds: float = AGENT_ACK_SECONDS,
    server_seconds: float = SERVER_JOB_SECONDS,
) -> list[PrintJob]:
    """Fail every open job older than its deadline by the clock: jobs a restarted server or
    another process left behind. (A running dispatcher fails its own jobs on time.)"""
    now = clock.now()
    overdue = list(
        session.scalars(
            select(PrintJob).where(
                PrintJob.status.in_((PrintJobStatus.QUEUED, PrintJobStatus.SENT)),
                or_(
                    PrintJob.printer_url.is_(None) & (PrintJob.created_at < now - timedelta(seconds=agent_seconds)),
                    PrintJob.printer_url.is_not(None) & (PrintJob.created_at < now - timedelta(seconds=server_seconds)),
                ),
            )
        )
    )
    for job in overdue:
        fail_unconfirmed(session, clock, publisher, job.id, agent_seconds if job.for_agent else server_seconds)
    return overdue


def event_payload(job: PrintJob) -> dict[str, Any]:
    """What the kiosk screen and staff pages need to show a print outcome."""
    return {
        "job": job.id,
        "kind": job.kind.value,
        "status": job.status.value,
        "ticket_token": job.ticket.token if job.ticket else None,
        "display_number": job.ticket.display_number if job.ticket else None,
        "device": job.device.name if job.device else None,
        "printer": job.printer_url or "agent",
        "error": job.error,
        "reprint": job.reprint_of_id is not None,
    }


def _publish(publisher: Publisher, name: str, job: PrintJob) -> None:
    publisher.publish(Event(name=name, hall=job.hall.code, payload=event_payload(job)))
