"""The receipt and appointment slip (Giấy tiếp nhận hồ sơ và hẹn trả kết quả).

Form 01 of Circular 01/2018/TT-VPCP, drawn two ways from the same plain data
(`ReceiptSlip`): an 80 mm slip in the printer module's document model, printed at the
counter, and an A4 PDF (`motcua.dossier.receipt_pdf`) for filing and for citizens who
want a sheet. The form is an official paper: it is always in Vietnamese.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from motcua.dossier.calendar import Unit
from motcua.dossier.models import Delivery, Dossier
from motcua.printer.device.document import (
    Align,
    Block,
    Cut,
    Document,
    QRCode,
    Row,
    Rule,
    Space,
    Text,
    Weight,
    sizes,
)

TITLE = "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"
UNIT_LINE = "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ"
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
FORMS = {"original": "Bản chính", "copy": "Bản sao", "certified_copy": "Bản sao có chứng thực"}
UNITS = {Unit.WORKING_DAYS: "ngày làm việc", Unit.WORKING_HOURS: "giờ làm việc",
         Unit.CALENDAR_DAYS: "ngày"}


@dataclass(frozen=True)
class HandedIn:
    name: str
    form: str | None  # as the catalogue lists it: "original", "copy", "certified_copy"
    originals: int
    copies: int


@dataclass(frozen=True)
class ReceiptSlip:
    """Everything the receipt says, as plain values (no ORM objects)."""

    receiving_unit: str
    code: str
    applicant_name: str
    applicant_address: str
    applicant_phone: str
    procedure_name: str
    documents: tuple[HandedIn, ...]
    sets: int
    processing_time: float
    unit: str
    received_at: datetime  # aware
    due_at: datetime  # aware
    time_zone: str
    collect_at: str  # where the result is collected, or "by post to …"
    register_book: str
    register_entry: int
    officer_name: str
    lookup_url: str  # the QR code: the status page, with the dossier's secret
    short_secret: str
    lookup_page: str  # where the code and the short secret are typed
    paper_mm: int = 80

    def __post_init__(self) -> None:
        if self.received_at.tzinfo is None or self.due_at.tzinfo is None:
            raise ValueError("receipt times must be timezone-aware")


def slip_for(dossier: Dossier, *, receiving_unit: str, result_place: str, lookup_url: str,
             lookup_page: str, paper_mm: int = 80) -> ReceiptSlip:
    """The plain data a dossier's receipt prints, read from the ORM once, here."""
    if dossier.delivery == Delivery.POST:
        collect_at = f"Qua dịch vụ bưu chính công ích, đến địa chỉ: {dossier.applicant_address}"
    else:
        collect_at = result_place
    officer = dossier.received_by
    assert dossier.due_at is not None, "a receipt is given once the dossier is taken on"
    return ReceiptSlip(
        receiving_unit=receiving_unit,
        code=dossier.code,
        applicant_name=dossier.applicant_name,
        applicant_address=dossier.applicant_address,
        applicant_phone=dossier.applicant_phone,
        procedure_name=dossier.procedure.name,
        documents=tuple(HandedIn(d["name"], d.get("form"), int(d.get("originals", 0)),
                                 int(d.get("copies", 0))) for d in dossier.documents),
        sets=dossier.sets,
        processing_time=dossier.processing_time,
        unit=dossier.unit,
        received_at=dossier.received_at,
        due_at=dossier.due_at,
        time_zone=dossier.hall.time_zone,
        collect_at=collect_at,
        register_book=dossier.register_book,
        register_entry=dossier.register_entry,
        officer_name=(officer.full_name or officer.username) if officer else "",
        lookup_url=lookup_url,
        short_secret=dossier.short_secret,
        lookup_page=lookup_page,
        paper_mm=paper_mm,
    )


def processing_time_text(amount: float, unit: str) -> str:
    """"10 ngày làm việc", "0,5 ngày làm việc", "4 giờ làm việc", "15 ngày"."""
    number = f"{amount:g}".replace(".", ",")
    return f"{number} {UNITS[Unit(unit)]}"


def moment_text(instant: datetime, time_zone: str) -> str:
    """Form 01's way: "09 giờ 05 phút, ngày 25 tháng 11 năm 2026"."""
    local = instant.astimezone(ZoneInfo(time_zone))
    return f"{local:%H} giờ {local:%M} phút, ngày {local:%d} tháng {local:%m} năm {local:%Y}"


def copies_text(item: HandedIn) -> str:
    parts = []
    if item.originals:
        parts.append(f"{FORMS['original']}: {item.originals}")
    if item.copies:
        kind = FORMS["certified_copy"] if item.form == "certified_copy" else FORMS["copy"]
        parts.append(f"{kind}: {item.copies}")
    return " · ".join(parts)


def register_text(slip: ReceiptSlip) -> str:
    return f"Vào Sổ theo dõi hồ sơ, Quyển số: {slip.register_book}, Số thứ tự: {slip.register_entry}"


def receipt_document(slip: ReceiptSlip) -> Document:
    """The 80 mm slip (58 mm works too, scaled): every field of form 01, the QR and the secret."""
    width, px, pt = sizes(slip.paper_mm)

    body = pt(23)
    blocks: list[Block] = [
        Text(slip.receiving_unit.upper(), pt(24), Weight.BOLD, Align.CENTER),
        Text(UNIT_LINE, pt(22), Weight.MEDIUM, Align.CENTER),
        Space(px(8)),
        Rule(px(3)),
        Space(px(12)),
        Text(TITLE, pt(28), Weight.BOLD, Align.CENTER),
        Space(px(8)),
        Text(f"Mã hồ sơ: {slip.code}", pt(28), Weight.EXTRABOLD, Align.CENTER, fit=True),
        Space(px(12)),
        Text("Tiếp nhận hồ sơ của:", body),
        Text(f"Ông/Bà: {slip.applicant_name}", pt(25), Weight.SEMIBOLD),
    ]
    if slip.applicant_address:
        blocks.append(Text(f"Địa chỉ: {slip.applicant_address}", body))
    if slip.applicant_phone:
        blocks.append(Text(f"Số điện thoại: {slip.applicant_phone}", body))
    blocks += [
        Space(px(8)),
        Text("Nội dung yêu cầu giải quyết:", body),
        Text(slip.procedure_name, body, Weight.SEMIBOLD),
        Space(px(8)),
        Text("1. Thành phần hồ sơ nộp gồm:", body, Weight.SEMIBOLD),
    ]
    for number, item in enumerate(slip.documents, start=1):
        blocks.append(Text(f"{number}) {item.name}", body))
        blocks.append(Text(copies_text(item), pt(21), Weight.MEDIUM, Align.RIGHT))
    blocks += [
        Space(px(6)),
        Row("2. Số lượng hồ sơ:", f"{slip.sets:02d} bộ", body),
        Text("3. Thời gian giải quyết hồ sơ theo quy định:", body),
        Text(processing_time_text(slip.processing_time, slip.unit), body, Weight.SEMIBOLD, Align.RIGHT),
        Text("4. Thời gian nhận hồ sơ:", body),
        Text(moment_text(slip.received_at, slip.time_zone), body, Weight.SEMIBOLD, Align.RIGHT),
        Text("5. Thời gian trả kết quả giải quyết hồ sơ:", body),
        Text(moment_text(slip.due_at, slip.time_zone), pt(25), Weight.BOLD, Align.CENTER,
             inverted=True),
        Text("6. Đăng ký nhận kết quả tại:", body),
        Text(slip.collect_at, body, Weight.SEMIBOLD),
        Space(px(8)),
        Text(register_text(slip), pt(21)),
        Space(px(12)),
        Rule(px(2), dashed=True),
        Space(px(10)),
        QRCode(slip.lookup_url, module=5 if slip.paper_mm == 80 else 4),
        Text("Quét mã để xem tình trạng hồ sơ", pt(22), Weight.REGULAR, Align.CENTER),
        Space(px(6)),
        Text(f"Mã tra cứu: {slip.short_secret}", pt(32), Weight.EXTRABOLD, Align.CENTER),
        Text(f"hoặc vào {slip.lookup_page}, nhập mã hồ sơ và mã tra cứu", pt(21),
             Weight.REGULAR, Align.CENTER),
        Space(px(12)),
        Rule(px(2), dashed=True),
        Space(px(10)),
        Text("NGƯỜI NỘP HỒ SƠ", pt(22), Weight.BOLD, Align.CENTER),
        Text("(Ký và ghi rõ họ tên)", pt(20), Weight.REGULAR, Align.CENTER),
        Space(px(90)),
        Text("NGƯỜI TIẾP NHẬN HỒ SƠ", pt(22), Weight.BOLD, Align.CENTER),
        Text("(Ký và ghi rõ họ tên)", pt(20), Weight.REGULAR, Align.CENTER),
        Space(px(80)),
        Text(slip.officer_name, pt(23), Weight.SEMIBOLD, Align.CENTER),
        Cut(),
    ]
    return Document(tuple(blocks), width=width, margin=px(12))
