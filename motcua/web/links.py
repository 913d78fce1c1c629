"""The one builder of public URLs: absolute addresses that a phone opens from a QR code, a slip
or a receipt, and the set-up links opened once on a hall's devices.

Phones reach the server by the hall's network address, which the machine asking may not use (a
kiosk PC can run on `localhost`), so `PUBLIC_BASE_URL` wins over the request's host. A command
run on the server has no request: its links name this machine on $PORT (where `./dev demo`
serves), so they open as printed.
"""
from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request, url_for


def public_base() -> str:
    """Where citizens reach this server: the configured public URL, else this request's host
    (else, in a command, this machine)."""
    configured = current_app.config.get("PUBLIC_BASE_URL")
    if configured:
        return str(configured).rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    return f"http://localhost:{os.environ.get('PORT') or 5000}"


def public_url(endpoint: str, **values: Any) -> str:
    """The absolute public URL of a route (in a request, or in a command with an app)."""
    base = public_base()
    if has_request_context():
        return base + url_for(endpoint, **values)
    with current_app.test_request_context():  # routes build paths only inside a request
        return base + url_for(endpoint, **values)


def without_scheme(url: str) -> str:
    """An address as people type it from paper: host and path, no `http://`."""
    parts = urlsplit(url)
    return parts.netloc + parts.path


def ticket_page_url(token: str) -> str:
    """A ticket's phone page, as its QR code carries it."""
    return public_url("kiosk.ticket_page", token=token)


def dossier_lookup_url(qr_secret: str) -> str:
    """A dossier's status page, as its receipt's QR code carries it."""
    return public_url("lookup.lookup_by_qr", secret=qr_secret)


def dossier_lookup_page() -> str:
    """Where a receipt's holder types the dossier code and the short secret, as printed."""
    return without_scheme(public_url("lookup.lookup_form"))


def procedure_page_url(hall_code: str, procedure_code: str) -> str:
    """A procedure's page of what to bring, as the kiosk's QR code and the checklist carry it."""
    return public_url("procedures.procedure_page", hall=hall_code, code=procedure_code)


def online_registration_url(hall_code: str) -> str:
    """Where citizens register a dossier online before coming to the hall."""
    return public_url("online.form", hall_code=hall_code)


def kiosk_setup_url(hall_code: str, token: str) -> str:
    """Opened once on a kiosk PC: registers that browser as the kiosk of the token."""
    return public_url("kiosk.setup", hall=hall_code, token=token)


def tablet_setup_url(hall_code: str, counter_number: int, token: str) -> str:
    """Opened once on a rating tablet: registers that browser as the counter's tablet."""
    return public_url("rating.setup", hall_code=hall_code, number=counter_number, token=token)


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: a crafted link cannot send a signed-in officer elsewhere."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


def booking_page_url(secret: str) -> str:
    """A booking's page (to show at the kiosk, cancel or move), as its QR code carries it."""
    return public_url("booking.view", secret=secret)


def booking_form_url(hall_code: str) -> str:
    """Where citizens book an appointment in a hall."""
    return public_url("booking.start", hall=hall_code)
