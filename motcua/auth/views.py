"""Staff sign-in and sign-out: Flask-WTF forms (CSRF), Flask-Login sessions, Flask-Limiter.

Failed sign-ins are counted per username and address (`LOGIN_RATE_LIMIT`), so a neighbour's
typos behind the hall's shared address do not lock this officer out; per username from
every address (`LOGIN_USER_RATE_LIMIT`), so guesses cannot be spread over addresses; and per
address for every username (`LOGIN_ADDRESS_RATE_LIMIT`), so trying many names is slow too.
Past a limit the form answers 429 until the window passes. Successful sign-ins cost
nothing, so an officer who mistypes once is not locked out for the day.
"""
from __future__ import annotations

import functools
import math
import secrets
import time
from collections.abc import Callable

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter import RouteLimit
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from sqlalchemy import select
from werkzeug.exceptions import TooManyRequests
from werkzeug.security import check_password_hash
from werkzeug.wrappers import Response
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from motcua.auth.accounts import check_password, end_every_session, hash_password
from motcua.auth.session import SignedInStaff
from motcua.core.accounts import StaffUser
from motcua.extensions import limiter, login_manager
from motcua.web import db, ports
from motcua.web.links import safe_next

bp = Blueprint("auth", __name__)


HOME = "counter.home"  # where staff land after signing in


class SignInForm(FlaskForm):
    username = StringField(_l("Tên đăng nhập"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(), Length(max=200)])
    next = HiddenField()


def _username() -> str:
    return (request.form.get("username") or "").strip().lower()[:80]


def _sign_in_key() -> str:
    return f"sign-in:{_username()}:{request.remote_addr}"


def _username_key() -> str:
    return f"sign-in-user:{_username()}"


def _address_key() -> str:
    return f"sign-in-ip:{request.remote_addr}"


def _failed_sign_ins(config_key: str, key_func: Callable[[], str]) -> RouteLimit:
    """Count only the sign-ins that failed (401) against the configured limit."""
    return limiter.limit(lambda: str(current_app.config[config_key]), key_func=key_func,
                         methods=["POST"], deduct_when=lambda response: response.status_code == 401)


def _find_user(username: str) -> StaffUser | None:
    return db().scalar(select(StaffUser).where(StaffUser.username == username.strip().lower()))


@functools.cache
def _decoy_hash() -> str:
    return hash_password(secrets.token_urlsafe(12))


def _credentials_match(user: StaffUser | None, password: str) -> bool:
    """Unknown names cost a hash too, so timing does not tell which usernames exist."""
    if user is None:
        check_password_hash(_decoy_hash(), password)
        return False
    return user.active and check_password(user, password)


@bp.route("/sign-in", methods=["GET", "POST"])
@_failed_sign_ins("LOGIN_RATE_LIMIT", _sign_in_key)
@_failed_sign_ins("LOGIN_USER_RATE_LIMIT", _username_key)
@_failed_sign_ins("LOGIN_ADDRESS_RATE_LIMIT", _address_key)
def sign_in() -> Response | tuple[str, int] | str:
    form = SignInForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next"))
        if current_user.is_authenticated:
            return redirect(form.next.data or url_for(HOME))
        return render_template("auth/sign_in.html", form=form)
    if not form.validate_on_submit():
        return render_template("auth/sign_in.html", form=form), 400
    user = _find_user(form.username.data or "")
    matched = _credentials_match(user, form.password.data or "")
    if user is None or not matched:
        current_app.logger.warning("failed sign-in for %r from %s", form.username.data,
                                   request.remote_addr)
        return render_template("auth/sign_in.html", form=form,
                               error=_("Sai tên đăng nhập hoặc mật khẩu.")), 401
    session.clear()  # nothing from before the sign-in carries over
    session.permanent = True  # expires after PERMANENT_SESSION_LIFETIME without use
    login_user(SignedInStaff(user))
    current_app.logger.info("%s signed in from %s", user.username, request.remote_addr)
    return redirect(safe_next(form.next.data) or url_for(HOME))


@bp.post("/sign-out")
def sign_out() -> Response:
    """A POST (CSRFProtect checks its token), so another site cannot sign staff out.
    Every session of the person ends, not only this browser's: a copied cookie dies too."""
    if current_user.is_authenticated:
        end_every_session(ports(), user_id=current_user.user.id)
    logout_user()
    session.clear()
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("auth.sign_in"))


@bp.errorhandler(TooManyRequests)
def _throttled(_exc: TooManyRequests) -> tuple[str, int]:
    limit = limiter.current_limit
    seconds = max(1, int(limit.reset_at - time.time())) if limit else 60
    form = SignInForm()
    message = _("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau %(minutes)d phút.",
                minutes=math.ceil(seconds / 60))
    return render_template("auth/sign_in.html", form=form, error=message), 429


@bp.errorhandler(CSRFError)
def _stale_form(_exc: CSRFError) -> tuple[str, int]:
    form = SignInForm()
    return render_template("auth/sign_in.html", form=form,
                           error=_("Biểu mẫu đã hết hạn. Vui lòng thử lại.")), 400


def register(app: Flask) -> None:
    from motcua.auth.cli import COMMANDS

    app.register_blueprint(bp)
    for command in COMMANDS:
        app.cli.add_command(command)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = None  # the sign-in page says why it is shown (`next`)
