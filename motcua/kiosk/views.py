"""The kiosk's pages: the touchscreen, its set-up link and look-ups, and a ticket's phone page.

Tickets are issued by the kiosk's script through the JSON API (`POST /api/v1/halls/<hall>/
tickets`, the kiosk's token as bearer), which also queues the print job; these views only
serve pages, QR codes and look-ups.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from werkzeug.wrappers import Response as ResponseBase

from motcua.core.clock import local_now
from motcua.core.identity import device_for_token
from motcua.display import services as board
from motcua.display import voice
from motcua.extensions import LANGUAGES, csrf, limiter
from motcua.kiosk import PHONE_GIVEN, PHONE_STEP, registration, texts
from motcua.kiosk import voice as kiosk_voice
from motcua.kiosk.links import qr_svg
from motcua.kiosk.lookup import MAX_LENGTH, TICKET_TOKEN, LookupContext, lookups
from motcua.queue import readmodels, services
from motcua.queue.errors import HallNotFound, TicketNotFound
from motcua.queue.models import Hall, Priority, Ticket
from motcua.web import db, runtime
from motcua.web.errors import answers_json, error_response, error_screen
from motcua.web.links import ticket_page_url

bp = Blueprint("kiosk", __name__)

# Seconds each screen stays before the kiosk moves on by itself; MOTCUA_KIOSK_<NAME>_SECONDS.
TIMING_DEFAULTS: dict[str, float] = {
    "confirm": 12,  # the ticket's confirmation, then back to the sectors
    "print_failed": 90,  # the number and QR code to photograph when printing failed
    "message": 8,  # an error message
    "priority": 30,  # priority chosen but no sector tapped: back to a regular ticket
    "lookup": 45,  # the look-up screen untouched
    "idle": 60,  # the sectors untouched: the attract screen
}



def _takes_phone(hall: Hall) -> bool:
    """Whether the hall sends messages, so the kiosk and the phone page ask for a number."""
    asks = current_app.extensions.get(PHONE_STEP)
    return bool(asks and asks(db(), hall))


def _phone_given(ticket: Ticket) -> str | None:
    """The (masked) phone the ticket's citizen gave, where messages are sent."""
    given = current_app.extensions.get(PHONE_GIVEN)
    return given(db(), ticket.id) if given else None


def _timing() -> dict[str, float]:
    config = current_app.config
    return {name: float(config.get(f"KIOSK_{name.upper()}_SECONDS", default))
            for name, default in TIMING_DEFAULTS.items()}


MAX_TICKET_TEXT = 12  # longest display number a hall prints ("A012", "1023", …)

# Each language's name in itself, as language switches show it: never translated.
LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}


def _lang() -> str:
    locale = get_locale()
    return locale.language if locale is not None and locale.language in LANGUAGES else "vi"


def _other(lang: str) -> str:
    return "en" if lang == "vi" else "vi"


def _message_page(status: int, title: str, message: str, *, screen: str = "phone",
                  hint: str | None = None) -> Response:
    page = render_template("kiosk/message.html", title=title, message=message, hint=hint,
                           screen=screen)
    return make_response(page, status)


@error_screen(bp)
def _error_screen(status: int, title: str, message: str, exc: Exception) -> Response:
    """The kiosk's and the phone's words for an address that leads nowhere."""
    if isinstance(exc, HallNotFound):
        return _message_page(404, _("Không tìm thấy nơi tiếp nhận"),
                             _("Địa chỉ này không dẫn tới Bộ phận Một cửa nào. "
                               "Xin kiểm tra lại đường dẫn."),
                             screen="kiosk")
    if isinstance(exc, TicketNotFound):
        return _message_page(404, _("Không tìm thấy số thứ tự"),
                             _("Không có số thứ tự nào với mã này. Xin hỏi cán bộ hướng dẫn "
                               "tại Bộ phận Một cửa."))
    return _message_page(status, title, message)


def _kiosk_token(hall: Hall) -> str | None:
    """The token of the registered kiosk of `hall` this browser is, if it is one."""
    token = registration.token_from_cookie(request.cookies.get(registration.COOKIE))
    return token if registration.kiosk_device(db(), hall, token) is not None else None


def _not_registered(hall: Hall) -> Response:
    return _message_page(
        403, _("Màn hình này chưa được đăng ký"),
        _("Máy này chưa được dùng để lấy số. Xin mời ông/bà hỏi cán bộ hướng dẫn."),
        screen="kiosk",
        hint=_("Quản trị viên: chạy “motcua kiosk add %(hall)s TÊN_MÁY”, rồi mở một lần "
               "/kiosk/%(hall)s/setup?token=… trên máy này.", hall=hall.code))


def _keypad_letters(hall: Hall) -> list[str]:
    """Letters of the hall's number prefixes ("A001"), for the look-up keypad."""
    return sorted({letter for sector in hall.sectors for letter in sector.prefix.upper()})


@bp.get("/kiosk/<hall>")
def kiosk(hall: str) -> ResponseReturnValue:
    found = services.get_hall(db(), hall)
    token = _kiosk_token(found)
    if token is None:
        return _not_registered(found)
    lang = _lang()
    start_lang = current_app.config["BABEL_DEFAULT_LOCALE"]
    config: dict[str, Any] = {
        "hall": found.code,
        "hallName": found.name,  # a new one reloads the kiosk when idle
        "timeZone": found.time_zone,
        "now": local_now(runtime().clock, found.time_zone).isoformat(),
        "lang": lang,
        "startLang": start_lang,
        "token": token,
        "sectors": readmodels.hall_sectors(db(), runtime().clock, found),
        "timing": _timing(),
        "words": texts.kiosk_words(),
        "urls": {
            "sectors": url_for("api.sectors", hall=found.code),
            "issue": url_for("api.issue_ticket", hall=found.code),
            "lookup": url_for("kiosk.lookup", hall=found.code),
            "check_in": url_for("booking_api.check_in", hall=found.code),
            "qr": url_for("kiosk.ticket_qr", token="TOKEN"),
            "start": url_for("kiosk.kiosk", hall=found.code, lang=start_lang),
            "idle": url_for("kiosk.kiosk", hall=found.code, lang=start_lang, screen="attract"),
            # The optional step after the slip: a phone number for "your turn is near".
            "phone": (url_for("notify.phone_from_kiosk", hall=found.code, ticket_id=0)
                      .replace("/0/", "/ID/") if _takes_phone(found) else None),
            **_procedure_urls(found),
        },
        "voice": _voice_config(found, lang),
    }
    other = _other(lang)
    with force_locale(other):
        attract_other = _("Chạm vào màn hình để lấy số thứ tự")
    page = render_template(
        "kiosk/kiosk.html", hall=found, config=config, lang=lang,
        sectors=config["sectors"], priorities=list(Priority),
        priority_labels=texts.PRIORITY_LABELS, priority_hints=texts.PRIORITY_HINTS,
        keypad_letters=_keypad_letters(found),
        other_lang=other, other_lang_name=LANGUAGE_NAMES[other], attract_other=attract_other,
        other_lang_url=url_for("kiosk.kiosk", hall=found.code, lang=other),
    )
    response = make_response(page)
    response.headers["Cache-Control"] = "no-store"
    return registration.remember(response, token)


def _procedure_urls(hall: Hall) -> dict[str, str | None]:
    """The "Thủ tục" screen's addresses, served by the dossier component when it is installed."""
    if "procedures.kiosk_procedures" not in current_app.view_functions:
        return {"procedures": None}
    return {
        "procedures": url_for("procedures.kiosk_procedures", hall=hall.code),
        "procedure": url_for("procedures.kiosk_procedure", hall=hall.code, code="CODE"),
        "print_checklist": url_for("procedures.kiosk_print", hall=hall.code, code="CODE"),
    }


def _voice_config(hall: Hall, lang: str) -> dict[str, Any]:
    """The clips of the voice guidance, if the clip pack has them (`motcua voice build`)."""
    if kiosk_voice.guidance_pack() is None:
        return {"enabled": False}
    return {
        "enabled": True,
        "choose": url_for("kiosk.guidance_clip", clip=voice.KIOSK_CLIPS[lang]["choose"]),
        "sectors": {sector.code: url_for("kiosk.sector_clip", hall=hall.code, code=sector.code,
                                         lang=lang) for sector in hall.sectors},
        "ticket": url_for("kiosk.ticket_guidance", hall=hall.code, lang=lang),
    }


def _voice_lang() -> str:
    lang = request.args.get("lang", "vi")
    return lang if lang in kiosk_voice.LANGUAGES else "vi"


@bp.get("/kiosk/voice/<clip>")
@answers_json
def guidance_clip(clip: str) -> ResponseReturnValue:
    """A clip of the default pack: the guidance's phrases and number words."""
    pack = kiosk_voice.guidance_pack()
    path = pack.clips.get(clip) if pack is not None else None
    if path is None or not path.is_file():
        return error_response(404, "clip_not_found",
                              f"No clip {clip!r}: run `motcua voice build`")
    return send_file(path, mimetype="audio/wav", max_age=3600, conditional=True)


@bp.get("/kiosk/<hall>/voice/sector/<code>")
@answers_json
def sector_clip(hall: str, code: str) -> ResponseReturnValue:
    """A sector's name spoken (?lang=vi|en), synthesised the first time it is asked for."""
    found = services.get_hall(db(), hall)
    sector = next((s for s in found.sectors if s.code == code), None)
    if sector is None:
        return error_response(404, "sector_not_found", f"No sector {code!r} in hall {hall!r}")
    folder = Path(current_app.instance_path) / kiosk_voice.SECTOR_FOLDER
    try:
        path = kiosk_voice.sector_clip(folder, found, sector, _voice_lang())
    except (OSError, RuntimeError) as exc:
        current_app.logger.warning("sector clips of hall %s: %s", found.code, exc)
        return error_response(503, "voice_unavailable", "The sector's name could not be spoken")
    return send_file(path, mimetype="audio/wav", max_age=3600, conditional=True)


@bp.get("/kiosk/<hall>/voice/ticket")
@answers_json
def ticket_guidance(hall: str) -> ResponseReturnValue:
    """What the kiosk says after issuing ticket ?number=…: `{"text", "parts": [[clip URL]]}`."""
    found = services.get_hall(db(), hall)
    number = (request.args.get("number") or "").strip()
    if not number or len(number) > MAX_TICKET_TEXT:
        return error_response(422, "invalid_request", "number: give the ticket number, e.g. 1023")
    try:
        text, parts = kiosk_voice.ticket_guidance(number, _voice_lang(),
                                                  board.voice_settings_of(found))
    except ValueError as exc:
        return error_response(422, "invalid_request", f"number: {exc}")
    return jsonify({"text": text, "parts": [[url_for("kiosk.guidance_clip", clip=clip)
                                             for clip in part] for part in parts]})


@bp.get("/kiosk/<hall>/setup")
def setup(hall: str) -> ResponseReturnValue:
    """Open once on the kiosk PC with the token `motcua kiosk add` printed."""
    found = services.get_hall(db(), hall)
    token = request.args.get("token", "").strip()
    response: ResponseBase
    if registration.kiosk_device(db(), found, token) is None:
        response = _message_page(
            403, _("Mã đăng ký không đúng"),
            _("Mã này không phải của một máy lấy số đang hoạt động tại nơi này."),
            screen="kiosk",
            hint=_("Quản trị viên: kiểm tra lại mã do “motcua kiosk add” in ra."))
    else:
        response = redirect(url_for("kiosk.kiosk", hall=found.code), 303)
        registration.remember(response, token)
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


def _lookup_key() -> str:
    """Look-ups are limited per kiosk (by its device, never by its token), else per address."""
    token = registration.token_from_cookie(request.cookies.get(registration.COOKIE))
    device = device_for_token(db(), token) if token else None
    return f"kiosk:{device.id}" if device is not None else f"ip:{request.remote_addr}"


@bp.post("/kiosk/<hall>/lookup")
@answers_json
@csrf.exempt  # read-only, JSON-only, and the kiosk cookie is SameSite=Strict
@limiter.limit(lambda: str(current_app.config["LOOKUP_RATE_LIMIT"]), key_func=_lookup_key)
def lookup(hall: str) -> ResponseReturnValue:
    """What a scanned or typed code names: `{"kind", "html"}` for the look-up screen."""
    found = services.get_hall(db(), hall)
    if _kiosk_token(found) is None:
        return error_response(403, "not_registered", _("Màn hình này chưa được đăng ký"))
    body = request.get_json(silent=True)
    code = body.get("code") if isinstance(body, dict) else None
    if not isinstance(code, str) or not code.strip():
        return error_response(422, "invalid_request", _("Chưa có mã để tra cứu."))
    if len(code) > MAX_LENGTH:
        return error_response(422, "invalid_request", _("Mã quá dài."))
    result = lookups.find(LookupContext(db(), runtime().clock, found), code)
    if result is None:
        return error_response(404, "not_found",
                           _("Không tìm thấy số thứ tự hay hồ sơ nào với mã này."))
    html = render_template(result.template, **result.context)
    return jsonify({"kind": result.kind, "html": html})


def _ticket(token: str) -> Ticket:
    if not TICKET_TOKEN.fullmatch(token):
        raise TicketNotFound("Malformed ticket code")
    return services.get_ticket_by_token(db(), token)


@bp.get("/t/<token>")
def ticket_page(token: str) -> ResponseReturnValue:
    """The page behind a ticket's QR code: live status on the citizen's phone."""
    ticket = _ticket(token)
    status = readmodels.ticket_status(db(), runtime().clock, ticket)
    lang = _lang()
    phone_url = (url_for("notify.phone_from_ticket_page", token=ticket.token)
                 if _takes_phone(ticket.hall) else None)
    config = {
        "token": ticket.token,
        "lang": lang,
        "timeZone": ticket.hall.time_zone,
        "status": status,
        "words": texts.phone_words(),
        "urls": {"status": url_for("api.ticket_status", token=ticket.token),
                 "phone": phone_url},
    }
    other = _other(lang)
    phone = _phone_given(ticket) if phone_url else None
    page = render_template("kiosk/ticket.html", status=status, config=config, lang=lang,
                           described=texts.describe_ticket(status), phone=phone,
                           priority=texts.priority_label(status["priority"]),
                           issued_at=ticket.issued_at.astimezone(ZoneInfo(ticket.hall.time_zone))
                           .strftime("%H:%M, %d/%m/%Y"),
                           other_lang=other, other_lang_name=LANGUAGE_NAMES[other],
                           other_lang_url=url_for("kiosk.ticket_page", token=ticket.token,
                                                  lang=other))
    response = make_response(page)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.get("/t/<token>/qr.svg")
def ticket_qr(token: str) -> ResponseReturnValue:
    """The QR code of a ticket's phone page, drawn on the server."""
    ticket = _ticket(token)
    response = make_response(qr_svg(ticket_page_url(ticket.token)))
    response.mimetype = "image/svg+xml"
    response.headers["Cache-Control"] = "private, max-age=86400"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
