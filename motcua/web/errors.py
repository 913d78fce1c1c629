"""The one way an error becomes an answer, for the API and the pages alike.

Handlers are registered once, on the app (`register`): a domain refusal, an `ApiError`, an HTTP
error. Where the caller is a script (under /api/, a view marked `answers_json`, a JSON request
or one that prefers JSON) the answer is the JSON shape `{"error": {"code", "message"}}` with a
4xx; where it is a person, a page in the reader's language: the component's own frame when
its blueprint registered one (`error_screen`), else `error.html`. A domain error's screen text
is `error.translated(gettext)` (core/errors.py).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    jsonify,
    make_response,
    render_template,
    request,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from motcua.core import errors
from motcua.queue.errors import NotYourCounter

STATUS_OF: list[tuple[type[errors.DomainError], int]] = [
    (errors.NotFound, 404),
    (NotYourCounter, 403),
    (errors.Forbidden, 403),
    (errors.InvalidInput, 422),
    (errors.DomainError, 409),  # closed, outside window, cap reached, wrong state, …
]

HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
}

API_PREFIX = "/api/"
JSON_MARK = "motcua_answers_json"

F = TypeVar("F", bound=Callable[..., Any])
# Draws an error in a component's frame: (status, title, message, the error) -> the page.
Screen = Callable[[int, str, str, Exception], ResponseReturnValue]
_screens: dict[str, Screen] = {}


class ApiError(Exception):
    """A refusal of the request itself (malformed body, unknown action), answered as JSON."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def error_response(status: int, code: str, message: str) -> tuple[Response, int]:
    return jsonify({"error": {"code": code, "message": message}}), status


def status_of(exc: errors.DomainError) -> int:
    return next(status for cls, status in STATUS_OF if isinstance(exc, cls))


def answers_json(view: F) -> F:
    """Marks a view outside /api/ that scripts call: its errors answer JSON, never a page."""
    setattr(view, JSON_MARK, True)
    return view


def error_screen(bp: Blueprint) -> Callable[[Screen], Screen]:
    """Registers how a component's pages show an error (its own frame and links)."""

    def register_screen(screen: Screen) -> Screen:
        _screens[bp.name] = screen
        return screen

    return register_screen


def wants_json() -> bool:
    if request.path.startswith(API_PREFIX) or request.is_json:
        return True
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, JSON_MARK, False):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def _page(status: int, title: str, message: str, exc: Exception) -> ResponseReturnValue:
    screen = _screens.get(request.blueprint or "")
    if screen is not None:
        return screen(status, title, message, exc)
    return render_template("error.html", title=title, hint=message), status


def domain_error(exc: errors.DomainError) -> ResponseReturnValue:
    status = status_of(exc)
    message = exc.translated(_)
    if wants_json():
        return error_response(status, exc.code, message)
    title = _("Không tìm thấy") if status == 404 else _("Không thực hiện được")
    return _page(status, title, message, exc)


def api_error(exc: ApiError) -> tuple[Response, int]:
    return error_response(exc.status, exc.code, exc.message)


def _with_headers_of(exc: HTTPException, response: Response) -> Response:
    for name, value in exc.get_headers():  # e.g. a 405's Allow
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def http_error(exc: HTTPException) -> ResponseReturnValue:
    status = exc.code or 500
    if wants_json():
        code = HTTP_CODES.get(status, "error")
        message = exc.description or exc.name
        if status == 429:
            message = _("Xin chờ một chút rồi thử lại.")
        response, status = error_response(status, code, message)
        return _with_headers_of(exc, response), status
    return http_error_page(exc)


def http_error_page(exc: HTTPException) -> Response | HTTPException:
    """A wrong address, method or request, for people: what happened and the way back to the
    front door. Other statuses keep Werkzeug's answer."""
    titles = {400: _("Yêu cầu không hợp lệ"), 404: _("Không tìm thấy trang"),
              405: _("Không thể làm việc này ở địa chỉ này")}
    status = exc.code or 500
    if status not in titles:
        return exc
    hint = _("Địa chỉ có thể đã gõ sai hoặc đã cũ. Xin kiểm tra lại, hoặc quay về trang đầu.")
    page = make_response(render_template("error.html", title=titles[status], hint=hint), status)
    return _with_headers_of(exc, page)


def register(app: Flask) -> None:
    app.register_error_handler(errors.DomainError, domain_error)
    app.register_error_handler(ApiError, api_error)
    app.register_error_handler(HTTPException, http_error)
