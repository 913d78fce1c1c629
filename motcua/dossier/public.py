"""Pages for citizens: the look-up behind the receipt (`/tra-cuu`) and the public figures
(`/cong-khai`).

A look-up answers "not found" with the same status and the same page whether the code
does not exist or the secret is wrong, and every look-up counts, so guessing secrets is slow
and tells nothing: against `LOOKUP_RATE_LIMIT` for that address and code (so one guesser
behind a hall's shared address does not lock the hall's other citizens out), against
`LOOKUP_CODE_RATE_LIMIT` for that code from every address, and against
`LOOKUP_ADDRESS_RATE_LIMIT` for the address, whatever it looks up.
"""
from __future__ import annotations

import calendar
import hashlib
import hmac
import re
from collections.abc import Callable
from datetime import date
from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.exceptions import TooManyRequests

from motcua.core.clock import HALL_TIME_ZONE, local_day
from motcua.core.errors import DomainError
from motcua.dossier import online, readmodels, services, texts, uploads
from motcua.dossier.errors import BadInput
from motcua.dossier.installation import installation
from motcua.dossier.models import Delivery, Dossier
from motcua.extensions import csrf, limiter
from motcua.queue.errors import HallNotFound
from motcua.queue.services import get_hall
from motcua.web import db, ports, runtime

bp = Blueprint("lookup", __name__)

MONTH = re.compile(r"(\d{4})-(\d{2})")


def _configured(key: str) -> Callable[[], str]:
    return lambda: str(current_app.config[key])


def _code_digest() -> str:
    """The looked-up code as a keyed digest: it may be an ID-card number, and rate-limit
    keys sit in Redis in plain text."""
    code = request.form.get("code", "")[:80].strip().upper()
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, code.encode(), hashlib.sha256).hexdigest()[:24]


def _address_and_code() -> str:
    return f"ip:{request.remote_addr}:code:{_code_digest()}"


def _code() -> str:
    return f"code:{_code_digest()}"


def _address() -> str:
    return f"ip:{request.remote_addr}"


def _lang() -> str:
    return str(get_locale() or "vi")


def _private(page: str, status: int) -> ResponseReturnValue:
    response = make_response(page, status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # the URL carries the secret
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _form(status: int = 200, not_found: bool = False, message: str | None = None,
          code: str = "") -> ResponseReturnValue:
    """The look-up form; `code` is the dossier code just typed, given back so that a mistyped
    secret is not paid for by typing the long code again (the secret is never given back)."""
    page = render_template("dossier/lookup.html", not_found=not_found, message=message, code=code,
                           errors=texts.error_messages(), lang=_lang(),
                           lang_path=url_for("lookup.lookup_form"))
    return _private(page, status)


def _result(dossier: Dossier, *, by_qr: bool = False, supplement_error: str | None = None,
            status: int = 200) -> ResponseReturnValue:
    """The dossier's status page. Reached by its QR code's link (`by_qr`), it offers an online
    dossier waiting for a supplement the form to send it: the link carries the secret."""
    clock = runtime().clock
    view = readmodels.public_view(dossier, clock)
    checked = online.limits()
    page = render_template(
        "dossier/lookup_result.html", view=view, lang=_lang(),
        statuses=texts.status_names(),
        explained=texts.status_explained(dossier.delivery == Delivery.POST, dossier.submitted_online),
        outcomes=texts.outcome_names(),
        moment=lambda instant: texts.moment(instant, dossier.hall.time_zone),
        supplement_error=supplement_error, secret=dossier.qr_secret if by_qr else None,
        documents=[d["name"] for d in dossier.procedure.documents],
        max_mb=f"{checked.max_bytes / 1024 / 1024:g}", max_files=checked.max_files,
        kinds=", ".join(uploads.KINDS[t] for t in uploads.KINDS if t in checked.types),
        accept=",".join(sorted(checked.types)))
    return _private(page, status)


@bp.errorhandler(TooManyRequests)
def _too_many(_exc: TooManyRequests) -> ResponseReturnValue:
    typed = request.form.get("code", "")[:80] if request.endpoint == "lookup.lookup_by_code" else ""
    return _form(429, message=texts.error_messages()["rate_limited"], code=typed)


@bp.get("/tra-cuu")
def lookup_form() -> ResponseReturnValue:
    return _form()


@bp.post("/tra-cuu")
@csrf.exempt  # reads only; a token would also make "not found" pages differ
@limiter.limit(_configured("LOOKUP_RATE_LIMIT"), key_func=_address_and_code)
@limiter.limit(_configured("LOOKUP_CODE_RATE_LIMIT"), key_func=_code)
@limiter.shared_limit(_configured("LOOKUP_ADDRESS_RATE_LIMIT"), scope="dossier-lookup",
                      key_func=_address)
def lookup_by_code() -> ResponseReturnValue:
    code = request.form.get("code", "")[:80]
    secret = request.form.get("secret", "")[:40]
    found = services.find_by_code(db(), code, secret, installation().id_card_key)
    return _result(found) if found is not None else _form(404, not_found=True, code=code)


@bp.get("/tra-cuu/<secret>")
@limiter.shared_limit(_configured("LOOKUP_ADDRESS_RATE_LIMIT"), scope="dossier-lookup",
                      key_func=_address)
def lookup_by_qr(secret: str) -> ResponseReturnValue:
    found = services.find_by_qr(db(), secret)
    return _result(found, by_qr=True) if found is not None else _form(404, not_found=True)


@bp.post("/tra-cuu/<secret>/bo-sung")
@csrf.exempt  # checked below, once the request may be as large as its files
@limiter.limit(online.configured_limit)
@limiter.shared_limit(_configured("LOOKUP_ADDRESS_RATE_LIMIT"), scope="dossier-lookup",
                      key_func=_address)
def send_supplement(secret: str) -> ResponseReturnValue:
    """The files an online dossier's citizen sends when asked for a supplement."""
    found = services.find_by_qr(db(), secret)
    if found is None:
        return _form(404, not_found=True)
    checked = online.limits()
    refused = online.refused_body(checked)
    if refused is not None:
        return _result(found, by_qr=True, supplement_error=refused[0], status=refused[1])
    try:
        with online.taken_back_on_failure() as written:
            files = online.stored_files(online.sent_files(found.procedure), checked, written)
            services.submit_supplement(ports(), secret=secret, files=files,
                                       max_files=checked.max_files)
    except DomainError as exc:
        return _result(found, by_qr=True, supplement_error=exc.translated(_),
                       status=422 if isinstance(exc, BadInput) else 409)
    flash(_("Đã gửi %(count)d tệp bổ sung. Bộ phận một cửa sẽ xem và báo cho bạn.",
            count=len(files)), "ok")
    return redirect(url_for(".lookup_by_qr", secret=secret, lang="en" if _lang() == "en" else None),
                    303)


# --- publication ----------------------------------------------------------------------------


def month_range(text: str | None, today: date) -> tuple[date, date] | None:
    """The first and last day of "YYYY-MM" (this month when empty); None if malformed."""
    if not text:
        return today.replace(day=1), today.replace(day=calendar.monthrange(today.year, today.month)[1])
    match = MONTH.fullmatch(text.strip())
    if match is None or not 1 <= int(match[2]) <= 12 or not 2000 <= int(match[1]) <= 2100:
        return None
    year, month = int(match[1]), int(match[2])
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def publication_for(month: str | None, hall_code: str | None) -> tuple[Any, date, date] | None:
    """The figures of a month for one hall or all; None for a malformed month."""
    session = db()
    hall = get_hall(session, hall_code) if hall_code else None
    today = local_day(runtime().clock, hall.time_zone if hall else HALL_TIME_ZONE)
    span = month_range(month, today)
    if span is None:
        return None
    figures = readmodels.dossier_figures(session, hall, span[0], span[1],
                                         default_agency=installation().agency_code)
    return figures, span[0], span[1]


def _publication_error(message: str, status: int) -> ResponseReturnValue:
    return render_template("dossier/publication.html", figures=None, error=message,
                           lang=_lang(), month=None, hall=None), status


@bp.get("/cong-khai")
def publication() -> ResponseReturnValue:
    hall_code = request.args.get("hall") or None
    try:
        found = publication_for(request.args.get("month"), hall_code)
    except HallNotFound:
        return _publication_error(_("Không có nơi nào mã “%(hall)s”.", hall=hall_code), 404)
    if found is None:
        return _publication_error(_("Tháng cần có dạng NNNN-TT, ví dụ 2026-11."), 400)
    figures, first, _last = found
    return render_template("dossier/publication.html", figures=figures, error=None, lang=_lang(),
                           month=f"{first:%Y-%m}", hall=hall_code)
