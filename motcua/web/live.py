"""The event names for the pages' scripts, generated from `EventName`.

`/live/events.js` is a classic script loaded before a live page's own scripts (classic or
module alike), defining the frozen `EVENTS` object: `EVENTS.TICKET_CALLED === "ticket_called"`.
The scripts name events only through it, so Python and JavaScript cannot drift apart
(tests/test_event_names_in_scripts.py checks every script).
"""
from __future__ import annotations

import hashlib
import json

from flask import Blueprint, request
from werkzeug.wrappers import Response

from motcua.core.events import EventName
from motcua.extensions import limiter

bp = Blueprint("live", __name__)

NAMES = json.dumps({e.name: e.value for e in EventName}, indent=2)
EVENTS_SCRIPT = (
    "/* Generated from motcua.core.events.EventName: every event a page can hear. */\n"
    '"use strict";\n'
    f"window.EVENTS = Object.freeze({NAMES});\n"
)


@bp.get("/live/events.js")
@limiter.exempt  # like the static files it stands beside
def events() -> Response:
    response = Response(EVENTS_SCRIPT, mimetype="text/javascript")
    response.set_etag(hashlib.sha256(EVENTS_SCRIPT.encode()).hexdigest()[:16])
    return response.make_conditional(request)
