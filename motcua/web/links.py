"""The one builder of public URLs: absolute addresses that a phone opens from a QR code, a slip
or a receipt.

Phones reach the server by the hall's network address, which the machine asking may not use (a
kiosk PC can run on `localhost`), so `PUBLIC_BASE_URL` wins over the request's host.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app, request, url_for


def public_base() -> str:
    """Where citizens reach this server: the configured public URL, else this request's host."""
    return str(current_app.config.get("PUBLIC_BASE_URL") or request.host_url).rstrip("/")


def public_url(endpoint: str, **values: Any) -> str:
    """The absolute public URL of a route (needs an app and a request context)."""
    return public_base() + url_for(endpoint, **values)


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
