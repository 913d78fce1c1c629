"""What to bring: a hall's procedures for citizens, at the kiosk ("Thủ tục") and on the phone.

The phone page (`/thu-tuc/<hall>/<code>`) is public, as the catalogue is; the kiosk's
fragments and its printed checklist answer only the hall's registered kiosks, as its look-up
does. The catalogue's wording is official and Vietnamese; the labels around it follow the
kiosk's language.
"""
from __future__ import annotations

from flask import Blueprint, jsonify, make_response, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _

from motcua.core.accounts import Device
from motcua.dossier import readmodels, services, texts
from motcua.dossier.printing import print_checklist
from motcua.extensions import csrf
from motcua.kiosk import registration
from motcua.kiosk.links import qr_svg
from motcua.queue.models import Hall
from motcua.queue.services import get_hall
from motcua.web import db
from motcua.web.errors import answers_json, error_response
from motcua.web.links import procedure_page_url

bp = Blueprint("procedures", __name__)


def _lang() -> str:
    locale = get_locale()
    return "en" if locale is not None and locale.language == "en" else "vi"


def _sheet(hall: Hall, code: str) -> dict[str, object]:
    procedure = services.get_procedure(db(), hall, code)
    return {
        "procedure": readmodels.what_to_bring(procedure),
        "processing": texts.processing_time(procedure.processing_time, procedure.unit, _lang()),
        "forms": texts.form_names(),
    }


@bp.get("/thu-tuc/<hall>/<code>")
def procedure_page(hall: str, code: str) -> ResponseReturnValue:
    """A procedure's papers to bring, on the citizen's phone (the kiosk's QR code)."""
    found = get_hall(db(), hall)
    page = render_template("dossier/procedure.html", hall=found, lang=_lang(),
                           lang_path=request.path, **_sheet(found, code))
    response = make_response(page)
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/thu-tuc/<hall>/<code>/qr.svg")
def procedure_qr(hall: str, code: str) -> ResponseReturnValue:
    procedure = services.get_procedure(db(), get_hall(db(), hall), code)
    response = make_response(qr_svg(procedure_page_url(hall, procedure.code)))
    response.mimetype = "image/svg+xml"
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


def _kiosk(hall: Hall) -> Device | None:
    token = registration.token_from_cookie(request.cookies.get(registration.COOKIE))
    return registration.kiosk_device(db(), hall, token)


def _not_a_kiosk() -> ResponseReturnValue:
    return error_response(403, "not_registered", _("Màn hình này chưa được đăng ký"))


@bp.get("/kiosk/<hall>/thu-tuc")
@answers_json
def kiosk_procedures(hall: str) -> ResponseReturnValue:
    """The procedures of sector ?sector=… as the kiosk's list: `{"html"}`."""
    found = get_hall(db(), hall)
    if _kiosk(found) is None:
        return _not_a_kiosk()
    sector = next((s for s in found.sectors if s.code == request.args.get("sector")), None)
    if sector is None:
        return error_response(404, "sector_not_found", _("Không có lĩnh vực này."))
    procedures = [p for p in services.procedures_of(db(), found) if p.sector_id == sector.id]
    html = render_template("dossier/kiosk_procedures.html", sector=sector, procedures=procedures,
                           lang=_lang())
    return jsonify({"html": html})


@bp.get("/kiosk/<hall>/thu-tuc/<code>")
@answers_json
def kiosk_procedure(hall: str, code: str) -> ResponseReturnValue:
    """One procedure's papers for the kiosk's screen, with its QR code and print button."""
    found = get_hall(db(), hall)
    if _kiosk(found) is None:
        return _not_a_kiosk()
    sheet = _sheet(found, code)
    html = render_template("dossier/kiosk_procedure.html", lang=_lang(), **sheet,
                           qr_url=url_for("procedures.procedure_qr", hall=found.code, code=code))
    return jsonify({"html": html})


@bp.post("/kiosk/<hall>/thu-tuc/<code>/print")
@answers_json
@csrf.exempt  # JSON only, and the kiosk cookie is SameSite=Strict
def kiosk_print(hall: str, code: str) -> ResponseReturnValue:
    """Print the procedure's checklist on the kiosk's printer: `{"status"}` of the job."""
    found = get_hall(db(), hall)
    kiosk = _kiosk(found)
    if kiosk is None:
        return _not_a_kiosk()
    job = print_checklist(found, code, kiosk)
    return jsonify({"status": job.status.value})
