"""Sectors (lĩnh vực): their names, numbering, daily cap, issuing hours, order and opening."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from motcua.admin.halls import CODE, check_windows
from motcua.changes.audit import announce, audited, diff, hall_to_change, snapshot
from motcua.changes.errors import N_, Invalid, Missing, Problems, Refused, invalid
from motcua.core.actors import Actor
from motcua.core.clock import local_day
from motcua.core.events import EventName
from motcua.core.uow import UnitOfWork, use_case
from motcua.queue.models import Hall, Sector, Ticket, TicketStatus
from motcua.queue.services import ACTIVE

PREFIX = re.compile(r"^[A-Z]{0,3}$")
ICON = re.compile(r"^[a-z0-9-]{1,40}$")
MAX_NUMBER = 99999


@dataclass(frozen=True)
class SectorFields:
    name_vi: str
    name_en: str
    prefix: str
    number_start: int
    number_end: int
    daily_cap: int | None
    issuing_windows: str | None  # None: the hall's opening windows
    icon: str
    is_open: bool
    wait_alert_minutes: int | None = None  # the live view's threshold; None: the hall's


SECTOR_FIELDS = ("name_vi", "name_en", "prefix", "number_start", "number_end", "daily_cap",
                 "issuing_windows", "icon", "is_open")
NUMBERING = ("prefix", "number_start", "number_end")


def find_sector(session: Session, hall: Hall, code: str) -> Sector:
    sector = session.scalar(select(Sector).where(Sector.hall_id == hall.id, Sector.code == code))
    if sector is None:
        raise Missing(N_("Không có lĩnh vực “%(code)s”."), code=code)
    return sector


def _check_sector(hall: Hall, fields: SectorFields, itself: Sector | None) -> None:
    problems = Problems()
    if not fields.name_vi:
        problems.add("name_vi", N_("Hãy nhập tên lĩnh vực bằng tiếng Việt."))
    for name in ("name_vi", "name_en"):
        if len(getattr(fields, name)) > 200:
            problems.add(name, N_("Tên dài quá %(max)d ký tự."), max=200)
    if not PREFIX.match(fields.prefix):
        problems.add("prefix", N_("Tiền tố gồm tối đa 3 chữ cái in hoa không dấu (A–Z), "
                                  "hoặc để trống."))
    if not 0 <= fields.number_start <= MAX_NUMBER:
        problems.add("number_start", N_("Hãy nhập một số từ %(low)d đến %(high)d."),
                     low=0, high=MAX_NUMBER)
    if not 1 <= fields.number_end <= MAX_NUMBER:
        problems.add("number_end", N_("Hãy nhập một số từ %(low)d đến %(high)d."),
                     low=1, high=MAX_NUMBER)
    elif fields.number_end < fields.number_start:
        problems.add("number_end", N_("Số cuối phải lớn hơn hoặc bằng số đầu."))
    block = fields.number_end - fields.number_start + 1
    if fields.daily_cap is not None and block >= 1 and not 1 <= fields.daily_cap <= block:
        problems.add("daily_cap", N_("Số phiếu tối đa mỗi ngày phải từ 1 đến %(size)d "
                                     "(số lượng số trong dãy)."), size=block)
    if fields.issuing_windows is not None:
        check_windows(problems, "issuing_windows", fields.issuing_windows)
    if not ICON.match(fields.icon):
        problems.add("icon", N_("Tên biểu tượng gồm chữ thường không dấu, chữ số và dấu gạch "
                                "ngang."))
    if not any(p.field in NUMBERING for p in problems.items):
        for other in hall.sectors:
            if other is itself or other.prefix != fields.prefix:
                continue
            if other.number_start <= fields.number_end and fields.number_start <= other.number_end:
                problems.add("number_start", N_(
                    "Dãy số trùng với lĩnh vực “%(other)s” (%(first)s–%(last)s): hai phiếu "
                    "trong một ngày sẽ cùng số."), other=other.name_vi,
                    first=other.display(other.number_start), last=other.display(other.number_end))
    problems.raise_any()


def _set_wait_alert(hall: Hall, code: str, minutes: int | None) -> dict[str, list[Any]]:
    """Keep a sector's own waiting threshold in the hall's settings (no column for it: the
    live view is its only reader); answers the change for the audit row."""
    stored = dict(hall.settings or {})
    own = dict(stored.get("sector_wait_alert_minutes") or {})
    before = own.get(code)
    if before == minutes:
        return {}
    if minutes is None:
        own.pop(code, None)
    else:
        own[code] = minutes
    hall.settings = {**stored, "sector_wait_alert_minutes": own}
    return {"wait_alert_minutes": [before, minutes]}


@use_case
def create_sector(uow: UnitOfWork, *, actor: Actor, hall_code: str, code: str,
                  fields: SectorFields) -> Sector:
    session = uow.session
    hall = hall_to_change(session, actor, hall_code)
    problems = Problems()
    if not CODE.match(code):
        problems.add("code", N_("Mã gồm chữ thường không dấu, chữ số và dấu gạch ngang "
                                "(tối đa 40 ký tự), ví dụ “dat-dai”."))
    elif any(s.code == code for s in hall.sectors):
        problems.add("code", N_("Đã có lĩnh vực mã “%(code)s”."), code=code)
    try:
        _check_sector(hall, fields, None)
    except Invalid as exc:
        problems.extend(exc)
    problems.raise_any()
    with audited(uow, actor, hall, "sector", code, "create") as edit:
        position = max((s.position for s in hall.sectors), default=-1) + 1
        sector = Sector(hall=hall, code=code, position=position,
                        **{k: getattr(fields, k) for k in SECTOR_FIELDS})
        sector.name_en = fields.name_en or fields.name_vi
        session.add(sector)
        session.flush()
        edit.note(diff({}, snapshot(sector, SECTOR_FIELDS))
                  | _set_wait_alert(hall, code, fields.wait_alert_minutes))
    announce(uow, EventName.SECTOR_CHANGED, hall, sector=code, action="create",
             is_open=sector.is_open)
    return sector


@use_case
def update_sector(uow: UnitOfWork, *, actor: Actor, hall_code: str, code: str,
                  fields: SectorFields) -> Sector:
    session = uow.session
    hall = hall_to_change(session, actor, hall_code)
    sector = find_sector(session, hall, code)
    _check_sector(hall, fields, sector)
    wanted = {k: getattr(fields, k) for k in SECTOR_FIELDS}
    wanted["name_en"] = fields.name_en or fields.name_vi
    renumbered = [k for k in NUMBERING if wanted[k] != getattr(sector, k)]
    if renumbered:
        issued = session.scalar(select(func.count(Ticket.id)).where(
            Ticket.sector_id == sector.id,
            Ticket.day == local_day(uow.clock, hall.time_zone))) or 0
        if issued:
            raise Refused(N_("Hôm nay lĩnh vực đã cấp %(count)d số theo dãy số hiện tại: đổi "
                             "tiền tố hoặc dãy số giữa ngày sẽ làm trùng hoặc nhảy số. Hãy "
                             "đổi sau khi hết ngày."), count=issued)
    with audited(uow, actor, hall, "sector", code, "update",
                 lambda: snapshot(sector, SECTOR_FIELDS)) as edit:
        for key, value in wanted.items():
            setattr(sector, key, value)
        edit.note(_set_wait_alert(hall, code, fields.wait_alert_minutes))
    if edit.changes:
        announce(uow, EventName.SECTOR_CHANGED, hall, sector=code, action="update",
                 is_open=sector.is_open, changes=sorted(edit.changes))
    return sector


@use_case
def set_sector_open(uow: UnitOfWork, *, actor: Actor, hall_code: str, code: str,
                    is_open: bool) -> Sector:
    """Open or close a sector's line at the kiosks; tickets already issued are still served."""
    hall = hall_to_change(uow.session, actor, hall_code)
    sector = find_sector(uow.session, hall, code)
    if sector.is_open == is_open:
        return sector
    action = "open" if is_open else "close"
    with audited(uow, actor, hall, "sector", code, action,
                 lambda: snapshot(sector, ("is_open",))):
        sector.is_open = is_open
    announce(uow, EventName.SECTOR_CHANGED, hall, sector=code, action=action, is_open=is_open)
    return sector


@use_case
def move_sector(uow: UnitOfWork, *, actor: Actor, hall_code: str, code: str,
                step: int) -> Sector:
    """Move a sector up (-1) or down (+1) in the kiosk's and the board's order."""
    if step not in (-1, 1):
        raise invalid("step", N_("Chỉ chuyển lên hoặc xuống một bậc."))
    hall = hall_to_change(uow.session, actor, hall_code)
    ordered = sorted(hall.sectors, key=lambda s: (s.position, s.id))
    index = next((i for i, s in enumerate(ordered) if s.code == code), None)
    if index is None:
        raise Missing(N_("Không có lĩnh vực “%(code)s”."), code=code)
    target = index + step
    if not 0 <= target < len(ordered):
        return ordered[index]
    with audited(uow, actor, hall, "sector", code, "move") as edit:
        ordered[index], ordered[target] = ordered[target], ordered[index]
        for position, sector in enumerate(ordered):
            sector.position = position
        edit.note({"position": [index, target]})
    announce(uow, EventName.SECTOR_CHANGED, hall, sector=code, action="move",
             is_open=ordered[target].is_open)
    return ordered[target]


@use_case
def delete_sector(uow: UnitOfWork, *, actor: Actor, hall_code: str, code: str) -> None:
    """Only a sector that never issued a ticket can go; others are closed, to keep the history."""
    session = uow.session
    hall = hall_to_change(session, actor, hall_code)
    sector = find_sector(session, hall, code)
    waiting = session.scalar(select(func.count(Ticket.id)).where(
        Ticket.sector_id == sector.id,
        Ticket.status.in_((TicketStatus.WAITING, *ACTIVE)))) or 0
    if waiting:
        raise Refused(N_("Lĩnh vực “%(sector)s” còn %(count)d công dân đang chờ hoặc đang "
                         "được phục vụ: không thể xóa."), sector=sector.name_vi, count=waiting)
    used = session.scalar(select(func.count(Ticket.id)).where(or_(
        Ticket.sector_id == sector.id, Ticket.issued_sector_id == sector.id,
        Ticket.transferred_from_sector_id == sector.id))) or 0
    if used:
        raise Refused(N_("Lĩnh vực “%(sector)s” đã có %(count)d phiếu trong lịch sử, báo cáo "
                         "cần giữ lại. Hãy đóng lĩnh vực thay vì xóa."),
                      sector=sector.name_vi, count=used)
    with audited(uow, actor, hall, "sector", code, "delete") as edit:
        edit.note(diff(snapshot(sector, SECTOR_FIELDS), dict.fromkeys(SECTOR_FIELDS)))
        for counter in hall.counters:
            for link in [link for link in counter.sector_links if link.sector_id == sector.id]:
                counter.sector_links.remove(link)
        hall.sectors.remove(sector)
        session.delete(sector)
        try:
            session.flush()
        except IntegrityError:
            raise Refused(N_("Lĩnh vực “%(sector)s” còn được dùng ở nơi khác (thủ tục, hồ sơ): "
                             "hãy đóng lĩnh vực thay vì xóa."), sector=code) from None
    announce(uow, EventName.SECTOR_CHANGED, hall, sector=code, action="delete", is_open=False)
