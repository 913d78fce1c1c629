"""Staff of a hall: names and roles. Accounts are created, locked and given new passwords by
`motcua.auth.accounts`, the one audited path the CLI uses too."""
from __future__ import annotations

from motcua.changes.audit import audited, hall_to_change, snapshot
from motcua.changes.errors import N_, invalid
from motcua.auth.accounts import find_staff, refuse_seated, refuse_self
from motcua.core.accounts import StaffUser
from motcua.core.actors import Actor, Role
from motcua.core.uow import UnitOfWork, use_case

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
