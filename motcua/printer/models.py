"""Print jobs as the database keeps them: the server's record of what must be printed where.

A job holds its document until it is drawn: a kiosk's print agent receives the document and
draws it on the kiosk PC; a printer the server drives gets the ESC/POS bytes the server drew
into the job. A reconnecting agent gets exactly what it missed.
A partial unique index allows one original job per ticket: printing a ticket twice takes
an explicit reprint (`reprint_of_id`).
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from motcua.core.accounts import Device
from motcua.core.db import Base, enum_column
from motcua.queue.models import Hall, Ticket


class PrintJobStatus(str, enum.Enum):
    QUEUED = "queued"  # stored, not yet handed to a printer or an agent
    SENT = "sent"  # handed over; no answer yet
    PRINTED = "printed"  # the printer took it after saying it is online with paper
    # Sent, and that is all anyone knows: the printer was not asked for its status (a
    # tcp:// printer with status=off, a USB printer, a device file), so nothing says it
    # printed. Done: nobody will answer; not an alert; staff may reprint.
    UNCONFIRMED = "unconfirmed"
    FAILED = "failed"


# Not printed nor failed yet: waiting for its printer or for an agent's word.
OPEN_STATUSES = (PrintJobStatus.QUEUED, PrintJobStatus.SENT)


class PrintJobKind(str, enum.Enum):
    TICKET = "ticket"
    RECEIPT = "receipt"
    CHECKLIST = "checklist"  # what to bring for a procedure, printed at the kiosk
    NOTICE = "notice"  # a dossier refused or waiting for a supplement
    TEST = "test"


ONE_JOB_PER_TICKET = "ticket_id IS NOT NULL AND reprint_of_id IS NULL"


class PrintJob(Base):
    __tablename__ = "print_jobs"
    __table_args__ = (
        Index(
            "uq_print_jobs_ticket_original",
            "ticket_id",
            unique=True,
            sqlite_where=text(ONE_JOB_PER_TICKET),
            postgresql_where=text(ONE_JOB_PER_TICKET),
        ),
        Index("ix_print_jobs_device_status", "device_id", "status"),
        Index("ix_print_jobs_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    # The kiosk the job belongs to; with no printer_url its print agent prints it.
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"))
    printer_url: Mapped[str | None] = mapped_column(String(300))  # a printer the server drives
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    kind: Mapped[PrintJobKind] = mapped_column(enum_column(PrintJobKind))
    data: Mapped[bytes] = mapped_column(LargeBinary)  # document, then ESC/POS once drawn
    status: Mapped[PrintJobStatus] = mapped_column(enum_column(PrintJobStatus), default=PrintJobStatus.QUEUED)
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    reprint_of_id: Mapped[int | None] = mapped_column(ForeignKey("print_jobs.id"))
    requested_by: Mapped[str | None] = mapped_column(String(120))  # who asked for a reprint

    hall: Mapped[Hall] = relationship()
    device: Mapped[Device | None] = relationship()
    ticket: Mapped[Ticket | None] = relationship()

    @property
    def for_agent(self) -> bool:
        return self.device_id is not None and self.printer_url is None

    @property
    def open(self) -> bool:
        return self.status in OPEN_STATUSES
