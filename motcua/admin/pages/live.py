"""The leaders' live view of the hall."""
from __future__ import annotations

from typing import Any

from flask import jsonify, request, url_for
from werkzeug.wrappers import Response

from motcua.admin import live
from motcua.admin.counters import serve_sector_first
from motcua.admin.pages.base import _, act, bp, page, signed_in_actor, viewed_hall
from motcua.web import db, ports, runtime


@bp.get("/<hall>/live")
def live_page(hall: str) -> Any:
    found = viewed_hall(hall)
    return page("admin/live.html", found, "live",
                state=live.live_view(db(), runtime().clock, found))


@bp.get("/<hall>/live.json")
def live_state(hall: str) -> Response:
    found = viewed_hall(hall)
    return jsonify(live.live_view(db(), runtime().clock, found))


@bp.get("/<hall>/live/advice.json")
def live_advice(hall: str) -> Response:
    """Which counter to open for which sector, from a simulation of the rest of the day,
    reused for a few seconds (SimPy is loaded only when a leader asks, not when the server
    starts)."""
    from motcua.simulate import forecast

    found = viewed_hall(hall)
    moves = forecast.advice(ports(), found)
    return jsonify({"moves": [forecast.as_dict(move) for move in moves]})


@bp.post("/<hall>/live/advice")
def live_apply(hall: str) -> Response:
    """One click on a recommendation: the counter serves the sector first."""
    viewed_hall(hall)
    sector = request.form.get("sector", "")
    number = request.form.get("counter", "")

    def work() -> str:
        counter = serve_sector_first(ports(), actor=signed_in_actor(), hall_code=hall,
                                     number=int(number) if number.isdigit() else 0,
                                     sector_code=sector)
        return _("Quầy %(number)d phục vụ thêm %(sector)s từ bây giờ.", number=counter.number,
                 sector=counter.sectors[0].name_vi)

    return act(url_for(".live_page", hall=hall), work)
