"""What the dossier side keeps: the holiday table, the procedure catalogue, dossiers and their log.

A dossier's status is the national catalogue's number (1 Mới đăng ký … 10 Đã trả kết quả),
stored as that integer so that syncing with the National Public Service Portal needs no
mapping. Applicants' personal data is kept to what the receipt prints; the ID-card number
is kept only as a keyed hash (see `motcua.dossier.secrets`), enough to verify a look-up.
"""
from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from motcua.core.accounts import StaffUser
from motcua.core.db import Base, enum_column
from motcua.queue.models import Counter, Hall, Sector, Ticket


class DossierStatus(enum.IntEnum):
    """The national catalogue of dossier statuses; the number is the portal's code."""

    SUBMITTED = 1  # Mới đăng ký
    ACCEPTED = 2  # Được tiếp nhận
    REFUSED = 3  # Không được tiếp nhận
    IN_PROCESS = 4  # Đang xử lý
    SUPPLEMENT_REQUESTED = 5  # Yêu cầu bổ sung giấy tờ
    AWAITING_FEES = 6  # Yêu cầu thực hiện nghĩa vụ tài chính
    WITHDRAWN = 7  # Công dân yêu cầu rút hồ sơ
    STOPPED = 8  # Dừng xử lý
    DONE = 9  # Đã xử lý xong
    RETURNED = 10  # Đã trả kết quả


class _StatusNumber(TypeDecorator[DossierStatus]):
    """Stores a DossierStatus as its national code."""

    impl = SmallInteger
    cache_ok = True

    def process_bind_param(self, value: DossierStatus | int | None, dialect: Any) -> int | None:
        return None if value is None else int(DossierStatus(value))

    def process_result_value(self, value: int | None, dialect: Any) -> DossierStatus | None:
        return None if value is None else DossierStatus(value)


class HolidayKind(str, enum.Enum):
    HOLIDAY = "holiday"  # a day off (ngày nghỉ lễ, Tết, nghỉ bù)
    WORKING_DAY = "working_day"  # a yearly swap: a weekend day worked (ngày làm bù)


class Delivery(str, enum.Enum):
    """Where the applicant collects the result."""

    COUNTER = "counter"  # at the hall's counter
    POST = "post"  # by public postal service (dịch vụ bưu chính công ích)


class CollectorRelation(str, enum.Enum):
    """Who collected a result at hand-back (status 10), as the hall's register records it."""

    SELF = "self"  # the applicant
    AUTHORISED = "authorised"  # a person with the applicant's written authorisation (ủy quyền)
    LEGAL_REPRESENTATIVE = "legal_rep"  # parent, guardian, a company's legal representative
    POST = "post"  # the public postal service delivered it


class Holiday(Base):
    """A row of the editable holiday table: for every hall of the province (hall_id None) or one."""

    __tablename__ = "holidays"
    __table_args__ = (UniqueConstraint("hall_id", "day", name="uq_holidays_hall_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int | None] = mapped_column(ForeignKey("halls.id"))
    day: Mapped[date] = mapped_column(Date, index=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    kind: Mapped[HolidayKind] = mapped_column(enum_column(HolidayKind), default=HolidayKind.HOLIDAY)


class Procedure(Base):
    """An administrative procedure (thủ tục hành chính) a hall receives dossiers for."""

    __tablename__ = "procedures"
    __table_args__ = (UniqueConstraint("hall_id", "code", name="uq_procedures_hall_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    sector_id: Mapped[int] = mapped_column(ForeignKey("sectors.id"), index=True)
    code: Mapped[str] = mapped_column(String(20))  # national code, e.g. 1.001234
    name: Mapped[str] = mapped_column(Text)
    processing_time: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(20))  # motcua.dossier.calendar.Unit
    inter_agency: Mapped[bool] = mapped_column(Boolean, default=False)  # liên thông
    # [{"name": "Tờ khai …", "form": "original" | "copy" | "certified_copy" | null,
    #   "originals": n, "copies": n}, …]; both numbers 0 when the catalogue gives the form only
    documents: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    sets: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # số bộ hồ sơ
    fee_vnd: Mapped[int | None] = mapped_column(Integer)
    fee_note: Mapped[str | None] = mapped_column(Text)  # the fee as worded when not one sum
    result: Mapped[str] = mapped_column(Text, default="", server_default="")  # kết quả thực hiện
    result_place: Mapped[str] = mapped_column(Text, default="", server_default="")
    legal_basis: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    hall: Mapped[Hall] = relationship()
    sector: Mapped[Sector] = relationship()


class Dossier(Base):
    """A dossier (hồ sơ) received at a counter, with its code, due date and look-up secrets."""

    __tablename__ = "dossiers"
    __table_args__ = (
        UniqueConstraint("agency_code", "day", "sequence", name="uq_dossier_number_of_the_day"),
        # The public figures group a month by hall and sector: covering indexes, so a
        # month is read from the index alone whether one hall is asked for or all.
        # (due_at: only dossiers the hall took on count as received; online ones still
        # waiting, or refused at intake, have none.)
        Index("ix_dossiers_day", "day", "hall_id", "sector_id", "due_at"),
        Index("ix_dossiers_completed_day", "completed_day", "hall_id", "sector_id", "outcome"),
        Index("ix_dossiers_hall_status_due", "hall_id", "status", "due_at"),  # due soon
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)  # H21.65-261125-0001
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    agency_code: Mapped[str] = mapped_column(String(40))
    day: Mapped[date] = mapped_column(Date)  # hall-local date received
    sequence: Mapped[int] = mapped_column(Integer)  # NNNN of the code, per agency per day
    register_book: Mapped[str] = mapped_column(String(60))  # sổ theo dõi hồ sơ
    register_entry: Mapped[int] = mapped_column(Integer)  # số thứ tự in the book
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedures.id"))
    sector_id: Mapped[int] = mapped_column(ForeignKey("sectors.id"))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counters.id"))
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))

    applicant_name: Mapped[str] = mapped_column(String(200))
    applicant_address: Mapped[str] = mapped_column(String(300), default="")
    applicant_phone: Mapped[str] = mapped_column(String(20), default="")
    applicant_born: Mapped[date | None] = mapped_column(Date)  # from the chip card, optional
    id_card_digest: Mapped[str | None] = mapped_column(String(64))  # keyed hash, never the number

    # [{"name": …, "form": …, "originals": n, "copies": n}, …] as handed in
    documents: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    sets: Mapped[int] = mapped_column(Integer, default=1)
    delivery: Mapped[Delivery] = mapped_column(enum_column(Delivery), default=Delivery.COUNTER)

    # The statutory time as printed, copied from the procedure at intake.
    processing_time: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(20))

    status: Mapped[DossierStatus] = mapped_column(_StatusNumber(), default=DossierStatus.ACCEPTED)
    # Registered online (status 1 until a counter accepts it): its files are `files`.
    submitted_online: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # When the hall took the dossier on: at the counter, or when an online one was accepted
    # (until then, when it was submitted).
    received_at: Mapped[datetime]
    # Moved later by supplement pauses; None until the hall accepts an online dossier.
    due_at: Mapped[datetime | None]
    paused_at: Mapped[datetime | None]  # set while a supplement is requested
    # An online dossier's citizen sent the papers asked for (status 5): until the next change.
    supplement_received_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]  # reached "done" (9): what on-time is judged by
    completed_day: Mapped[date | None] = mapped_column(Date)  # hall-local date of completed_at
    outcome: Mapped[str | None] = mapped_column(String(10))  # calendar.Outcome, set with completed_at
    closed_at: Mapped[datetime | None]  # refused, withdrawn, stopped or returned

    # Who collected the result (status 10): recorded fields, the ID number only as its digest.
    collected_by_name: Mapped[str | None] = mapped_column(String(200))
    collected_by_id_card_digest: Mapped[str | None] = mapped_column(String(64))
    collected_by_relationship: Mapped[CollectorRelation | None] = mapped_column(
        enum_column(CollectorRelation))

    qr_secret: Mapped[str] = mapped_column(String(40), unique=True)  # in the receipt's QR URL
    short_secret: Mapped[str] = mapped_column(String(12))  # typed with the code

    hall: Mapped[Hall] = relationship()
    procedure: Mapped[Procedure] = relationship()
    sector: Mapped[Sector] = relationship()
    ticket: Mapped[Ticket | None] = relationship()
    counter: Mapped[Counter | None] = relationship()
    received_by: Mapped[StaffUser | None] = relationship()
    events: Mapped[list[DossierEvent]] = relationship(
        order_by="DossierEvent.id", back_populates="dossier"
    )
    files: Mapped[list[DossierFile]] = relationship(order_by="DossierFile.id",
                                                    back_populates="dossier")


class DossierFile(Base):
    """A document uploaded with an online dossier. The bytes live outside the web root, under
    the instance folder, named by their SHA-256 (`motcua.dossier.uploads`); this row says
    which of the procedure's documents it is and what the citizen called it."""

    __tablename__ = "dossier_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    document: Mapped[str] = mapped_column(Text)  # the procedure's document name
    original_name: Mapped[str] = mapped_column(String(200))  # shown, never used as a path
    content_type: Mapped[str] = mapped_column(String(40))  # from the content, not the name
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)  # which stored files are kept
    uploaded_at: Mapped[datetime]  # with the dossier, or later as a supplement

    dossier: Mapped[Dossier] = relationship(back_populates="files")


class DossierEvent(Base):
    """Append-only log of a dossier's changes: who, when, from which status to which, and why."""

    __tablename__ = "dossier_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id"))
    kind: Mapped[str] = mapped_column(String(40))  # "received", "status_changed"
    from_status: Mapped[DossierStatus | None] = mapped_column(_StatusNumber())
    to_status: Mapped[DossierStatus] = mapped_column(_StatusNumber())
    actor: Mapped[str] = mapped_column(String(120))  # "staff:lan"
    at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    dossier: Mapped[Dossier] = relationship(back_populates="events")


@event.listens_for(Session, "before_flush")
def _dossier_events_are_append_only(session: Session, _ctx: Any, _instances: Any) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, DossierEvent):
            raise ValueError("dossier events are append-only")
