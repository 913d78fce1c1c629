"""Staff of a hall: names and roles. Accounts are created, locked and given new passwords by
`motcua.auth.accounts`, the one audited path the CLI uses too."""
from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from motcua.auth.accounts import find_staff, refuse_seated, refuse_self
from motcua.changes.audit import audited, hall_to_change, snapshot
from motcua.changes.errors import N_, invalid
from motcua.core.accounts import StaffUser
from motcua.core.actors import Actor, Role
from motcua.core.uow import UnitOfWork, use_case
from motcua.queue.models import Sector, StaffQualification

STAFF_ROLES = (Role.OFFICER, Role.SUPERVISOR, Role.ADMIN)
STAFF_FIELDS = ("full_name", "role")


@use_case
def update_staff(uow: UnitOfWork, *, actor: Actor, hall_code: str, user_id: int,
                 full_name: str, role: Role) -> StaffUser:
    hall = hall_to_change(uow.session, actor, hall_code)
    user = find_staff(uow.session, hall, user_id)
    if len(full_name) > 200:
        raise invalid("full_name", N_("Tên dài quá %(max)d ký tự."), max=200)
    if role != user.role:
        refuse_self(actor, user)
        if user.role == Role.OFFICER:
            refuse_seated(uow.session, user)
    with audited(uow, actor, hall, "staff", user.username, "update",
                 lambda: snapshot(user, STAFF_FIELDS)):
        user.full_name, user.role = full_name or user.username, role
    return user


def qualifications(session: Session, user: StaffUser) -> list[str]:
    """The codes of the sectors the officer may serve besides their counter's, in the
    hall's order of sectors."""
    return list(session.scalars(
        select(Sector.code).join(StaffQualification, StaffQualification.sector_id == Sector.id)
        .where(StaffQualification.staff_user_id == user.id).order_by(Sector.position, Sector.id)))


@use_case
def set_qualifications(uow: UnitOfWork, *, actor: Actor, hall_code: str, user_id: int,
                       sectors: list[str]) -> StaffUser:
    """Which sectors an officer may serve: under the `overflow` and `balanced` calling
    policies, the counter they sit at also takes those sectors' tickets."""
    session = uow.session
    hall = hall_to_change(session, actor, hall_code)
    user = find_staff(session, hall, user_id)
    by_code = {s.code: s for s in hall.sectors}
    unknown = [code for code in sectors if code not in by_code]
    if unknown:
        raise invalid("sectors", N_("Không có lĩnh vực: %(codes)s."), codes=", ".join(unknown))
    with audited(uow, actor, hall, "staff", user.username, "update",
                 lambda: {"qualifications": qualifications(session, user)}):
        session.execute(delete(StaffQualification)
                        .where(StaffQualification.staff_user_id == user.id))
        session.add_all(StaffQualification(staff_user_id=user.id, sector_id=by_code[code].id)
                        for code in dict.fromkeys(sectors))
        session.flush()
    return user
