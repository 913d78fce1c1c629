"""A hall's appointment rules (motcua.booking); their report is among the reports."""
from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for

from motcua.admin import forms
from motcua.admin.pages.base import _, bp, explain, field_errors, page, signed_in_actor, viewed_hall
from motcua.booking.bands import Band, format_bands
from motcua.booking.services import LIMITS, SettingsForm, update_settings
from motcua.booking.slots import settings_of
from motcua.changes.errors import Invalid
from motcua.core.errors import DomainError
from motcua.queue.services import settings_of as hall_settings_of
from motcua.web import db, ports
from motcua.web.links import booking_form_url


def _read(data: Any) -> SettingsForm:
    form = forms.FormReader(data)
    numbers = {name: form.integer(name, low=low, high=high) for name, (low, high) in LIMITS.items()}
    form.done()
    return SettingsForm(bands=data.get("bands", ""), **numbers)


@bp.route("/<hall>/booking", methods=["GET", "POST"])
def booking(hall: str) -> Any:
    found = viewed_hall(hall)
    errors: dict[str | None, list[str]] = {}
    if request.method == "POST":
        try:
            update_settings(ports(), actor=signed_in_actor(), hall_code=hall,
                            form=_read(request.form))
        except Invalid as exc:
            errors = field_errors(exc)
        except DomainError as exc:
            errors = {None: [explain(exc)]}
        else:
            flash(_("Đã lưu cách đặt lịch hẹn."), "ok")
            return redirect(url_for(".booking", hall=hall))
    settings = settings_of(db(), found)
    current = {
        "horizon_days": settings.horizon_days if settings else 7,
        "lead_minutes": settings.lead_minutes if settings else 60,
        "grace_minutes": settings.grace_minutes if settings else 15,
        "phone_daily_limit": settings.phone_daily_limit if settings else 2,
        "appointment_share_percent": round(hall_settings_of(found).appointment_share * 100),
        "bands": format_bands([Band.of(row) for row in settings.bands]) if settings else "",
    }
    return page("admin/booking.html", found, "booking", 422 if errors else 200, errors=errors,
                form=request.form if request.method == "POST" else None, current=current,
                public_url=booking_form_url(found.code))
