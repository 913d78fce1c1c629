"""Read ticket and counter numbers aloud as words, for voice announcements.

Vietnamese is read by the rules in shared/domain.md ("Reading numbers aloud"). We do not use
`num2words`: its Vietnamese reader drops the spoken "không trăm" inside thousands (1023, 1004),
and has no switch for the regional words (linh/lẻ, nghìn/ngàn) or for tư/bốn, all of which
halls need. The rules are few, so they are written out here where they can be tested directly.

Every reader returns a list of word tokens (one token = one recorded clip in a clip pack) and
a `read_*` companion returns the same words joined into text.

Ticket display numbers may carry a letter prefix ("A012"). The letters are spelt one by one
and then the digits are read: as a whole number by default, so leading zeros are not spoken
("A012" -> "A mười hai"), or digit by digit, where every printed digit is spoken, zeros
included ("A012" -> "A không một hai"), because that is what the citizen sees on the slip.
"""
from __future__ import annotations

import re

DIGITS: tuple[str, ...] = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
MAX_WHOLE = 999_999

_TICKET = re.compile(r"([A-Za-z]*)[\s-]?(\d+)")


def _ones_after_tens(ones: int, *, four_as_tu: bool) -> list[str]:
    """The ones word after "<n> mươi" (n >= 2): 1 is mốt, 4 may be tư, 5 is lăm, 0 is silent."""
    if ones == 0:
        return []
    if ones == 1:
        return ["mốt"]
    if ones == 4 and four_as_tu:
        return ["tư"]
    if ones == 5:
        return ["lăm"]
    return [DIGITS[ones]]


def _group(n: int, *, hundreds_spoken: bool, south: bool, four_as_tu: bool) -> list[str]:
    """Words for 0 < n < 1000.

    `hundreds_spoken` is set when a higher group (nghìn) precedes: then a zero hundreds digit
    is said ("không trăm"), since Vietnamese keeps the place explicit inside thousands.
    """
    hundreds, tens, ones = n // 100, n // 10 % 10, n % 10
    words: list[str] = []
    if hundreds or hundreds_spoken:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if ones and words:
            # "linh"/"lẻ" marks the empty tens place; the digit after it keeps its plain
            # name (105 is "một trăm linh năm", never "linh lăm").
            words += ["lẻ" if south else "linh", DIGITS[ones]]
        elif ones:
            words.append(DIGITS[ones])
    elif tens == 1:
        words.append("mười")
        if ones:
            words.append("lăm" if ones == 5 else DIGITS[ones])
    else:
        words += [DIGITS[tens], "mươi"]
        words += _ones_after_tens(ones, four_as_tu=four_as_tu)
    return words


def number_words(n: int, *, south: bool = False, four_as_tu: bool = True) -> list[str]:
    """Vietnamese words for a whole number 0..999 999.

    `south` picks the southern words (lẻ, ngàn) over the northern ones (linh, nghìn);
    `four_as_tu` reads a ones digit 4 after twenty as "tư" rather than "bốn".
    """
    if not 0 <= n <= MAX_WHOLE:
        raise ValueError(f"{n} is outside 0..{MAX_WHOLE}")
    if n == 0:
        return [DIGITS[0]]
    thousands, rest = divmod(n, 1000)
    words: list[str] = []
    if thousands:
        words += _group(thousands, hundreds_spoken=False, south=south, four_as_tu=four_as_tu)
        words.append("ngàn" if south else "nghìn")
    if rest:
        words += _group(rest, hundreds_spoken=bool(thousands), south=south, four_as_tu=four_as_tu)
    return words


def read_number(n: int, *, south: bool = False, four_as_tu: bool = True) -> str:
    """`number_words` joined into text: 1023 -> "một nghìn không trăm hai mươi ba"."""
    return " ".join(number_words(n, south=south, four_as_tu=four_as_tu))


def digit_words(digits: str) -> list[str]:
    """Each digit by its own name, for halls that read digit by digit ("một không hai ba")."""
    if not digits.isascii() or not digits.isdigit():
        raise ValueError(f"not a string of digits: {digits!r}")
    return [DIGITS[int(d)] for d in digits]


def split_ticket(display: str) -> tuple[str, str]:
    """Split a ticket display number into (upper-case prefix, digits): "a-012" -> ("A", "012")."""
    match = _TICKET.fullmatch(display.strip())
    if match is None:
        raise ValueError(f"not a ticket number: {display!r}")
    return match.group(1).upper(), match.group(2)


def ticket_words(display: str, *, digits: bool = False, south: bool = False,
                 four_as_tu: bool = True) -> list[str]:
    """Vietnamese words for a ticket display number: its prefix letters, then its number.

    Letters stay as upper-case tokens ("A"); the clip pack holds their spoken names.
    """
    prefix, number = split_ticket(display)
    spoken = digit_words(number) if digits else number_words(
        int(number), south=south, four_as_tu=four_as_tu)
    return list(prefix) + spoken


def read_ticket(display: str, *, digits: bool = False, south: bool = False,
                four_as_tu: bool = True) -> str:
    """`ticket_words` joined into text: "A012" -> "A mười hai"."""
    return " ".join(ticket_words(display, digits=digits, south=south, four_as_tu=four_as_tu))


def vietnamese_vocabulary(*, south: bool, four_as_tu: bool) -> tuple[str, ...]:
    """Every word the Vietnamese readers can produce with these settings (clips a pack needs)."""
    words = list(DIGITS) + ["mười", "mươi", "mốt", "lăm", "trăm"]
    if four_as_tu:
        words.append("tư")
    words += ["lẻ", "ngàn"] if south else ["linh", "nghìn"]
    return tuple(words)


EN_ONES: tuple[str, ...] = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen")
EN_TENS: tuple[str, ...] = (
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
ENGLISH_VOCABULARY: tuple[str, ...] = EN_ONES + EN_TENS[2:] + ("hundred", "thousand")


def _english_group(n: int) -> list[str]:
    """English words for 0 < n < 1000, American style (no "and"), so each word is one clip."""
    hundreds, rest = divmod(n, 100)
    words = [EN_ONES[hundreds], "hundred"] if hundreds else []
    if 0 < rest < 20:
        words.append(EN_ONES[rest])
    elif rest:
        words.append(EN_TENS[rest // 10])
        if rest % 10:
            words.append(EN_ONES[rest % 10])
    return words


def english_number_words(n: int) -> list[str]:
    """English words for 0..999 999: 1023 -> one thousand twenty three."""
    if not 0 <= n <= MAX_WHOLE:
        raise ValueError(f"{n} is outside 0..{MAX_WHOLE}")
    if n == 0:
        return [EN_ONES[0]]
    thousands, rest = divmod(n, 1000)
    words = (_english_group(thousands) + ["thousand"]) if thousands else []
    return words + (_english_group(rest) if rest else [])


def english_ticket_words(display: str, *, digits: bool = False) -> list[str]:
    """English words for a ticket display number, prefix letters first (as upper-case tokens)."""
    prefix, number = split_ticket(display)
    spoken = [EN_ONES[int(d)] for d in number] if digits else english_number_words(int(number))
    return list(prefix) + spoken
