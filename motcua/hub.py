"""The front door (`/`): every hall and the screens that belong to it, for whoever sets them up."""
from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select

from motcua.queue.models import Hall
from motcua.web import db

bp = Blueprint("hub", __name__)


@bp.get("/")
def index() -> str:
    halls = db().scalars(select(Hall).order_by(Hall.name)).all()
    return render_template("hub.html", halls=halls)
