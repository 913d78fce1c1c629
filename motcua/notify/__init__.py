"""Notifications that reach the citizen: an outbox written with its cause, a worker that
delivers it, and the channels (webhook, SMS gateway, Zalo ZNS, e-mail, a fake SMS for demos).

- `models`: the outbox (`Notification`), the phone a citizen gave for a ticket, a hall's channel;
- `outbox`: `Notifier`, the unit of work's reaction that writes the rows, and the opt-in;
- `delivery`: one pass of the worker (`motcua notify once`; `run` repeats it);
- `channels`, `phones`, `text`: the ways out, Vietnamese mobile numbers, GSM-7 texts;
- `settings`: a hall's channel (audited) and its outbox for the /admin page;
- `views`: the kiosk's and the phone page's opt-in.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def register(app: Flask) -> None:
    """Called by `create_app`: the reaction goes into the runtime's ports (every request's
    use cases then write their notifications), the opt-in routes and `motcua notify`."""
    from motcua.api.openapi import describe
    from motcua.kiosk import PHONE_GIVEN, PHONE_STEP
    from motcua.notify.cli import notify_group
    from motcua.notify.outbox import Notifier, phone_given, sends_notifications
    from motcua.notify.views import bp, openapi_description
    from motcua.web.links import dossier_lookup_url

    rt = app.extensions["motcua"]
    rt.reactions = (*rt.reactions, Notifier(dossier_link=dossier_lookup_url))
    app.extensions[PHONE_STEP] = sends_notifications
    app.extensions[PHONE_GIVEN] = phone_given
    app.register_blueprint(bp)
    describe(*openapi_description())
    app.cli.add_command(notify_group)
