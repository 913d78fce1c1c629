"""Message texts for gateways that take plain GSM-7 SMS: Vietnamese folded to ASCII (Tiếng
Việt → Tieng Viet), at most one 160-character SMS."""
from __future__ import annotations

import unicodedata

SMS_LENGTH = 160

# đ/Đ are letters of their own, not d with a mark: NFD does not take them apart.
_LETTERS = str.maketrans({"đ": "d", "Đ": "D"})


def fold(text: str) -> str:
    """Without diacritics: each letter without its marks; anything else non-ASCII dropped."""
    decomposed = unicodedata.normalize("NFD", text.translate(_LETTERS))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.replace("—", "-").replace("–", "-").encode("ascii", "ignore").decode("ascii")


def sms_text(text: str) -> str:
    """One GSM-7 SMS: folded, shortened with "..." when longer than 160 characters."""
    folded = " ".join(fold(text).split())
    return folded if len(folded) <= SMS_LENGTH else folded[:SMS_LENGTH - 3].rstrip() + "..."
