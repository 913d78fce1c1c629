"""Configuration changes: halls, sectors, counters, staff, devices, holidays, board and voice.

Each change is checked by the same rules wherever it comes from (page, CLI, test): the
actor must be an administrator of the hall (supervisors only read), every field is
validated with a message for the person at the form, and a change that would break the
running day is refused with its reason. The change and its audit row commit together;
only then is an event published, so kiosks, boards and consoles re-read the hall live.
"""
from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from motcua.admin.errors import N_, Denied, Invalid, Missing, Problems, Refused, invalid
from motcua.admin.models import ConfigChange
from motcua.auth.accounts import MIN_PASSWORD, USERNAME, hash_password, hash_token, new_device_token
from motcua.core.clock import local_day
from motcua.config import DEFAULTS
from motcua.core.db import with_retry
from motcua.display.services import NOTICES_CHANGED
from motcua.dossier.models import Holiday, HolidayKind
from motcua.printer.device.urls import PrinterPolicy
from motcua.core.events import Event
from motcua.queue import errors
from motcua.queue.hours import parse_windows
from motcua.queue.models import Counter, CounterSector, CounterState, Hall, Sector, Ticket, TicketStatus
from motcua.core.accounts import ApiToken, Device, StaffUser
from motcua.core.actors import DeviceKind, Role
from motcua.queue.services import ACTIVE, current_ticket, get_counter, get_hall, waiting_counts
from motcua.core.ports import Ports
from motcua.core.actors import Actor
from motcua.queue.settings import HallSettings

T = TypeVar("T")

CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
PREFIX = re.compile(r"^[A-Z]{0,3}$")
ICON = re.compile(r"^[a-z0-9-]{1,40}$")
MAX_NUMBER = 99999
MAX_NOTICES = 10
MAX_NOTICE_LENGTH = 300
MAX_FOOTER_LINES = 4
MAX_FOOTER_LENGTH = 64  # what fits one line of an 80 mm ticket


# --- who may do what ----------------------------------------------------------------------


def may_view(actor: Actor, hall: Hall) -> bool:
    """Administrators and supervisors of the hall see its configuration and reports."""
    return actor.role in (Role.ADMIN, Role.SUPERVISOR) and actor.hall_id in (None, hall.id)


def may_change(actor: Actor, hall: Hall) -> bool:
    """Only administrators change it; a supervisor's view is read-only."""
    return actor.role == Role.ADMIN and actor.hall_id in (None, hall.id)


def is_global_admin(actor: Actor) -> bool:
    return actor.role == Role.ADMIN and actor.hall_id is None


def require_view(actor: Actor, hall: Hall) -> None:
    if not may_view(actor, hall):
        raise Denied(N_("Bạn không có quyền xem cấu hình và báo cáo của %(hall)s."),
                     hall=hall.name)


def _require_change(actor: Actor, hall: Hall) -> None:
    if not may_change(actor, hall):
        raise Denied(N_("Chỉ quản trị viên mới được thay đổi cấu hình của %(hall)s."),
                     hall=hall.name)


def _require_global_admin(actor: Actor) -> None:
    if not is_global_admin(actor):
        raise Denied(N_("Chỉ quản trị viên toàn hệ thống mới được làm việc này."))


# --- plumbing -------------------------------------------------------------------------------


def in_transaction(ports: Ports, work: Callable[[], T]) -> T:
    return with_retry(ports.session, work)


def hall_to_change(ports: Ports, actor: Actor, hall_code: str) -> Hall:
    hall = get_hall(ports.session, hall_code)
    _require_change(actor, hall)
    return hall


def record_change(ports: Ports, actor: Actor, hall: Hall | None, entity: str, subject: str,
           action: str, changes: dict[str, Any] | None = None) -> None:
    ports.session.add(ConfigChange(
        hall_id=hall.id if hall else None, at=ports.clock.now(), actor=actor.label,
        entity=entity, subject=subject, action=action, changes=changes or {}))


def _jsonable(value: Any) -> Any:
    if isinstance(value, (CounterState, Role, DeviceKind)):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    return value


def _snapshot(obj: Any, names: Iterable[str]) -> dict[str, Any]:
    return {name: _jsonable(getattr(obj, name)) for name in names}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for the fields that changed."""
    return {k: [before.get(k), after[k]] for k in after if before.get(k) != after[k]}


def publish_change(ports: Ports, name: str, hall: Hall, counter_number: int | None = None,
                   **payload: Any) -> None:
    """Tell the hall's screens after the commit. Events carry the waiting counts, like the
    queue's own: kiosks re-read their sectors on any event that has them."""
    waiting = waiting_counts(ports.session, hall, _today(ports, hall))
    ports.publisher.publish(Event(name=name, hall=hall.code,
                                  payload={**payload, "waiting": waiting},
                                  counter_number=counter_number))


def _today(ports: Ports, hall: Hall) -> date:
    return local_day(ports.clock, hall.time_zone)


def _check_windows(problems: Problems, field_name: str, text: str) -> None:
    try:
        parse_windows(text)
    except errors.InvalidInput:
        problems.add(field_name, N_("“%(value)s” không đúng dạng khung giờ, ví dụ "
                                    "07:00-11:30,13:30-17:00 (không chồng lấn nhau)."),
                     value=text)


# --- halls ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HallFields:
    name: str
    time_zone: str
    opening_windows: str


HALL_FIELDS = ("name", "time_zone", "opening_windows")


def _check_hall(fields: HallFields) -> None:
    problems = Problems()
    if not fields.name:
        problems.add("name", N_("Hãy nhập tên điểm tiếp nhận."))
    elif len(fields.name) > 200:
        problems.add("name", N_("Tên dài quá %(max)d ký tự."), max=200)
    try:
        ZoneInfo(fields.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.add("time_zone", N_("“%(value)s” không phải là múi giờ, ví dụ Asia/Ho_Chi_Minh."),
                     value=fields.time_zone)
    _check_windows(problems, "opening_windows", fields.opening_windows)
    problems.raise_any()


def create_hall(ports: Ports, *, actor: Actor, code: str, fields: HallFields) -> Hall:
    _require_global_admin(actor)

    def work() -> Hall:
        session = ports.session
        problems = Problems()
        if not CODE.match(code):
            problems.add("code", N_("Mã gồm chữ thường không dấu, chữ số và dấu gạch ngang "
                                    "(tối đa 40 ký tự), ví dụ “phuong-1”."))
        elif session.scalar(select(Hall.id).where(Hall.code == code)) is not None:
            problems.add("code", N_("Đã có điểm tiếp nhận mã “%(code)s”."), code=code)
        try:
            _check_hall(fields)
        except Invalid as exc:
            problems.extend(exc)
        problems.raise_any()
        hall = Hall(code=code, name=fields.name, time_zone=fields.time_zone,
                    opening_windows=fields.opening_windows, settings={})
        session.add(hall)
        session.flush()
        record_change(ports, actor, hall, "hall", code, "create",
                      diff({}, _snapshot(hall, HALL_FIELDS)))
        session.commit()
        return hall

    return in_transaction(ports, work)


def update_hall(ports: Ports, *, actor: Actor, hall_code: str, fields: HallFields) -> Hall:
    def work() -> Hall:
        hall = hall_to_change(ports, actor, hall_code)
        _check_hall(fields)
        if fields.time_zone != hall.time_zone and _issued_today(ports, hall):
            raise Refused(N_("Hôm nay điểm đã cấp số: đổi múi giờ lúc này sẽ làm các số đã cấp "
                             "thuộc về một ngày khác. Hãy đổi sau khi hết ngày làm việc."))
        before = _snapshot(hall, HALL_FIELDS)
        hall.name, hall.time_zone = fields.name, fields.time_zone
        hall.opening_windows = fields.opening_windows
        changes = diff(before, _snapshot(hall, HALL_FIELDS))
        if not changes:
            return hall
        record_change(ports, actor, hall, "hall", hall.code, "update", changes)
        ports.session.commit()
        publish_change(ports, "hall_changed", hall, changes=sorted(changes))
        return hall

    return in_transaction(ports, work)


def _issued_today(ports: Ports, hall: Hall) -> int:
    return int(ports.session.scalar(
        select(func.count(Ticket.id)).where(Ticket.hall_id == hall.id,
                                            Ticket.day == _today(ports, hall))) or 0)


# --- hall settings: the board's notices, the ticket's footer, calling and the live view -----


@dataclass(frozen=True)
class BoardFields:
    notices: list[str]
    ticket_footer: list[str]
    wait_alert_minutes: int
    priority_cap: int
    rating_levels: int
    near_turn_people: int = HallSettings.near_turn_people


BOARD_FIELDS = ("notices", "ticket_footer", "wait_alert_minutes", "priority_cap", "rating_levels",
                "near_turn_people")


def update_board(ports: Ports, *, actor: Actor, hall_code: str, fields: BoardFields) -> Hall:
    def work() -> Hall:
        hall = hall_to_change(ports, actor, hall_code)
        problems = Problems()
        if len(fields.notices) > MAX_NOTICES:
            problems.add("notices", N_("Tối đa %(max)d dòng thông báo."), max=MAX_NOTICES)
        if any(len(n) > MAX_NOTICE_LENGTH for n in fields.notices):
            problems.add("notices", N_("Mỗi dòng thông báo tối đa %(max)d ký tự."),
                         max=MAX_NOTICE_LENGTH)
        if len(fields.ticket_footer) > MAX_FOOTER_LINES:
            problems.add("ticket_footer", N_("Tối đa %(max)d dòng cuối phiếu."),
                         max=MAX_FOOTER_LINES)
        if any(len(line) > MAX_FOOTER_LENGTH for line in fields.ticket_footer):
            problems.add("ticket_footer", N_("Mỗi dòng cuối phiếu tối đa %(max)d ký tự."),
                         max=MAX_FOOTER_LENGTH)
        if not 1 <= fields.wait_alert_minutes <= 600:
            problems.add("wait_alert_minutes", N_("Hãy nhập một số từ %(low)d đến %(high)d."),
                         low=1, high=600)
        if not 1 <= fields.priority_cap <= 10:
            problems.add("priority_cap", N_("Hãy nhập một số từ %(low)d đến %(high)d."),
                         low=1, high=10)
        if fields.rating_levels not in (3, 4):
            problems.add("rating_levels", N_("Mức đánh giá là 3 hoặc 4."))
        if not 1 <= fields.near_turn_people <= 50:
            problems.add("near_turn_people", N_("Hãy nhập một số từ %(low)d đến %(high)d."),
                         low=1, high=50)
        problems.raise_any()
        stored = dict(hall.settings or {})
        before = {k: stored.get(k, getattr(HallSettings(), k)) for k in BOARD_FIELDS}
        after = {k: getattr(fields, k) for k in BOARD_FIELDS}
        changes = diff(before, after)
        if not changes:
            return hall
        hall.settings = {**stored, **after}
        record_change(ports, actor, hall, "board", hall.code, "update", changes)
        ports.session.commit()
        if "notices" in changes:  # boards replace their scrolling line at once
            ports.publisher.publish(Event(name=NOTICES_CHANGED, hall=hall.code,
                                          payload={"notices": list(fields.notices)}))
        publish_change(ports, "hall_changed", hall, changes=sorted(changes))
        return hall

    return in_transaction(ports, work)


# --- sectors ----------------------------------------------------------------------------------


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


def _check_sector(session: Session, hall: Hall, fields: SectorFields,
                  itself: Sector | None) -> None:
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
        _check_windows(problems, "issuing_windows", fields.issuing_windows)
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


def create_sector(ports: Ports, *, actor: Actor, hall_code: str, code: str,
                  fields: SectorFields) -> Sector:
    def work() -> Sector:
        session = ports.session
        hall = hall_to_change(ports, actor, hall_code)
        problems = Problems()
        if not CODE.match(code):
            problems.add("code", N_("Mã gồm chữ thường không dấu, chữ số và dấu gạch ngang "
                                    "(tối đa 40 ký tự), ví dụ “dat-dai”."))
        elif any(s.code == code for s in hall.sectors):
            problems.add("code", N_("Đã có lĩnh vực mã “%(code)s”."), code=code)
        try:
            _check_sector(session, hall, fields, None)
        except Invalid as exc:
            problems.extend(exc)
        problems.raise_any()
        position = max((s.position for s in hall.sectors), default=-1) + 1
        sector = Sector(hall=hall, code=code, position=position,
                        **{k: getattr(fields, k) for k in SECTOR_FIELDS})
        sector.name_en = fields.name_en or fields.name_vi
        session.add(sector)
        session.flush()
        record_change(ports, actor, hall, "sector", code, "create",
               diff({}, _snapshot(sector, SECTOR_FIELDS))
               | _set_wait_alert(hall, code, fields.wait_alert_minutes))
        session.commit()
        publish_change(ports, "sector_changed", hall, sector=code, action="create",
                 is_open=sector.is_open)
        return sector

    return in_transaction(ports, work)


def update_sector(ports: Ports, *, actor: Actor, hall_code: str, code: str,
                  fields: SectorFields) -> Sector:
    def work() -> Sector:
        session = ports.session
        hall = hall_to_change(ports, actor, hall_code)
        sector = find_sector(session, hall, code)
        _check_sector(session, hall, fields, sector)
        before = _snapshot(sector, SECTOR_FIELDS)
        wanted = {k: getattr(fields, k) for k in SECTOR_FIELDS}
        wanted["name_en"] = fields.name_en or fields.name_vi
        renumbered = [k for k in NUMBERING if wanted[k] != before[k]]
        if renumbered:
            issued = session.scalar(select(func.count(Ticket.id)).where(
                Ticket.sector_id == sector.id, Ticket.day == _today(ports, hall))) or 0
            if issued:
                raise Refused(N_("Hôm nay lĩnh vực đã cấp %(count)d số theo dãy số hiện tại: đổi "
                                 "tiền tố hoặc dãy số giữa ngày sẽ làm trùng hoặc nhảy số. Hãy "
                                 "đổi sau khi hết ngày."), count=issued)
        for key, value in wanted.items():
            setattr(sector, key, value)
        changes = diff(before, _snapshot(sector, SECTOR_FIELDS))
        changes |= _set_wait_alert(hall, code, fields.wait_alert_minutes)
        if not changes:
            return sector
        record_change(ports, actor, hall, "sector", code, "update", changes)
        session.commit()
        publish_change(ports, "sector_changed", hall, sector=code, action="update",
                 is_open=sector.is_open, changes=sorted(changes))
        return sector

    return in_transaction(ports, work)


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


def set_sector_open(ports: Ports, *, actor: Actor, hall_code: str, code: str,
                    is_open: bool) -> Sector:
    """Open or close a sector's line at the kiosks; tickets already issued are still served."""

    def work() -> Sector:
        hall = hall_to_change(ports, actor, hall_code)
        sector = find_sector(ports.session, hall, code)
        if sector.is_open == is_open:
            return sector
        sector.is_open = is_open
        action = "open" if is_open else "close"
        record_change(ports, actor, hall, "sector", code, action,
                      {"is_open": [not is_open, is_open]})
        ports.session.commit()
        publish_change(ports, "sector_changed", hall, sector=code, action=action, is_open=is_open)
        return sector

    return in_transaction(ports, work)


def move_sector(ports: Ports, *, actor: Actor, hall_code: str, code: str, step: int) -> Sector:
    """Move a sector up (-1) or down (+1) in the kiosk's and the board's order."""
    if step not in (-1, 1):
        raise invalid("step", N_("Chỉ chuyển lên hoặc xuống một bậc."))

    def work() -> Sector:
        hall = hall_to_change(ports, actor, hall_code)
        ordered = sorted(hall.sectors, key=lambda s: (s.position, s.id))
        index = next((i for i, s in enumerate(ordered) if s.code == code), None)
        if index is None:
            raise Missing(N_("Không có lĩnh vực “%(code)s”."), code=code)
        target = index + step
        if not 0 <= target < len(ordered):
            return ordered[index]
        ordered[index], ordered[target] = ordered[target], ordered[index]
        for position, sector in enumerate(ordered):
            sector.position = position
        record_change(ports, actor, hall, "sector", code, "move",
               {"position": [index, target]})
        ports.session.commit()
        publish_change(ports, "sector_changed", hall, sector=code, action="move",
                 is_open=ordered[target].is_open)
        return ordered[target]

    return in_transaction(ports, work)


def delete_sector(ports: Ports, *, actor: Actor, hall_code: str, code: str) -> None:
    """Only a sector that never issued a ticket can go; others are closed, to keep the history."""

    def work() -> None:
        session = ports.session
        hall = hall_to_change(ports, actor, hall_code)
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
        for counter in hall.counters:
            for link in [link for link in counter.sector_links if link.sector_id == sector.id]:
                counter.sector_links.remove(link)
        hall.sectors.remove(sector)
        session.delete(sector)
        record_change(ports, actor, hall, "sector", code, "delete",
               diff(_snapshot(sector, SECTOR_FIELDS), dict.fromkeys(SECTOR_FIELDS)))
        try:
            session.flush()
        except IntegrityError:
            session.rollback()
            raise Refused(N_("Lĩnh vực “%(sector)s” còn được dùng ở nơi khác (thủ tục, hồ sơ): "
                             "hãy đóng lĩnh vực thay vì xóa."), sector=code) from None
        session.commit()
        publish_change(ports, "sector_changed", hall, sector=code, action="delete", is_open=False)

    in_transaction(ports, work)


# --- counters ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CounterFields:
    number: int
    name: str
    sectors: list[str]  # sector codes in the counter's order of preference


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
    problems.raise_any()
    return [by_code[c] for c in fields.sectors]


def _orphaned_waiting(ports: Ports, hall: Hall, counter: Counter | None,
                      keeps: set[int]) -> tuple[Sector, int] | None:
    """A sector with citizens waiting today that no counter would serve after the change."""
    session = ports.session
    waiting = dict(session.execute(
        select(Ticket.sector_id, func.count(Ticket.id))
        .where(Ticket.hall_id == hall.id, Ticket.day == _today(ports, hall),
               Ticket.status == TicketStatus.WAITING, Ticket.reserved_counter_id.is_(None))
        .group_by(Ticket.sector_id)).all())
    if counter is None:
        return None
    losing = {link.sector_id for link in counter.sector_links} - keeps
    for sector_id in losing & set(waiting):
        others = session.scalar(select(func.count(CounterSector.counter_id)).where(
            CounterSector.sector_id == sector_id, CounterSector.counter_id != counter.id)) or 0
        if not others:
            return session.get_one(Sector, sector_id), waiting[sector_id]
    return None


def _set_counter_sectors(counter: Counter, sectors: list[Sector]) -> None:
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


def _counter_payload(counter: Counter, sectors: list[Sector]) -> dict[str, Any]:
    return {"counter": counter.number, "state": counter.state.value,
            "officer": counter.officer.full_name if counter.officer else None,
            "sectors": [s.code for s in sectors], "change": "configuration"}


def create_counter(ports: Ports, *, actor: Actor, hall_code: str,
                   fields: CounterFields) -> Counter:
    def work() -> Counter:
        session = ports.session
        hall = hall_to_change(ports, actor, hall_code)
        sectors = _check_counter(hall, fields, None)
        counter = Counter(hall=hall, number=fields.number,
                          name=fields.name or f"Quầy {fields.number}", state=CounterState.CLOSED)
        _set_counter_sectors(counter, sectors)
        session.add(counter)
        session.flush()
        record_change(ports, actor, hall, "counter", str(counter.number), "create",
               {"name": [None, counter.name], "sectors": [None, fields.sectors]})
        session.commit()
        publish_change(ports, "counter_changed", hall, counter.number,
                 **_counter_payload(counter, sectors))
        return counter

    return in_transaction(ports, work)


def update_counter(ports: Ports, *, actor: Actor, hall_code: str, number: int,
                   fields: CounterFields) -> Counter:
    def work() -> Counter:
        session = ports.session
        hall = hall_to_change(ports, actor, hall_code)
        counter = find_counter(session, hall, number)
        sectors = _check_counter(hall, fields, counter)
        active = current_ticket(session, counter)
        if fields.number != counter.number and (counter.state != CounterState.CLOSED or active):
            raise Refused(N_("Quầy %(number)d đang làm việc: chỉ đổi số quầy khi quầy đã đóng."),
                          number=counter.number)
        if active is not None and not sectors:
            raise Refused(N_("Quầy %(number)d đang phục vụ số %(ticket)s: quầy phải giữ ít nhất "
                             "một lĩnh vực."), number=counter.number, ticket=active.display_number)
        orphan = _orphaned_waiting(ports, hall, counter, {s.id for s in sectors})
        if orphan is not None:
            sector, count = orphan
            raise Refused(N_("Lĩnh vực “%(sector)s” có %(count)d công dân đang chờ và không còn "
                             "quầy nào khác phục vụ: hãy để quầy khác nhận lĩnh vực này trước."),
                          sector=sector.name_vi, count=count)
        before = {"number": counter.number, "name": counter.name,
                  "sectors": [link.sector.code for link in counter.sector_links]}
        counter.number, counter.name = fields.number, fields.name or f"Quầy {fields.number}"
        _set_counter_sectors(counter, sectors)
        changes = diff(before, {"number": counter.number, "name": counter.name,
                                "sectors": [s.code for s in sectors]})
        if not changes:
            return counter
        record_change(ports, actor, hall, "counter", str(number), "update", changes)
        session.commit()
        if counter.number != number:  # the console at the old number hears it too
            publish_change(ports, "counter_changed", hall, number,
                           **_counter_payload(counter, sectors), renumbered_from=number)
        publish_change(ports, "counter_changed", hall, counter.number,
                 **_counter_payload(counter, sectors))
        return counter

    return in_transaction(ports, work)


def delete_counter(ports: Ports, *, actor: Actor, hall_code: str, number: int) -> None:
    def work() -> None:
        session = ports.session
        hall = hall_to_change(ports, actor, hall_code)
        counter = find_counter(session, hall, number)
        if counter.state != CounterState.CLOSED or current_ticket(session, counter):
            raise Refused(N_("Quầy %(number)d đang làm việc: hãy đóng quầy trước khi xóa."),
                          number=number)
        orphan = _orphaned_waiting(ports, hall, counter, set())
        if orphan is not None:
            sector, count = orphan
            raise Refused(N_("Lĩnh vực “%(sector)s” có %(count)d công dân đang chờ và không còn "
                             "quầy nào khác phục vụ: hãy để quầy khác nhận lĩnh vực này trước."),
                          sector=sector.name_vi, count=count)
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
        record_change(ports, actor, hall, "counter", str(number), "delete",
               {"name": [counter.name, None],
                "sectors": [[link.sector.code for link in counter.sector_links], None]})
        session.delete(counter)
        try:
            session.flush()
        except IntegrityError:
            session.rollback()
            raise Refused(N_("Quầy %(number)d còn được dùng ở nơi khác: không thể xóa."),
                          number=number) from None
        session.commit()
        publish_change(ports, "counter_changed", hall, number, counter=number, state="closed",
                 officer=None, sectors=[], change="deleted")

    in_transaction(ports, work)


# --- staff ------------------------------------------------------------------------------------


STAFF_ROLES = (Role.OFFICER, Role.SUPERVISOR, Role.ADMIN)


def find_staff(session: Session, hall: Hall, user_id: int) -> StaffUser:
    user = session.get(StaffUser, user_id)
    if user is None or user.hall_id != hall.id:
        raise Missing(N_("Không có cán bộ này ở %(hall)s."), hall=hall.name)
    return user


def _check_password(problems: Problems, password: str) -> None:
    if len(password) < MIN_PASSWORD:
        problems.add("password", N_("Mật khẩu cần ít nhất %(min)d ký tự."), min=MIN_PASSWORD)


def add_staff(ports: Ports, *, actor: Actor, hall_code: str, username: str, full_name: str,
              role: Role, password: str | None = None) -> tuple[StaffUser, str]:
    """A staff member of the hall; returns them and their password (generated if none given)."""

    def work() -> tuple[StaffUser, str]:
        session = ports.session
        hall = hall_to_change(ports, actor, hall_code)
        name = username.strip().lower()
        problems = Problems()
        if not USERNAME.match(name):
            problems.add("username", N_("Tên đăng nhập: 2–80 chữ thường không dấu, chữ số, "
                                        "“.”, “_” hoặc “-”."))
        elif session.scalar(select(StaffUser.id).where(StaffUser.username == name)) is not None:
            problems.add("username", N_("Đã có tài khoản “%(username)s”."), username=name)
        if len(full_name) > 200:
            problems.add("full_name", N_("Tên dài quá %(max)d ký tự."), max=200)
        secret = password if password else secrets.token_urlsafe(9)
        _check_password(problems, secret)
        problems.raise_any()
        user = StaffUser(username=name, full_name=full_name or name, role=role,
                         password_hash=hash_password(secret), hall_id=hall.id,
                         created_at=ports.clock.now(), active=True)
        session.add(user)
        session.flush()
        record_change(ports, actor, hall, "staff", name, "create",
               {"full_name": [None, user.full_name], "role": [None, role.value]})
        session.commit()
        return user, secret

    return in_transaction(ports, work)


def _refuse_self(actor: Actor, user: StaffUser) -> None:
    if actor.user_id == user.id:
        raise Refused(N_("Bạn không thể tự đổi vai trò hay tự khóa tài khoản của mình."))


def _refuse_seated(session: Session, user: StaffUser) -> None:
    seat = session.scalar(select(Counter).where(Counter.officer_id == user.id,
                                                Counter.state != CounterState.CLOSED))
    if seat is not None:
        raise Refused(N_("%(name)s đang làm việc tại quầy %(number)d: hãy đóng quầy trước."),
                      name=user.full_name, number=seat.number)


def update_staff(ports: Ports, *, actor: Actor, hall_code: str, user_id: int, full_name: str,
                 role: Role) -> StaffUser:
    def work() -> StaffUser:
        session = ports.session
        hall = hall_to_change(ports, actor, hall_code)
        user = find_staff(session, hall, user_id)
        if len(full_name) > 200:
            raise invalid("full_name", N_("Tên dài quá %(max)d ký tự."), max=200)
        if role != user.role:
            _refuse_self(actor, user)
            if user.role == Role.OFFICER:
                _refuse_seated(session, user)
        before = _snapshot(user, ("full_name", "role"))
        user.full_name, user.role = full_name or user.username, role
        changes = diff(before, _snapshot(user, ("full_name", "role")))
        if changes:
            record_change(ports, actor, hall, "staff", user.username, "update", changes)
            session.commit()
        return user

    return in_transaction(ports, work)


def set_staff_active(ports: Ports, *, actor: Actor, hall_code: str, user_id: int,
                     active: bool) -> StaffUser:
    """Lock or unlock an account; a locked account is signed out at its next request, and
    its sessions stay ended when it is unlocked."""

    def work() -> StaffUser:
        session = ports.session
        hall = hall_to_change(ports, actor, hall_code)
        user = find_staff(session, hall, user_id)
        if user.active == active:
            return user
        if not active:
            _refuse_self(actor, user)
            _refuse_seated(session, user)
        user.active = active
        user.session_version += 1  # unlocking must not bring old sessions back
        record_change(ports, actor, hall, "staff", user.username, "unlock" if active else "lock",
               {"active": [not active, active]})
        session.commit()
        return user

    return in_transaction(ports, work)


def reset_password(ports: Ports, *, actor: Actor, hall_code: str, user_id: int,
                   password: str | None = None) -> str:
    """Set a new password (generated if none given) and return it, to hand over once."""

    def work() -> str:
        session = ports.session
        hall = hall_to_change(ports, actor, hall_code)
        user = find_staff(session, hall, user_id)
        secret = password if password else secrets.token_urlsafe(9)
        problems = Problems()
        _check_password(problems, secret)
        problems.raise_any()
        user.password_hash = hash_password(secret)
        user.session_version += 1  # whoever knew the old password is signed out too
        record_change(ports, actor, hall, "staff", user.username, "reset_password")
        session.commit()
        return secret

    return in_transaction(ports, work)


# --- devices: kiosks, rating tablets and their printers ---------------------------------------


@dataclass(frozen=True)
class DeviceFields:
    name: str
    kind: DeviceKind
    printer: str | None  # kiosks: "agent" or a printer URL; None: no printer
    counter_number: int | None  # tablets: the counter they stand at


DEVICE_FIELDS = ("name", "printer", "counter_id")
HALL_PRINTERS = PrinterPolicy.from_settings(DEFAULTS["PRINTER_NETWORKS"], DEFAULTS["PRINTER_PORTS"])


def find_device(session: Session, hall: Hall, device_id: int) -> Device:
    device = session.get(Device, device_id)
    if device is None or device.hall_id != hall.id:
        raise Missing(N_("Không có thiết bị này ở %(hall)s."), hall=hall.name)
    return device


def _check_device(session: Session, hall: Hall, fields: DeviceFields,
                  itself: Device | None, printers: PrinterPolicy) -> Counter | None:
    from motcua.printer.device.errors import PrinterError

    problems = Problems()
    if not fields.name or len(fields.name) > 120:
        problems.add("name", N_("Hãy đặt tên thiết bị (tối đa %(max)d ký tự)."), max=120)
    elif session.scalar(select(Device.id).where(
            Device.hall_id == hall.id, Device.name == fields.name,
            Device.id != (itself.id if itself else -1))) is not None:
        problems.add("name", N_("Đã có thiết bị tên “%(name)s”."), name=fields.name)
    counter = None
    if fields.kind == DeviceKind.TABLET:
        if fields.counter_number is None:
            problems.add("counter_number", N_("Máy đánh giá phải gắn với một quầy."))
        else:
            counter = next((c for c in hall.counters if c.number == fields.counter_number), None)
            if counter is None:
                problems.add("counter_number", N_("Không có quầy số %(number)d."),
                             number=fields.counter_number)
    elif fields.printer:
        try:
            printers.check(fields.printer)
        except PrinterError as exc:
            problems.add("printer", N_("Máy in không dùng được: %(reason)s"), reason=str(exc))
    problems.raise_any()
    return counter


def add_device(ports: Ports, *, actor: Actor, hall_code: str, fields: DeviceFields,
               printers: PrinterPolicy = HALL_PRINTERS) -> tuple[Device, str]:
    """Register a kiosk or a rating tablet; returns it and its token (shown once).

    A kiosk's printer must be one `printers` allows (the server's PRINTER_NETWORKS and
    PRINTER_PORTS settings; the defaults otherwise)."""

    def work() -> tuple[Device, str]:
        session = ports.session
        hall = hall_to_change(ports, actor, hall_code)
        counter = _check_device(session, hall, fields, None, printers)
        token = new_device_token(fields.kind)
        device = Device(hall_id=hall.id, kind=fields.kind, name=fields.name,
                        token_hash=hash_token(token),
                        printer=fields.printer if fields.kind == DeviceKind.KIOSK else None,
                        counter_id=counter.id if counter else None,
                        created_at=ports.clock.now(), active=True)
        session.add(device)
        session.flush()
        record_change(ports, actor, hall, "device", device.name, "create",
               {"kind": [None, fields.kind.value], "printer": [None, device.printer],
                "counter": [None, fields.counter_number]})
        session.commit()
        return device, token

    return in_transaction(ports, work)


def update_device(ports: Ports, *, actor: Actor, hall_code: str, device_id: int,
                  fields: DeviceFields, printers: PrinterPolicy = HALL_PRINTERS) -> Device:
    def work() -> Device:
        session = ports.session
        hall = hall_to_change(ports, actor, hall_code)
        device = find_device(session, hall, device_id)
        fields_of_kind = DeviceFields(fields.name, device.kind, fields.printer,
                                      fields.counter_number)
        counter = _check_device(session, hall, fields_of_kind, device, printers)
        before = _snapshot(device, DEVICE_FIELDS)
        device.name = fields.name
        if device.kind == DeviceKind.KIOSK:
            device.printer = fields.printer
        device.counter_id = counter.id if counter else None
        changes = diff(before, _snapshot(device, DEVICE_FIELDS))
        if changes:
            record_change(ports, actor, hall, "device", device.name, "update", changes)
            session.commit()
        return device

    return in_transaction(ports, work)


def set_device_active(ports: Ports, *, actor: Actor, hall_code: str, device_id: int,
                      active: bool) -> Device:
    """A disabled device's token stops working at once (a stolen or retired kiosk)."""

    def work() -> Device:
        hall = hall_to_change(ports, actor, hall_code)
        device = find_device(ports.session, hall, device_id)
        if device.active != active:
            device.active = active
            record_change(ports, actor, hall, "device", device.name,
                          "enable" if active else "disable", {"active": [not active, active]})
            ports.session.commit()
        return device

    return in_transaction(ports, work)


def renew_device_token(ports: Ports, *, actor: Actor, hall_code: str, device_id: int) -> str:
    """A new token for a device (set up again, or the old one leaked); the old one stops."""

    def work() -> str:
        hall = hall_to_change(ports, actor, hall_code)
        device = find_device(ports.session, hall, device_id)
        token = new_device_token(device.kind)
        device.token_hash = hash_token(token)
        record_change(ports, actor, hall, "device", device.name, "renew_token")
        ports.session.commit()
        return token

    return in_transaction(ports, work)


# --- API tokens: what scripts and integrations use; seen and revoked per hall ---------------


def hall_tokens(session: Session, hall: Hall) -> list[ApiToken]:
    """The hall's API tokens (a person's token belongs to that person's hall), newest first."""
    return list(session.scalars(select(ApiToken).where(ApiToken.hall_id == hall.id)
                                .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def all_tokens(session: Session, hall: Hall | None = None) -> list[ApiToken]:
    """Every API token, or one hall's, oldest first (the CLI's list)."""
    query = select(ApiToken).order_by(ApiToken.id)
    return list(session.scalars(query if hall is None else query.where(
        ApiToken.hall_id == hall.id)))


def revoke_api_token(ports: Ports, *, actor: Actor, token_id: int,
                     hall_code: str | None = None) -> ApiToken:
    """Stop a token at once. From a hall's page only that hall's tokens; a token of no hall
    only by an administrator of every hall. Recorded like every configuration change."""

    def work() -> ApiToken:
        session = ports.session
        token = session.get(ApiToken, token_id)
        if hall_code is not None:
            hall: Hall | None = hall_to_change(ports, actor, hall_code)
            if token is None or token.hall_id != hall.id:
                raise Missing(N_("Không có mã truy cập này ở %(hall)s."), hall=hall.name)
        elif token is None:
            raise Missing(N_("Không có mã truy cập số %(id)d."), id=token_id)
        else:
            hall = session.get(Hall, token.hall_id) if token.hall_id is not None else None
            if hall is None:
                _require_global_admin(actor)
            else:
                _require_change(actor, hall)
        if token.revoked_at is not None:
            raise Refused(N_("Mã truy cập “%(name)s” đã bị thu hồi trước đó."), name=token.name)
        token.revoked_at = ports.clock.now()
        record_change(ports, actor, hall, "api_token", token.name, "revoke",
                      {"revoked": [False, True]})
        session.commit()
        return token

    return in_transaction(ports, work)


# --- the holiday table (motcua.dossier: due dates skip its days off) -----------------------


def holidays(session: Session, hall: Hall, year: int) -> list[Holiday]:
    """The year's rows for a hall: the table for every hall and the hall's own rows."""
    return list(session.scalars(
        select(Holiday)
        .where(or_(Holiday.hall_id.is_(None), Holiday.hall_id == hall.id),
               Holiday.day >= date(year, 1, 1), Holiday.day <= date(year, 12, 31))
        .order_by(Holiday.day, Holiday.hall_id)))


def _holiday_scope(ports: Ports, actor: Actor, hall_code: str, for_every_hall: bool) -> Hall:
    hall = hall_to_change(ports, actor, hall_code)
    if for_every_hall:
        _require_global_admin(actor)
    return hall


def add_holiday(ports: Ports, *, actor: Actor, hall_code: str, day: date, name: str,
                kind: HolidayKind = HolidayKind.HOLIDAY, for_every_hall: bool = False) -> Holiday:
    """A day off, or a weekend day worked in a yearly swap (kind WORKING_DAY)."""

    def work() -> Holiday:
        session = ports.session
        hall = _holiday_scope(ports, actor, hall_code, for_every_hall)
        problems = Problems()
        if not name or len(name) > 200:
            problems.add("name", N_("Hãy nhập tên ngày (tối đa %(max)d ký tự)."), max=200)
        if kind == HolidayKind.WORKING_DAY and day.weekday() < 5:
            problems.add("day", N_("Ngày làm bù phải là thứ Bảy hoặc Chủ Nhật."))
        clash = session.scalar(select(Holiday).where(
            Holiday.day == day, or_(Holiday.hall_id.is_(None), Holiday.hall_id == hall.id)))
        if clash is not None:
            problems.add("day", N_("Ngày %(day)s đã có trong bảng: %(name)s."),
                         day=day.strftime("%d/%m/%Y"), name=clash.name_vi)
        problems.raise_any()
        holiday = Holiday(hall_id=None if for_every_hall else hall.id, day=day, name_vi=name,
                          kind=kind)
        session.add(holiday)
        record_change(ports, actor, None if for_every_hall else hall, "holiday",
                      day.isoformat(), "create", {"name": [None, name], "kind": [None, kind.value]})
        session.commit()
        return holiday

    return in_transaction(ports, work)


def delete_holiday(ports: Ports, *, actor: Actor, hall_code: str, holiday_id: int) -> None:
    def work() -> None:
        session = ports.session
        hall = hall_to_change(ports, actor, hall_code)
        holiday = session.get(Holiday, holiday_id)
        if holiday is None or holiday.hall_id not in (None, hall.id):
            raise Missing(N_("Không có ngày này trong bảng ngày nghỉ."))
        if holiday.hall_id is None:
            _require_global_admin(actor)
        session.delete(holiday)
        record_change(ports, actor, hall if holiday.hall_id else None, "holiday",
                      holiday.day.isoformat(), "delete", {"name": [holiday.name_vi, None]})
        session.commit()

    in_transaction(ports, work)


def load_default_holidays(ports: Ports, *, actor: Actor, hall_code: str, year: int,
                          for_every_hall: bool = True) -> int:
    """Add Vietnam's statutory days off for a year; days already in the table are kept."""
    from motcua.dossier.calendar import default_holidays

    if not 2000 <= year <= 2100:
        raise invalid("year", N_("Hãy nhập một năm từ %(low)d đến %(high)d."), low=2000, high=2100)

    def work() -> int:
        session = ports.session
        hall = _holiday_scope(ports, actor, hall_code, for_every_hall)
        taken = {h.day for h in holidays(session, hall, year)}
        added = [h for h in default_holidays(year) if h.day not in taken]
        for holiday in added:
            session.add(Holiday(hall_id=None if for_every_hall else hall.id, day=holiday.day,
                                name_vi=holiday.name_vi, kind=HolidayKind.HOLIDAY))
        if added:
            record_change(ports, actor, None if for_every_hall else hall, "holiday", str(year),
                          "load_defaults", {"days": [None, [h.day.isoformat() for h in added]]})
            session.commit()
        return len(added)

    return in_transaction(ports, work)


# --- the audit log ----------------------------------------------------------------------------


def audit_log(session: Session, hall: Hall, limit: int = 200) -> list[ConfigChange]:
    """The latest configuration changes of a hall and of what every hall shares."""
    return list(session.scalars(
        select(ConfigChange)
        .where(or_(ConfigChange.hall_id == hall.id, ConfigChange.hall_id.is_(None)))
        .order_by(ConfigChange.at.desc(), ConfigChange.id.desc()).limit(limit)))
