"""Flask extensions, created once and bound to the app in `create_app`."""
from __future__ import annotations

from flask import Flask, Response, current_app, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_socketio import SocketIO
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFProtect

socketio = SocketIO()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


def _ceiling() -> str:
    """Every route of one address counts here (static files and Socket.IO do not)."""
    return str(current_app.config["GLOBAL_RATE_LIMIT"])


limiter = Limiter(key_func=get_remote_address, default_limits=[], application_limits=[_ceiling])

# Pages load only the server's own files: no inline script or style, no eval, no framing, so an
# injected tag cannot run and another site cannot dress a kiosk or console up in a frame.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",  # data: for the empty icon (href="data:,") of kiosk and phone
    "media-src": "'self'",  # the board's voice clips
    "font-src": "'self'",
    "connect-src": "'self'",  # CSP 3: 'self' also admits ws:// and wss:// to the same host
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

# A PNG or JPEG opened on its own (the 80 mm receipt preview) is shown by the browser in a page
# it styles inline; such a picture can run nothing, so its policy allows only those styles.
IMAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
RASTER_IMAGES = ("image/png", "image/jpeg", "image/gif", "image/webp")


class _Talisman(Talisman):
    """Talisman with two exceptions: an answer that set its own Referrer-Policy keeps it (the
    phone page and the look-up result carry a secret in their URL: "no-referrer"), and raster
    images get IMAGE_POLICY."""

    def _set_response_headers(self, response: Response) -> Response:
        own_referrer_policy = response.headers.get("Referrer-Policy")
        response = super()._set_response_headers(response)
        if own_referrer_policy:
            response.headers["Referrer-Policy"] = own_referrer_policy
        if response.mimetype in RASTER_IMAGES:
            response.headers["Content-Security-Policy"] = IMAGE_POLICY
        return response


def add_security_headers(app: Flask) -> None:
    """Security headers on every answer (pages, JSON, static files).

    Halls serve plain HTTP on their LAN unless they set SESSION_COOKIE_SECURE: only then is
    HSTS sent (on HTTPS answers) and the cookie marked Secure. HTTP is never redirected here;
    a TLS proxy in front does that. One Talisman per app, as it keeps its options on itself.
    """
    https = bool(app.config["SESSION_COOKIE_SECURE"])
    app.extensions["talisman"] = _Talisman(
        app,
        force_https=False,
        strict_transport_security=https,
        strict_transport_security_include_subdomains=False,
        session_cookie_secure=https,
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="same-origin",
    )


LANGUAGES = ("vi", "en")


def select_locale() -> str:
    """Vietnamese unless the page asked for English (?lang=en, or the kiosk's cookie)."""
    wanted = request.args.get("lang") or request.cookies.get("lang")
    return wanted if wanted in LANGUAGES else "vi"
