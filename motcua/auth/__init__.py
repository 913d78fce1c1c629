"""Staff accounts, API tokens and registered devices, and who an incoming request is."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Sign-in pages, the account commands and the session user loader."""
    from motcua.auth import session as _staff_sessions  # noqa: F401  (registers the user loader)
    from motcua.auth import views

    views.register(app)
