"""The sectors pages: the list, a sector's form, and opening, moving or deleting one."""
from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from werkzeug.wrappers import Response

from motcua.admin import forms
from motcua.admin.pages.base import (
    _,
    act,
    bp,
    explain,
    field_errors,
    lang,
    page,
    signed_in_actor,
    viewed_hall,
)
from motcua.admin.sectors import (
    create_sector,
    delete_sector,
    find_sector,
    move_sector,
    set_sector_open,
    update_sector,
)
from motcua.changes.errors import Invalid
from motcua.core.errors import DomainError
from motcua.queue.services import settings_of
from motcua.web import db, ports

ICONS = ("document", "land", "leaf", "farm", "briefcase", "building", "car", "scale", "people",
         "health", "school", "factory", "culture", "science")


@bp.get("/<hall>/sectors")
def sectors(hall: str) -> Any:
    found = viewed_hall(hall)
    return page("admin/sectors.html", found, "sectors")


@bp.route("/<hall>/sectors/new", methods=["GET", "POST"])
@bp.route("/<hall>/sectors/<code>", methods=["GET", "POST"])
def sector(hall: str, code: str | None = None) -> Any:
    found = viewed_hall(hall)
    existing = find_sector(db(), found, code) if code else None
    errors: dict[str | None, list[str]] = {}
    if request.method == "POST":
        try:
            fields = forms.read_sector(request.form)
            if existing is None:
                saved = create_sector(ports(), actor=signed_in_actor(), hall_code=hall,
                                      code=request.form.get("code", "").strip(),
                                      fields=fields)
            else:
                saved = update_sector(ports(), actor=signed_in_actor(), hall_code=hall,
                                      code=existing.code, fields=fields)
        except Invalid as exc:
            errors = field_errors(exc)
        except DomainError as exc:
            errors = {None: [explain(exc)]}
        else:
            flash(_("Đã lưu lĩnh vực %(name)s.", name=saved.name(lang())), "ok")
            return redirect(url_for(".sectors", hall=hall))
    settings = settings_of(found)
    return page("admin/sector.html", found, "sectors", 422 if errors else 200, sector=existing,
                errors=errors, form=request.form if request.method == "POST" else None,
                icons=ICONS, hall_wait_alert=settings.wait_alert_minutes,
                wait_alert=settings.sector_wait_alert_minutes.get(code or "", ""))


@bp.post("/<hall>/sectors/<code>/<action>")
def sector_action(hall: str, code: str, action: str) -> Response:
    back = url_for(".sectors", hall=hall)
    actor = signed_in_actor()

    def work() -> str:
        if action in ("open", "close"):
            done = set_sector_open(ports(), actor=actor, hall_code=hall, code=code,
                                   is_open=action == "open")
            return (_("Đã mở lấy số cho %(name)s.", name=done.name(lang())) if done.is_open
                    else _("Đã ngừng lấy số cho %(name)s.", name=done.name(lang())))
        if action in ("up", "down"):
            move_sector(ports(), actor=actor, hall_code=hall, code=code,
                        step=-1 if action == "up" else 1)
            return _("Đã đổi thứ tự lĩnh vực.")
        if action == "delete":
            delete_sector(ports(), actor=actor, hall_code=hall, code=code)
            return _("Đã xóa lĩnh vực %(code)s.", code=code)
        abort(404)

    return act(back, work)
