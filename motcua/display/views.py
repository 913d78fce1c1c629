"""The `display` blueprint: the hall board, counter displays, and the clips the board speaks with.

Pages carry their first state in the HTML; after that they follow Socket.IO events and
re-read the state over HTTP (`GET /api/v1/halls/<hall>/queue`) whenever they (re)connect.
"""
from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    jsonify,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _

from motcua.display import services as board
from motcua.display import voice
from motcua.queue import errors, readmodels
from motcua.queue.models import Hall
from motcua.queue.services import current_ticket, get_counter, get_hall
from motcua.web import db, runtime
from motcua.web.errors import answers_json, error_response, error_screen
from motcua.web.realtime import DISPLAY_NAMESPACE

bp = Blueprint("display", __name__, url_prefix="/display")

MAX_TICKET_TEXT = 12  # longest display number a hall prints ("A012", "1023", …)


def _language() -> str:
    return str(get_locale() or "vi")


def _clip_url(hall: Hall, clip: str) -> str:
    return url_for("display.clip", hall=hall.code, clip=clip)


def _voice_config(hall: Hall) -> dict[str, Any]:
    """Whether this board speaks, and the clips to decode before the first call."""
    settings = board.voice_settings_of(hall)
    pack = board.clip_pack(settings)
    speaks = board.voice_enabled(hall) and request.args.get("voice") != "off" and pack is not None
    preload = [_clip_url(hall, c) for c in voice.required_clips(settings)] if speaks else []
    return {"enabled": speaks, "preload": preload,
            "announcement": url_for("display.announcement", hall=hall.code)}


@error_screen(bp)
def _page_error(status: int, _title: str, message: str, exc: Exception) -> tuple[str, int]:
    """A screen that cannot open says which address was wrong, in big letters."""
    titles = {
        errors.HallNotFound: _("Không tìm thấy điểm một cửa"),
        errors.CounterNotFound: _("Không tìm thấy quầy"),
        errors.SectorNotFound: _("Không tìm thấy lĩnh vực"),
    }
    title = next((t for cls, t in titles.items() if isinstance(exc, cls)),
                 _("Không mở được màn hình"))
    return render_template("display/error.html", title=title, detail=message), status


@bp.get("/<hall>")
def hall_board(hall: str) -> str:
    """The big screen of the hall (1920×1080): calls, counters, people waiting, notices."""
    found = get_hall(db(), hall)
    sectors = board.sector_filter(found, request.args.get("sectors"))
    config = {
        "hall": found.code,
        "lang": _language(),
        "time_zone": found.time_zone,
        "namespace": DISPLAY_NAMESPACE,
        "sectors": sectors,
        "state": readmodels.queue_snapshot(db(), runtime().clock, found),
        "notices": board.board_notices(found),
        "urls": {
            "state": url_for("api.queue", hall=found.code),
            "notices": url_for("display.notices", hall=found.code),
        },
        "voice": _voice_config(found),
        "strings": {
            "counter": _("Quầy"),
            "paused": _("Tạm nghỉ"),
            "closed": _("Quầy đóng"),
            "idle": _("Chưa gọi số"),
            "no_counters": _("Chưa có quầy nào mở"),
        },
    }
    names = {s.code: s.name(_language()) for s in found.sectors}
    filtered = [names[code] for code in sectors]
    return render_template("display/board.html", hall=found, config=config, filtered=filtered)


@bp.get("/<hall>/counter/<int:number>")
def counter_display(hall: str, number: int) -> str:
    """The small screen above a counter: its number and the ticket it serves, or its state."""
    found = get_hall(db(), hall)
    counter = get_counter(db(), found, number)
    config = {
        "hall": found.code,
        "counter": counter.number,
        "lang": _language(),
        "time_zone": found.time_zone,
        "namespace": DISPLAY_NAMESPACE,
        "state": {"counter": readmodels.counter_view(counter, current_ticket(db(), counter)),
                  "now": runtime().clock.now().isoformat()},
        "urls": {"state": url_for("api.counter", hall=found.code, number=counter.number)},
        "sector_names": {s.code: s.name(_language()) for s in found.sectors},
        "strings": {
            "officer": _("Cán bộ tiếp nhận: {name}"),
            "serving": _("Đang phục vụ số"),
            "calling": _("Mời số"),
            "paused": _("Tạm nghỉ"),
            "closed": _("Quầy đóng"),
            "idle": _("Chưa gọi số"),
        },
    }
    names = [link.sector.name(_language()) for link in counter.sector_links]
    return render_template("display/counter.html", hall=found, counter=counter, config=config,
                           sector_names=names)


@bp.get("/<hall>/notices")
@answers_json
def notices(hall: str) -> Response:
    """The board's scrolling line, re-read when a board (re)connects."""
    found = get_hall(db(), hall)
    return jsonify({"notices": board.board_notices(found)})


@bp.get("/<hall>/announcement")
@answers_json
def announcement(hall: str) -> Response | tuple[Response, int]:
    """What to say for a call, as clips of the hall's pack: ?number=1023&counter=5."""
    found = get_hall(db(), hall)
    number = (request.args.get("number") or "").strip()
    counter = request.args.get("counter", type=int)
    if not number or len(number) > MAX_TICKET_TEXT:
        return error_response(422, "invalid_request", "number: give the ticket number, e.g. 1023")
    if counter is None or not 0 <= counter <= 999:
        return error_response(422, "invalid_request", "counter: give a counter number, e.g. 5")
    settings = board.voice_settings_of(found)
    pack = board.clip_pack(settings)
    if pack is None:
        return error_response(503, "voice_unavailable",
                              "No complete clip pack: run `motcua voice build`")
    try:
        spoken = voice.build_announcement(number, counter, settings)
    except ValueError as exc:
        return error_response(422, "invalid_request", f"number: {exc}")
    return jsonify({**spoken.as_dict(),
                    "clips": {name: _clip_url(found, name)
                              for name in dict.fromkeys(spoken.clips)}})


@bp.get("/<hall>/voice/<clip>")
@answers_json
def clip(hall: str, clip: str) -> Response | tuple[Response, int]:
    """One recorded clip of the hall's pack (the hall's own recordings, else the default pack)."""
    found = get_hall(db(), hall)
    pack = board.clip_pack(board.voice_settings_of(found))
    path = pack.clips.get(clip) if pack is not None else None
    if path is None or not path.is_file():
        return error_response(404, "clip_not_found", f"No clip {clip!r} in the hall's clip pack")
    return send_file(path, mimetype="audio/wav", max_age=3600, conditional=True)
