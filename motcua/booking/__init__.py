"""Appointments (đặt lịch hẹn): a citizen books a slot of a sector on the phone, gets a code and
a QR code, and checks in at the kiosk with either (or the chip ID card) for a ticket flagged
as an appointment, which the calling policy serves at its slot.

`bands` and `slots` say what is offered, `counts` keeps the limits under concurrency,
`services` are the use cases, `readmodels` answer pages, the API and the reports.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the services and their tests need no Flask
    from flask import Flask


def register(app: Flask) -> None:
    """The public booking pages (/dat-lich), the kiosk's check-in, the API routes and the
    admin page of the settings and the report."""
    from motcua.api.openapi import describe
    from motcua.booking import api, views

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    describe(*api.openapi_description())
