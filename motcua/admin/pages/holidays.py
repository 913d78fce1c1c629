"""The holiday table of the dossier calendar, as a hall's administrator edits it."""
from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from werkzeug.wrappers import Response

from motcua.admin import forms
from motcua.admin.holidays import add_holiday, delete_holiday, load_default_holidays
from motcua.admin.pages.base import (
    _,
    act,
    bp,
    explain,
    field_errors,
    page,
    signed_in_actor,
    viewed_hall,
)
from motcua.changes.errors import Invalid
from motcua.core.clock import local_day
from motcua.core.errors import DomainError
from motcua.dossier import calendar
from motcua.dossier.models import HolidayKind
from motcua.inputs import hall_year
from motcua.web import db, ports, runtime


@bp.route("/<hall>/holidays", methods=["GET", "POST"])
def holidays(hall: str) -> Any:
    found = viewed_hall(hall)
    today = local_day(runtime().clock, found.time_zone)
    year = hall_year(request.args["year"]) if "year" in request.args else today.year
    if year is None:
        abort(400)
    errors: dict[str | None, list[str]] = {}
    if request.method == "POST":
        try:
            day, name, kind, every_hall = forms.read_holiday(request.form)
            add_holiday(ports(), actor=signed_in_actor(), hall_code=hall, day=day, name=name,
                        kind=kind, for_every_hall=every_hall)
        except Invalid as exc:
            errors = field_errors(exc)
        except DomainError as exc:
            errors = {None: [explain(exc)]}
        else:
            flash(_("Đã thêm ngày %(day)s.", day=day.strftime("%d/%m/%Y")), "ok")
            return redirect(url_for(".holidays", hall=hall, year=day.year))
    rows = calendar.holidays(db(), found.id, year)
    return page("admin/holidays.html", found, "holidays", 422 if errors else 200, rows=rows,
                year=year, errors=errors, form=request.form if errors else None,
                kinds=HolidayKind)


@bp.post("/<hall>/holidays/defaults")
def holidays_defaults(hall: str) -> Response:
    year = hall_year(request.form.get("year")) or 0
    every_hall = request.form.get("scope") == "all"

    def work() -> str:
        added = load_default_holidays(ports(), actor=signed_in_actor(), hall_code=hall,
                                      year=year, for_every_hall=every_hall)
        return _("Đã thêm %(count)d ngày nghỉ theo luật của năm %(year)d.", count=added,
                 year=year)

    return act(url_for(".holidays", hall=hall, year=year or None), work)


@bp.post("/<hall>/holidays/<int:holiday_id>/delete")
def holiday_delete(hall: str, holiday_id: int) -> Response:
    def work() -> str:
        delete_holiday(ports(), actor=signed_in_actor(), hall_code=hall, holiday_id=holiday_id)
        return _("Đã xóa ngày khỏi bảng.")

    return act(url_for(".holidays", hall=hall, year=request.form.get("year") or None), work)
