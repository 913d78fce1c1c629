"""The devices pages: kiosks and rating tablets, their printers, enabling and new tokens."""
from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from motcua.admin import forms
from motcua.admin.devices import (
    find_device,
    printer_problem,
    renew_device_token,
    set_device_active,
    update_device,
)
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
from motcua.auth import accounts
from motcua.changes.errors import Invalid
from motcua.core.accounts import Device
from motcua.core.actors import DeviceKind
from motcua.core.errors import DomainError
from motcua.printer import printer_policy
from motcua.queue.models import Hall
from motcua.web import db, ports
from motcua.web.links import kiosk_setup_url, safe_next


@bp.route("/<hall>/devices", methods=["GET", "POST"])
def devices(hall: str) -> Any:
    found = viewed_hall(hall)
    errors: dict[str | None, list[str]] = {}
    if request.method == "POST":
        kind = DeviceKind.TABLET if request.form.get("kind") == "tablet" else DeviceKind.KIOSK
        try:
            fields = forms.read_device(request.form, kind)
            device, token = accounts.register_device(
                ports(), actor=signed_in_actor(), hall_code=hall, name=fields.name, kind=kind,
                printer=fields.printer, counter_number=fields.counter_number,
                printers=printer_policy())
        except Invalid as exc:
            errors = _device_errors(exc)
        else:
            return _device_token_page(found, device, token)
    listed = db().scalars(select(Device).where(Device.hall_id == found.id)
                          .order_by(Device.kind, Device.name)).all()
    return page("admin/devices.html", found, "devices", 422 if errors else 200, devices=listed,
                errors=errors, form=request.form if errors else None,
                counter_numbers=_counter_numbers(found))


def _device_errors(exc: Invalid) -> dict[str | None, list[str]]:
    """The form's messages, a refused printer explained in the page's language."""
    errors = field_errors(exc)
    if "printer" in errors:
        errors["printer"] = [printer_problem(request.form.get("printer", ""),
                                             printer_policy()).translated(_)]
    return errors


def _counter_numbers(hall: Hall) -> dict[int, int]:
    return {c.id: c.number for c in hall.counters}


def _device_token_page(hall: Hall, device: Device, token: str) -> Response:
    lines = [(_("Thiết bị"), device.name), (_("Mã truy cập (token)"), token)]
    if device.kind == DeviceKind.KIOSK:
        lines.append((_("Địa chỉ cài đặt máy lấy số"), kiosk_setup_url(hall.code, token)))
    return secret_page(hall, "devices", title=_("Mã truy cập của thiết bị"),
                       lines=lines,
                       hint=_("Mã chỉ hiện một lần. Nhập mã này khi cài đặt thiết bị; mất mã "
                              "thì cấp mã mới."), back=url_for(".devices", hall=hall.code))


@bp.route("/<hall>/devices/<int:device_id>", methods=["GET", "POST"])
def device(hall: str, device_id: int) -> Any:
    found = viewed_hall(hall)
    existing = find_device(db(), found, device_id)
    errors: dict[str | None, list[str]] = {}
    if request.method == "POST":
        try:
            update_device(ports(), actor=signed_in_actor(), hall_code=hall, device_id=device_id,
                          fields=forms.read_device(request.form, existing.kind),
                          printers=printer_policy())
        except Invalid as exc:
            errors = _device_errors(exc)
        else:
            flash(_("Đã lưu thiết bị %(name)s.", name=existing.name), "ok")
            return redirect(url_for(".devices", hall=hall))
    return page("admin/device.html", found, "devices", 422 if errors else 200, device=existing,
                errors=errors, form=request.form if request.method == "POST" else None,
                counter_numbers=_counter_numbers(found))


@bp.post("/<hall>/devices/<int:device_id>/<action>")
def device_action(hall: str, device_id: int, action: str) -> Any:
    found = viewed_hall(hall)
    if action == "token":
        try:
            token = renew_device_token(ports(), actor=signed_in_actor(), hall_code=hall,
                                       device_id=device_id)
        except DomainError as exc:
            flash(explain(exc), "error")
            return redirect(url_for(".devices", hall=hall))
        return _device_token_page(found, find_device(db(), found, device_id), token)
    if action not in ("enable", "disable"):
        abort(404)

    def work() -> str:
        done = set_device_active(ports(), actor=signed_in_actor(), hall_code=hall,
                                 device_id=device_id, active=action == "enable")
        return (_("Đã bật %(name)s.", name=done.name) if done.active
                else _("Đã tắt %(name)s: mã của thiết bị ngừng hoạt động ngay.", name=done.name))

    back = safe_next(request.form.get("next")) or url_for(".devices", hall=hall)
    return act(back, work)
