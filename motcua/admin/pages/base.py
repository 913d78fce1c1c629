"""What every admin page shares: the blueprint, who may come in, the page frame, and how a
refusal or a form's mistakes are shown. The pages themselves are in the modules beside this
one, one per thing configured; each only parses, calls a use case and answers.

Administrators change things; supervisors see the same pages read-only for their own hall.
A form with mistakes comes back with each message beside its field; a refused change comes
back with its reason; nothing here decides a rule.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale, gettext
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from motcua.changes import audit
from motcua.changes.errors import N_, Denied, Invalid
from motcua.core.actors import Actor, Role
from motcua.core.errors import DomainError
from motcua.core.identity import actor_for_user
from motcua.extensions import LANGUAGES, login_manager
from motcua.queue.models import Hall
from motcua.queue.services import get_hall
from motcua.web import db
from motcua.web.errors import error_screen
from motcua.web.links import safe_next

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _(message: str, **params: Any) -> str:
    """Flask-Babel's gettext, typed: messages here are shown, so they are text."""
    return str(gettext(message, **params))


# --- who is asking ------------------------------------------------------------------------------


@bp.before_request
def _staff_only() -> Any:
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.user.role not in (Role.ADMIN, Role.SUPERVISOR):
        return error_page(_("Trang quản trị dành cho quản trị viên và lãnh đạo bộ phận."), 403)
    if request.method == "POST":
        _require_change()
    return None


def _require_change() -> None:
    """Every form here changes something: refuse with 403 before the view when the person may
    not change this hall (or, without a hall, every hall). The use cases check again."""
    code = (request.view_args or {}).get("hall")
    if code is not None:
        audit.hall_to_change(db(), signed_in_actor(), code)
    elif not audit.is_global_admin(signed_in_actor()):
        raise Denied(N_("Chỉ quản trị viên toàn hệ thống mới được làm việc này."))


@bp.context_processor
def _texts() -> dict[str, Any]:
    """`tr`: translate a catalogue id computed in Python (a report's labels) without the
    %-formatting Jinja's `_` applies, as some labels hold a literal "%"."""
    return {"tr": _}


def signed_in_actor() -> Actor:
    return actor_for_user(current_user.user)


def viewed_hall(code: str) -> Hall:
    hall = get_hall(db(), code)
    audit.require_view(signed_in_actor(), hall)
    return hall


def explain(exc: DomainError) -> str:
    if isinstance(exc, Invalid):
        return " ".join(p.translated(_) for p in exc.problems)
    return exc.translated(_)


def error_page(message: str, status: int) -> tuple[str, int]:
    return render_template("admin/error.html", message=message, status=status, hall=None,
                           halls=[], section=None, can_change=False, global_admin=False,
                           user=current_user.user), status


@error_screen(bp)
def _refused(status: int, _title: str, message: str, exc: Exception) -> tuple[str, int]:
    return error_page(explain(exc) if isinstance(exc, DomainError) else message, status)


def field_errors(exc: Invalid) -> dict[str | None, list[str]]:
    errors: dict[str | None, list[str]] = {}
    for problem in exc.problems:
        errors.setdefault(problem.field, []).append(problem.translated(_))
    return errors


def act(back: str, work: Callable[[], str]) -> Response:
    """Run a one-click change (open, move, delete, lock…) and go back with its outcome."""
    try:
        flash(work(), "ok")
    except DomainError as exc:
        flash(explain(exc), "error")
    return redirect(back)


def page(template: str, hall: Hall | None, section: str, status: int = 200,
         **context: Any) -> tuple[str, int]:
    actor = signed_in_actor()
    halls = (db().scalars(select(Hall).order_by(Hall.name)).all()
             if audit.is_global_admin(actor) else [])
    return render_template(
        template, hall=hall, section=section, halls=halls,
        can_change=hall is not None and audit.may_change(actor, hall),
        global_admin=audit.is_global_admin(actor), user=current_user.user,
        **context), status


def lang() -> str:
    return str(get_locale() or "vi")


def secret_page(hall: Hall, section: str, **context: Any) -> Response:
    """A password or token shown once: never kept in a cache or the browser's history."""
    body, status = page("admin/secret.html", hall, section, **context)
    response = make_response(body, status)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/language/<lang>")
def language(lang: str) -> Response:
    """Switch the admin pages' language (the `lang` cookie `select_locale` reads)."""
    if lang not in LANGUAGES:
        abort(404)
    response = redirect(safe_next(request.args.get("next")) or url_for(".index"))
    response.set_cookie("lang", lang, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


@bp.app_template_filter("admin_hall_time")
def _hall_time(moment: datetime | None, zone: str, pattern: str = "%d/%m/%Y %H:%M") -> str:
    """An instant shown in the hall's own time."""
    return moment.astimezone(ZoneInfo(zone)).strftime(pattern) if moment else ""


@bp.app_template_filter("admin_date")
def _date(iso: str) -> str:
    """A report's ISO date as Vietnamese offices write it: 25/11/2026."""
    return date.fromisoformat(iso).strftime("%d/%m/%Y")
