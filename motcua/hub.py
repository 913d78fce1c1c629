"""The front door (`/`): every hall and the screens that belong to it, for whoever sets them up."""
from __future__ import annotations

from flask import Blueprint, Response, make_response, render_template
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from motcua.queue.models import Hall
from motcua.web import db

bp = Blueprint("hub", __name__)


@bp.get("/")
def index() -> str:
    halls = db().scalars(select(Hall).order_by(Hall.name)).all()
    return render_template("hub.html", halls=halls)


def error_page(exc: HTTPException) -> Response | HTTPException:
    """A wrong address, method or request outside the API, for people: what happened and the
    way back to the front door. Other statuses keep Werkzeug's answer."""
    titles = {400: _("Yêu cầu không hợp lệ"), 404: _("Không tìm thấy trang"),
              405: _("Không thể làm việc này ở địa chỉ này")}
    status = exc.code or 500
    if status not in titles:
        return exc
    hint = _("Địa chỉ có thể đã gõ sai hoặc đã cũ. Xin kiểm tra lại, hoặc quay về trang đầu.")
    page = make_response(render_template("error.html", title=titles[status], hint=hint), status)
    for name, value in exc.get_headers():  # e.g. a 405's Allow
        if name.lower() != "content-type":
            page.headers[name] = value
    return page
