"""The dossier finder for the kiosk's look-up screen ("Tra cứu").

The kiosk's scanner types the receipt's QR code, the URL of the dossier's status page;
a keyboard may type the code and the short secret separated by a space. Anything else is
not a dossier, and a dossier that is not found is reported by the kiosk as any other miss.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from motcua.dossier import readmodels, services, texts
from motcua.dossier.models import Delivery
from motcua.dossier.installation import installation
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
    return Found(kind="dossier", template="dossier/kiosk_found.html", context={
        "view": readmodels.public_view(dossier, context.clock),
        "statuses": texts.status_names(),
        "explained": texts.status_explained(dossier.delivery == Delivery.POST),
        "outcomes": texts.outcome_names(),
        "moment": lambda instant: texts.moment(instant, dossier.hall.time_zone),
    })
