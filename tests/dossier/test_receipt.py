"""The receipt and appointment slip, read back by Tesseract's Vietnamese model: what a person
reads on the 80 mm paper and on the A4 sheet is what was meant, diacritics included."""
from __future__ import annotations

import shutil
import subprocess
import unicodedata
from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image

from motcua.dossier.receipt import (
    HandedIn,
    ReceiptSlip,
    moment_text,
    processing_time_text,
    receipt_document,
)
from motcua.dossier.receipt_pdf import receipt_pdf
from motcua.printer.device.document import QRCode
from motcua.printer.device.render import preview, to_escpos
from tests.conftest import ARTIFACTS
from tests.support import HALL_TZ


def _has_vietnamese_tesseract() -> bool:
    if shutil.which("tesseract") is None:
        return False
    listed = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, check=False)
    return "vie" in (listed.stdout + listed.stderr).split()


needs_ocr = pytest.mark.skipif(not _has_vietnamese_tesseract(),
                               reason="tesseract with its Vietnamese model is not installed")

SLIP = ReceiptSlip(
    receiving_unit="Trung tâm Phục vụ hành chính công tỉnh Khánh Hòa",
    code="H21.65-261125-0007",
    applicant_name="Nguyễn Thị Hồng Nhung",
    applicant_address="Số 12 đường Lê Thánh Tôn, phường Lộc Thọ",
    applicant_phone="0905123456",
    procedure_name="Đăng ký biến động quyền sử dụng đất do chuyển nhượng, tặng cho, thừa kế",
    documents=(HandedIn("Đơn đăng ký biến động đất đai, tài sản gắn liền với đất", "original", 1, 0),
               HandedIn("Hợp đồng chuyển nhượng đã công chứng", "certified_copy", 0, 2)),
    sets=1, processing_time=10, unit="working_days",
    received_at=datetime(2026, 11, 25, 9, 5, tzinfo=HALL_TZ),
    due_at=datetime(2026, 12, 9, 9, 5, tzinfo=HALL_TZ),
    time_zone="Asia/Ho_Chi_Minh",
    collect_at="Quầy số 1, Trung tâm Phục vụ hành chính công tỉnh",
    register_book="2026", register_entry=1234, officer_name="Phạm Minh Châu",
    lookup_url="http://10.0.0.5:5000/tra-cuu/abcdEFGHijklMNOPqrstUVWX",
    short_secret="K7MXR3", lookup_page="10.0.0.5:5000/tra-cuu",
)


def read_back(image: Path) -> str:
    result = subprocess.run(["tesseract", str(image), "-", "-l", "vie", "--psm", "4"],
                            capture_output=True, text=True, check=True, timeout=180)
    return " ".join(unicodedata.normalize("NFC", result.stdout).split())


def test_times_and_processing_time_read_as_form_01_writes_them():
    assert moment_text(SLIP.due_at, SLIP.time_zone) == "09 giờ 05 phút, ngày 09 tháng 12 năm 2026"
    assert processing_time_text(0.5, "working_days") == "0,5 ngày làm việc"
    assert processing_time_text(8, "working_hours") == "8 giờ làm việc"
    assert processing_time_text(30, "calendar_days") == "30 ngày"


def test_the_80_mm_slip_carries_the_lookup_url_in_its_qr_code_and_prints_as_escpos():
    document = receipt_document(SLIP)
    assert [b.data for b in document.blocks if isinstance(b, QRCode)] == [SLIP.lookup_url]
    data = to_escpos(document, native_qr=True)
    assert b"\x1d(k" in data and b"\x1dv0" in data  # native QR and raster text
    narrow = receipt_document(ReceiptSlip(**{**SLIP.__dict__, "paper_mm": 58}))
    assert preview(narrow).width == 384


@needs_ocr
def test_the_80_mm_receipt_reads_back_with_its_vietnamese_text_right(tmp_path):
    path = ARTIFACTS / "screenshots" / "dossier-receipt-80mm.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    image = preview(receipt_document(SLIP))
    image.save(path)
    big = tmp_path / "big.png"  # 1-bit dots read better at twice the size
    image.convert("L").resize((image.width * 2, image.height * 2), Image.Resampling.NEAREST).save(big)
    text = read_back(big)
    for expected in ("GIẤY TIẾP NHẬN HỒ SƠ", "Nguyễn Thị Hồng Nhung", "Lê Thánh Tôn, phường Lộc Thọ",
                     "Thành phần hồ sơ nộp gồm", "Bản sao có chứng thực: 2",
                     "Thời gian trả kết quả giải quyết hồ sơ", "ngày 09 tháng 12 năm 2026",
                     "10 ngày làm việc", "Đăng ký nhận kết quả tại", "Quét mã để xem tình trạng hồ sơ",
                     "Phạm Minh Châu"):
        assert expected in text, (expected, text)


@needs_ocr
@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed")
def test_the_a4_pdf_reads_back_with_its_vietnamese_text_right(tmp_path):
    pdf = tmp_path / "receipt.pdf"
    pdf.write_bytes(receipt_pdf(SLIP))
    assert pdf.read_bytes().startswith(b"%PDF")
    subprocess.run(["pdftoppm", "-r", "200", "-png", "-singlefile", str(pdf), str(tmp_path / "page")],
                   check=True, timeout=120)
    page = tmp_path / "page.png"
    shutil.copy(page, ARTIFACTS / "screenshots" / "dossier-receipt-a4.png")
    text = read_back(page)
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "Nguyễn Thị Hồng Nhung",
                     "Lê Thánh Tôn, phường Lộc Thọ", "Thời gian trả kết quả giải quyết hồ sơ",
                     "10 ngày làm việc", "Quyển số: 2026", "NGƯỜI NỘP HỒ SƠ", "Phạm Minh Châu",
                     "K7MXR3"):
        assert expected in text, (expected, text)
