"""The JSON API v1: parse, call a service, answer. Errors are always {"error": {code, message}}
(motcua.web.errors answers every path under /api/ so, matched or not)."""
from __future__ import annotations

from flask import Flask

from motcua.api.views import bp

__all__ = ["bp", "register"]


def register(app: Flask) -> None:
    app.register_blueprint(bp)
