"""How a kiosk browser proves it is a registered kiosk of its hall.

An admin registers the kiosk (`motcua kiosk add HALL NAME` prints a token) and opens
`/kiosk/HALL/setup?token=…` once on the kiosk PC. The server checks the token, keeps it in
a signed, HttpOnly, SameSite=Strict cookie scoped to `/kiosk/`, and redirects to the clean
kiosk URL (so the token leaves the address bar and history). Every kiosk page load checks
the cookie again against the devices table, so deactivating the device locks the screen.

The kiosk page hands the token to its own script, which sends it as the bearer of the
ticket API and of the `/kiosk` Socket.IO connection: browsers never send a bearer header
by themselves, so no other site can issue tickets through the kiosk's browser, and the
page that carries the token is served `no-store` only to a browser holding the cookie.
"""
from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from motcua.core.accounts import Device
from motcua.core.actors import DeviceKind
from motcua.core.identity import device_for_token
from motcua.queue.models import Hall

COOKIE = "motcua_kiosk"
COOKIE_PATH = "/kiosk/"
# Chromium caps cookie lifetimes at 400 days; each page load renews the cookie.
COOKIE_MAX_AGE = 400 * 24 * 3600


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="motcua.kiosk.device")


def kiosk_device(session: Session, hall: Hall, token: str | None) -> Device | None:
    """The active kiosk of `hall` that `token` belongs to, if any."""
    if not token:
        return None
    device = device_for_token(session, token)
    if device is None or device.kind != DeviceKind.KIOSK or device.hall_id != hall.id:
        return None
    return device


def token_from_cookie(raw: str | None) -> str | None:
    if not raw:
        return None
    try:
        token = _serializer().loads(raw)
    except BadSignature:
        return None
    return token if isinstance(token, str) else None


def remember(response: Response, token: str) -> Response:
    """Store (or renew) the kiosk's token in its cookie."""
    response.set_cookie(
        COOKIE,
        _serializer().dumps(token),
        max_age=COOKIE_MAX_AGE,
        path=COOKIE_PATH,
        httponly=True,
        samesite="Strict",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
    )
    return response
