"""The holiday table from the admin pages: who may change it, and the audit of each change.
The table and its rules are the dossier calendar's (`motcua.dossier.calendar`)."""
from __future__ import annotations

from datetime import date

from motcua.changes.audit import audited, hall_to_change, require_global_admin
from motcua.changes.errors import N_, Missing
from motcua.core.actors import Actor
from motcua.core.uow import UnitOfWork, use_case
from motcua.dossier import calendar
from motcua.dossier.models import Holiday, HolidayKind
from motcua.queue.models import Hall


def _scope(uow: UnitOfWork, actor: Actor, hall_code: str, for_every_hall: bool) -> Hall:
    hall = hall_to_change(uow.session, actor, hall_code)
    if for_every_hall:
        require_global_admin(actor)
    return hall


@use_case
def add_holiday(uow: UnitOfWork, *, actor: Actor, hall_code: str, day: date, name: str,
                kind: HolidayKind = HolidayKind.HOLIDAY, for_every_hall: bool = False) -> Holiday:
    hall = _scope(uow, actor, hall_code, for_every_hall)
    with audited(uow, actor, None if for_every_hall else hall, "holiday", day.isoformat(),
                 "create") as edit:
        holiday = calendar.add_holiday(uow, hall_id=hall.id, day=day, name=name, kind=kind,
                                       for_every_hall=for_every_hall)
        edit.note({"name": [None, name], "kind": [None, kind.value]})
    return holiday


@use_case
def delete_holiday(uow: UnitOfWork, *, actor: Actor, hall_code: str, holiday_id: int) -> None:
    hall = hall_to_change(uow.session, actor, hall_code)
    holiday = calendar.holiday_of(uow.session, hall.id, holiday_id)
    if holiday is None:
        raise Missing(N_("Không có ngày này trong bảng ngày nghỉ."))
    if holiday.hall_id is None:
        require_global_admin(actor)
    with audited(uow, actor, hall if holiday.hall_id else None, "holiday",
                 holiday.day.isoformat(), "delete") as edit:
        edit.note({"name": [holiday.name_vi, None]})
        calendar.delete_holiday(uow, holiday=holiday)


@use_case
def load_default_holidays(uow: UnitOfWork, *, actor: Actor, hall_code: str, year: int,
                          for_every_hall: bool = True) -> int:
    """Add Vietnam's statutory days off for a year; answers how many days were added."""
    calendar.check_year(year)
    hall = _scope(uow, actor, hall_code, for_every_hall)
    with audited(uow, actor, None if for_every_hall else hall, "holiday", str(year),
                 "load_defaults", lambda: {}) as edit:
        added = calendar.load_default_holidays(uow, hall_id=hall.id, year=year,
                                               for_every_hall=for_every_hall)
        if added:
            edit.note({"days": [None, [h.day.isoformat() for h in added]]})
    return len(added)
