"""Reading numbers aloud by the rules in shared/domain.md ("Reading numbers aloud").

Expected readings are written out by hand from those rules, not produced by the reader.
"""
from __future__ import annotations

import pytest

from motcua.display.numbers import (
    digit_words,
    english_number_words,
    english_ticket_words,
    number_words,
    read_number,
    read_ticket,
    split_ticket,
    ticket_words,
    vietnamese_vocabulary,
)

NORTHERN = {
    0: "không",
    1: "một",
    2: "hai",
    3: "ba",
    4: "bốn",
    5: "năm",
    6: "sáu",
    7: "bảy",
    8: "tám",
    9: "chín",
    10: "mười",
    11: "mười một",
    12: "mười hai",
    14: "mười bốn",
    15: "mười lăm",
    17: "mười bảy",
    19: "mười chín",
    20: "hai mươi",
    21: "hai mươi mốt",
    22: "hai mươi hai",
    24: "hai mươi tư",
    25: "hai mươi lăm",
    30: "ba mươi",
    31: "ba mươi mốt",
    34: "ba mươi tư",
    35: "ba mươi lăm",
    44: "bốn mươi tư",
    45: "bốn mươi lăm",
    50: "năm mươi",
    51: "năm mươi mốt",
    55: "năm mươi lăm",
    69: "sáu mươi chín",
    71: "bảy mươi mốt",
    88: "tám mươi tám",
    99: "chín mươi chín",
    100: "một trăm",
    101: "một trăm linh một",
    104: "một trăm linh bốn",
    105: "một trăm linh năm",
    110: "một trăm mười",
    111: "một trăm mười một",
    115: "một trăm mười lăm",
    120: "một trăm hai mươi",
    121: "một trăm hai mươi mốt",
    200: "hai trăm",
    205: "hai trăm linh năm",
    215: "hai trăm mười lăm",
    324: "ba trăm hai mươi tư",
    400: "bốn trăm",
    509: "năm trăm linh chín",
    555: "năm trăm năm mươi lăm",
    999: "chín trăm chín mươi chín",
    1000: "một nghìn",
    1001: "một nghìn không trăm linh một",
    1004: "một nghìn không trăm linh bốn",
    1005: "một nghìn không trăm linh năm",
    1010: "một nghìn không trăm mười",
    1015: "một nghìn không trăm mười lăm",
    1021: "một nghìn không trăm hai mươi mốt",
    1023: "một nghìn không trăm hai mươi ba",
    1050: "một nghìn không trăm năm mươi",
    1100: "một nghìn một trăm",
    1105: "một nghìn một trăm linh năm",
    1234: "một nghìn hai trăm ba mươi tư",
    1500: "một nghìn năm trăm",
    2001: "hai nghìn không trăm linh một",
    2020: "hai nghìn không trăm hai mươi",
    2025: "hai nghìn không trăm hai mươi lăm",
    4444: "bốn nghìn bốn trăm bốn mươi tư",
    5005: "năm nghìn không trăm linh năm",
    5555: "năm nghìn năm trăm năm mươi lăm",
    7041: "bảy nghìn không trăm bốn mươi mốt",
    9000: "chín nghìn",
    9999: "chín nghìn chín trăm chín mươi chín",
}

SOUTHERN = {
    5: "năm",
    105: "một trăm lẻ năm",
    1000: "một ngàn",
    1001: "một ngàn không trăm lẻ một",
    1023: "một ngàn không trăm hai mươi ba",
    2001: "hai ngàn không trăm lẻ một",
    3204: "ba ngàn hai trăm lẻ bốn",
    5015: "năm ngàn không trăm mười lăm",
    8024: "tám ngàn không trăm hai mươi tư",
    9999: "chín ngàn chín trăm chín mươi chín",
}

FOUR_AS_BON = {
    4: "bốn",
    14: "mười bốn",
    24: "hai mươi bốn",
    44: "bốn mươi bốn",
    104: "một trăm linh bốn",
    1234: "một nghìn hai trăm ba mươi bốn",
    4004: "bốn nghìn không trăm linh bốn",
}

BEYOND_9999 = {
    10_000: "mười nghìn",
    10_005: "mười nghìn không trăm linh năm",
    15_000: "mười lăm nghìn",
    21_021: "hai mươi mốt nghìn không trăm hai mươi mốt",
    100_000: "một trăm nghìn",
    105_300: "một trăm linh năm nghìn ba trăm",
    999_999: "chín trăm chín mươi chín nghìn chín trăm chín mươi chín",
}


def test_the_table_covers_at_least_sixty_numbers_across_0_to_9999() -> None:
    assert len(NORTHERN) >= 60
    assert min(NORTHERN) == 0 and max(NORTHERN) == 9999


@pytest.mark.parametrize(("n", "expected"), NORTHERN.items(), ids=str)
def test_reads_whole_numbers_by_the_northern_rules(n: int, expected: str) -> None:
    assert read_number(n) == expected


@pytest.mark.parametrize(("n", "expected"), SOUTHERN.items(), ids=str)
def test_reads_le_and_ngan_for_a_southern_hall(n: int, expected: str) -> None:
    assert read_number(n, south=True) == expected


@pytest.mark.parametrize(("n", "expected"), FOUR_AS_BON.items(), ids=str)
def test_reads_four_after_twenty_as_bon_when_tu_is_off(n: int, expected: str) -> None:
    assert read_number(n, four_as_tu=False) == expected


@pytest.mark.parametrize(("n", "expected"), BEYOND_9999.items(), ids=str)
def test_reads_numbers_past_9999_in_groups_of_thousands(n: int, expected: str) -> None:
    assert read_number(n) == expected


def test_reads_fifteen_as_muoi_lam() -> None:
    assert read_number(15) == "mười lăm"


def test_reads_1023_with_khong_tram_where_num2words_does_not() -> None:
    assert read_number(1023) == "một nghìn không trăm hai mươi ba"


def test_never_says_lam_after_linh() -> None:
    assert read_number(105) == "một trăm linh năm"
    assert read_number(105, south=True) == "một trăm lẻ năm"


def test_returns_one_token_per_word_for_the_clip_player() -> None:
    assert number_words(1023) == ["một", "nghìn", "không", "trăm", "hai", "mươi", "ba"]
    assert number_words(2001, south=True) == ["hai", "ngàn", "không", "trăm", "lẻ", "một"]


@pytest.mark.parametrize("n", [-1, 1_000_000])
def test_refuses_numbers_it_cannot_read(n: int) -> None:
    with pytest.raises(ValueError):
        number_words(n)


@pytest.mark.parametrize(("digits", "expected"), [
    ("1023", "một không hai ba"),
    ("0", "không"),
    ("0105", "không một không năm"),
    ("2001", "hai không không một"),
    ("45", "bốn năm"),
    ("9876543210", "chín tám bảy sáu năm bốn ba hai một không"),
], ids=str)
def test_reads_digit_by_digit_for_halls_that_want_it(digits: str, expected: str) -> None:
    assert " ".join(digit_words(digits)) == expected


def test_digit_by_digit_keeps_plain_digit_names_with_no_regional_words() -> None:
    assert read_ticket("1015", digits=True, south=True) == "một không một năm"


@pytest.mark.parametrize("bad", ["", "12a", "١٢", "1 2"])
def test_digit_reading_refuses_anything_but_digits(bad: str) -> None:
    with pytest.raises(ValueError):
        digit_words(bad)


@pytest.mark.parametrize(("display", "options", "expected"), [
    ("1023", {}, ["một", "nghìn", "không", "trăm", "hai", "mươi", "ba"]),
    ("A012", {}, ["A", "mười", "hai"]),
    ("A012", {"digits": True}, ["A", "không", "một", "hai"]),
    ("A000", {}, ["A", "không"]),
    ("b-105", {"south": True}, ["B", "một", "trăm", "lẻ", "năm"]),
    ("C024", {"four_as_tu": False}, ["C", "hai", "mươi", "bốn"]),
    ("AB7", {}, ["A", "B", "bảy"]),
    (" D 1001 ", {}, ["D", "một", "nghìn", "không", "trăm", "linh", "một"]),
], ids=str)
def test_reads_a_ticket_prefix_letter_by_letter_then_its_number(
        display: str, options: dict[str, bool], expected: list[str]) -> None:
    assert ticket_words(display, **options) == expected


def test_joins_ticket_words_into_text() -> None:
    assert read_ticket("A012") == "A mười hai"
    assert read_ticket("A012", digits=True) == "A không một hai"


@pytest.mark.parametrize("bad", ["", "A", "12B", "Ă12", "A-B12", "A12.5"])
def test_refuses_what_is_not_a_ticket_number(bad: str) -> None:
    with pytest.raises(ValueError):
        split_ticket(bad)


def test_vocabulary_holds_every_word_the_reader_produces() -> None:
    for south in (False, True):
        for four_as_tu in (False, True):
            vocabulary = set(vietnamese_vocabulary(south=south, four_as_tu=four_as_tu))
            for n in range(0, 100_000, 7):
                assert set(number_words(n, south=south, four_as_tu=four_as_tu)) <= vocabulary


def test_southern_vocabulary_has_no_northern_words() -> None:
    south = set(vietnamese_vocabulary(south=True, four_as_tu=False))
    assert {"lẻ", "ngàn"} <= south
    assert not {"linh", "nghìn", "tư"} & south


@pytest.mark.parametrize(("n", "expected"), [
    (0, "zero"),
    (5, "five"),
    (15, "fifteen"),
    (40, "forty"),
    (42, "forty two"),
    (105, "one hundred five"),
    (1000, "one thousand"),
    (1023, "one thousand twenty three"),
    (9999, "nine thousand nine hundred ninety nine"),
    (21_000, "twenty one thousand"),
], ids=str)
def test_reads_english_numbers_one_clip_per_word(n: int, expected: str) -> None:
    assert " ".join(english_number_words(n)) == expected


def test_reads_english_tickets_with_prefix_and_digits() -> None:
    assert english_ticket_words("A012") == ["A", "twelve"]
    assert english_ticket_words("A012", digits=True) == ["A", "zero", "one", "two"]
