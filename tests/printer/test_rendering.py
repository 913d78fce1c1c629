"""Drawing tickets: the raster a printer gets, checked against the rendering rules."""
from __future__ import annotations

import dataclasses
import unicodedata

import pytest
from PIL import Image

from motcua.printer.device.document import (
    Align,
    Cut,
    Document,
    QRCode,
    Row,
    Rule,
    Space,
    Text,
    Weight,
    ticket_document,
)
from motcua.printer.device.render import face, preview, wrap
from motcua.printer.device.samples import SAMPLE_NAMES, sample_slip


def ink_columns(image: Image.Image) -> list[int]:
    """Indexes of the columns holding at least one black dot."""
    width, height = image.size
    pixels = image.load()
    return [x for x in range(width) if any(pixels[x, y] == 0 for y in range(height))]


def ink_rows(image: Image.Image) -> list[int]:
    width, height = image.size
    pixels = image.load()
    return [y for y in range(height) if any(pixels[x, y] == 0 for x in range(width))]


def text_height(text: Text, width: int = 576) -> int:
    return preview(Document((text,), width=width)).height


@pytest.mark.parametrize("paper_mm, dots", [(80, 576), (58, 384)])
@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_every_sample_ticket_is_exactly_the_paper_width_with_blank_margins(name, paper_mm, dots):
    doc = ticket_document(sample_slip(name, paper_mm))
    image = preview(doc)
    assert image.mode == "1"
    assert image.width == dots
    columns = ink_columns(image)
    assert columns, "the ticket has ink"
    # Nothing reaches the outer margin: nothing was pushed past the paper's edge and cut off.
    assert min(columns) >= doc.margin
    assert max(columns) < dots - doc.margin


def test_the_long_sector_name_wraps_onto_more_lines_instead_of_running_off_the_paper():
    sector = sample_slip("long").sector_name
    block = Text(sector, 38, Weight.SEMIBOLD, Align.CENTER)
    one_line = face(Weight.SEMIBOLD, 38).line_height
    assert text_height(block) >= 3 * one_line
    assert text_height(Text("Đất đai", 38, Weight.SEMIBOLD, Align.CENTER)) == one_line


def test_a_word_longer_than_the_paper_is_broken_between_letters():
    word = "Chứngthựcbảnsaotừbảnchính" * 3
    lines = wrap(word, face(Weight.REGULAR, 30), 552)
    assert len(lines) > 1 and "".join(lines) == word
    image = preview(Document((Text(word, 30),)))
    assert max(ink_columns(image)) < 576 - 12


def test_the_ticket_number_shrinks_to_one_line_rather_than_wrapping():
    number = Text("B012345", 200, Weight.EXTRABOLD, Align.CENTER, fit=True)
    image = preview(Document((number,), width=384, margin=8))
    assert max(ink_columns(image)) < 384 - 8
    assert image.height < 200, "one line, not two"


def test_the_number_is_the_tallest_thing_on_the_ticket():
    doc = ticket_document(sample_slip("normal"))
    number = next(b for b in doc.blocks if isinstance(b, Text) and b.fit)
    image = preview(Document((number,)))
    rows = ink_rows(image)
    assert rows[-1] - rows[0] >= 120, "at least 15 mm tall on 80 mm paper"


def test_decomposed_text_is_drawn_like_precomposed_text():
    composed = "Người có công"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    drawn = preview(Document((Text(decomposed, 28),)))
    assert drawn.tobytes() == preview(Document((Text(composed, 28),))).tobytes()


def test_a_priority_mark_is_printed_white_on_a_black_band():
    image = preview(Document((Text("ƯU TIÊN: Người cao tuổi", 28, Weight.BOLD, inverted=True),)))
    black = image.histogram()[0]
    assert black > image.width * image.height // 2


def test_rows_put_the_value_on_the_right_and_stack_when_too_long():
    short = preview(Document((Row("Mã hồ sơ", "H21.65-220914-0011"),)))
    assert max(ink_columns(short)) >= 576 - 12 - 3
    long = preview(Document((Row("Thủ tục " * 8, "Cấp giấy chứng nhận quyền sử dụng đất " * 2),)))
    assert long.height > 2 * short.height


def test_rules_spaces_and_a_qr_code_take_their_height():
    doc = Document((Rule(3), Space(40), QRCode("https://example.test/t/abc", module=4)))
    image = preview(doc)
    rows = ink_rows(image)
    assert rows[:3] == [0, 1, 2]
    quiet = 3 * 4  # the QR code's white border
    assert rows[3] == 3 + 40 + quiet
    assert image.height == rows[-1] + 1 + quiet


def test_a_cut_between_two_slips_shows_as_a_gap_in_the_preview():
    one = preview(Document((Text("Bản 1"), Cut())))
    two = preview(Document((Text("Bản 1"), Cut(), Text("Bản 2"), Cut())))
    assert two.height > 2 * one.height


def test_58_mm_tickets_keep_text_readable():
    slip = dataclasses.replace(sample_slip("normal"), paper_mm=58)
    small = min(b.size for b in ticket_document(slip).blocks if isinstance(b, Text))
    assert small >= 17, "about 2 mm: smaller is too small for elderly eyes"


def test_a_document_without_room_between_its_margins_is_refused():
    with pytest.raises(ValueError):
        Document((Text("x"),), width=120, margin=20)


def test_a_missing_font_is_one_clear_error_saying_how_to_get_it(monkeypatch):
    from motcua.printer.device import render
    from motcua.printer.device.errors import PrinterError

    def forget() -> None:
        for cached in (render.face, render.line, render.wrapped):
            cached.cache_clear()

    monkeypatch.setitem(render._FONT_FILES, Weight.REGULAR, "BeVietnamPro_Missing.ttf")
    forget()
    try:
        with pytest.raises(PrinterError, match=r"BeVietnamPro_Missing.ttf is missing .*run ./dev setup"):
            preview(Document((Text("Đất đai"),)))
    finally:
        forget()


def test_a_ticket_with_nobody_ahead_promises_no_wait():
    texts = [b.text for b in ticket_document(sample_slip("elderly")).blocks if isinstance(b, Text)]
    assert "Không có ai chờ trước bạn" in texts
    assert not any(t.startswith("Thời gian chờ") for t in texts)
    normal = [b.text for b in ticket_document(sample_slip("normal")).blocks if isinstance(b, Text)]
    assert "Số người chờ trước bạn: 7" in normal
    assert "Thời gian chờ dự kiến: khoảng 30–45 phút" in normal


def test_a_ticket_whose_wait_could_not_be_estimated_prints_no_wait():
    """No counter serving the sector is open: the estimate is 0, which is no estimate (the
    kiosk's screen leaves it out too), never "khoảng 0–0 phút"."""
    slip = dataclasses.replace(sample_slip("normal"), wait_range=(0, 0))
    texts = [b.text for b in ticket_document(slip).blocks if isinstance(b, Text)]
    assert "Số người chờ trước bạn: 7" in texts
    assert not any(t.startswith("Thời gian chờ") for t in texts)


def test_a_slip_names_the_counters_that_serve_its_sector():
    normal = [b.text for b in ticket_document(sample_slip("normal")).blocks if isinstance(b, Text)]
    assert "Quầy phục vụ: 2, 3, 5" in normal
