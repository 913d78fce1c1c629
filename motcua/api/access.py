"""Who is calling the API: a bearer token's actor or a signed-in browser (then CSRF applies)."""
from __future__ import annotations

from flask import request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from motcua.core.actors import Actor
from motcua.extensions import csrf
from motcua.queue.errors import Forbidden
from motcua.queue.services import refuse_officer_without_person
from motcua.web import bearer_token, current_actor
from motcua.web.errors import ApiError


def request_actor() -> Actor:
    """The caller, or 401. A browser session's state-changing request must carry its CSRF token."""
    actor = current_actor()
    if actor is None and bearer_token() is not None:
        raise ApiError(401, "unauthorized", _("Mã truy cập không đúng, đã bị thu hồi hoặc đã hết hạn."))
    if actor is None:
        raise ApiError(401, "unauthorized", _("Hãy đăng nhập hoặc gửi mã truy cập (bearer token)."))
    if bearer_token() is None and request.method != "GET":
        try:
            csrf.protect()
        except CSRFError:
            raise ApiError(400, "csrf_failed", _("Trang đã cũ. Vui lòng tải lại trang.")) from None
    return actor


def is_staff(actor: Actor | None) -> bool:
    """Hall staff: a signed-in person or a staff token; not a kiosk, a tablet or nobody."""
    return actor is not None and actor.kind in ("staff", "token") and actor.role is not None


def staff_actor(refusal: str) -> Actor:
    """The caller if it is hall staff (a person or a staff token), else 403 with `refusal` (a
    message id, answered in the caller's language)."""
    actor = request_actor()
    if not is_staff(actor):
        raise Forbidden(refusal)
    return actor


def counter_actor(refusal: str) -> Actor:
    """Hall staff who may work at a counter: refused before the body is read, so an officer
    token that acts as no person gets 403 whatever it sends."""
    actor = staff_actor(refusal)
    refuse_officer_without_person(actor)
    return actor
