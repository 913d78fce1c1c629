"""Message texts for gateways that take plain GSM-7 SMS: Vietnamese folded to ASCII (Tiếng
Việt → Tieng Viet), at most one 160-character SMS."""
from __future__ import annotations

import re
import unicodedata

SMS_LENGTH = 160
_LINK_AT_END = re.compile(r"\s(https?://\S+)$")

# đ/Đ are letters of their own, not d with a mark: NFD does not take them apart.
_LETTERS = str.maketrans({"đ": "d", "Đ": "D"})


def fold(text: str) -> str:
    """Without diacritics: each letter without its marks; anything else non-ASCII dropped."""
    decomposed = unicodedata.normalize("NFD", text.translate(_LETTERS))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.replace("—", "-").replace("–", "-").encode("ascii", "ignore").decode("ascii")


def _shortened(text: str, length: int) -> str:
    return text if len(text) <= length else text[:length - 3].rstrip() + "..."


def sms_text(text: str) -> str:
    """One GSM-7 SMS: folded, shortened with "..." when longer than 160 characters. A link at
    the end (a dossier's status page) is kept whole, the words before it shortened instead:
    a cut link opens nothing."""
    folded = " ".join(fold(text).split())
    link = _LINK_AT_END.search(folded)
    if len(folded) <= SMS_LENGTH or link is None or len(link.group(1)) > SMS_LENGTH // 2:
        return _shortened(folded, SMS_LENGTH)
    return _shortened(folded[:link.start()], SMS_LENGTH - len(link.group(1)) - 1) + " " + link.group(1)
