"""The chip ID card's QR code: read strictly, never echoed."""
from __future__ import annotations

from datetime import date

import pytest

from motcua.dossier.cccd import UnreadableCard, looks_like_card, parse_chip_card

CARD = "079203001234|271234567|Nguyễn Thị Mai|05031990|Nữ|12 Lê Lợi, Phường 1, Quận 3, TP. Hồ Chí Minh|15062021"


def test_a_chip_card_code_gives_its_seven_fields():
    card = parse_chip_card(CARD)
    assert card.number == "079203001234"
    assert card.old_number == "271234567"
    assert card.full_name == "Nguyễn Thị Mai"
    assert card.born == date(1990, 3, 5)
    assert card.sex == "Nữ"
    assert card.address.startswith("12 Lê Lợi")
    assert card.issued == date(2021, 6, 15)


def test_an_empty_old_number_and_newer_extra_fields_are_accepted():
    card = parse_chip_card("079203001234||Trần Văn Bình|31121985|nam|Xã A|01022022|Trần Văn C|Lê Thị D")
    assert card.old_number is None
    assert card.sex == "Nam"
    assert card.full_name == "Trần Văn Bình"


@pytest.mark.parametrize("code", [
    "079203001234|271234567|Nguyễn Thị Mai|05031990|Nữ|12 Lê Lợi",  # truncated
    "",
    "07920300123|271234567|Nguyễn Thị Mai|05031990|Nữ|Hà Nội|15062021",  # 11 digits
    "079203001234|27123|Nguyễn Thị Mai|05031990|Nữ|Hà Nội|15062021",  # old number
    "079203001234||Nguyễn Thị Mai|31021990|Nữ|Hà Nội|15062021",  # 31 February
    "079203001234||Nguyễn Thị Mai|1990-03-05|Nữ|Hà Nội|15062021",
    "079203001234|||05031990|Nữ|Hà Nội|15062021",  # no name
    "079203001234||Nguyễn Thị Mai|05031990|X|Hà Nội|15062021",
    "079203001234||Nguyễn Thị Mai|05031990|Nữ|Hà Nội|15062019x",
    "079203001234||Nguyễn Thị Mai|05031990|Nữ|Hà Nội|15061980",  # issued before birth
])
def test_a_malformed_or_truncated_code_is_refused_whole(code):
    with pytest.raises(UnreadableCard):
        parse_chip_card(code)


def test_neither_the_error_nor_the_card_repeats_the_personal_data():
    with pytest.raises(UnreadableCard) as refused:
        parse_chip_card(CARD.replace("05031990", "05139990"))
    assert "Nguyễn" not in str(refused.value) and "079203001234" not in str(refused.value)
    assert "Mai" not in repr(parse_chip_card(CARD)) and "079203001" not in repr(parse_chip_card(CARD))


def test_a_scan_is_taken_for_a_card_only_when_it_starts_with_a_card_number():
    assert looks_like_card(CARD)
    assert not looks_like_card("HS-000.00.01.H42-261204-0001")
    assert not looks_like_card("https://hall.example/t/abc")
