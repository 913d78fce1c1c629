"""The only place that changes dossiers and the procedure catalogue.

Like the queue's services, every change is a use case (`motcua.core.uow`) called with the
ports and an `Actor`: one transaction, run again while the database is busy, an event row,
and events published only once it has committed. Dossier codes are numbered like tickets:
one upsert on a per-agency, per-hall-local-day counter row inside the intake transaction, so
two counters receiving at the same instant never share a number and a failed intake leaves
no gap.
"""
from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from motcua.core.actors import SYSTEM, Actor, Role
from motcua.core.clock import Clock, local_day
from motcua.core.errors import N_
from motcua.core.events import Event, EventName
from motcua.core.ports import Ports
from motcua.core.uow import UnitOfWork, use_case
from motcua.dossier import access, lifecycle
from motcua.dossier.calendar import Unit, WorkingCalendar, classify, default_holidays
from motcua.dossier.catalogue import DEMO_CATALOGUE, ProcedureRow, Source, parse_procedures
from motcua.dossier.errors import (
    BadInput,
    DossierNotFound,
    NoCitizenAtCounter,
    NotAllowed,
    ProcedureNotFound,
    TransitionRefused,
)
from motcua.dossier.models import (
    CollectorRelation,
    Delivery,
    Dossier,
    DossierEvent,
    DossierFile,
    DossierStatus,
    Holiday,
    HolidayKind,
    Procedure,
)
from motcua.dossier.settings import DossierSettings
from motcua.dossier.uploads import Upload
from motcua.queue.demo import DEMO_HALL
from motcua.queue.models import Counter, Hall, Sector, TicketEvent
from motcua.queue.numbering import next_in_sequence
from motcua.queue.services import current_ticket, get_counter, get_hall, refuse_officer_without_person

AGENCY_CODE = re.compile(r"[A-Za-z0-9]+(?:\.[A-Za-z0-9]+)*")
PHONE = re.compile(r"\+?\d{8,12}")
MAX_SETS = 50
MAX_COUNT = 99
DUE_SOON = timedelta(hours=24)
# Who registered a dossier online, in its log: a citizen, with no account.
ONLINE_APPLICANT = Actor(kind="citizen", name="online")


@dataclass(frozen=True)
class Applicant:
    """Who files the dossier: what the receipt prints, and the ID-card number to hash."""

    name: str
    phone: str = ""
    address: str = ""
    id_card: str | None = None
    born: date | None = None  # as the chip ID card gives it, when scanned or typed


@dataclass(frozen=True)
class HandedDocument:
    """One of the procedure's documents and how many originals and copies were handed in."""

    name: str
    originals: int = 0
    copies: int = 0


@dataclass(frozen=True)
class Intake:
    procedure_code: str
    applicant: Applicant
    documents: tuple[HandedDocument, ...]
    sets: int = 1
    delivery: Delivery = Delivery.COUNTER


@dataclass(frozen=True)
class Registration:
    """A dossier registered online: no counter, no ticket, the documents as checked files."""

    procedure_code: str
    applicant: Applicant
    files: tuple[Upload, ...]
    delivery: Delivery = Delivery.COUNTER


@dataclass(frozen=True)
class Collector:
    """Who collects a result at hand-back: recorded in fields, the ID number only hashed."""

    name: str
    relation: CollectorRelation
    id_card: str | None = None


@dataclass(frozen=True)
class Installation:
    """What the installation's configuration gives the services."""

    agency_code: str  # used when the hall has no `agency_code` setting
    id_card_key: bytes  # the HMAC key of ID-card digests


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int


# --- reading ------------------------------------------------------------------------------


def get_dossier(session: Session, code: str) -> Dossier:
    dossier = session.scalar(select(Dossier).where(Dossier.code == access.normalise_code(code)))
    if dossier is None:
        raise DossierNotFound(N_("Không có hồ sơ nào mã %(code)s."), code=code)
    return dossier


def get_procedure(session: Session, hall: Hall, code: str) -> Procedure:
    procedure = session.scalar(
        select(Procedure).where(Procedure.hall_id == hall.id, Procedure.code == code.strip(),
                                Procedure.active.is_(True)))
    if procedure is None:
        raise ProcedureNotFound(N_("Không có thủ tục mã %(code)s tại nơi này."), "procedure",
                                code=code)
    return procedure


def procedures_of(session: Session, hall: Hall) -> list[Procedure]:
    """The hall's active procedures, by sector order then code."""
    return list(session.scalars(
        select(Procedure).join(Sector, Sector.id == Procedure.sector_id)
        .where(Procedure.hall_id == hall.id, Procedure.active.is_(True))
        .options(selectinload(Procedure.sector))
        .order_by(Sector.position, Procedure.code)))


def settings_of(hall: Hall) -> DossierSettings:
    return DossierSettings.of(hall.settings)


def agency_code_of(hall: Hall, installation: Installation) -> str:
    code = settings_of(hall).agency_code or installation.agency_code
    if not AGENCY_CODE.fullmatch(code or ""):
        raise BadInput(N_("Mã đơn vị “%(code)s” không hợp lệ: cần dạng H21.65 hoặc 000.00.21.H29."),
                       code=code)
    return code


def hall_calendar(session: Session, hall: Hall, since: date) -> WorkingCalendar:
    """The hall's working calendar from `since` on: its windows and the holiday table.

    A hall's own row overrides the province-wide row of the same day (a hall may work on
    a province holiday, or close on a local one).
    """
    rows = session.execute(
        select(Holiday.hall_id, Holiday.day, Holiday.kind)
        .where(or_(Holiday.hall_id.is_(None), Holiday.hall_id == hall.id), Holiday.day >= since)
    ).all()
    kinds: dict[date, HolidayKind] = {}
    for _hall_id, day, kind in sorted(rows, key=lambda r: r.hall_id is not None):
        kinds[day] = kind
    return settings_of(hall).calendar(
        hall.time_zone,
        holidays=frozenset(d for d, k in kinds.items() if k == HolidayKind.HOLIDAY),
        working_days=frozenset(d for d, k in kinds.items() if k == HolidayKind.WORKING_DAY),
    )


def due_soon(session: Session, clock: Clock, hall: Hall, within: timedelta = DUE_SOON) -> list[Dossier]:
    """Open dossiers whose clock runs and that are due within `within`, overdue ones first."""
    return list(session.scalars(
        select(Dossier)
        .where(Dossier.hall_id == hall.id, Dossier.status.in_(lifecycle.RUNNING),
               Dossier.due_at <= clock.now() + within)
        .options(selectinload(Dossier.procedure), selectinload(Dossier.sector))
        .order_by(Dossier.due_at)))


def recent_dossiers(session: Session, hall: Hall, *, status: DossierStatus | None = None,
                    limit: int = 100) -> list[Dossier]:
    query = select(Dossier).where(Dossier.hall_id == hall.id)
    if status is not None:
        query = query.where(Dossier.status == status)
    return list(session.scalars(
        query.options(selectinload(Dossier.procedure), selectinload(Dossier.sector))
        .order_by(Dossier.id.desc()).limit(limit)))


# --- look-ups by citizens -------------------------------------------------------------------


# What the citizen's view reads, in the one query that finds the dossier. Its history is
# read only once the secret matched, so a wrong secret costs what an unknown code costs.
_CITIZENS_VIEW = (joinedload(Dossier.procedure), joinedload(Dossier.sector), joinedload(Dossier.hall))


def find_by_qr(session: Session, secret: str) -> Dossier | None:
    """The dossier whose receipt's QR code carries `secret`, else None."""
    if not access.QR_SECRET.fullmatch(secret):
        return None
    dossier = session.scalar(select(Dossier).where(Dossier.qr_secret == secret).options(*_CITIZENS_VIEW))
    if dossier is None or not access.same(secret, dossier.qr_secret):
        return None
    return dossier


_NOBODY = "-" * 64


def find_by_code(session: Session, code: str, typed_secret: str, id_card_key: bytes) -> Dossier | None:
    """The dossier with this code if `typed_secret` is its printed secret or its ID-card number.

    Unknown codes and wrong secrets both give None, after the same work: the code alone
    must not tell whether a dossier exists.
    """
    id_card = access.normalise_id_card(typed_secret)
    given = (access.id_card_digest(id_card, id_card_key) if id_card
             else access.normalise_short_secret(typed_secret))
    dossier = session.scalar(select(Dossier).where(Dossier.code == access.normalise_code(code))
                             .options(*_CITIZENS_VIEW))
    if id_card:
        kept = (dossier.id_card_digest if dossier else None) or _NOBODY
    else:
        kept = dossier.short_secret if dossier else _NOBODY[:access.SHORT_LENGTH]
    if not access.same(given, kept) or dossier is None:
        return None
    return dossier


CARD_DOSSIERS_SHOWN = 10


def find_by_id_card(session: Session, numbers: Iterable[str], id_card_key: bytes) -> list[Dossier]:
    """The latest dossiers filed with any of these ID numbers (the chip card's and its old
    one), newest first: the card in the citizen's hand opens them as the receipt does."""
    digests = [access.id_card_digest(number, id_card_key) for number in numbers]
    return list(session.scalars(
        select(Dossier).where(Dossier.id_card_digest.in_(digests)).options(*_CITIZENS_VIEW)
        .order_by(Dossier.received_at.desc(), Dossier.id.desc()).limit(CARD_DOSSIERS_SHOWN)))


# --- plumbing -------------------------------------------------------------------------------


def _log(uow: UnitOfWork, dossier: Dossier, kind: str, actor: Actor, *,
         from_status: DossierStatus | None, note: str | None = None, **data: Any) -> None:
    uow.session.add(DossierEvent(
        dossier=dossier, hall_id=dossier.hall_id, kind=kind, from_status=from_status,
        to_status=dossier.status, actor=actor.label, at=uow.clock.now(), note=note, data=data))


def _require_hall_staff(actor: Actor, hall: Hall) -> None:
    if actor.kind not in ("staff", "token", "system") or actor.role is None:
        raise NotAllowed(N_("Chỉ cán bộ của bộ phận một cửa mới làm được việc này."))
    if actor.hall_id not in (None, hall.id):
        raise NotAllowed(N_("Hồ sơ này thuộc nơi khác."))


def _authorize_counter(actor: Actor, hall: Hall, counter: Counter) -> None:
    """Officers receive at the counter they sit at; supervisors and admins at any of theirs."""
    _require_hall_staff(actor, hall)
    refuse_officer_without_person(actor)
    if actor.role == Role.OFFICER and counter.officer_id != actor.user_id:
        raise NotAllowed(N_("Quầy %(number)d không phải quầy của bạn."), number=counter.number)


def _announce(uow: UnitOfWork, name: EventName, dossier: Dossier, **extra: Any) -> None:
    """Published once the transaction commits. No personal data in events: they reach every
    staff screen of the hall."""
    uow.publish(Event(
        name=name, hall=dossier.hall.code,
        counter_number=dossier.counter.number if dossier.counter else None,
        payload={"dossier": dossier.id, "code": dossier.code, "status": int(dossier.status),
                 "sector": dossier.sector.code,
                 "due_at": dossier.due_at.isoformat() if dossier.due_at else None, **extra}))


# --- intake ---------------------------------------------------------------------------------


def _checked_documents(procedure: Procedure, handed: Iterable[HandedDocument]) -> list[dict[str, Any]]:
    forms = {d["name"]: d.get("form") for d in procedure.documents}
    documents = []
    for item in handed:
        if item.name not in forms:
            raise BadInput(N_("“%(name)s” không có trong thành phần hồ sơ của thủ tục này."),
                           "documents", name=item.name)
        if not (0 <= item.originals <= MAX_COUNT and 0 <= item.copies <= MAX_COUNT):
            raise BadInput(N_("Số bản của “%(name)s” phải từ 0 đến %(max)d."), "documents",
                           name=item.name, max=MAX_COUNT)
        if item.originals or item.copies:
            documents.append({"name": item.name, "form": forms[item.name],
                              "originals": item.originals, "copies": item.copies})
    if not documents:
        raise BadInput(N_("Hãy ghi ít nhất một giấy tờ đã nhận."), "documents")
    return documents


OLDEST_YEARS = 130  # a date of birth further back is a typing mistake


def _checked_applicant(applicant: Applicant, delivery: Delivery, today: date) -> Applicant:
    """`today`: the hall's date, which a date of birth cannot be after."""
    name = " ".join(applicant.name.split())
    if not name or len(name) > 200:
        raise BadInput(N_("Hãy nhập họ tên người nộp (tối đa 200 ký tự)."), "name")
    phone = re.sub(r"[\s.()-]", "", applicant.phone)
    if phone and not PHONE.fullmatch(phone):
        raise BadInput(N_("Số điện thoại “%(phone)s” không hợp lệ."), "phone", phone=applicant.phone)
    address = " ".join(applicant.address.split())
    if len(address) > 300:
        raise BadInput(N_("Địa chỉ quá dài (tối đa 300 ký tự)."), "address")
    if delivery == Delivery.POST and not address:
        raise BadInput(N_("Nhận kết quả qua bưu điện cần địa chỉ người nộp."), "address")
    id_card = None
    if applicant.id_card and applicant.id_card.strip():
        id_card = access.normalise_id_card(applicant.id_card)
        if id_card is None:
            raise BadInput(N_("Số CMND/CCCD phải có 9 hoặc 12 chữ số."), "id_card")
    born = applicant.born
    if born is not None and not (today.year - OLDEST_YEARS <= born.year and born <= today):
        raise BadInput(N_("Ngày sinh %(value)s không hợp lệ: hãy xem lại."), "born",
                       value=born.strftime("%d/%m/%Y"))
    return Applicant(name=name, phone=phone, address=address, id_card=id_card, born=applicant.born)


def _numbered(session: Session, agency: str, day: date) -> dict[str, Any]:
    """The dossier's code (its number of the day) and its entry in the year's register book."""
    sequence = next_in_sequence(session, f"dossier:{agency}", day)
    entry = next_in_sequence(session, f"dossier-book:{agency}", date(day.year, 1, 1))
    return {"code": f"{agency}-{day:%y%m%d}-{sequence:04d}", "sequence": sequence,
            "register_book": f"{day.year}", "register_entry": entry}


@use_case
def receive_dossier(
    uow: UnitOfWork,
    *,
    hall_code: str,
    counter_number: int,
    actor: Actor,
    intake: Intake,
    installation: Installation,
) -> Dossier:
    """Receive a dossier from the citizen served at a counter: code, due date, secrets.

    The dossier starts "Được tiếp nhận" (2), tied to the counter's current ticket and the
    officer. Printing the receipt is the caller's next step, after this commits.
    """
    if not 1 <= intake.sets <= MAX_SETS:
        raise BadInput(N_("Số bộ hồ sơ phải từ 1 đến %(max)d."), "sets", max=MAX_SETS)
    session = uow.session
    hall = get_hall(session, hall_code)
    applicant = _checked_applicant(intake.applicant, intake.delivery,
                                   local_day(uow.clock, hall.time_zone))
    counter = get_counter(session, hall, counter_number)
    _authorize_counter(actor, hall, counter)
    ticket = current_ticket(session, counter)
    if ticket is None:
        raise NoCitizenAtCounter(
            N_("Quầy %(number)d chưa gọi ai: hồ sơ được tiếp nhận khi đang phục vụ một số."),
            number=counter.number)
    procedure = get_procedure(session, hall, intake.procedure_code)
    documents = _checked_documents(procedure, intake.documents)
    agency = agency_code_of(hall, installation)
    now = uow.clock.now()
    day = local_day(uow.clock, hall.time_zone)
    due = hall_calendar(session, hall, day).due_at(now, procedure.processing_time, procedure.unit)
    dossier = Dossier(
        **_numbered(session, agency, day),
        hall=hall, agency_code=agency, day=day,
        procedure=procedure, sector_id=procedure.sector_id, ticket=ticket, counter=counter,
        received_by_id=actor.user_id,
        applicant_name=applicant.name, applicant_phone=applicant.phone,
        applicant_address=applicant.address, applicant_born=applicant.born,
        id_card_digest=(access.id_card_digest(applicant.id_card, installation.id_card_key)
                        if applicant.id_card else None),
        documents=documents, sets=intake.sets, delivery=intake.delivery,
        processing_time=procedure.processing_time, unit=procedure.unit,
        status=DossierStatus.ACCEPTED, received_at=now, due_at=due,
        qr_secret=access.new_qr_secret(), short_secret=access.new_short_secret(),
    )
    session.add(dossier)
    session.flush()
    _log(uow, dossier, "received", actor, from_status=None, ticket=ticket.display_number,
         counter=counter.number, procedure=procedure.code)
    _announce(uow, EventName.DOSSIER_RECEIVED, dossier)
    return dossier


# --- online registration --------------------------------------------------------------------


def _check_files(procedure: Procedure, files: tuple[Upload, ...], max_files: int) -> None:
    """Not too many files, and none for a document the procedure does not have."""
    if len(files) > max_files:
        raise BadInput(N_("Tối đa %(max)d tệp cho một hồ sơ."), "files", max=max_files)
    names = {d["name"] for d in procedure.documents}
    for upload in files:
        if upload.document not in names:
            raise BadInput(N_("“%(name)s” không có trong thành phần hồ sơ của thủ tục này."),
                           "files", name=upload.document)


def _electronic_copies(procedure: Procedure, documents: Iterable[str]) -> list[dict[str, Any]]:
    """What the receipt lists once the hall accepts the dossier: a copy for each file."""
    counted = list(documents)
    return [{"name": d["name"], "form": d.get("form"), "originals": 0,
             "copies": counted.count(d["name"])} for d in procedure.documents]


def _checked_files(procedure: Procedure, files: tuple[Upload, ...], max_files: int) -> list[dict[str, Any]]:
    """Every document of the procedure has at least one file, and no file is for another."""
    _check_files(procedure, files, max_files)
    documents = _electronic_copies(procedure, (f.document for f in files))
    missing = [d["name"] for d in documents if not d["copies"]]
    if missing:
        raise BadInput(N_("Hãy gửi tệp của “%(name)s”."), "files", name=missing[0])
    return documents


def _file_rows(files: Iterable[Upload], now: datetime) -> list[DossierFile]:
    return [DossierFile(document=f.document, original_name=f.original_name,
                        content_type=f.content_type, size=f.size, sha256=f.sha256, uploaded_at=now)
            for f in files]


@use_case
def submit_online(
    uow: UnitOfWork,
    *,
    hall_code: str,
    registration: Registration,
    installation: Installation,
    max_files: int = 10,
) -> Dossier:
    """Register a dossier online: "Mới đăng ký" (1), with a code and secrets to follow it.

    The files were checked and stored by their hash before (`motcua.dossier.uploads`), so
    running this again on a busy database stores nothing twice. The due date is not set:
    the clock starts when a counter accepts the dossier.
    """
    session = uow.session
    hall = get_hall(session, hall_code)
    day = local_day(uow.clock, hall.time_zone)
    applicant = _checked_applicant(registration.applicant, registration.delivery, day)
    if not applicant.phone:
        raise BadInput(N_("Hãy nhập số điện thoại để bộ phận một cửa liên hệ được."), "phone")
    procedure = get_procedure(session, hall, registration.procedure_code)
    documents = _checked_files(procedure, registration.files, max_files)
    agency = agency_code_of(hall, installation)
    now = uow.clock.now()
    dossier = Dossier(
        **_numbered(session, agency, day),
        hall=hall, agency_code=agency, day=day,
        procedure=procedure, sector_id=procedure.sector_id,
        applicant_name=applicant.name, applicant_phone=applicant.phone,
        applicant_address=applicant.address,
        id_card_digest=(access.id_card_digest(applicant.id_card, installation.id_card_key)
                        if applicant.id_card else None),
        documents=documents, sets=1, delivery=registration.delivery,
        processing_time=procedure.processing_time, unit=procedure.unit,
        status=DossierStatus.SUBMITTED, submitted_online=True, received_at=now, due_at=None,
        qr_secret=access.new_qr_secret(), short_secret=access.new_short_secret(),
        files=_file_rows(registration.files, now),
    )
    session.add(dossier)
    session.flush()
    _log(uow, dossier, "submitted_online", ONLINE_APPLICANT, from_status=None, procedure=procedure.code,
         files=len(registration.files))
    _announce(uow, EventName.DOSSIER_SUBMITTED_ONLINE, dossier)
    return dossier


@use_case
def submit_supplement(
    uow: UnitOfWork,
    *,
    secret: str,
    files: tuple[Upload, ...],
    max_files: int = 10,
) -> Dossier:
    """The citizen sends the papers asked for, from the status page of an online dossier
    waiting for a supplement (5): the files join the dossier, its log says who and when, and
    the online queue shows the supplement as received until an officer decides. `secret`:
    the QR code's, which the page's link carries. Files were checked and stored before, as
    at registration."""
    session = uow.session
    dossier = find_by_qr(session, secret)
    if dossier is None:
        raise DossierNotFound(N_("Không tìm thấy hồ sơ này."))
    session.refresh(dossier, with_for_update=True)
    if not dossier.submitted_online or dossier.status != DossierStatus.SUPPLEMENT_REQUESTED:
        raise TransitionRefused(
            N_("Hồ sơ %(code)s đang ở trạng thái “%(current)s”, không chờ bổ sung giấy tờ: "
               "không gửi thêm tệp được."), "files",
            code=dossier.code, current=lifecycle.OFFICIAL_NAMES[dossier.status])
    if not files:
        raise BadInput(N_("Hãy chọn ít nhất một tệp để bổ sung."), "files")
    _check_files(dossier.procedure, files, max_files)
    now = uow.clock.now()
    dossier.files.extend(_file_rows(files, now))
    dossier.documents = _electronic_copies(dossier.procedure, (f.document for f in dossier.files))
    dossier.supplement_received_at = now
    _log(uow, dossier, "supplement_submitted", ONLINE_APPLICANT, from_status=dossier.status,
         files=[f.original_name for f in files])
    _announce(uow, EventName.DOSSIER_SUPPLEMENT_SUBMITTED, dossier)
    return dossier


def online_queue(session: Session, hall: Hall) -> list[Dossier]:
    """Dossiers registered online that wait for a counter's decision, oldest first: those not
    taken on yet, and those whose citizen sent the supplement asked for."""
    return list(session.scalars(
        select(Dossier)
        .where(Dossier.hall_id == hall.id, Dossier.submitted_online.is_(True),
               or_(and_(Dossier.due_at.is_(None),
                        Dossier.status.in_([DossierStatus.SUBMITTED,
                                            DossierStatus.SUPPLEMENT_REQUESTED])),
                   and_(Dossier.status == DossierStatus.SUPPLEMENT_REQUESTED,
                        Dossier.supplement_received_at.is_not(None))))
        .options(selectinload(Dossier.procedure), selectinload(Dossier.sector),
                 selectinload(Dossier.files))
        .order_by(Dossier.id)))


def stored_hashes(session: Session, among: Collection[str] | None = None) -> set[str]:
    """The hashes of the stored files that dossiers name (of `among`, when given): the files
    to keep."""
    query = select(DossierFile.sha256).distinct()
    if among is not None:
        query = query.where(DossierFile.sha256.in_(among))
    return set(session.scalars(query))


def get_file(dossier: Dossier, file_id: int) -> DossierFile:
    found = next((f for f in dossier.files if f.id == file_id), None)
    if found is None:
        raise DossierNotFound(N_("Hồ sơ %(code)s không có tệp này."), code=dossier.code)
    return found


# --- the lifecycle --------------------------------------------------------------------------


@use_case
def change_status(
    uow: UnitOfWork,
    *,
    code: str,
    status: DossierStatus,
    actor: Actor,
    note: str | None = None,
) -> Dossier:
    """Move a dossier along the allowed transitions, keeping its clock and its outcome.

    Accepting an online dossier (1 or 5 → 2) starts its clock: the due date counts from
    now. Into "supplement requested" (5) the clock stops; out of it the due date moves by
    the working time it stood still. Reaching "done" (9) fixes early / on time / late.
    Refused, withdrawn, stopped and returned close the dossier; returning it needs who
    collected the result (`hand_back`).
    """
    return _move(uow, code=code, status=status, actor=actor, note=note)


@use_case
def hand_back(
    uow: UnitOfWork,
    *,
    code: str,
    actor: Actor,
    collector: Collector,
    installation: Installation,
    note: str | None = None,
) -> Dossier:
    """Return the result (9 → 10), recording who collected it: name, relation and the
    ID number as a digest (the applicant's or an authorised person's), not free text."""
    name = " ".join(collector.name.split())
    if not name or len(name) > 200:
        raise BadInput(N_("Hãy nhập họ tên người nhận kết quả (tối đa 200 ký tự)."),
                       "collector_name")
    digest = None
    if collector.relation != CollectorRelation.POST:
        id_card = access.normalise_id_card(collector.id_card or "")
        if id_card is None:
            raise BadInput(N_("Số CMND/CCCD của người nhận phải có 9 hoặc 12 chữ số."),
                           "collector_id_card")
        digest = access.id_card_digest(id_card, installation.id_card_key)
    return _move(uow, code=code, status=DossierStatus.RETURNED, actor=actor, note=note,
                 collected=(name, collector.relation, digest))


# Besides DOSSIER_STATUS_CHANGED, for the citizen's notifications.
_TOLD_TO_THE_CITIZEN = {
    DossierStatus.ACCEPTED: EventName.DOSSIER_ACCEPTED,
    DossierStatus.SUPPLEMENT_REQUESTED: EventName.DOSSIER_SUPPLEMENT_REQUESTED,
    DossierStatus.REFUSED: EventName.DOSSIER_REFUSED,
}


def _move(uow: UnitOfWork, *, code: str, status: DossierStatus, actor: Actor,
          note: str | None,
          collected: tuple[str, CollectorRelation, str | None] | None = None) -> Dossier:
    """The one way a status changes; `collected`: who took the result (name, relation,
    ID digest), which returning it (10) needs."""
    note = " ".join((note or "").split()) or None
    if note and len(note) > 1000:
        raise BadInput(N_("Ghi chú quá dài (tối đa 1000 ký tự)."), "note")
    if status in lifecycle.NEEDS_NOTE and not note:
        raise BadInput(N_("Chuyển sang “%(status)s” cần ghi chú lý do."), "note",
                       status=lifecycle.OFFICIAL_NAMES[status])
    session = uow.session
    dossier = get_dossier(session, code)
    session.refresh(dossier, with_for_update=True)
    hall = dossier.hall
    _require_hall_staff(actor, hall)
    before = dossier.status
    if not lifecycle.may_move(before, status, taken_on=dossier.due_at is not None):
        raise TransitionRefused(
            N_("Hồ sơ đang ở trạng thái “%(current)s”, không chuyển sang “%(wanted)s” được."),
            "status", current=lifecycle.OFFICIAL_NAMES[before],
            wanted=lifecycle.OFFICIAL_NAMES[status])
    now = uow.clock.now()
    data: dict[str, Any] = {}
    if status == DossierStatus.RETURNED:
        if collected is None:
            raise BadInput(N_("Trả kết quả cần ghi người nhận: hãy dùng mục “Trả kết quả”."),
                           "status")
        (dossier.collected_by_name, dossier.collected_by_relationship,
         dossier.collected_by_id_card_digest) = collected
        data["relation"] = collected[1].value
    if status == DossierStatus.ACCEPTED:
        day = local_day(uow.clock, hall.time_zone)
        dossier.received_at = now
        dossier.due_at = hall_calendar(session, hall, day).due_at(
            now, dossier.processing_time, dossier.unit)
        dossier.received_by_id = actor.user_id
        dossier.paused_at = None
        data["due_after"] = dossier.due_at.isoformat()
    elif (before == DossierStatus.SUPPLEMENT_REQUESTED and dossier.paused_at is not None
            and dossier.due_at is not None):
        paused_day = dossier.paused_at.astimezone(ZoneInfo(hall.time_zone)).date()
        calendar = hall_calendar(session, hall, paused_day)
        moved = calendar.extend_for_pause(dossier.due_at, dossier.paused_at, now)
        data.update(paused_from=dossier.paused_at.isoformat(),
                    due_before=dossier.due_at.isoformat(), due_after=moved.isoformat())
        dossier.due_at = moved
        dossier.paused_at = None
    if status == DossierStatus.SUPPLEMENT_REQUESTED and dossier.due_at is not None:
        dossier.paused_at = now  # an online dossier not yet accepted has no clock to stop
    if status == DossierStatus.DONE:
        assert dossier.due_at is not None  # only a dossier taken on gets this far
        dossier.completed_at = now
        dossier.completed_day = local_day(uow.clock, hall.time_zone)
        dossier.outcome = classify(now, dossier.due_at, hall.time_zone).value
        data["outcome"] = dossier.outcome
    if status in lifecycle.CLOSING:
        dossier.closed_at = now
    dossier.status = status
    dossier.supplement_received_at = None  # the officer acted on it
    _log(uow, dossier, "status_changed", actor, from_status=before, note=note, **data)
    _announce(uow, EventName.DOSSIER_STATUS_CHANGED, dossier, previous=int(before))
    if status in _TOLD_TO_THE_CITIZEN:
        _announce(uow, _TOLD_TO_THE_CITIZEN[status], dossier, previous=int(before))
    return dossier


# --- the catalogue --------------------------------------------------------------------------


def _apply_rows(session: Session, hall: Hall, rows: list[ProcedureRow]) -> ImportResult:
    sectors = {s.code: s.id for s in hall.sectors}
    existing = {p.code: p for p in session.scalars(select(Procedure).where(Procedure.hall_id == hall.id))}
    added = updated = 0
    for row in rows:
        values = dict(
            sector_id=sectors[row.sector], name=row.name, processing_time=float(row.processing_time),
            unit=Unit(row.unit).value, inter_agency=row.inter_agency,
            documents=[{"name": d.name, "form": d.form.value if d.form else None,
                        "originals": d.originals, "copies": d.copies} for d in row.documents],
            sets=row.sets, fee_vnd=row.fee_vnd, fee_note=row.fee_note, result=row.result,
            result_place=row.result_place, legal_basis=list(row.legal_basis), active=True,
        )
        procedure = existing.get(row.code)
        if procedure is None:
            session.add(Procedure(hall_id=hall.id, code=row.code, **values))
            added += 1
        else:
            for key, value in values.items():
                setattr(procedure, key, value)
            updated += 1
    return ImportResult(added, updated)


def _require_catalogue_manager(actor: Actor, hall: Hall) -> None:
    _require_hall_staff(actor, hall)
    if actor.role == Role.OFFICER:
        raise NotAllowed(N_("Chỉ quản trị viên và lãnh đạo được nhập danh mục thủ tục."))


def import_procedures(where: Ports | UnitOfWork, *, hall_code: str, source: Source, actor: Actor,
                      origin: str = "") -> ImportResult:
    """Add or update the hall's procedures from a catalogue CSV: all rows, or none.

    Every bad row is reported at once (`CatalogueError`, with line numbers) before
    anything is written. Procedures missing from the file are kept as they are. The file
    is read here, once, outside the transaction: a busy database runs `store_procedures`
    again, and an open file cannot be read twice.
    """
    hall = get_hall(where.session, hall_code)
    _require_catalogue_manager(actor, hall)
    rows = parse_procedures(source, sectors={s.code for s in hall.sectors})
    return store_procedures(where, hall_code=hall_code, rows=rows, actor=actor, origin=origin)


@use_case
def store_procedures(uow: UnitOfWork, *, hall_code: str, rows: list[ProcedureRow], actor: Actor,
                     origin: str = "") -> ImportResult:
    """Write checked catalogue rows (`parse_procedures`) and record who imported them."""
    hall = get_hall(uow.session, hall_code)
    _require_catalogue_manager(actor, hall)
    result = _apply_rows(uow.session, hall, rows)
    uow.session.add(TicketEvent(
        hall_id=hall.id, kind="procedures_imported", actor=actor.label, at=uow.clock.now(),
        reason=origin or None, data={"added": result.added, "updated": result.updated}))
    return result


def load_demo_catalogue(session: Session, clock: Clock) -> ImportResult:
    """The demo hall's procedures and Vietnam's default holidays for this year and next.

    Called by `motcua demo` after the demo hall exists; the holiday table gets rows only
    for years it has none of, so an edited table is never overwritten.
    """
    return _load_demo_catalogue(Ports(session=session, clock=clock, publisher=_Silent()))


@use_case
def _load_demo_catalogue(uow: UnitOfWork) -> ImportResult:
    result = import_procedures(uow, hall_code=DEMO_HALL, source=DEMO_CATALOGUE, actor=SYSTEM,
                               origin=DEMO_CATALOGUE.name)
    session = uow.session
    this_year = local_day(uow.clock, get_hall(session, DEMO_HALL).time_zone).year
    for year in (this_year, this_year + 1):
        known = session.scalar(select(Holiday.id).where(
            Holiday.hall_id.is_(None), Holiday.day >= date(year, 1, 1),
            Holiday.day <= date(year, 12, 31)).limit(1))
        if known is None:
            session.add_all(Holiday(hall_id=None, day=h.day, name_vi=h.name_vi,
                                    kind=HolidayKind.HOLIDAY) for h in default_holidays(year))
    return result


class _Silent:
    """Loading the demo tells no screen anything."""

    def publish(self, event: Event) -> None:
        return None
