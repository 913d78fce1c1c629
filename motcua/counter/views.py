"""Pages for hall staff: the officer's console, the hall's counters and the day's audit log.

Every action on a counter goes through the JSON API (`/api/v1/halls/<hall>/counters/<n>/…`)
with the session cookie and the CSRF header, so these views only read and render.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from motcua.core.accounts import StaffUser
from motcua.core.actors import Role
from motcua.core.clock import local_day
from motcua.core.errors import N_
from motcua.counter import readmodels
from motcua.counter.pages import error_page, message_page, remember_language
from motcua.counter.texts import (
    event_labels,
    level_labels,
    reason_labels,
    staff_strings,
)
from motcua.inputs import hall_day
from motcua.queue import errors, services
from motcua.queue.models import Counter, Hall
from motcua.web import db, ports, runtime
from motcua.web.errors import answers_json, error_response, error_screen

bp = Blueprint("counter", __name__, url_prefix="/counter")
bp.after_request(remember_language)
error_screen(bp)(error_page)

F = TypeVar("F", bound=Callable[..., Any])

# Keys that drive each action; F-keys always, keypad digits when no field has focus.
SHORTCUTS: list[tuple[str, str, str]] = [
    ("call-next", "F1", "Numpad1"),
    ("recall", "F2", "Numpad2"),
    ("start", "F3", "Numpad3"),
    ("complete", "F4", "Numpad4"),
    ("no-show", "F5", "Numpad5"),
    ("transfer", "F6", "Numpad6"),
    ("call", "F7", "Numpad7"),
    ("pause", "F8", "Numpad8"),
]


def _staff() -> StaffUser:
    user: StaffUser = current_user.user
    return user


def _manages(user: StaffUser) -> bool:
    return user.role in (Role.ADMIN, Role.SUPERVISOR)


def _staff_hall(code: str) -> Hall:
    hall = services.get_hall(db(), code)
    if _staff().hall_id not in (None, hall.id):
        raise errors.Forbidden(N_("Đây không phải bộ phận một cửa của bạn."))
    return hall


def staff_json(view: F) -> F:
    """JSON for signed-in staff: 401 (not a redirect) when the session is gone."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return error_response(401, "unauthorized", "Sign in first")
        return view(*args, **kwargs)

    return answers_json(wrapper)  # type: ignore[return-value]


def _lang() -> str:
    return str(get_locale() or "vi")


def _own_counter(user: StaffUser) -> Counter | None:
    return db().scalar(
        select(Counter).where(Counter.hall_id == user.hall_id, Counter.officer_id == user.id)
        .order_by(Counter.number).limit(1))


@bp.get("/")
@login_required
def home() -> Response | str:
    """Officers land at their counter (or pick one), supervisors at their hall's counters."""
    user = _staff()
    if user.hall is None:
        halls = db().scalars(select(Hall).order_by(Hall.name)).all()
        if len(halls) == 1:
            return redirect(url_for(".hall", hall_code=halls[0].code))
        return render_template("counter/halls.html", halls=halls)
    if user.role == Role.OFFICER:
        mine = _own_counter(user)
        if mine is not None:
            return redirect(url_for(".console", hall_code=user.hall.code, number=mine.number))
    return redirect(url_for(".hall", hall_code=user.hall.code))


@bp.get("/<hall_code>")
@login_required
def hall(hall_code: str) -> str:
    found = _staff_hall(hall_code)
    user = _staff()
    page = {
        "hall": found.code,
        "overview_url": url_for(".overview", hall_code=found.code),
        "open_urls": {c.number: url_for("api.counter_action", hall=found.code, number=c.number,
                                        action="open") for c in found.counters},
        "console_urls": {c.number: url_for(".console", hall_code=found.code, number=c.number)
                         for c in found.counters},
        "sign_in_url": url_for("auth.sign_in", next=request.path),
        "manager": _manages(user),
        "holds_counter": user.role == Role.OFFICER and _own_counter(user) is not None,
        "sectors": {s.code: s.name(_lang()) for s in found.sectors},
        "strings": staff_strings(),
    }
    return render_template("counter/hall.html", hall=found, page=page, manager=_manages(user))


@bp.get("/<hall_code>/overview")
@staff_json
def overview(hall_code: str) -> Response:
    found = _staff_hall(hall_code)
    return jsonify(readmodels.hall_overview(db(), runtime().clock, found, _staff().id))


@bp.get("/<hall_code>/<int:number>")
@login_required
def console(hall_code: str, number: int) -> Response | str:
    found = _staff_hall(hall_code)
    counter = services.get_counter(db(), found, number)
    user = _staff()
    if not _manages(user) and counter.officer_id != user.id:
        flash(_("Quầy %(number)d không phải quầy của bạn: hãy nhận một quầy còn trống.",
                number=number), "error")
        return redirect(url_for(".hall", hall_code=found.code))
    lang = _lang()
    page = {
        "hall": found.code,
        "counter": counter.number,
        "api": url_for("api.counter", hall=found.code, number=counter.number),
        "state_url": url_for(".state", hall_code=found.code, number=counter.number),
        "hall_url": url_for(".hall", hall_code=found.code),
        "sign_in_url": url_for("auth.sign_in", next=request.path),
        "manager": _manages(user),
        "shortcuts": {action: [f_key, pad] for action, f_key, pad in SHORTCUTS},
        "sectors": {s.code: s.name(lang) for s in found.sectors},
        "levels": level_labels(),
        "strings": staff_strings(),
    }
    others = [c for c in found.counters if c.number != counter.number]
    return render_template("counter/console.html", hall=found, counter=counter, page=page,
                           others=others, manager=_manages(user))


@bp.get("/<hall_code>/<int:number>/state")
@staff_json
def state(hall_code: str, number: int) -> Response:
    found = _staff_hall(hall_code)
    counter = services.get_counter(db(), found, number)
    user = _staff()
    if not _manages(user) and counter.officer_id != user.id:
        raise errors.NotYourCounter(N_("Quầy %(number)s không phải quầy của bạn."), number=number)
    return jsonify(readmodels.console_state(ports(), found, counter, user.id))


@bp.get("/<hall_code>/audit")
@login_required
def audit(hall_code: str) -> str | tuple[str, int]:
    """The day's event log, for supervisors: every call, recall, skip, transfer; who and why."""
    found = _staff_hall(hall_code)
    if not _manages(_staff()):
        return message_page(_("Không có quyền"),
                            _("Chỉ lãnh đạo bộ phận một cửa xem được nhật ký."), 403,
                            back=url_for(".home"))
    today = local_day(runtime().clock, found.time_zone)
    try:
        day = hall_day(request.args.get("day") or today.isoformat())
    except ValueError:
        return message_page(_("Ngày không hợp lệ"),
                            _("Ngày cần có dạng NNNN-TT-NN, ví dụ %(day)s.", day=today.isoformat()),
                            400, back=url_for(".audit", hall_code=found.code))
    kind = request.args.get("kind") or None
    return render_template(
        "counter/audit.html", hall=found, day=day, today=today, kind=kind,
        events=readmodels.day_events(db(), found, day, kind),
        kinds=readmodels.event_kinds(db(), found, day), labels=event_labels(),
        levels=level_labels(), reasons=reason_labels(),
        sectors={s.code: s.name(_lang()) for s in found.sectors}, manager=True)
