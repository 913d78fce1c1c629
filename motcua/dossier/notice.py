"""The slip given when the hall refuses a dossier or asks for more papers.

Printed at the counter like the receipt, on the same paper, for the citizen to keep: the
dossier code, the procedure, what was decided and why, and the QR code of the dossier's
status page. Decree 61/2018 asks halls to say in writing why a dossier is refused (form 03,
*Phiếu từ chối tiếp nhận giải quyết hồ sơ*) or what it lacks (form 02, *Phiếu yêu cầu bổ
sung, hoàn thiện hồ sơ*). An official paper: always in Vietnamese.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from motcua.dossier.models import Dossier, DossierStatus
from motcua.dossier.receipt import MOTTO, NATION, UNIT_LINE, moment_text
from motcua.printer.device.document import (
    Align,
    Block,
    Cut,
    Document,
    QRCode,
    Rule,
    Space,
    Text,
    Weight,
    sizes,
)

TITLES = {
    DossierStatus.REFUSED: "PHIẾU TỪ CHỐI TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ",
    DossierStatus.SUPPLEMENT_REQUESTED: "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
}
REASON_LABELS = {
    DossierStatus.REFUSED: "Lý do từ chối:",
    DossierStatus.SUPPLEMENT_REQUESTED: "Nội dung cần bổ sung, hoàn thiện:",
}


@dataclass(frozen=True)
class NoticeSlip:
    """Everything the slip says, as plain values."""

    kind: DossierStatus  # REFUSED or SUPPLEMENT_REQUESTED
    receiving_unit: str
    code: str
    applicant_name: str
    procedure_name: str
    reason: str
    at: datetime  # aware
    time_zone: str
    officer_name: str
    lookup_url: str
    short_secret: str
    paper_mm: int = 80

    def __post_init__(self) -> None:
        if self.kind not in TITLES:
            raise ValueError("a notice is for a refusal or a supplement request")
        if self.at.tzinfo is None:
            raise ValueError("notice times must be timezone-aware")


def notice_for(dossier: Dossier, *, receiving_unit: str, officer_name: str, lookup_url: str,
               paper_mm: int = 80) -> NoticeSlip:
    """The slip of the dossier's latest refusal or supplement request, read from its log."""
    event = next(e for e in reversed(dossier.events) if e.to_status in TITLES)
    return NoticeSlip(
        kind=event.to_status, receiving_unit=receiving_unit, code=dossier.code,
        applicant_name=dossier.applicant_name, procedure_name=dossier.procedure.name,
        reason=event.note or "", at=event.at, time_zone=dossier.hall.time_zone,
        officer_name=officer_name, lookup_url=lookup_url, short_secret=dossier.short_secret,
        paper_mm=paper_mm)


def notice_document(slip: NoticeSlip) -> Document:
    width, px, pt = sizes(slip.paper_mm)

    body = pt(23)
    blocks: list[Block] = [
        Text(NATION, pt(21), Weight.BOLD, Align.CENTER, fit=True),
        Text(MOTTO, pt(21), Weight.MEDIUM, Align.CENTER),
        Space(px(8)),
        Text(slip.receiving_unit.upper(), pt(23), Weight.BOLD, Align.CENTER),
        Text(UNIT_LINE, pt(21), Weight.MEDIUM, Align.CENTER),
        Space(px(8)),
        Rule(px(3)),
        Space(px(12)),
        Text(TITLES[slip.kind], pt(27), Weight.BOLD, Align.CENTER),
        Space(px(8)),
        Text(f"Mã hồ sơ: {slip.code}", pt(27), Weight.EXTRABOLD, Align.CENTER, fit=True),
        Space(px(12)),
        Text(f"Ông/Bà: {slip.applicant_name}", pt(25), Weight.SEMIBOLD),
        Text("Nội dung yêu cầu giải quyết:", body),
        Text(slip.procedure_name, body, Weight.SEMIBOLD),
        Space(px(8)),
        Text(REASON_LABELS[slip.kind], body, Weight.SEMIBOLD),
        Text(slip.reason, pt(25)),
        Space(px(8)),
        Text(f"Lúc {moment_text(slip.at, slip.time_zone)}", pt(21), Weight.REGULAR, Align.RIGHT),
    ]
    if slip.kind == DossierStatus.SUPPLEMENT_REQUESTED:
        blocks.append(Text("Xin mang giấy tờ bổ sung đến bộ phận một cửa kèm phiếu này.", body))
    blocks += [
        Space(px(12)),
        Rule(px(2), dashed=True),
        Space(px(10)),
        QRCode(slip.lookup_url, module=5 if slip.paper_mm == 80 else 4),
        Text("Quét mã để xem tình trạng hồ sơ", pt(22), Weight.REGULAR, Align.CENTER),
        Text(f"Mã tra cứu: {slip.short_secret}", pt(30), Weight.EXTRABOLD, Align.CENTER),
        Space(px(12)),
        Text("NGƯỜI TIẾP NHẬN HỒ SƠ", pt(22), Weight.BOLD, Align.CENTER),
        Space(px(60)),
        Text(slip.officer_name, pt(23), Weight.SEMIBOLD, Align.CENTER),
        Cut(),
    ]
    return Document(tuple(blocks), width=width, margin=px(12))
