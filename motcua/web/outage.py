"""A database outage answers 503 with Retry-After, in one place for the whole app.

While PostgreSQL restarts (or SQLite stays locked through the busy retries) a request cannot be
served, but the same request will be a moment later: the API and the kiosk's scripts get the
JSON error (`database_unavailable`), browsers a page that reloads itself. The request's
transaction is rolled back when its session closes, so nothing half-written remains; the
pool replaces connections the database closed as it lends them (`core.db`), so service
resumes without a restart.
"""
from __future__ import annotations

from flask import (
    Flask,
    Response,
    current_app,
    jsonify,
    make_response,
    render_template,
    request,
)
from flask_babel import gettext as _
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError

from motcua.core.db import is_unavailable_error
from motcua.web.errors import wants_json

RETRY_AFTER_SECONDS = 5


def database_unavailable(exc: Exception) -> Response:
    if not is_unavailable_error(exc):
        raise exc  # a bug, not an outage: the usual 500 and its log entry
    current_app.logger.warning("database unavailable: %s", next(iter(str(exc).splitlines()), ""))
    title = _("Hệ thống tạm thời gián đoạn")
    message = _("Xin chờ trong giây lát rồi thử lại.")
    if wants_json():
        response = jsonify({"error": {"code": "database_unavailable",
                                      "message": f"{title}. {message}"}})
    else:
        response = make_response(render_template(
            "kiosk/message.html", title=title, message=message,
            hint=_("Trang sẽ tự tải lại."), refresh_seconds=RETRY_AFTER_SECONDS,
            screen="kiosk" if request.blueprint == "kiosk" else "phone"))
    response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def register(app: Flask) -> None:
    for error in (OperationalError, InterfaceError, DisconnectionError):
        app.register_error_handler(error, database_unavailable)
