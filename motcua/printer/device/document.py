"""What a printed slip says, kept apart from how a printer draws it.

A `Document` is a short list of blocks (wrapped text, label/value rows, rules, spacing, a
QR code, a cut). Tickets are built here from plain data (`TicketSlip`), so the kiosk, the
CLI and the job service can all make one without the ORM; dossier receipts are built from
the same blocks by their own module. `render` turns a document into a
raster preview or ESC/POS bytes.
"""
from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

PAPER_DOTS = {80: 576, 58: 384}  # printable width in dots at 203 dpi (8 dots per mm)


class Align(str, enum.Enum):
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"


class Weight(enum.IntEnum):
    """The weights of the bundled Be Vietnam Pro fonts."""

    REGULAR = 400
    MEDIUM = 500
    SEMIBOLD = 600
    BOLD = 700
    EXTRABOLD = 800



def sizes(paper_mm: int) -> tuple[int, Callable[[int], int], Callable[[int], int]]:
    """The paper's width in dots, and the scalers of lengths (`px`) and type (`pt`): every
    layout is drawn for 80 mm and scaled to the paper in use; type shrinks less than the
    paper, as below about 2 mm elderly eyes give up."""
    width = paper_dots(paper_mm)
    scale = width / PAPER_DOTS[80]
    return (width, lambda value: max(1, round(value * scale)),
            lambda value: round(value * max(scale, 0.8)))

@dataclass(frozen=True)
class Text:
    """A paragraph, wrapped at word boundaries to the paper width and never clipped.

    `size` is the font size in printer dots (8 dots = 1 mm). `fit` shrinks the text to stay
    on one line instead of wrapping (a ticket number must never break in two); `inverted`
    prints white on a black band, which stands out on thermal paper.
    """

    text: str
    size: int = 24
    weight: Weight = Weight.REGULAR
    align: Align = Align.LEFT
    fit: bool = False
    inverted: bool = False


@dataclass(frozen=True)
class Row:
    """A label on the left and its value on the right; stacked when both do not fit."""

    label: str
    value: str
    size: int = 24
    value_weight: Weight = Weight.SEMIBOLD


@dataclass(frozen=True)
class Rule:
    thickness: int = 2
    dashed: bool = False


@dataclass(frozen=True)
class Space:
    height: int


@dataclass(frozen=True)
class QRCode:
    """A centred QR code; `module` is the size of one module in dots (1-16, as ESC/POS)."""

    data: str
    module: int = 6

    def __post_init__(self) -> None:
        if not 1 <= self.module <= 16:
            raise ValueError("a QR module is 1 to 16 dots")


@dataclass(frozen=True)
class Cut:
    """Feed and cut here (a document may hold several slips, e.g. two receipt copies)."""


Block = Text | Row | Rule | Space | QRCode | Cut


@dataclass(frozen=True)
class Document:
    blocks: tuple[Block, ...]
    width: int = PAPER_DOTS[80]  # printable dots
    margin: int = 12  # dots kept blank at each side, so nothing touches the edge

    def __post_init__(self) -> None:
        if self.width - 2 * self.margin < 100:
            raise ValueError("paper too narrow for its margins")


def paper_dots(paper_mm: int) -> int:
    try:
        return PAPER_DOTS[paper_mm]
    except KeyError:
        raise ValueError(f"paper width must be one of {sorted(PAPER_DOTS)} mm") from None


@dataclass(frozen=True)
class TicketSlip:
    """Everything a queue ticket shows, as plain values (no ORM objects)."""

    hall_name: str
    sector_name: str
    display_number: str
    priority_label: str | None
    issued_at: datetime  # aware
    time_zone: str  # the hall's, e.g. "Asia/Ho_Chi_Minh"
    ahead: int
    wait_range: tuple[int, int] | None  # minutes, low and high: an estimate is never exact
    status_url: str
    footer: tuple[str, ...] = ()
    counters: tuple[int, ...] = ()  # the counters that serve the sector
    paper_mm: int = 80

    def __post_init__(self) -> None:
        if self.issued_at.tzinfo is None:
            raise ValueError("issued_at must be timezone-aware")


VALID_TODAY = "Số thứ tự chỉ có giá trị trong ngày"

# How a ticket names each priority group of hall practice (shared/domain.md).
PRIORITY_LABELS = {
    "elderly": "Người cao tuổi",
    "disabled": "Người khuyết tật",
    "pregnant": "Phụ nữ mang thai",
    "merit": "Người có công với cách mạng",
}


def ticket_document(slip: TicketSlip) -> Document:
    """The ticket layout: sizes are drawn for 80 mm and scaled down for 58 mm."""
    width, px, pt = sizes(slip.paper_mm)

    local = slip.issued_at.astimezone(ZoneInfo(slip.time_zone))
    ahead = "Không có ai chờ trước bạn" if slip.ahead == 0 else f"Số người chờ trước bạn: {slip.ahead}"
    blocks: list[Block] = [
        Text(slip.hall_name.upper(), pt(26), Weight.BOLD, Align.CENTER),
        Space(px(10)),
        Rule(px(3)),
        Space(px(14)),
        Text(slip.sector_name, pt(38), Weight.SEMIBOLD, Align.CENTER),
        Space(px(12)),
        Text("SỐ THỨ TỰ", pt(24), Weight.MEDIUM, Align.CENTER),
        Space(px(8)),
        Text(slip.display_number, px(200), Weight.EXTRABOLD, Align.CENTER, fit=True),
    ]
    if slip.priority_label:
        blocks += [
            Space(px(6)),
            Text(f"ƯU TIÊN: {slip.priority_label}", pt(28), Weight.BOLD, Align.CENTER, inverted=True),
        ]
    blocks += [
        Space(px(16)),
        Text(f"Lấy số lúc {local:%H:%M} ngày {local:%d/%m/%Y}", pt(24), Weight.REGULAR, Align.CENTER),
        Text(ahead, pt(26), Weight.SEMIBOLD, Align.CENTER),
    ]
    # an estimate of 0 with people ahead is none (no counter of the sector open): left out
    if slip.wait_range is not None and slip.ahead > 0 and slip.wait_range[1] > 0:
        low, high = slip.wait_range
        blocks.append(
            Text(f"Thời gian chờ dự kiến: khoảng {low}–{high} phút", pt(24), Weight.REGULAR, Align.CENTER)
        )
    if slip.counters:
        blocks.append(Text("Quầy phục vụ: " + ", ".join(map(str, slip.counters)), pt(26),
                           Weight.SEMIBOLD, Align.CENTER))
    blocks += [
        Space(px(14)),
        QRCode(slip.status_url, module=6 if slip.paper_mm == 80 else 5),
        Text("Quét mã để xem lượt của bạn trên điện thoại", pt(22), Weight.REGULAR, Align.CENTER),
        Space(px(12)),
        Rule(px(2), dashed=True),
        Space(px(8)),
        Text(VALID_TODAY, pt(24), Weight.BOLD, Align.CENTER),
    ]
    for line in slip.footer:
        blocks.append(Text(line, pt(22), Weight.REGULAR, Align.CENTER))
    blocks.append(Cut())
    return Document(tuple(blocks), width=width, margin=px(12))


@dataclass(frozen=True)
class ChecklistItem:
    """One paper to bring and how many, as the catalogue says it ("Bản chính: 1")."""

    name: str
    how_many: str = ""


@dataclass(frozen=True)
class ChecklistSlip:
    """What to bring for one procedure, printed at the kiosk for a citizen to take home.

    Plain Vietnamese values: the catalogue's wording is the official one, like the receipt's.
    """

    hall_name: str
    procedure_code: str
    procedure_name: str
    sector_name: str
    documents: tuple[ChecklistItem, ...]
    sets: int
    processing_time: str  # "10 ngày làm việc"
    fee: str  # "50.000 đồng", "Miễn lệ phí", or "" when the catalogue gives none
    result: str
    result_place: str
    legal_basis: tuple[str, ...]
    page_url: str  # the procedure's phone page, in the QR code
    paper_mm: int = 80


CHECKLIST_TITLE = "GIẤY TỜ CẦN MANG THEO"


def checklist_document(slip: ChecklistSlip) -> Document:
    """The checklist: the numbered papers with how many of each, then time, fee and result."""
    width, px, pt = sizes(slip.paper_mm)

    body = pt(25)
    blocks: list[Block] = [
        Text(slip.hall_name.upper(), pt(24), Weight.BOLD, Align.CENTER),
        Space(px(8)),
        Rule(px(3)),
        Space(px(10)),
        Text(CHECKLIST_TITLE, pt(32), Weight.EXTRABOLD, Align.CENTER),
        Space(px(6)),
        Text(slip.procedure_name, pt(28), Weight.BOLD, Align.CENTER),
        Text(f"Lĩnh vực: {slip.sector_name} · Mã thủ tục: {slip.procedure_code}", pt(21),
             Weight.REGULAR, Align.CENTER),
        Space(px(12)),
        Rule(px(2)),
        Space(px(8)),
        Text(f"Thành phần hồ sơ ({slip.sets} bộ):" if slip.sets > 1 else "Thành phần hồ sơ:",
             body, Weight.SEMIBOLD),
    ]
    for number, item in enumerate(slip.documents, start=1):
        blocks.append(Text(f"{number}. {item.name}", body))
        if item.how_many:
            blocks.append(Text(item.how_many, pt(22), Weight.MEDIUM, Align.RIGHT))
        blocks.append(Space(px(4)))
    blocks += [Space(px(6)), Rule(px(2), dashed=True), Space(px(6)),
               Row("Thời hạn giải quyết:", slip.processing_time, body)]
    if slip.fee:
        blocks.append(Row("Phí, lệ phí:", slip.fee, body))
    if slip.result:
        blocks += [Text("Kết quả:", body), Text(slip.result, body, Weight.SEMIBOLD)]
    if slip.result_place:
        blocks += [Text("Nơi trả kết quả:", body), Text(slip.result_place, body, Weight.SEMIBOLD)]
    if slip.legal_basis:
        blocks.append(Space(px(6)))
        blocks.append(Text("Căn cứ pháp lý:", pt(21), Weight.SEMIBOLD))
        blocks += [Text(f"- {law}", pt(20)) for law in slip.legal_basis]
    blocks += [
        Space(px(12)),
        QRCode(slip.page_url, module=5 if slip.paper_mm == 80 else 4),
        Text("Quét mã để xem trên điện thoại", pt(22), Weight.REGULAR, Align.CENTER),
        Cut(),
    ]
    return Document(tuple(blocks), width=width, margin=px(12))


# A document as JSON: how a job waits, undrawn, until the server's drawing worker draws it.
_BLOCK_TYPES: dict[str, type[Text] | type[Row] | type[Rule] | type[Space] | type[QRCode] | type[Cut]] = {
    "text": Text, "row": Row, "rule": Rule, "space": Space, "qr": QRCode, "cut": Cut,
}
_TYPE_NAMES = {cls: name for name, cls in _BLOCK_TYPES.items()}
# Each block type's field names, read once: `dataclasses.fields` rebuilds its tuple at every
# call, and a ticket slip (some twenty blocks) is turned into JSON at every tap.
_FIELD_NAMES = {cls: tuple(f.name for f in dataclasses.fields(cls)) for cls in _BLOCK_TYPES.values()}


def document_to_json(doc: Document) -> dict[str, Any]:
    """Plain values only (enums by their value), read back by `document_from_json`."""
    blocks = []
    for block in doc.blocks:
        plain: dict[str, Any] = {"type": _TYPE_NAMES[type(block)]}
        for name in _FIELD_NAMES[type(block)]:
            value = getattr(block, name)
            plain[name] = value.value if isinstance(value, enum.Enum) else value
        blocks.append(plain)
    return {"blocks": blocks, "width": doc.width, "margin": doc.margin}


def document_from_json(data: dict[str, Any]) -> Document:
    blocks: list[Block] = []
    for item in data["blocks"]:
        fields = {k: v for k, v in item.items() if k != "type"}
        if "weight" in fields:
            fields["weight"] = Weight(fields["weight"])
        if "value_weight" in fields:
            fields["value_weight"] = Weight(fields["value_weight"])
        if "align" in fields:
            fields["align"] = Align(fields["align"])
        blocks.append(_BLOCK_TYPES[item["type"]](**fields))
    return Document(tuple(blocks), width=int(data["width"]), margin=int(data["margin"]))
