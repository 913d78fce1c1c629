"""The hall pages: the list of halls (and a new one), a hall's own settings and its board."""
from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for

from motcua.admin import forms, halls
from motcua.admin.pages.base import _, bp, explain, field_errors, page, signed_in_actor, viewed_hall
from motcua.changes import audit
from motcua.changes.errors import Invalid
from motcua.core.errors import DomainError
from motcua.dossier.installation import installation
from motcua.queue.models import Hall
from motcua.queue.services import settings_of
from motcua.web import db, ports


@bp.route("/", methods=["GET", "POST"])
def index() -> Any:
    actor = signed_in_actor()
    if not audit.is_global_admin(actor):
        own = db().get(Hall, actor.hall_id) if actor.hall_id else None
        if own is None:
            abort(404)
        return redirect(url_for(".hall", hall=own.code))
    errors: dict[str | None, list[str]] = {}
    if request.method == "POST":
        try:
            created = halls.create_hall(ports(), actor=actor, code=request.form.get(
                "code", "").strip(), fields=forms.read_hall(request.form))
        except Invalid as exc:
            errors = field_errors(exc)
        else:
            flash(_("Đã tạo điểm tiếp nhận %(name)s.", name=created.name), "ok")
            return redirect(url_for(".hall", hall=created.code))
    return page("admin/index.html", None, "halls", 422 if errors else 200, errors=errors,
                form=request.form)


@bp.route("/<hall>/", methods=["GET", "POST"])
def hall(hall: str) -> Any:
    found = viewed_hall(hall)
    errors: dict[str | None, list[str]] = {}
    if request.method == "POST":
        try:
            if request.form.get("part") == "board":
                halls.update_board(ports(), actor=signed_in_actor(), hall_code=hall,
                                   fields=forms.read_board(request.form))
            elif request.form.get("part") == "dossier":
                halls.update_agency_code(ports(), actor=signed_in_actor(), hall_code=hall,
                                         agency_code=request.form.get("agency_code", "").strip() or None)
            else:
                halls.update_hall(ports(), actor=signed_in_actor(), hall_code=hall,
                                  fields=forms.read_hall(request.form))
        except Invalid as exc:
            errors = field_errors(exc)
        except DomainError as exc:
            flash(explain(exc), "error")
        else:
            flash(_("Đã lưu. Máy lấy số và bảng hiển thị cập nhật ngay."), "ok")
            return redirect(url_for(".hall", hall=hall))
    return page("admin/hall.html", found, "hall", 422 if errors else 200, errors=errors,
                form=request.form if errors else None, settings=settings_of(found),
                part=request.form.get("part"),
                agency_code=(found.settings or {}).get("agency_code") or "",
                default_agency_code=installation().agency_code)
