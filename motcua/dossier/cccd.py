"""The QR code printed on the chip ID card (căn cước công dân gắn chíp).

Its text is fields separated by `|`: the 12-digit number, the old 9-digit ID number (often
empty), full name, date of birth `ddmmyyyy`, sex, address, issue date `ddmmyyyy`; cards
issued since 2024 may append more fields, which are ignored. Parsing is strict: a code that
is truncated or malformed is refused as a whole, never half-read into a form. The raw text
is personal data: it is never logged, never kept, and appears in no error or repr.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from motcua.core.errors import N_, InvalidInput

SEPARATOR = "|"
FIELDS = 7
NUMBER = re.compile(r"\d{12}")
OLD_NUMBER = re.compile(r"\d{9}|\d{12}")
DAY = re.compile(r"(\d{2})(\d{2})(\d{4})")
SEXES = {"nam": "Nam", "nữ": "Nữ", "nu": "Nữ"}


class UnreadableCard(InvalidInput):
    code = "unreadable_id_card"


@dataclass(frozen=True)
class ChipCard:
    """What the card's QR code says; `repr` hides everything but the last digits."""

    number: str = field(repr=False)
    old_number: str | None = field(repr=False)
    full_name: str = field(repr=False)
    born: date = field(repr=False)
    sex: str = field(repr=False)
    address: str = field(repr=False)
    issued: date = field(repr=False)

    def __repr__(self) -> str:
        return f"ChipCard(number=…{self.number[-3:]})"


def looks_like_card(text: str) -> bool:
    """A scan that is meant as a chip card (so a failure to read it says so)."""
    head = text.strip().split(SEPARATOR, 1)[0]
    return SEPARATOR in text and NUMBER.fullmatch(head) is not None


def _day(text: str, what: str) -> date:
    found = DAY.fullmatch(text)
    if found is None:
        raise UnreadableCard(N_("Mã QR trên căn cước không đọc được: %(what)s sai dạng."),
                             what=what)
    day, month, year = (int(part) for part in found.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise UnreadableCard(N_("Mã QR trên căn cước không đọc được: %(what)s sai dạng."),
                             what=what) from None


def parse_chip_card(text: str) -> ChipCard:
    """The card's fields, or `UnreadableCard` saying which part is wrong (not its value)."""
    parts = [part.strip() for part in text.strip().split(SEPARATOR)]
    if len(parts) < FIELDS:
        raise UnreadableCard(N_("Mã QR trên căn cước không đủ thông tin; xin quét lại."))
    number, old_number, full_name, born, sex, address, issued = parts[:FIELDS]
    if NUMBER.fullmatch(number) is None:
        raise UnreadableCard(N_("Mã QR trên căn cước không đọc được: %(what)s sai dạng."),
                             what="số định danh")
    if old_number and OLD_NUMBER.fullmatch(old_number) is None:
        raise UnreadableCard(N_("Mã QR trên căn cước không đọc được: %(what)s sai dạng."),
                             what="số CMND cũ")
    if not full_name or any(ch.isdigit() for ch in full_name):
        raise UnreadableCard(N_("Mã QR trên căn cước không đọc được: %(what)s sai dạng."),
                             what="họ tên")
    normal_sex = SEXES.get(sex.casefold())
    if normal_sex is None:
        raise UnreadableCard(N_("Mã QR trên căn cước không đọc được: %(what)s sai dạng."),
                             what="giới tính")
    born_on, issued_on = _day(born, "ngày sinh"), _day(issued, "ngày cấp")
    if issued_on < born_on:
        raise UnreadableCard(N_("Mã QR trên căn cước không đọc được: %(what)s sai dạng."),
                             what="ngày cấp")
    return ChipCard(number=number, old_number=old_number or None, full_name=full_name,
                    born=born_on, sex=normal_sex, address=address, issued=issued_on)
