"""The receipt and appointment slip as an A4 PDF (fpdf2, the bundled Be Vietnam Pro).

Kept apart from `motcua.dossier.receipt` so that fpdf2 (tens of MB) is loaded only by a
server that is asked for a PDF, not by every process serving boards and kiosks.
"""
from __future__ import annotations

from zoneinfo import ZoneInfo

from fpdf import FPDF
from fpdf.enums import Align as PdfAlign
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from motcua.dossier.receipt import (
    MOTTO,
    NATION,
    TITLE,
    UNIT_LINE,
    ReceiptSlip,
    moment_text,
    processing_time_text,
    register_text,
)
from motcua.printer.device.document import Weight
from motcua.printer.device.render import font_path, qr_image

_FAMILY = "BeVietnamPro"
_STYLES = {"": Weight.REGULAR, "B": Weight.BOLD, "I": Weight.MEDIUM}  # no italic is bundled
_HEADING = FontFace(family=_FAMILY, emphasis="BOLD", fill_color=(235, 238, 242))


class _Sheet(FPDF):
    """An A4 page with the bundled font, margins of an administrative paper (2 cm / 3 cm left)."""

    def __init__(self) -> None:
        super().__init__(format="A4", unit="mm")
        self.set_margins(left=25, top=18, right=18)
        self.set_auto_page_break(True, margin=18)
        for style, weight in _STYLES.items():
            self.add_font(_FAMILY, style, str(font_path(weight)))
        self.add_page()

    def line_of(self, text: str, size: float = 11, style: str = "", align: str = "L",
                height: float = 6) -> None:
        self.set_font(_FAMILY, style, size)
        self.multi_cell(0, height, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def labelled(self, label: str, value: str, size: float = 11) -> None:
        """"Label: value", the value bold, wrapped under itself."""
        self.set_font(_FAMILY, "", size)
        self.write(6, f"{label} ")
        self.set_font(_FAMILY, "B", size)
        self.write(6, value)
        self.ln(7)


def receipt_pdf(slip: ReceiptSlip) -> bytes:
    """The A4 sheet of form 01, with the QR code and the typed secret at its foot."""
    pdf = _Sheet()
    pdf.set_title(f"{TITLE} {slip.code}")
    pdf.set_author(slip.receiving_unit)
    half = (pdf.w - pdf.l_margin - pdf.r_margin) / 2
    top = pdf.get_y()
    pdf.set_font(_FAMILY, "", 10.5)
    pdf.multi_cell(half - 4, 5.5, slip.receiving_unit.upper(), align="C",
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(_FAMILY, "B", 10.5)
    pdf.multi_cell(half - 4, 5.5, UNIT_LINE, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(_FAMILY, "", 10.5)
    pdf.multi_cell(half - 4, 6, f"Mã hồ sơ: {slip.code}", align="C",
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    left_bottom = pdf.get_y()
    pdf.set_xy(pdf.l_margin + half, top)
    pdf.set_font(_FAMILY, "B", 10.5)
    pdf.multi_cell(half, 5.5, NATION, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.multi_cell(half, 5.5, MOTTO, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    local = slip.received_at.astimezone(ZoneInfo(slip.time_zone))
    pdf.set_font(_FAMILY, "I", 10.5)
    pdf.multi_cell(half, 6, f"ngày {local:%d} tháng {local:%m} năm {local:%Y}", align="C",
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(max(left_bottom, pdf.get_y()) + 8)

    pdf.line_of(TITLE, 14, "B", "C", 8)
    pdf.ln(4)
    pdf.line_of(f"{UNIT_LINE.capitalize()} — {slip.receiving_unit}")
    pdf.labelled("Tiếp nhận hồ sơ của: Ông/Bà", slip.applicant_name)
    pdf.labelled("Địa chỉ:", slip.applicant_address or "—")
    pdf.labelled("Số điện thoại:", slip.applicant_phone or "—")
    pdf.labelled("Nội dung yêu cầu giải quyết:", slip.procedure_name)
    pdf.ln(1)
    pdf.line_of("1. Thành phần hồ sơ nộp gồm:", style="B")
    pdf.set_font(_FAMILY, "", 10.5)
    with pdf.table(width=pdf.epw, align="LEFT", col_widths=(10, 95, 30, 30), line_height=6,
                   text_align=("CENTER", "LEFT", "CENTER", "CENTER"),
                   headings_style=_HEADING) as table:
        heading = table.row()
        for title in ("TT", "Tên loại giấy tờ", "Bản chính", "Bản sao"):
            heading.cell(title)
        for number, item in enumerate(slip.documents, start=1):
            row = table.row()
            row.cell(str(number))
            row.cell(item.name)
            row.cell(str(item.originals) if item.originals else "—")
            copies = str(item.copies) if item.copies else "—"
            if item.copies and item.form == "certified_copy":
                copies += " (chứng thực)"
            row.cell(copies)
    pdf.ln(3)
    pdf.labelled("2. Số lượng hồ sơ:", f"{slip.sets:02d} (bộ)")
    pdf.labelled("3. Thời gian giải quyết hồ sơ theo quy định là:",
                 processing_time_text(slip.processing_time, slip.unit))
    pdf.labelled("4. Thời gian nhận hồ sơ:", moment_text(slip.received_at, slip.time_zone))
    pdf.labelled("5. Thời gian trả kết quả giải quyết hồ sơ:", moment_text(slip.due_at, slip.time_zone))
    pdf.labelled("6. Đăng ký nhận kết quả tại:", slip.collect_at)
    pdf.line_of(register_text(slip), 10.5, "I")
    pdf.ln(6)

    signatures_y = pdf.get_y()
    for index, who in enumerate(("NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ")):
        pdf.set_xy(pdf.l_margin + index * half, signatures_y)
        pdf.set_font(_FAMILY, "B", 11)
        pdf.multi_cell(half, 6, who, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.set_font(_FAMILY, "I", 10)
        pdf.multi_cell(half, 5, "(Ký và ghi rõ họ tên)", align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
        name = slip.applicant_name if index == 0 else slip.officer_name
        pdf.set_xy(pdf.l_margin + index * half, signatures_y + 32)
        pdf.set_font(_FAMILY, "B", 11)
        pdf.multi_cell(half, 6, name, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(8)

    size = 32.0
    if pdf.get_y() + size > pdf.h - pdf.b_margin:
        pdf.add_page()
    qr_top = pdf.get_y()
    pdf.image(qr_image(slip.lookup_url, 8).convert("L"), x=pdf.l_margin, y=qr_top, w=size, h=size)
    pdf.set_xy(pdf.l_margin + size + 5, qr_top + 4)
    text_width = pdf.w - pdf.r_margin - pdf.get_x()
    pdf.set_font(_FAMILY, "", 10.5)
    pdf.multi_cell(text_width, 5.5, "Quét mã QR để xem tình trạng hồ sơ, hoặc vào "
                   f"{slip.lookup_page} và nhập mã hồ sơ cùng mã tra cứu:",
                   new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font(_FAMILY, "B", 16)
    pdf.multi_cell(text_width, 9, f"Mã tra cứu: {slip.short_secret}", align=PdfAlign.L,
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())
