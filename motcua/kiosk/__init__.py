"""The ticket kiosk (máy lấy số), a ticket's phone page, and look-ups at the kiosk (issue 4).

Pages: `/kiosk/<hall>` (the touchscreen; set up once per kiosk PC with
`/kiosk/<hall>/setup?token=…`, see `registration`), `/t/<token>` (the page behind the
ticket's QR code) and its QR code `/t/<token>/qr.svg`. Socket.IO: `/kiosk` and `/ticket`.
"""
from __future__ import annotations

from flask import Flask

# Where a component that sends messages (motcua.notify) puts its answer to "does this hall
# take a citizen's phone number?", `(session, hall) -> bool`: the kiosk and the phone page
# then offer the step. The kiosk does not import that component (it imports the kiosk).
PHONE_STEP = "motcua.kiosk.phone_step"
# And its answer to "which phone did this ticket's citizen give?", `(session, ticket_id) ->
# str | None`, masked but for its last digits: the phone page says where messages will go.
PHONE_GIVEN = "motcua.kiosk.phone_given"


def register(app: Flask) -> None:
    """Add the kiosk pages, the `/kiosk` and `/ticket` namespaces and the ticket look-up."""
    from motcua.extensions import socketio
    from motcua.kiosk.lookup import find_ticket, lookups
    from motcua.kiosk.sockets import namespaces
    from motcua.kiosk.views import bp

    app.register_blueprint(bp)
    for namespace in namespaces():
        socketio.on_namespace(namespace)
    lookups.register("ticket", find_ticket)
