"""Who may see a dossier's status: whoever holds its receipt.

The dossier code is printed on papers and said aloud at the counter, so it is not a
secret. The receipt carries two: a long random one inside the QR code's URL, and a short
one printed for typing next to the code (six characters of an alphabet without look-alikes,
8.6 × 10⁷ values; look-ups are rate-limited). The ID-card number also opens a look-up with
the code, as halls used to ask for it; it is kept only as an HMAC under the installation's
secret key, so a copy of the database does not list citizens' ID numbers (changing the
key only stops this way of looking up; the printed secret keeps working).
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata

# Nothing that reads like something else: no 0 O Q D, 1 I L, 2 Z, 5 S, 6 G, 8 B.
SHORT_ALPHABET = "ACEFHJKMNPRTUVWXY3479"
SHORT_LENGTH = 6
QR_SECRET = re.compile(r"[A-Za-z0-9_-]{20,40}")
ID_CARD = re.compile(r"\d{9}|\d{12}")  # CMND (9 digits) or CCCD (12 digits)


def new_qr_secret() -> str:
    return secrets.token_urlsafe(18)  # 24 characters, 144 bits


def new_short_secret() -> str:
    return "".join(secrets.choice(SHORT_ALPHABET) for _ in range(SHORT_LENGTH))


def normalise_short_secret(typed: str) -> str:
    """What a person typed, as printed: upper case, no spaces or dashes."""
    return re.sub(r"[\s.-]", "", typed).upper()


def normalise_code(typed: str) -> str:
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", typed)).upper()


def normalise_id_card(typed: str) -> str | None:
    digits = re.sub(r"[\s.-]", "", typed)
    return digits if ID_CARD.fullmatch(digits) else None


def id_card_digest(number: str, key: bytes) -> str:
    return hmac.new(key, b"id-card:" + number.encode(), hashlib.sha256).hexdigest()


def same(given: str, kept: str) -> bool:
    """Constant-time comparison, so timing does not tell how much of a secret was right."""
    return hmac.compare_digest(given.encode(), kept.encode())


def masked_name(full_name: str) -> str:
    """The family name and initials: "Nguyễn Văn Minh" → "Nguyễn V. M."; one word → "N."."""
    words = unicodedata.normalize("NFC", full_name).split()
    if not words:
        return ""
    if len(words) == 1:
        return f"{words[0][0].upper()}."
    return " ".join([words[0], *(f"{w[0].upper()}." for w in words[1:])])
