"""The rating tablet facing the citizen at a counter (`/rate/<hall>/<counter>`).

A tablet is a registered device (`motcua tablet add`). Opening the setup link once
(`/rate/<hall>/<counter>/setup?token=…`) stores its token in an HttpOnly cookie, the way
a kiosk keeps its own; from then on the page, its Socket.IO connection and its ratings
are recognised by that cookie.
"""
from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    current_app,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from pydantic import BaseModel, ConfigDict, Field
from werkzeug.wrappers import Response

from motcua.core.accounts import Device
from motcua.counter import ratings
from motcua.counter.models import RatingLevel
from motcua.counter.pages import error_page, message_page, remember_language
from motcua.counter.texts import level_labels, reason_labels, tablet_strings
from motcua.inputs import DbInt
from motcua.queue import services
from motcua.queue.models import CounterState
from motcua.web import db, ports, runtime
from motcua.web.errors import answers_json, error_response, error_screen
from motcua.web.parsing import json_body

bp = Blueprint("rating", __name__, url_prefix="/rate")
bp.after_request(remember_language)
error_screen(bp)(error_page)

TABLET_COOKIE = "motcua_tablet"
# Chromium caps cookie lifetimes at 400 days; every page load renews it (like the kiosk's).
COOKIE_SECONDS = 400 * 24 * 3600
PROMPT_SECONDS = 45  # the question waits this long for a tap, then the tablet goes idle
THANKS_SECONDS = 6


class RateBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ticket_id: DbInt = Field(ge=1, strict=True)
    level: RatingLevel
    reason: str | None = Field(default=None, max_length=40)


def _tablet(hall_code: str, number: int) -> Device:
    return ratings.tablet_at(db(), request.cookies.get(TABLET_COOKIE), hall_code, number)


def _unregistered(hall_code: str, number: int) -> tuple[str, int]:
    return message_page(
        _("Máy tính bảng chưa được đăng ký"),
        _("Máy này chưa được đăng ký làm máy đánh giá của quầy %(number)d. Cán bộ quản trị "
          "chạy lệnh “motcua tablet add %(hall)s %(number)d TÊN” rồi mở đường dẫn cài đặt "
          "mà lệnh in ra trên máy này.", hall=hall_code, number=number),
        403)


@bp.get("/<hall_code>/<int:number>/setup")
def setup(hall_code: str, number: int) -> Response | tuple[str, int]:
    token = request.args.get("token", "")
    try:
        ratings.tablet_at(db(), token, hall_code, number)
    except ratings.NotThisTablet:
        return _unregistered(hall_code, number)
    return _remember(redirect(url_for(".tablet", hall_code=hall_code, number=number)), token)


def _remember(response: Response, token: str) -> Response:
    """Keep the token in an HttpOnly cookie; path "/" so the Socket.IO handshake carries it."""
    response.set_cookie(TABLET_COOKIE, token, max_age=COOKIE_SECONDS, httponly=True,
                        samesite="Lax", secure=bool(current_app.config["SESSION_COOKIE_SECURE"]))
    return response


@bp.get("/<hall_code>/<int:number>")
def tablet(hall_code: str, number: int) -> Response | tuple[str, int]:
    try:
        _tablet(hall_code, number)
    except ratings.NotThisTablet:
        return _unregistered(hall_code, number)
    hall = services.get_hall(db(), hall_code)
    labels = level_labels()
    page: dict[str, Any] = {
        "hall": hall.code,
        "counter": number,
        "pending_url": url_for(".pending", hall_code=hall.code, number=number),
        "rate_url": url_for(".rate", hall_code=hall.code, number=number),
        "prompt_seconds": PROMPT_SECONDS,
        "thanks_seconds": THANKS_SECONDS,
        "levels": [{"value": level.value, "label": labels[level.value]}
                   for level in ratings.levels_for(services.settings_of(hall))],
        "unhappy": RatingLevel.UNSATISFIED.value,
        "reasons": [{"value": code, "label": reason_labels()[code]} for code in ratings.REASONS],
        "strings": tablet_strings(),
    }
    page_html = render_template("counter/tablet.html", hall=hall, number=number, page=page)
    return _remember(make_response(page_html), request.cookies[TABLET_COOKIE])


@bp.get("/<hall_code>/<int:number>/pending")
@answers_json
def pending(hall_code: str, number: int) -> Response:
    """The ticket to ask about now, and the one being served (for the idle screen)."""
    device = _tablet(hall_code, number)
    hall = services.get_hall(db(), hall_code)
    counter = services.get_counter(db(), hall, number)
    ticket = ratings.pending_ticket(db(), runtime().clock, device)
    serving = services.current_ticket(db(), counter)
    return jsonify({
        "ticket": None if ticket is None else {"id": ticket.id,
                                               "display_number": ticket.display_number},
        "serving": serving.display_number if serving else None,
        "counter_open": counter.state == CounterState.OPEN,
    })


@bp.post("/<hall_code>/<int:number>")
@answers_json
def rate(hall_code: str, number: int) -> tuple[Response, int]:
    device = _tablet(hall_code, number)
    body = json_body(RateBody)
    rating = ratings.rate(ports(), device=device, ticket_id=body.ticket_id, level=body.level,
                          reason=body.reason)
    return jsonify({"rating": {"ticket_id": rating.ticket_id, "level": rating.level.value,
                               "reason": rating.reason}}), 201


@bp.errorhandler(CSRFError)
def _stale(exc: CSRFError) -> tuple[Response, int]:
    return error_response(400, "csrf_failed", _("Trang đã cũ. Vui lòng tải lại trang."))
