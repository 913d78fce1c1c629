"""Counters (quầy): their numbers, names and the sectors each serves, in its order."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from motcua.changes.audit import announce, audited, hall_to_change
from motcua.changes.errors import N_, Missing, Problems, Refused
from motcua.core.accounts import Device
from motcua.core.actors import Actor
from motcua.core.clock import local_day
from motcua.core.events import EventName
from motcua.core.uow import UnitOfWork, use_case
from motcua.queue import errors
from motcua.queue.hours import parse_weekdays, parse_windows
from motcua.queue.models import (
    Counter,
    CounterSector,
    CounterState,
    Hall,
    Sector,
    Ticket,
    TicketStatus,
)
from motcua.queue.services import current_ticket, get_counter


@dataclass(frozen=True)
class CounterFields:
    number: int
    name: str
    sectors: list[str]  # sector codes in the counter's order of preference
    # sector code → (hours "07:30-11:30", weekdays "1-5"), each None for always: when the
    # counter serves that sector (morning land, afternoon construction)
    schedules: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)


def find_counter(session: Session, hall: Hall, number: int) -> Counter:
    try:
        return get_counter(session, hall, number)
    except errors.CounterNotFound:
        raise Missing(N_("Không có quầy số %(number)d."), number=number) from None


def _check_counter(hall: Hall, fields: CounterFields, itself: Counter | None) -> list[Sector]:
    problems = Problems()
    if not 1 <= fields.number <= 999:
        problems.add("number", N_("Hãy nhập một số từ %(low)d đến %(high)d."), low=1, high=999)
    elif any(c.number == fields.number and c is not itself for c in hall.counters):
        problems.add("number", N_("Đã có quầy số %(number)d."), number=fields.number)
    if len(fields.name) > 200:
        problems.add("name", N_("Tên dài quá %(max)d ký tự."), max=200)
    by_code = {s.code: s for s in hall.sectors}
    unknown = [c for c in fields.sectors if c not in by_code]
    if unknown:
        problems.add("sectors", N_("Không có lĩnh vực: %(codes)s."), codes=", ".join(unknown))
    if len(set(fields.sectors)) != len(fields.sectors):
        problems.add("sectors", N_("Mỗi lĩnh vực chỉ chọn một lần."))
    for code, (hours, weekdays) in fields.schedules.items():
        if hours and not _readable(hours, parse_windows):
            problems.add(f"hours-{code}", N_("Hãy ghi giờ như 07:30-11:30 hoặc "
                                             "07:30-11:30,13:30-17:00."))
        if weekdays and not _readable(weekdays, parse_weekdays):
            problems.add(f"weekdays-{code}", N_("Hãy ghi thứ như 1-5 hoặc 1,3,5 "
                                                "(thứ Hai là 1, Chủ nhật là 7)."))
    problems.raise_any()
    return [by_code[c] for c in fields.sectors]


def _readable(text: str, parse: Any) -> bool:
    try:
        parse(text)
    except errors.InvalidInput:
        return False
    return True


def _refuse_orphans(uow: UnitOfWork, hall: Hall, counter: Counter, keeps: set[int]) -> None:
    """Refuse a change after which a sector with citizens waiting today has no counter."""
    session = uow.session
    waiting = dict(session.execute(
        select(Ticket.sector_id, func.count(Ticket.id))
        .where(Ticket.hall_id == hall.id, Ticket.day == local_day(uow.clock, hall.time_zone),
               Ticket.status == TicketStatus.WAITING, Ticket.reserved_counter_id.is_(None))
        .group_by(Ticket.sector_id)).all())
    losing = {link.sector_id for link in counter.sector_links} - keeps
    for sector_id in losing & set(waiting):
        others = session.scalar(select(func.count(CounterSector.counter_id)).where(
            CounterSector.sector_id == sector_id, CounterSector.counter_id != counter.id)) or 0
        if not others:
            raise Refused(N_("Lĩnh vực “%(sector)s” có %(count)d công dân đang chờ và không còn "
                             "quầy nào khác phục vụ: hãy để quầy khác nhận lĩnh vực này trước."),
                          sector=session.get_one(Sector, sector_id).name_vi,
                          count=waiting[sector_id])


def _set_counter_sectors(counter: Counter, sectors: list[Sector],
                         schedules: dict[str, tuple[str | None, str | None]]) -> None:
    ranks = {s.id: rank for rank, s in enumerate(sectors)}
    for link in list(counter.sector_links):
        if link.sector_id not in ranks:
            counter.sector_links.remove(link)
    kept = {link.sector_id: link for link in counter.sector_links}
    for sector in sectors:
        if sector.id in kept:
            kept[sector.id].rank = ranks[sector.id]
        else:
            counter.sector_links.append(CounterSector(sector=sector, rank=ranks[sector.id]))
    counter.sector_links.sort(key=lambda link: link.rank)
    for link in counter.sector_links:
        link.hours, link.weekdays = schedules.get(link.sector.code, (None, None))


def schedules_of(counter: Counter) -> dict[str, list[str | None]]:
    """The sectors served only at some times: code → [hours, weekdays]."""
    return {link.sector.code: [link.hours, link.weekdays] for link in counter.sector_links
            if link.hours or link.weekdays}


def _counter_payload(counter: Counter, sectors: list[Sector]) -> dict[str, Any]:
    return {"counter": counter.number, "state": counter.state.value,
            "officer": counter.officer.full_name if counter.officer else None,
            "sectors": [s.code for s in sectors], "change": "configuration"}


@use_case
def create_counter(uow: UnitOfWork, *, actor: Actor, hall_code: str,
                   fields: CounterFields) -> Counter:
    session = uow.session
    hall = hall_to_change(session, actor, hall_code)
    sectors = _check_counter(hall, fields, None)
    with audited(uow, actor, hall, "counter", str(fields.number), "create") as edit:
        counter = Counter(hall=hall, number=fields.number,
                          name=fields.name or f"Quầy {fields.number}", state=CounterState.CLOSED)
        _set_counter_sectors(counter, sectors, fields.schedules)
        session.add(counter)
        session.flush()
        edit.note({"name": [None, counter.name], "sectors": [None, fields.sectors]})
        if schedules_of(counter):
            edit.note({"schedules": [None, schedules_of(counter)]})
    announce(uow, EventName.COUNTER_CHANGED, hall, counter.number,
             **_counter_payload(counter, sectors))
    return counter


@use_case
def update_counter(uow: UnitOfWork, *, actor: Actor, hall_code: str, number: int,
                   fields: CounterFields) -> Counter:
    session = uow.session
    hall = hall_to_change(session, actor, hall_code)
    counter = find_counter(session, hall, number)
    sectors = _check_counter(hall, fields, counter)
    active = current_ticket(session, counter)
    if fields.number != counter.number and (counter.state != CounterState.CLOSED or active):
        raise Refused(N_("Quầy %(number)d đang làm việc: chỉ đổi số quầy khi quầy đã đóng."),
                      number=counter.number)
    if active is not None and not sectors:
        raise Refused(N_("Quầy %(number)d đang phục vụ số %(ticket)s: quầy phải giữ ít nhất "
                         "một lĩnh vực."), number=counter.number, ticket=active.display_number)
    _refuse_orphans(uow, hall, counter, {s.id for s in sectors})

    def watched() -> dict[str, Any]:
        return {"number": counter.number, "name": counter.name,
                "sectors": [link.sector.code for link in counter.sector_links],
                "schedules": schedules_of(counter)}

    with audited(uow, actor, hall, "counter", str(number), "update", watched) as edit:
        counter.number, counter.name = fields.number, fields.name or f"Quầy {fields.number}"
        _set_counter_sectors(counter, sectors, fields.schedules)
    if not edit.changes:
        return counter
    if counter.number != number:  # the console at the old number hears it too
        announce(uow, EventName.COUNTER_CHANGED, hall, number,
                 **_counter_payload(counter, sectors), renumbered_from=number)
    announce(uow, EventName.COUNTER_CHANGED, hall, counter.number,
             **_counter_payload(counter, sectors))
    return counter


@use_case
def delete_counter(uow: UnitOfWork, *, actor: Actor, hall_code: str, number: int) -> None:
    session = uow.session
    hall = hall_to_change(session, actor, hall_code)
    counter = find_counter(session, hall, number)
    if counter.state != CounterState.CLOSED or current_ticket(session, counter):
        raise Refused(N_("Quầy %(number)d đang làm việc: hãy đóng quầy trước khi xóa."),
                      number=number)
    _refuse_orphans(uow, hall, counter, set())
    used = session.scalar(select(func.count(Ticket.id)).where(or_(
        Ticket.counter_id == counter.id, Ticket.reserved_counter_id == counter.id,
        Ticket.transferred_from_counter_id == counter.id))) or 0
    if used:
        raise Refused(N_("Quầy %(number)d đã phục vụ %(count)d phiếu, báo cáo cần giữ lại: "
                         "không thể xóa. Hãy bỏ hết lĩnh vực của quầy nếu không dùng nữa."),
                      number=number, count=used)
    tablets = session.scalars(select(Device.name).where(Device.counter_id == counter.id)).all()
    if tablets:
        raise Refused(N_("Máy đánh giá %(devices)s đang gắn với quầy %(number)d: hãy gắn "
                         "sang quầy khác trước."), devices=", ".join(tablets), number=number)
    with audited(uow, actor, hall, "counter", str(number), "delete") as edit:
        edit.note({"name": [counter.name, None],
                   "sectors": [[link.sector.code for link in counter.sector_links], None]})
        session.delete(counter)
        try:
            session.flush()
        except IntegrityError:
            raise Refused(N_("Quầy %(number)d còn được dùng ở nơi khác: không thể xóa."),
                          number=number) from None
    announce(uow, EventName.COUNTER_CHANGED, hall, number, counter=number, state="closed",
             officer=None, sectors=[], change="deleted")


@use_case
def serve_sector_first(uow: UnitOfWork, *, actor: Actor, hall_code: str, number: int,
                       sector_code: str) -> Counter:
    """A leader's move from the live view: the counter serves `sector_code` first from now
    on, its other sectors after (audited like any change of the counter)."""
    hall = hall_to_change(uow.session, actor, hall_code)
    counter = find_counter(uow.session, hall, number)
    others = [link.sector.code for link in counter.sector_links if link.sector.code != sector_code]
    schedules = {code: (hours, weekdays) for code, (hours, weekdays) in schedules_of(counter).items()
                 if code != sector_code}
    return update_counter(uow, actor=actor, hall_code=hall_code, number=number, fields=CounterFields(
        number=number, name=counter.name, sectors=[sector_code, *others], schedules=schedules))
