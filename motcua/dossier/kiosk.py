"""The dossier finders for the kiosk's look-up screen ("Tra cứu").

The kiosk's scanner types the receipt's QR code, the URL of the dossier's status page;
a keyboard may type the code and the short secret separated by a space. Anything else is
not a dossier, and a dossier that is not found is reported by the kiosk as any other miss.
The scanner may also read the QR code of the citizen's chip ID card: that finds their latest
dossiers; a card code that cannot be read is refused (`UnreadableCard`) with a message that
says what to do, and the code itself is neither logged nor kept.
"""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from motcua.core.clock import Clock
from motcua.dossier import readmodels, services, texts
from motcua.dossier.cccd import looks_like_card, parse_chip_card
from motcua.dossier.installation import installation
from motcua.dossier.models import Delivery, Dossier
from motcua.kiosk.lookup import Found, LookupContext

QR_PATH = re.compile(r"/tra-cuu/([A-Za-z0-9_-]{20,40})/?")
CODE_AND_SECRET = re.compile(r"(\S+-\d{6}-\d{4,})\s+(\S+)")


def find_dossier(context: LookupContext, value: str) -> Found | None:
    dossier = None
    by_qr = QR_PATH.fullmatch(urlsplit(value).path) if "/tra-cuu/" in value else None
    if by_qr is not None:
        dossier = services.find_by_qr(context.session, by_qr[1])
    else:
        typed = CODE_AND_SECRET.fullmatch(value)
        if typed is not None:
            dossier = services.find_by_code(context.session, typed[1], typed[2],
                                            installation().id_card_key)
    if dossier is None:
        return None
    return Found(kind="dossier", template="dossier/kiosk_found.html",
                 context={**_shown(dossier, context.clock), "statuses": texts.status_names(),
                          "outcomes": texts.outcome_names()})


def find_by_chip_card(context: LookupContext, value: str) -> Found | None:
    """The dossiers filed with the number on a scanned chip ID card (or its old ID number)."""
    if not looks_like_card(value):
        return None
    card = parse_chip_card(value)
    numbers = [card.number, *([card.old_number] if card.old_number else [])]
    dossiers = services.find_by_id_card(context.session, numbers, installation().id_card_key)
    return Found(kind="id_card", template="dossier/kiosk_found_card.html", context={
        "found": [_shown(dossier, context.clock) for dossier in dossiers],
        "statuses": texts.status_names(), "outcomes": texts.outcome_names(),
    })


def _shown(dossier: Dossier, clock: Clock) -> dict[str, Any]:
    """One dossier as the status card shows it."""
    return {
        "view": readmodels.public_view(dossier, clock),
        "explained": texts.status_explained(dossier.delivery == Delivery.POST, dossier.submitted_online),
        "moment": lambda instant: texts.moment(instant, dossier.hall.time_zone),
    }
