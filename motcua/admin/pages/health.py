"""`/health`: for monitoring, no sign-in."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from werkzeug.wrappers import Response

from motcua.admin import ops
from motcua.api.access import is_staff
from motcua.web import current_actor, db

health_bp = Blueprint("health", __name__)


@health_bp.get("/health")
def health() -> tuple[Response, int]:
    """The database, the message queue and every printer's last job, as JSON; 503 when the
    database does not answer (a printer out of paper is "degraded", still 200). Details for
    hall staff only; monitoring without sign-in reads the states."""
    found = ops.health(db(), current_app.config.get("REDIS_URL"),
                       float(current_app.config["REDIS_TIMEOUT_SECONDS"]))
    answer = found if is_staff(current_actor()) else ops.public_health(found)
    return jsonify(answer), 503 if found["status"] == "down" else 200
