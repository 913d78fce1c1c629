"""The installation's dossier settings for requests: agency code, ID-card key, due-soon and
waiting-online counts."""
from __future__ import annotations

import hashlib

from flask import current_app

from motcua.dossier import services
from motcua.dossier.services import Installation
from motcua.queue.models import Hall
from motcua.web import db, runtime

DEFAULT_AGENCY_CODE = "H21.65"


def installation() -> Installation:
    """The agency code and the ID-card key, from the installation's configuration."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return Installation(
        agency_code=str(current_app.config.get("AGENCY_CODE") or DEFAULT_AGENCY_CODE),
        id_card_key=hashlib.sha256(b"motcua id-card digests\0" + secret).digest(),
    )


def due_soon_count(hall: Hall) -> int:
    """For the console's link: how many dossiers of the hall are due within 24 hours."""
    return len(services.due_soon(db(), runtime().clock, hall))


def online_count(hall: Hall) -> int:
    """For the console's link: how many online dossiers of the hall wait for a counter."""
    return len(services.online_queue(db(), hall))
