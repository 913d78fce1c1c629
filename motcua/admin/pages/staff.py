"""The staff pages: accounts of the hall, a person's form, a new password, lock and unlock."""
from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from sqlalchemy import select

from motcua.admin import forms
from motcua.admin.pages.base import (
    _,
    act,
    bp,
    explain,
    field_errors,
    page,
    secret_page,
    signed_in_actor,
    viewed_hall,
)
from motcua.admin.staff import STAFF_ROLES, qualifications, set_qualifications, update_staff
from motcua.auth import accounts
from motcua.changes.errors import Invalid
from motcua.core.accounts import StaffUser
from motcua.core.errors import DomainError
from motcua.web import db, ports


@bp.route("/<hall>/staff", methods=["GET", "POST"])
def staff(hall: str) -> Any:
    found = viewed_hall(hall)
    errors: dict[str | None, list[str]] = {}
    if request.method == "POST":
        try:
            full_name, role = forms.read_staff(request.form)
            user, password = accounts.create_user(
                ports(), actor=signed_in_actor(), hall_code=hall,
                username=request.form.get("username", ""), full_name=full_name, role=role,
                password=request.form.get("password") or None)
        except Invalid as exc:
            errors = field_errors(exc)
        else:
            return secret_page(found, "staff", title=_("Đã tạo tài khoản"),
                               lines=[(_("Tên đăng nhập"), user.username),
                                      (_("Mật khẩu"), password)],
                               hint=_("Mật khẩu chỉ hiện một lần: hãy trao tận tay cho cán bộ."),
                               back=url_for(".staff", hall=hall))
    people = db().scalars(select(StaffUser).where(StaffUser.hall_id == found.id)
                          .order_by(StaffUser.active.desc(), StaffUser.full_name)).all()
    return page("admin/staff.html", found, "staff", 422 if errors else 200, people=people,
                errors=errors, form=request.form if errors else None, roles=STAFF_ROLES)


@bp.route("/<hall>/staff/<int:user_id>", methods=["GET", "POST"])
def staff_member(hall: str, user_id: int) -> Any:
    found = viewed_hall(hall)
    person = accounts.find_staff(db(), found, user_id)
    errors: dict[str | None, list[str]] = {}
    if request.method == "POST":
        try:
            full_name, role = forms.read_staff(request.form)
            update_staff(ports(), actor=signed_in_actor(), hall_code=hall, user_id=user_id,
                         full_name=full_name, role=role)
        except Invalid as exc:
            errors = field_errors(exc)
        except DomainError as exc:
            errors = {None: [explain(exc)]}
        else:
            flash(_("Đã lưu tài khoản %(username)s.", username=person.username), "ok")
            return redirect(url_for(".staff", hall=hall))
    return page("admin/staff_member.html", found, "staff", 422 if errors else 200,
                person=person, errors=errors, roles=STAFF_ROLES,
                qualified=qualifications(db(), person),
                form=request.form if request.method == "POST" else None)


@bp.post("/<hall>/staff/<int:user_id>/qualifications")
def staff_qualifications(hall: str, user_id: int) -> Any:
    """The sectors the officer may serve besides their counter's (ticked boxes)."""
    def work() -> str:
        person = set_qualifications(ports(), actor=signed_in_actor(), hall_code=hall,
                                    user_id=user_id, sectors=request.form.getlist("sector"))
        return _("Đã lưu các lĩnh vực %(name)s được phục vụ.", name=person.full_name)

    return act(url_for(".staff_member", hall=hall, user_id=user_id), work)


@bp.post("/<hall>/staff/<int:user_id>/<action>")
def staff_action(hall: str, user_id: int, action: str) -> Any:
    found = viewed_hall(hall)
    back = url_for(".staff", hall=hall)
    if action == "password":
        try:
            password = accounts.reset_password(ports(), actor=signed_in_actor(), hall_code=hall,
                                               user_id=user_id,
                                               password=request.form.get("password") or None)
        except DomainError as exc:
            flash(explain(exc), "error")
            return redirect(url_for(".staff_member", hall=hall, user_id=user_id))
        person = accounts.find_staff(db(), found, user_id)
        return secret_page(found, "staff", title=_("Đã đặt lại mật khẩu"),
                           lines=[(_("Tên đăng nhập"), person.username),
                                  (_("Mật khẩu mới"), password)],
                           hint=_("Mật khẩu chỉ hiện một lần: hãy trao tận tay cho cán bộ."),
                           back=back)
    if action not in ("lock", "unlock"):
        abort(404)

    def work() -> str:
        person = accounts.set_staff_active(ports(), actor=signed_in_actor(), hall_code=hall,
                                           user_id=user_id, active=action == "unlock")
        return (_("Đã mở khóa %(name)s.", name=person.full_name) if person.active
                else _("Đã khóa %(name)s: tài khoản bị đăng xuất ngay.", name=person.full_name))

    return act(back, work)
