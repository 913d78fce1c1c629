"""Drawing a `Document`: a 1-bit raster for previews, ESC/POS bytes for printers.

Text is drawn by Pillow from the bundled Be Vietnam Pro fonts, NFC-normalised, because
thermal printers cannot print Vietnamese from their code pages (see stack-notes,
"Printing Vietnamese"). A slip is drawn as few images as possible — one, or two around a
native QR code — since every `printer.image` call costs a conversion and a command.
"""
from __future__ import annotations

import io
import math
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import qrcode
import qrcode.constants
from PIL import Image, ImageDraw, ImageFont

from motcua.printer.device.document import Align, Cut, Document, QRCode, Row, Rule, Space, Text, Weight
from motcua.printer.device.errors import PrinterError

if TYPE_CHECKING:
    from escpos.capabilities import Profile

WHITE, BLACK = 1, 0
QR_QUIET_MODULES = 3  # white modules drawn around an image QR code
FRAGMENT_HEIGHT = 960  # rows per GS v 0 command, python-escpos's safe default for small buffers

_FONT_FILES = {
    Weight.REGULAR: "BeVietnamPro_400Regular.ttf",
    Weight.MEDIUM: "BeVietnamPro_500Medium.ttf",
    Weight.SEMIBOLD: "BeVietnamPro_600SemiBold.ttf",
    Weight.BOLD: "BeVietnamPro_700Bold.ttf",
    Weight.EXTRABOLD: "BeVietnamPro_800ExtraBold.ttf",
}
# The tallest Vietnamese capitals (stacked marks) and deepest descenders set the line box,
# so every line of a size has the same height and no mark is cut.
_TALL = "ẪỄỖỮẴẰỲỶÅ"
_DEEP = "gjpqyỵỹ"


def font_path(weight: Weight) -> Path:
    """Where the bundled font of a weight is; one clear error if set-up was not run."""
    path = Path(str(resources.files("motcua") / "fonts" / _FONT_FILES[weight]))
    if not path.is_file():
        raise PrinterError(
            f"The ticket font {path.name} is missing from {path.parent}: run ./dev setup"
            " (on a kiosk PC: install the print agent again, built after ./dev setup)"
        )
    return path


@dataclass(frozen=True)
class Face:
    font: ImageFont.FreeTypeFont
    above: int  # dots from the top of a line to its baseline
    below: int  # dots from the baseline to the bottom of a line

    @property
    def line_height(self) -> int:
        return self.above + self.below

    @property
    def slack(self) -> int:
        """Room kept for ink that overhangs the advance width (a final "ý", "ƒ")."""
        return int(self.font.size) // 8 + 1

    def fits(self, text: str, room: int) -> bool:
        return self.font.getlength(text) <= room - self.slack


@lru_cache(maxsize=128)
def face(weight: Weight, size: int) -> Face:
    """A loaded font and its line box; cached because loading a TTF costs milliseconds."""
    font = ImageFont.truetype(str(font_path(weight)), size)
    ascent, descent = font.getmetrics()
    top = math.floor(font.getbbox(_TALL, anchor="ls")[1])
    bottom = math.ceil(font.getbbox(_DEEP, anchor="ls")[3])
    return Face(font, max(ascent, -top) + 1, max(descent, bottom) + 1)


def normalise(text: str) -> str:
    """NFC, so "ộ" typed as o + two combining marks draws as the font's single glyph."""
    return unicodedata.normalize("NFC", text)


@dataclass(frozen=True)
class Line:
    """One line of text drawn once: a mask set where there is ink, as wide as the ink."""

    mask: Image.Image
    width: int
    ink_top: int  # first and last rows with ink, for blocks that hug their ink
    ink_bottom: int


@lru_cache(maxsize=2048)
def line(weight: Weight, size: int, text: str) -> Line:
    """A drawn line, cached: a kiosk prints the same hall, sector and notice lines all day,
    and FreeType takes about 50 µs a glyph to draw them again."""
    f = face(weight, size)
    box_left, _, box_right, _ = f.font.getbbox(text, anchor="ls")
    left, right = math.floor(box_left), math.ceil(box_right)
    mask = Image.new("1", (max(1, right - left), f.line_height), 0)
    draw = ImageDraw.Draw(mask)
    draw.fontmode = "1"  # no anti-aliasing: thermal dots are on or off
    draw.text((-left, f.above), text, font=f.font, fill=1, anchor="ls")
    box = mask.getbbox()
    top, bottom = (box[1], box[3]) if box else (0, mask.height)
    return Line(mask, mask.width, top, bottom)


@lru_cache(maxsize=1024)
def wrapped(weight: Weight, size: int, text: str, room: int) -> tuple[str, ...]:
    """`wrap`, cached: the same names are wrapped on every ticket."""
    return tuple(wrap(text, face(weight, size), room))


def wrap(text: str, f: Face, room: int) -> list[str]:
    """Greedy word wrap; a word longer than the line is broken between letters."""
    lines: list[str] = []
    for paragraph in normalise(text).split("\n"):
        current = ""
        for word in paragraph.split():
            candidate = f"{current} {word}" if current else word
            if f.fits(candidate, room):
                current = candidate
                continue
            if current:
                lines.append(current)
            current = ""
            for char in word:
                if current and not f.fits(current + char, room):
                    lines.append(current)
                    current = ""
                current += char
        lines.append(current)
    return lines


def _x(align: Align, left: int, room: int, used: int) -> int:
    if align is Align.CENTER:
        return left + (room - used) // 2
    if align is Align.RIGHT:
        return left + room - used
    return left


def _paste_line(canvas: Image.Image, drawn: Line, x: int, top: int, fill: int = BLACK) -> None:
    canvas.paste(fill, (x, top), drawn.mask)


Painter = Callable[[Image.Image, int], None]


@dataclass(frozen=True)
class Strip:
    """A laid-out block: its height and how to paint it at a given top."""

    height: int
    paint: Painter


@dataclass(frozen=True)
class NativeQR:
    """A QR code left to the printer's own `GS ( k` command."""

    data: str
    module: int


Piece = Image.Image | NativeQR | Cut


def _text_strip(block: Text, doc: Document) -> Strip:
    left, room = doc.margin, doc.width - 2 * doc.margin
    pad_x = pad_y = 0
    if block.inverted:
        pad_x, pad_y = max(4, block.size // 2), max(2, block.size // 5)
    inner = room - 2 * pad_x
    size = block.size
    if block.fit:
        text = normalise(block.text)
        while line(block.weight, size, text).width > inner and size > 8:
            size = min(size - 1, size * inner // line(block.weight, size, text).width)
        drawn = [line(block.weight, size, text)]
        # One line only: hug the ink, or a huge number carries a huge empty line box.
        pad_y += size // 12
        line_height = drawn[0].ink_bottom - drawn[0].ink_top
        shift = drawn[0].ink_top
    else:
        drawn = [line(block.weight, size, text) for text in wrapped(block.weight, size, block.text, inner)]
        line_height = face(block.weight, size).line_height
        shift = 0
    height = len(drawn) * line_height + 2 * pad_y

    def paint(canvas: Image.Image, top: int) -> None:
        fill = BLACK
        if block.inverted:
            canvas.paste(BLACK, (left, top, left + room, top + height))
            fill = WHITE
        y = top + pad_y - shift
        for each in drawn:
            x = max(left + pad_x, _x(block.align, left + pad_x, inner, each.width))
            _paste_line(canvas, each, x, y, fill)
            y += line_height

    return Strip(height, paint)


def _row_strip(block: Row, doc: Document) -> Strip:
    left, room = doc.margin, doc.width - 2 * doc.margin
    label_text, value_text = normalise(block.label), normalise(block.value)
    label = line(Weight.REGULAR, block.size, label_text)
    value = line(block.value_weight, block.size, value_text)
    label_height = face(Weight.REGULAR, block.size).line_height
    value_height = face(block.value_weight, block.size).line_height
    if label.width + block.size // 2 + value.width <= room:
        def paint_one(canvas: Image.Image, top: int) -> None:
            _paste_line(canvas, label, left, top)
            _paste_line(canvas, value, left + room - value.width, top)

        return Strip(max(label_height, value_height), paint_one)
    labels = [
        line(Weight.REGULAR, block.size, text)
        for text in wrapped(Weight.REGULAR, block.size, label_text, room)
    ]
    values = [
        line(block.value_weight, block.size, text)
        for text in wrapped(block.value_weight, block.size, value_text, room)
    ]

    def paint_stacked(canvas: Image.Image, top: int) -> None:
        y = top
        for each in labels:
            _paste_line(canvas, each, left, y)
            y += label_height
        for each in values:
            _paste_line(canvas, each, max(left, left + room - each.width), y)
            y += value_height

    return Strip(len(labels) * label_height + len(values) * value_height, paint_stacked)


def _rule_strip(block: Rule, doc: Document) -> Strip:
    left, right = doc.margin, doc.width - doc.margin

    def paint(canvas: Image.Image, top: int) -> None:
        bottom = top + block.thickness
        if not block.dashed:
            canvas.paste(BLACK, (left, top, right, bottom))
            return
        dash, gap = 4 * block.thickness, 3 * block.thickness
        for x in range(left, right, dash + gap):
            canvas.paste(BLACK, (x, top, min(x + dash, right), bottom))

    return Strip(block.thickness, paint)


def qr_image(data: str, module: int) -> Image.Image:
    """The QR code as a 1-bit image with its quiet zone, `module` dots per module."""
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, border=QR_QUIET_MODULES
    )
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()
    small = Image.new("1", (len(matrix), len(matrix)), WHITE)
    small.putdata([BLACK if dark else WHITE for row in matrix for dark in row])
    return small.resize((small.width * module, small.height * module), Image.Resampling.NEAREST)


def _qr_strip(block: QRCode, doc: Document) -> Strip:
    image = qr_image(block.data, block.module)
    if image.width > doc.width - 2 * doc.margin:
        raise PrinterError("QR code too wide for the paper: shorten the link or the module size")

    def paint(canvas: Image.Image, top: int) -> None:
        canvas.paste(image, ((doc.width - image.width) // 2, top))

    return Strip(image.height, paint)


def _strip(block: Text | Row | Rule | Space | QRCode, doc: Document) -> Strip:
    if isinstance(block, Text):
        return _text_strip(block, doc)
    if isinstance(block, Row):
        return _row_strip(block, doc)
    if isinstance(block, Rule):
        return _rule_strip(block, doc)
    if isinstance(block, QRCode):
        return _qr_strip(block, doc)
    return Strip(block.height, lambda _canvas, _top: None)


def _raster(strips: list[Strip], width: int) -> Image.Image:
    image = Image.new("1", (width, sum(s.height for s in strips)), WHITE)
    top = 0
    for strip in strips:
        strip.paint(image, top)
        top += strip.height
    return image


def pieces(doc: Document, native_qr: bool) -> Iterator[Piece]:
    """The document as raster images, native QR codes and cuts, in print order."""
    pending: list[Strip] = []
    for block in doc.blocks:
        if isinstance(block, Cut) or (native_qr and isinstance(block, QRCode)):
            if pending:
                yield _raster(pending, doc.width)
                pending = []
            yield block if isinstance(block, Cut) else NativeQR(block.data, block.module)
        else:
            pending.append(_strip(block, doc))
    if pending:
        yield _raster(pending, doc.width)


CUT_GAP = 32  # dots of blank shown in a preview where a multi-slip document is cut


def preview(doc: Document) -> Image.Image:
    """The whole document as one 1-bit image, QR codes drawn as they would print."""
    laid = list(pieces(doc, native_qr=False))
    while laid and isinstance(laid[-1], Cut):
        laid.pop()
    parts = [
        piece if isinstance(piece, Image.Image) else Image.new("1", (doc.width, CUT_GAP), WHITE)
        for piece in laid
    ]
    if not parts:
        return Image.new("1", (doc.width, 1), WHITE)
    image = Image.new("1", (doc.width, sum(p.height for p in parts)), WHITE)
    top = 0
    for part in parts:
        image.paste(part, (0, top))
        top += part.height
    return image


def preview_png(doc: Document) -> bytes:
    buffer = io.BytesIO()
    preview(doc).save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()


@lru_cache(maxsize=8)
def _profile_class(width: int) -> type[Profile]:
    # python-escpos's default profile has no paper width and then prints a warning to
    # stdout on every image; give it the width the document was drawn for. Only a
    # `Profile` instance is accepted in place of a profile name.
    from escpos.capabilities import Profile, get_profile_class  # lazily: see to_escpos

    base = get_profile_class("default").profile_data
    data = {**base, "media": {"dpi": 203, "width": {"mm": width // 8, "pixels": width}}}
    return type(f"Motcua{width}Profile", (Profile,), {"profile_data": data})


def _profile(width: int) -> Profile:
    cls = _profile_class(width)
    return cls(features=cls.profile_data["features"])


_INKED = bytes(255 - value for value in range(256))  # Pillow packs white as 1, a printer ink


def raster(image: Image.Image) -> bytes:
    """A 1-bit image as one `GS v 0` command: the bytes python-escpos' `image()` sends for it
    (bitImageRaster, high density), without its conversions through RGBA, greyscale and back,
    which take most of the drawing time of a slip."""
    if image.width % 8:  # rows are whole bytes; the padding must stay white
        padded = Image.new("1", ((image.width + 7) // 8 * 8, image.height), WHITE)
        padded.paste(image, (0, 0))
        image = padded
    size = (image.width // 8).to_bytes(2, "little") + image.height.to_bytes(2, "little")
    return b"\x1dv0\x00" + size + image.tobytes().translate(_INKED)


def to_escpos(doc: Document, native_qr: bool = True) -> bytes:
    """ESC/POS bytes for the document: init, raster images (`GS v 0`), QR codes, cuts."""
    # python-escpos loads here, not with the module: its printer classes and capability
    # database cost several MB that previews and PDF receipts never need.
    from escpos.constants import QR_ECLEVEL_M
    from escpos.printer import Dummy

    printer = Dummy(profile=_profile(doc.width))
    printer.hw("INIT")
    for piece in pieces(doc, native_qr):
        if isinstance(piece, Image.Image):
            for top in range(0, piece.height, FRAGMENT_HEIGHT):
                fragment = piece.crop((0, top, piece.width, min(top + FRAGMENT_HEIGHT, piece.height)))
                printer._raw(raster(fragment))
        elif isinstance(piece, NativeQR):
            printer.set(align="center")
            printer.qr(piece.data, ec=QR_ECLEVEL_M, size=piece.module, native=True)
            printer.set(align="left")
        else:
            printer.cut()
    data: bytes = printer.output
    return data
