"""The address printed and shown in a ticket's QR code, and the QR code itself.

Phones reach the server by the hall's network address, which the kiosk PC may not use
(it can run on `localhost`), so `PUBLIC_BASE_URL` wins over the request's host.
"""
from __future__ import annotations

from flask import current_app, url_for


def ticket_page_url(token: str) -> str:
    """The absolute URL of a ticket's phone page (needs an app and request context)."""
    base = current_app.config.get("PUBLIC_BASE_URL")
    if base:
        return str(base).rstrip("/") + url_for("kiosk.ticket_page", token=token)
    return url_for("kiosk.ticket_page", token=token, _external=True)


def qr_svg(data: str) -> str:
    """A QR code as one SVG path; it scales with CSS, so screens of any size draw it sharp."""
    # qrcode imports Pillow: both load with the first ticket page, not with the server.
    import qrcode
    import qrcode.image.svg

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2,
                         image_factory=qrcode.image.svg.SvgPathImage)
    code.add_data(data)
    code.make(fit=True)
    return code.make_image().to_string(encoding="unicode")
