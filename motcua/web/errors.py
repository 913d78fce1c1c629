"""One error format for the API: `{"error": {"code": ..., "message": ...}}` with a 4xx."""
from __future__ import annotations

from flask import Response, jsonify
from werkzeug.exceptions import HTTPException

from motcua.queue import errors

STATUS_OF: list[tuple[type[errors.DomainError], int]] = [
    (errors.NotFound, 404),
    (errors.NotYourCounter, 403),
    (errors.Forbidden, 403),
    (errors.InvalidInput, 422),
    (errors.DomainError, 409),  # closed, outside window, cap reached, wrong state, …
]


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def error_response(status: int, code: str, message: str) -> tuple[Response, int]:
    return jsonify({"error": {"code": code, "message": message}}), status


def status_of(exc: errors.DomainError) -> int:
    return next(status for cls, status in STATUS_OF if isinstance(exc, cls))


def domain_error(exc: errors.DomainError) -> tuple[Response, int]:
    return error_response(status_of(exc), exc.code, exc.message)


def api_error(exc: ApiError) -> tuple[Response, int]:
    return error_response(exc.status, exc.code, exc.message)


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


def http_error(exc: HTTPException) -> tuple[Response, int]:
    status = exc.code or 500
    code = HTTP_CODES.get(status, "error")
    message = exc.description or exc.name
    if status == 429:
        message = "Too many requests; please wait a moment"
    response, status = error_response(status, code, message)
    for name, value in exc.get_headers():  # e.g. a 405's Allow
        if name.lower() != "content-type":
            response.headers[name] = value
    return response, status
