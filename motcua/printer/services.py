"""Print jobs: the one way anything is printed, then delivered, marked, reprinted.

`print_document` stores "print this document on this printer" in the caller's unit of
work: a ticket's slip commits with the ticket, a receipt with its dossier. The job is stored
undrawn (the document, not its raster) and handed to the print queue after the commit; the
queue draws it and delivers it, so a kiosk's tap never waits for drawing or a printer. With
MOTCUA_PRINT_WORKER=process the jobs of printers the server drives are left to the print
worker (`motcua printer worker`), which claims them (`claim_server_jobs`): servers only store.
Printing never decides whether a ticket or dossier exists: a job that cannot be printed is
stored as failed and announced (`print_failed`), and staff may reprint it.

Every write here is a use case (`motcua.core.uow`); nothing imports Flask.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import Connection, CursorResult, bindparam, or_, select, tuple_, update
from sqlalchemy.orm import Session

from motcua.core.accounts import Device
from motcua.core.actors import DeviceKind
from motcua.core.db import insert_one
from motcua.core.errors import N_, Conflict, NotFound
from motcua.core.events import Event, EventName
from motcua.core.identity import device_for_token
from motcua.core.ports import Ports
from motcua.core.uow import UnitOfWork, use_case
from motcua.printer.device.document import (
    PRIORITY_LABELS,
    Document,
    TicketSlip,
    document_from_json,
    document_to_json,
)
from motcua.printer.device.errors import PrinterError
from motcua.printer.device.urls import PrinterSettings, parse_printer_url
from motcua.printer.models import OPEN_STATUSES, PrintJob, PrintJobKind, PrintJobStatus
from motcua.queue.models import Hall, Ticket
from motcua.queue.settings import HallSettings

AGENT_ACK_SECONDS = 15.0  # an agent job unconfirmed this long is failed, and the kiosk told
SERVER_JOB_SECONDS = 120.0  # a server job still open this long was lost (e.g. a restart)

# A document for a paper width in mm: slips and receipts are laid out for the printer's paper.
Layout = Callable[[int], Document]


@dataclass(frozen=True)
class PrintTarget:
    """Where a job goes, as configured: a kiosk's printer setting ("agent[:?options]" for its
    print agent) or the URL of a printer the server drives (a counter's receipt printer)."""

    printer: str
    device_id: int | None = None  # the kiosk whose print agent prints agent: jobs

    @property
    def for_agent(self) -> bool:
        return self.printer.strip().startswith("agent")

    @property
    def printer_url(self) -> str | None:
        """None: the kiosk's print agent prints it."""
        return None if self.for_agent else self.printer

    def resolve(self) -> PrinterSettings:
        """How jobs for this printer are drawn; `PrinterError` when it cannot be printed on."""
        settings = parse_printer_url(self.printer)
        if settings.scheme == "agent" and self.device_id is None:
            raise PrinterError("agent: needs a kiosk: use the kiosk's own printer setting")
        return settings


def kiosk_target(device: Device | None) -> PrintTarget | None:
    """A kiosk's printer, None when it has none."""
    if device is None or not device.printer:
        return None
    return PrintTarget(device.printer, device.id)


def slip_for_ticket(
    ticket: Ticket, *, ahead: int, counters: tuple[int, ...], status_url: str, paper_mm: int = 80
) -> TicketSlip:
    """The plain data a ticket prints, read from the ORM once, here: the wait is the range
    the ticket was told at issue, so slip, kiosk and reports agree."""
    hall = ticket.hall
    low, high = ticket.estimate_low_minutes, ticket.estimate_high_minutes
    return TicketSlip(
        hall_name=hall.name,
        sector_name=ticket.sector.name_vi,
        display_number=ticket.display_number,
        priority_label=PRIORITY_LABELS[ticket.priority.value] if ticket.priority else None,
        issued_at=ticket.issued_at,
        time_zone=hall.time_zone,
        ahead=ahead,
        wait_range=(low, high) if low is not None and high is not None else None,
        counters=counters,
        status_url=status_url,
        footer=tuple(HallSettings.of(hall.settings).ticket_footer),
        paper_mm=paper_mm,
    )


def ticket_job(session: Session, ticket_id: int) -> PrintJob | None:
    """The ticket's original job (reprints aside), if it has one."""
    return session.scalar(
        select(PrintJob).where(PrintJob.ticket_id == ticket_id, PrintJob.reprint_of_id.is_(None))
    )


@use_case
def print_document(
    uow: UnitOfWork,
    target: PrintTarget,
    layout: Layout,
    *,
    hall_id: int,
    kind: PrintJobKind,
    ticket_id: int | None = None,
    requested_by: str | None = None,
) -> PrintJob:
    """Print `layout`'s document on `target`: the one way a slip or a receipt is printed.

    Stores the job undrawn and hands it to the print queue once the unit of work commits.
    A job for a kiosk's print agent is stored as sent (its one attempt counted): the queue
    only emits it, with no write of its own, and a job the server could not emit before it
    stopped reaches the agent when it reconnects (`open_agent_jobs`) or fails at its
    deadline (`fail_overdue`), as one emitted to an agent offline does.

    A printer setting that cannot be printed on (or a document that cannot be laid out)
    gives a job stored as failed, announced as `print_failed`, never an exception: what is
    printed about exists either way. `ticket_id`: the ticket whose original slip this is, printed in
    the transaction that issues it (a unique index refuses a second original; copies are
    `reprint`s).
    """
    now = uow.clock.now()
    handed_over = target.for_agent
    values: dict[str, Any] = {
        "hall_id": hall_id, "device_id": target.device_id, "printer_url": target.printer_url,
        "ticket_id": ticket_id, "kind": kind,
        "status": PrintJobStatus.SENT if handed_over else PrintJobStatus.QUEUED,
        "attempts": 1 if handed_over else 0, "error": None, "created_at": now, "updated_at": now,
        "requested_by": requested_by,
    }
    try:
        settings = target.resolve()
        values["data"] = _describe(layout(settings.paper_mm), settings.native_qr)
    except (PrinterError, ValueError) as exc:
        values.update(data=b"", status=PrintJobStatus.FAILED, error=str(exc)[:2000])
    job = insert_one(uow.session, PrintJob, values)
    if job.status == PrintJobStatus.FAILED:
        _announce(uow, EventName.PRINT_FAILED, job.id)
    else:
        uow.print_job(job.id, job.printer_url)
    return job


# An undrawn job's data: this mark, then the document as JSON. Drawn ESC/POS starts with ESC @.
_UNDRAWN = b"motcua-document:"


def _describe(document: Document, native_qr: bool) -> bytes:
    return _UNDRAWN + json.dumps(
        {"document": document_to_json(document), "native_qr": native_qr}, ensure_ascii=False
    ).encode()


def _stored_document(described: bytes) -> tuple[dict[str, Any], bool]:
    stored = json.loads(described[len(_UNDRAWN):])
    return stored["document"], bool(stored["native_qr"])


def _draw(described: bytes) -> bytes:
    # Drawing loads Pillow, qrcode and python-escpos: in the server process only once a
    # job is drawn, not with the app (memory of `motcua serve`).
    from motcua.printer.device.render import to_escpos

    document, native_qr = _stored_document(described)
    return to_escpos(document_from_json(document), native_qr=native_qr)


def undrawn(job: PrintJob) -> bool:
    """Stored by `print_document` and not drawn yet."""
    return job.data.startswith(_UNDRAWN)


def document_of(data: bytes) -> tuple[dict[str, Any], bool] | None:
    """An undrawn job's document (`document_to_json`'s form), from its data, and whether its
    printer draws QR codes itself: what a print agent draws. None once the job is drawn."""
    return _stored_document(data) if data.startswith(_UNDRAWN) else None


def draw_job(ports: Ports, job_id: int) -> PrintJob | None:
    """Draw an undrawn job into its ESC/POS bytes (a no-op for a drawn one). A document that
    cannot be drawn (a font missing) fails the job, announced, and gives None; the ticket
    stays issued.

    The drawing (milliseconds of CPU) happens outside any write transaction.
    """
    session = ports.session
    job = session.get(PrintJob, job_id, populate_existing=True)
    if job is None or not undrawn(job):
        session.commit()
        return job
    described = job.data
    session.commit()
    try:
        data = _draw(described)
    except PrinterError as exc:
        mark_failed(ports, job_id, str(exc))
        return None
    return _store_drawing(ports, job_id, data)


@use_case
def _store_drawing(uow: UnitOfWork, job_id: int, data: bytes) -> PrintJob | None:
    job = uow.session.get(PrintJob, job_id, populate_existing=True, with_for_update=True)
    if job is not None and undrawn(job):  # two drawers draw the same bytes
        job.data = data
        job.updated_at = uow.clock.now()
    return job


@use_case
def reprint(uow: UnitOfWork, job_id: int, *, requested_by: str) -> PrintJob:
    """Print a job's bytes again, on purpose: the only way a ticket prints twice."""
    original = uow.session.get(PrintJob, job_id)
    if original is None:
        raise NotFound(N_("Không có lệnh in số %(job)s"), job=job_id)
    if not original.data:  # an undrawn one is copied undrawn, and drawn on its way out
        raise Conflict(N_("Lệnh in số %(job)s chưa từng được dựng để in: %(error)s"),
                       job=job_id, error=original.error or "")
    now = uow.clock.now()
    again = PrintJob(
        hall_id=original.hall_id, device_id=original.device_id, printer_url=original.printer_url,
        ticket_id=original.ticket_id, kind=original.kind, data=original.data,
        status=PrintJobStatus.QUEUED, attempts=0, created_at=now, updated_at=now,
        reprint_of_id=original.reprint_of_id or original.id, requested_by=requested_by,
    )
    uow.session.add(again)
    uow.session.flush()
    uow.print_job(again.id, again.printer_url)
    return again


@use_case
def reprint_ticket(uow: UnitOfWork, ticket_id: int, *, requested_by: str) -> PrintJob:
    original = ticket_job(uow.session, ticket_id)
    if original is None:
        raise NotFound(N_("Số thứ tự này chưa từng được gửi tới máy in"))
    return reprint(uow, original.id, requested_by=requested_by)


def queued_server_jobs(session: Session, limit: int) -> list[int]:
    """The oldest jobs for printers the server drives that nobody has claimed yet (a read,
    cheap through ix_print_jobs_status_created: queued jobs are few)."""
    return list(session.scalars(
        select(PrintJob.id)
        .where(PrintJob.status == PrintJobStatus.QUEUED, PrintJob.printer_url.is_not(None))
        .order_by(PrintJob.created_at, PrintJob.id)
        .limit(limit)
    ))


_ANY_QUEUED_SERVER_JOB = (
    select(PrintJob.id)
    .where(PrintJob.status == PrintJobStatus.QUEUED, PrintJob.printer_url.is_not(None))
    .limit(1)
)


def server_jobs_waiting(connection: Connection) -> bool:
    """Whether a job for a printer the server drives is queued: one indexed read on a
    connection the print worker keeps, about a tenth of what reading the jobs in a session
    costs, so the worker can look often and cheaply when the hall is quiet."""
    found = connection.execute(_ANY_QUEUED_SERVER_JOB).first() is not None
    connection.rollback()  # end the read: SQLite's writers must not wait for it
    return found


@dataclass(frozen=True)
class ClaimedJob:
    id: int
    printer_url: str
    data: bytes  # as stored: undrawn, or drawn (a reprint of a drawn job)


@use_case
def claim_server_jobs(uow: UnitOfWork, job_ids: list[int]) -> list[ClaimedJob]:
    """Those of `job_ids` still queued, now sent with their attempt counted (the print worker
    tries each once), oldest first: one conditional UPDATE, so of two workers that saw a job
    one claims it and the other nothing. One write for a whole poll's jobs: on SQLite every
    write of the worker is one a kiosk's tap may have to wait for."""
    claimed: CursorResult[Any] = uow.session.execute(  # type: ignore[assignment]
        update(PrintJob)
        .where(PrintJob.id.in_(job_ids), PrintJob.status == PrintJobStatus.QUEUED)
        .values(status=PrintJobStatus.SENT, attempts=PrintJob.attempts + 1, updated_at=uow.clock.now())
        .returning(PrintJob.id, PrintJob.printer_url, PrintJob.data)
        .execution_options(synchronize_session=False))
    return sorted((ClaimedJob(row.id, row.printer_url, row.data) for row in claimed), key=lambda j: j.id)


def escpos(data: bytes) -> bytes:
    """A job's bytes for its printer: drawn now when stored undrawn (`PrinterError` when the
    document cannot be drawn). The print worker sends them without storing them: one write
    less per job; the job keeps its document, and a reprint is drawn again."""
    return _draw(data) if data.startswith(_UNDRAWN) else data


class JobToHandOn(NamedTuple):
    """A committed job as the print queue hands it on: its columns and its ticket's number, no
    ORM object (the queue hands on every slip a kiosk prints)."""

    id: int
    created_at: datetime
    kind: PrintJobKind
    status: PrintJobStatus
    data: bytes
    device_id: int | None
    printer_url: str | None  # None: the kiosk's print agent prints it
    ticket: str | None  # the ticket's display number

    @property
    def open(self) -> bool:
        return self.status in OPEN_STATUSES


_TO_HAND_ON = (
    select(PrintJob.id, PrintJob.created_at, PrintJob.kind, PrintJob.status, PrintJob.data,
           PrintJob.device_id, PrintJob.printer_url, Ticket.display_number)
    .outerjoin(Ticket, Ticket.id == PrintJob.ticket_id)
    .order_by(PrintJob.id)
)
_BY_IDS = _TO_HAND_ON.where(PrintJob.id.in_(bindparam("job_ids", expanding=True)))
_OPEN_FOR_AGENT = _TO_HAND_ON.where(
    PrintJob.device_id == bindparam("device_id"),
    PrintJob.printer_url.is_(None),
    PrintJob.status.in_(OPEN_STATUSES),
)


def jobs_to_hand_on(session: Session, job_ids: Sequence[int]) -> list[JobToHandOn]:
    """The jobs of `job_ids` that exist, oldest first."""
    return [JobToHandOn(*row) for row in session.execute(_BY_IDS, {"job_ids": list(job_ids)})]


def open_agent_jobs(session: Session, device_id: int) -> list[JobToHandOn]:
    """What a (re)connecting agent must get: its jobs not yet printed or failed, oldest first."""
    return [JobToHandOn(*row) for row in session.execute(_OPEN_FOR_AGENT, {"device_id": device_id})]


@use_case
def authenticate_agent(uow: UnitOfWork, kiosk: str | None, token: str | None) -> int | None:
    """The kiosk's device id when the token is an active kiosk's (and matches `kiosk`, its id
    or name, when given); notes when the kiosk was last seen."""
    if not token:
        return None
    device = device_for_token(uow.session, token)
    if device is None or device.kind != DeviceKind.KIOSK:
        return None
    if kiosk and kiosk not in (str(device.id), device.name):
        return None
    device.last_seen_at = uow.clock.now()
    return device.id


_DONE = (PrintJobStatus.PRINTED, PrintJobStatus.UNCONFIRMED)


def _change(uow: UnitOfWork, job_id: int, device_id: int | None, *,
            unless: tuple[PrintJobStatus, ...], **values: Any) -> tuple[bool, PrintJobStatus | None]:
    """Set `values` on the job unless its status is in `unless`, in one UPDATE: an agent's
    acknowledgement comes for every slip, so it reads neither the job nor its document.
    Whether it changed, and the job's status now (None: no such job, or not `device_id`'s)."""
    mine = [PrintJob.id == job_id]
    if device_id is not None:
        mine.append(PrintJob.device_id == device_id)
    result = uow.session.execute(
        update(PrintJob).where(*mine, PrintJob.status.not_in(unless))
        .values(updated_at=uow.clock.now(), **values)
        .execution_options(synchronize_session="evaluate"))  # a copy this session holds follows
    if getattr(result, "rowcount", 0):
        return True, values["status"]
    return False, uow.session.scalar(select(PrintJob.status).where(*mine))


@use_case
def mark_sent(uow: UnitOfWork, job_id: int) -> None:
    """Handed to its printer or agent (again); announced to nobody."""
    _change(uow, job_id, None, unless=(*_DONE, PrintJobStatus.FAILED),
            status=PrintJobStatus.SENT, attempts=PrintJob.attempts + 1)


@use_case
def record_printed(uow: UnitOfWork, printed: Sequence[tuple[int, int | None, bool]]) -> list[int]:
    """Jobs printed, each as (job id, kiosk device id, confirmed), in one UPDATE per outcome:
    a burst of outcomes written together costs about what one costs. A device id (a print
    agent's word) changes only that kiosk's job; None (the server drove the printer) any.
    A job failed meanwhile (a time-out) is printed after all: the paper is the truth.
    Unconfirmed: the bytes went out to a printer not asked for its status, so the job is
    `unconfirmed` (announced as `print_unconfirmed`), never "printed". Each change is
    announced; the ids of the jobs changed."""
    changed = []
    for confirmed in (True, False):
        owned = [(job_id, device) for job_id, device, c in printed if c is confirmed and device is not None]
        driven = [job_id for job_id, device, c in printed if c is confirmed and device is None]
        if not owned and not driven:
            continue
        status = PrintJobStatus.PRINTED if confirmed else PrintJobStatus.UNCONFIRMED
        ids = list(uow.session.scalars(
            update(PrintJob)
            # ids alone as well: SQLite scans the table for a row-value IN, not for this one
            .where(PrintJob.id.in_(driven + [job_id for job_id, _ in owned]),
                   or_(PrintJob.id.in_(driven), tuple_(PrintJob.id, PrintJob.device_id).in_(owned)),
                   PrintJob.status.not_in(_DONE))
            .values(status=status, error=None, updated_at=uow.clock.now())
            .returning(PrintJob.id)
            .execution_options(synchronize_session="fetch")))  # a copy this session holds follows
        _announce_all(uow, EventName.PRINT_PRINTED if confirmed else EventName.PRINT_UNCONFIRMED, ids)
        changed += ids
    return changed


@use_case
def mark_failed(
    uow: UnitOfWork, job_id: int, error: str, *, device_id: int | None = None
) -> PrintJobStatus | None:
    """The job could not be printed; tells the hall once (`print_failed`). A job printed or
    failed already keeps its status."""
    changed, now = _change(uow, job_id, device_id, unless=(*_DONE, PrintJobStatus.FAILED),
                           status=PrintJobStatus.FAILED, error=error[:2000])
    if changed:
        _announce(uow, EventName.PRINT_FAILED, job_id)
    return now


@use_case
def fail_unconfirmed(uow: UnitOfWork, job_id: int, seconds: float) -> PrintJobStatus | None:
    """Fail a job nobody confirmed within `seconds` (a no-op once it is printed or failed)."""
    job = uow.session.get(PrintJob, job_id)
    if job is None or not job.open:
        return job.status if job is not None else None
    if job.for_agent:
        name = job.device.name if job.device else "?"
        error = f"The print agent of kiosk {name} did not confirm within {seconds:g} s (is it running?)"
    else:
        error = f"The printer {job.printer_url} did not finish within {seconds:g} s"
    return mark_failed(uow, job_id, error)


@use_case
def fail_overdue(
    uow: UnitOfWork,
    *,
    agent_seconds: float = AGENT_ACK_SECONDS,
    server_seconds: float = SERVER_JOB_SECONDS,
) -> list[PrintJob]:
    """Fail every open job older than its deadline by the clock: jobs a restarted server or
    another process left behind. (A running dispatcher fails its own jobs on time.)"""
    now = uow.clock.now()
    overdue = list(
        uow.session.scalars(
            select(PrintJob).where(
                PrintJob.status.in_(OPEN_STATUSES),
                or_(
                    PrintJob.printer_url.is_(None)
                    & (PrintJob.created_at < now - timedelta(seconds=agent_seconds)),
                    PrintJob.printer_url.is_not(None)
                    & (PrintJob.created_at < now - timedelta(seconds=server_seconds)),
                ),
            )
        )
    )
    for job in overdue:
        fail_unconfirmed(uow, job.id, agent_seconds if job.for_agent else server_seconds)
    return overdue


_ANNOUNCED = (
    select(PrintJob.id, PrintJob.kind, PrintJob.status, PrintJob.printer_url, PrintJob.error,
           PrintJob.reprint_of_id, Hall.code, Ticket.token, Ticket.display_number, Device.name)
    .join(Hall, Hall.id == PrintJob.hall_id)
    .outerjoin(Ticket, Ticket.id == PrintJob.ticket_id)
    .outerjoin(Device, Device.id == PrintJob.device_id)
    .where(PrintJob.id.in_(bindparam("job_ids", expanding=True)))
    .order_by(PrintJob.id)
)


def _announce(uow: UnitOfWork, name: EventName, job_id: int) -> None:
    _announce_all(uow, name, [job_id])


def _announce_all(uow: UnitOfWork, name: EventName, job_ids: list[int]) -> None:
    """Tell the kiosk screens and staff pages jobs' outcomes, read as this transaction
    leaves them (one statement)."""
    if not job_ids:
        return
    for job in uow.session.execute(_ANNOUNCED, {"job_ids": job_ids}):
        uow.publish(Event(name=name, hall=job.code, payload={
            "job": job.id,
            "kind": job.kind.value,
            "status": job.status.value,
            "ticket_token": job.token,
            "display_number": job.display_number,
            "device": job.name,
            "printer": job.printer_url or "agent",
            "error": job.error,
            "reprint": job.reprint_of_id is not None,
        }))
