"""The ESC/POS bytes of a ticket, sent to the `dummy:` printer and read back command by command."""
from __future__ import annotations

import pytest
from escpos.printer import Dummy
from PIL import Image, ImageChops

from motcua.printer.device.document import Document, Text, ticket_document
from motcua.printer.device.render import pieces, preview, raster, to_escpos
from motcua.printer.device.samples import sample_slip
from motcua.printer.device.stream import StreamError, commands, raster_image
from motcua.printer.device.transports import Printer

RASTER = b"\x1dv0"  # GS v 0
QR_STORE = b"\x1d(k"  # GS ( k
FULL_CUT = b"\x1dV\x00"


def printed(url: str, sample: str = "normal") -> bytes:
    printer = Printer(url)
    doc = ticket_document(sample_slip(sample, printer.settings.paper_mm))
    printer.print_bytes(printer.render(doc))
    assert len(printer.transport.sent) == 1
    return printer.transport.sent[0]


def test_a_ticket_on_the_dummy_printer_is_a_raster_a_native_qr_code_and_a_cut():
    data = printed("dummy:")
    assert data.startswith(b"\x1b@")  # initialise
    assert data.count(RASTER) >= 2  # above and below the QR code
    assert QR_STORE in data and b"http://192.168.1.10:5000/t/" in data
    assert data.endswith(FULL_CUT)
    assert data.index(RASTER) < data.index(QR_STORE) < data.rindex(RASTER) < data.index(FULL_CUT)


def test_with_qr_image_the_qr_code_is_part_of_the_raster_and_no_qr_command_is_sent():
    data = printed("dummy:?qr=image")
    assert QR_STORE not in data
    assert RASTER in data and data.endswith(FULL_CUT)
    doc = ticket_document(sample_slip("normal"))
    assert not ImageChops.difference(raster_image(data).convert("L"), preview(doc).convert("L")).getbbox()


@pytest.mark.parametrize("url", ["dummy:", "dummy:?qr=image", "dummy:?width=58", "dummy:?width=58&qr=image"])
@pytest.mark.parametrize("sample", ["normal", "long", "merit"])
def test_nothing_between_the_commands_would_print_as_garbage(url, sample):
    names = [c.name for c in commands(printed(url, sample))]  # raises at any stray byte
    assert names[0] == "init" and names[-1] == "cut"
    assert set(names) <= {"init", "raster", "align", "qr", "feed", "cut"}


def test_no_vietnamese_text_is_sent_as_text_bytes():
    data = printed("dummy:", "long")
    for command in commands(data):
        if command.name == "qr":
            assert command.payload.isascii()
    for word in ("Người".encode(), "Hộ tịch".encode(), "ng\xb0\xf4i".encode("latin-1")):
        assert word not in data


def test_the_raster_is_as_wide_as_the_paper():
    for url, dots in (("dummy:", 576), ("dummy:?width=58", 384)):
        rasters = [c for c in commands(printed(url)) if c.name == "raster"]
        assert {c.width for c in rasters} == {dots}


def test_a_slip_is_one_or_two_images_not_one_per_line():
    doc = ticket_document(sample_slip("long"))
    native = [c.name for c in commands(to_escpos(doc, native_qr=True))]
    drawn = [c.name for c in commands(to_escpos(doc, native_qr=False))]
    # python-escpos splits an image taller than 960 dots into fragments: at most one extra each.
    assert native.count("raster") <= 4
    assert drawn.count("raster") <= 2


def test_the_stream_reader_refuses_raw_text():
    data = to_escpos(Document((Text("A"),)))
    with pytest.raises(StreamError):
        list(commands(data[:-3] + "Đất".encode() + data[-3:]))


@pytest.mark.parametrize("width", [576, 13])
def test_a_raster_command_is_the_one_python_escpos_sends_for_the_same_image(width):
    [drawn, *_] = [p for p in pieces(ticket_document(sample_slip("merit")), native_qr=True)
                   if isinstance(p, Image.Image)]
    image = drawn.crop((0, 0, width, min(drawn.height, 200)))  # 13: rows padded to whole bytes
    assert image.getextrema() == (0, 1)  # ink and paper
    escpos = Dummy()
    escpos.image(image, impl="bitImageRaster")
    assert raster(image) == escpos.output
