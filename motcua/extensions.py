"""Flask extensions, created once and bound to the app in `create_app`."""
from __future__ import annotations

from flask import current_app, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_socketio import SocketIO
from flask_wtf.csrf import CSRFProtect

socketio = SocketIO()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()

def _ceiling() -> str:
    """Every route of one address counts here (static files and Socket.IO do not)."""
    return str(current_app.config["GLOBAL_RATE_LIMIT"])


limiter = Limiter(key_func=get_remote_address, default_limits=[], application_limits=[_ceiling])

LANGUAGES = ("vi", "en")


def select_locale() -> str:
    """Vietnamese unless the page asked for English (?lang=en, or the kiosk's cookie)."""
    wanted = request.args.get("lang") or request.cookies.get("lang")
    return wanted if wanted in LANGUAGES else "vi"
