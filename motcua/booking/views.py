"""The citizen's booking pages, phone first, no account (Vietnamese first, English toggle):

    GET  /dat-lich/<hall>                    choose a sector
    GET  /dat-lich/<hall>/<sector>           free slots of the next days, name and phone
    POST /dat-lich/<hall>/<sector>           book → the booking's page
    GET  /dat-lich/xem/<secret>              code, QR code, cancel and move (the QR's link)
    GET  /dat-lich/xem/<secret>/qr.svg       its QR code
    GET  /dat-lich/xem/<secret>/huy          "cancel this booking?"
    POST /dat-lich/xem/<secret>/huy          cancel
    GET|POST /dat-lich/xem/<secret>/doi      move to another slot

The secret in the link is what lets its holder cancel or move; the 8-digit code only checks
in at the kiosk. Booking, moving and cancelling count against BOOKING_RATE_LIMIT.
"""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, current_app, make_response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from motcua.booking import readmodels, services
from motcua.booking.models import Booking, BookingStatus
from motcua.booking.slots import settings_of
from motcua.core.errors import DomainError, Invalid
from motcua.dossier.installation import installation
from motcua.extensions import limiter
from motcua.kiosk.links import qr_svg
from motcua.queue.models import Hall, Sector
from motcua.queue.services import get_hall, get_hall_and_sector
from motcua.web import db, ports, runtime
from motcua.web.errors import error_screen
from motcua.web.links import booking_page_url, ticket_page_url

bp = Blueprint("booking", __name__, url_prefix="/dat-lich")


def _limit() -> str:
    return str(current_app.config["BOOKING_RATE_LIMIT"])


def _lang() -> str:
    return "en" if request.args.get("lang") == "en" else "vi"


def _private(page: str, status: int = 200) -> ResponseReturnValue:
    response = make_response(page, status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@error_screen(bp)
def _refused(status: int, title: str, message: str, _exc: Exception) -> ResponseReturnValue:
    return render_template("booking/message.html", title=title, message=message,
                           lang=_lang()), status


@bp.get("/<hall>")
def start(hall: str) -> ResponseReturnValue:
    found = get_hall(db(), hall)
    settings = settings_of(db(), found)
    offered = {row["sector"] for row in settings.bands} if settings else set()
    sectors = [s for s in found.sectors if s.code in offered and s.is_open]
    return render_template("booking/start.html", hall=found, sectors=sectors, lang=_lang())


def _slot_page(hall: Hall, sector: Sector, *, errors: dict[str | None, list[str]] | None = None,
               status: int = 200, moving: Booking | None = None) -> ResponseReturnValue:
    days = readmodels.free_slots(db(), runtime().clock, hall, sector)
    page = render_template(
        "booking/slots.html", hall=hall, sector=sector, days=days, lang=_lang(),
        procedures=[] if moving else readmodels.procedures_for(db(), hall, sector), errors=errors or {},
        form=request.form, moving=moving)
    return _private(page, status)


@bp.get("/<hall>/<sector>")
def slots(hall: str, sector: str) -> ResponseReturnValue:
    found, chosen = get_hall_and_sector(db(), hall, sector)
    return _slot_page(found, chosen)


def _errors(exc: DomainError) -> dict[str | None, list[str]]:
    if isinstance(exc, Invalid):
        errors: dict[str | None, list[str]] = {}
        for problem in exc.problems:
            errors.setdefault(problem.field, []).append(problem.translated(_))
        return errors
    return {exc.field: [exc.translated(_)]}


def _slot_at(text: str) -> datetime:
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        at = datetime.min
    return at


@bp.post("/<hall>/<sector>")
@limiter.limit(_limit)
def book(hall: str, sector: str) -> ResponseReturnValue:
    found, chosen = get_hall_and_sector(db(), hall, sector)
    form = request.form
    try:
        made = services.book(
            ports(), hall_code=found.code, sector_code=chosen.code,
            slot_at=_slot_at(form.get("slot", "")),
            applicant=services.Applicant(name=form.get("name", "")[:200],
                                         phone=form.get("phone", "")[:30],
                                         id_card=form.get("id_card", "")[:20] or None,
                                         procedure_code=form.get("procedure", "")[:40] or None),
            id_card_key=installation().id_card_key)
    except DomainError as exc:
        return _slot_page(found, chosen, errors=_errors(exc), status=422)
    return redirect(url_for(".view", secret=made.secret, lang=_lang() if _lang() == "en" else None))


def _booking(secret: str) -> Booking:
    return services.by_secret(db(), secret)


@bp.get("/xem/<secret>")
def view(secret: str) -> ResponseReturnValue:
    booking = _booking(secret)
    ticket = readmodels.checked_in_ticket(db(), booking)
    page = render_template("booking/view.html", booking=booking,
                           shown=readmodels.booking_view(booking), lang=_lang(),
                           procedure=readmodels.procedure_of(db(), booking),
                           confirmed=booking.status == BookingStatus.CONFIRMED,
                           link=booking_page_url(booking.secret), ticket=ticket,
                           ticket_link=ticket_page_url(ticket.token) if ticket else None)
    return _private(page)


@bp.get("/xem/<secret>/qr.svg")
def qr(secret: str) -> ResponseReturnValue:
    response = make_response(qr_svg(booking_page_url(_booking(secret).secret)))
    response.mimetype = "image/svg+xml"
    response.headers["Cache-Control"] = "private, max-age=86400"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.route("/xem/<secret>/huy", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
def cancel(secret: str) -> ResponseReturnValue:
    """GET asks first (one mis-tap on a phone must not lose the slot), without JavaScript;
    POST, from that page's button, cancels."""
    booking = _booking(secret)
    back = url_for(".view", secret=secret, lang=_lang() if _lang() == "en" else None)
    if request.method == "POST":
        services.cancel(ports(), booking_id=booking.id)
        return redirect(back)
    if booking.status != BookingStatus.CONFIRMED:
        return redirect(back)  # nothing left to cancel: the booking's page says why
    return _private(render_template("booking/cancel.html", booking=booking, lang=_lang(),
                                    shown=readmodels.booking_view(booking), back=back))


@bp.route("/xem/<secret>/doi", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
def move(secret: str) -> ResponseReturnValue:
    booking = _booking(secret)
    services.require_confirmed(booking)
    if request.method == "POST":
        try:
            services.move(ports(), booking_id=booking.id, slot_at=_slot_at(request.form.get("slot", "")))
        except DomainError as exc:
            return _slot_page(booking.hall, booking.sector, errors=_errors(exc), status=422,
                              moving=booking)
        return redirect(url_for(".view", secret=secret, lang=_lang() if _lang() == "en" else None))
    return _slot_page(booking.hall, booking.sector, moving=booking)

