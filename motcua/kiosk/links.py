"""The QR code of a ticket's phone page (its address comes from `motcua.web.links`)."""
from __future__ import annotations


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
