"""The leaders' live view of the hall."""
from __future__ import annotations

from typing import Any

from flask import jsonify
from werkzeug.wrappers import Response

from motcua.admin import live
from motcua.admin.pages.base import bp, page, viewed_hall
from motcua.web import db, runtime


@bp.get("/<hall>/live")
def live_page(hall: str) -> Any:
    found = viewed_hall(hall)
    return page("admin/live.html", found, "live",
                state=live.live_view(db(), runtime().clock, found))


@bp.get("/<hall>/live.json")
def live_state(hall: str) -> Response:
    found = viewed_hall(hall)
    return jsonify(live.live_view(db(), runtime().clock, found))
