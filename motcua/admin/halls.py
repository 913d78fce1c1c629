"""Halls and their board: name, time zone, opening hours, the board's notices, the ticket's
footer, and the thresholds of calling and of the live view."""
from __future__ import annotations

import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from motcua.changes.audit import (
    announce,
    audited,
    diff,
    hall_to_change,
    require_global_admin,
    snapshot,
)
from motcua.changes.errors import N_, Invalid, Problems, Refused
from motcua.core.actors import Actor
from motcua.core.clock import local_day
from motcua.core.events import Event, EventName
from motcua.core.uow import UnitOfWork, use_case
from motcua.dossier.services import AGENCY_CODE
from motcua.queue import errors
from motcua.queue.hours import parse_windows
from motcua.queue.models import Hall, Ticket
from motcua.queue.policy import POLICIES as CALLING_POLICIES
from motcua.queue.settings import HallSettings

CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
MAX_NOTICES = 10
MAX_NOTICE_LENGTH = 300
MAX_FOOTER_LINES = 4
MAX_FOOTER_LENGTH = 64  # what fits one line of an 80 mm ticket


def check_windows(problems: Problems, field_name: str, text: str) -> None:
    try:
        parse_windows(text)
    except errors.InvalidInput:
        problems.add(field_name, N_("“%(value)s” không đúng dạng khung giờ, ví dụ "
                                    "07:00-11:30,13:30-17:00 (không chồng lấn nhau)."),
                     value=text)


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
    check_windows(problems, "opening_windows", fields.opening_windows)
    problems.raise_any()


@use_case
def create_hall(uow: UnitOfWork, *, actor: Actor, code: str, fields: HallFields) -> Hall:
    require_global_admin(actor)
    session = uow.session
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
    with audited(uow, actor, hall, "hall", code, "create") as edit:
        edit.note(diff({}, snapshot(hall, HALL_FIELDS)))
    return hall


@use_case
def update_hall(uow: UnitOfWork, *, actor: Actor, hall_code: str, fields: HallFields) -> Hall:
    hall = hall_to_change(uow.session, actor, hall_code)
    _check_hall(fields)
    if fields.time_zone != hall.time_zone and _issued_today(uow.session, uow, hall):
        raise Refused(N_("Hôm nay điểm đã cấp số: đổi múi giờ lúc này sẽ làm các số đã cấp "
                         "thuộc về một ngày khác. Hãy đổi sau khi hết ngày làm việc."))
    with audited(uow, actor, hall, "hall", hall.code, "update",
                 lambda: snapshot(hall, HALL_FIELDS)) as edit:
        hall.name, hall.time_zone = fields.name, fields.time_zone
        hall.opening_windows = fields.opening_windows
    if edit.changes:
        announce(uow, EventName.HALL_CHANGED, hall, changes=sorted(edit.changes))
    return hall


def _issued_today(session: Session, uow: UnitOfWork, hall: Hall) -> int:
    return int(session.scalar(
        select(func.count(Ticket.id)).where(
            Ticket.hall_id == hall.id,
            Ticket.day == local_day(uow.clock, hall.time_zone))) or 0)


# --- the board's notices, the ticket's footer, calling and the live view --------------------


@dataclass(frozen=True)
class BoardFields:
    notices: list[str]
    ticket_footer: list[str]
    wait_alert_minutes: int
    priority_cap: int
    rating_levels: int
    near_turn_people: int = HallSettings.near_turn_people
    calling_policy: str = HallSettings.calling_policy  # see motcua.queue.policy
    fair_wait_minutes: float = HallSettings.fair_wait_minutes
    stop_issuing_past_closing: bool = HallSettings.stop_issuing_past_closing


BOARD_FIELDS = ("notices", "ticket_footer", "wait_alert_minutes", "priority_cap", "rating_levels",
                "near_turn_people", "calling_policy", "fair_wait_minutes", "stop_issuing_past_closing")


def _check_board(fields: BoardFields) -> None:
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
    if fields.calling_policy not in CALLING_POLICIES:
        problems.add("calling_policy", N_("Hãy chọn một trong các giá trị cho phép."))
    if not 1 <= fields.fair_wait_minutes <= 120:
        problems.add("fair_wait_minutes", N_("Hãy nhập một số từ %(low)d đến %(high)d."),
                     low=1, high=120)
    problems.raise_any()


@use_case
def update_board(uow: UnitOfWork, *, actor: Actor, hall_code: str, fields: BoardFields) -> Hall:
    hall = hall_to_change(uow.session, actor, hall_code)
    _check_board(fields)
    defaults = HallSettings()

    def board() -> dict[str, object]:
        stored = hall.settings or {}
        return {k: stored.get(k, getattr(defaults, k)) for k in BOARD_FIELDS}

    wanted = {k: getattr(fields, k) for k in BOARD_FIELDS}
    with audited(uow, actor, hall, "board", hall.code, "update", board) as edit:
        if diff(board(), wanted):
            hall.settings = {**(hall.settings or {}), **wanted}
    if not edit.changes:
        return hall
    if "notices" in edit.changes:  # boards replace their scrolling line at once
        uow.publish(Event(name=EventName.NOTICES_CHANGED, hall=hall.code,
                          payload={"notices": list(fields.notices)}))
    announce(uow, EventName.HALL_CHANGED, hall, changes=sorted(edit.changes))
    return hall


# --- dossiers: the agency code at the start of the hall's dossier codes ---------------------


@use_case
def update_agency_code(uow: UnitOfWork, *, actor: Actor, hall_code: str,
                       agency_code: str | None) -> Hall:
    """The hall's own agency identifier (QCVN 102:2016) for its dossier codes; None: the
    installation's (MOTCUA_AGENCY_CODE). Codes already given keep theirs; numbering of the
    day goes on per agency, so a new code starts at 0001."""
    hall = hall_to_change(uow.session, actor, hall_code)
    if agency_code is not None and not AGENCY_CODE.fullmatch(agency_code):
        problems = Problems()
        problems.add("agency_code", N_("“%(value)s” không phải mã đơn vị: cần dạng H21.65 hoặc "
                                       "000.00.21.H29."), value=agency_code)
        problems.raise_any()

    def stored() -> dict[str, object]:
        return {"agency_code": (hall.settings or {}).get("agency_code")}

    with audited(uow, actor, hall, "dossier_settings", hall.code, "update", stored) as edit:
        if diff(stored(), {"agency_code": agency_code}):
            hall.settings = {**(hall.settings or {}), "agency_code": agency_code}
    if edit.changes:
        announce(uow, EventName.HALL_CHANGED, hall, changes=sorted(edit.changes))
    return hall
