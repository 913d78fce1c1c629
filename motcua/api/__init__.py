"""The JSON API v1: parse, call a service, answer. Errors are always {"error": {code, message}}."""
from __future__ import annotations

from flask import Flask, request
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from motcua.web.errors import http_error
from motcua.api.views import bp
from motcua.hub import error_page

__all__ = ["bp", "register"]

API_PREFIX = "/api/"


def _api_or_page(exc: HTTPException) -> HTTPException | Response | tuple[Response, int]:
    """Unmatched paths and wrong methods have no blueprint: under /api/ they answer the JSON
    error shape like every API route; elsewhere a page for people."""
    if request.path.startswith(API_PREFIX):
        return http_error(exc)
    return error_page(exc)


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    app.register_error_handler(HTTPException, _api_or_page)
