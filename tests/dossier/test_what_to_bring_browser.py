"""What to bring at the demo's kiosk (as `motcua demo` sets it up) in headless Chromium:
"Thủ tục" → a sector → a procedure → its papers with the QR code to read them on a phone →
"In" prints the checklist on the demo kiosk's printer, which writes what it would print as a
PNG. Screenshots: artifacts/screenshots/what-to-bring-*.png (the printed checklist too)."""
from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import expect

from motcua.kiosk.links import qr_svg
from motcua.printer.device.document import PAPER_DOTS
from tests.conftest import ARTIFACTS, screenshot
from tests.demo_server import DemoServer, contexts, demo_server
from tests.kiosk.conftest import LANDSCAPE
from tests.support import hall_time

pytestmark = pytest.mark.browser

RENEWAL = "1.012770"  # Cấp đổi Giấy chứng nhận quyền sử dụng đất, in Đất đai


@pytest.fixture
def demo(tmp_path: Path, database_url: str) -> Iterator[DemoServer]:
    yield from demo_server(tmp_path, database_url, starts_at=hall_time(2026, 11, 25, 9, 0))


def printed_within(demo: DemoServer, seconds: float) -> list[Path]:
    """The previews the kiosk's printer wrote (it prints in the dispatcher's thread)."""
    deadline = time.monotonic() + seconds
    while not demo.printed() and time.monotonic() < deadline:
        time.sleep(0.1)
    return demo.printed()


def test_a_citizen_reads_what_to_bring_at_the_demo_kiosk_and_prints_the_checklist(
        browser: Any, contexts: list[Any], demo: DemoServer) -> None:
    context = browser.new_context(viewport=LANDSCAPE, locale="vi-VN")
    contexts.append(context)
    kiosk = context.new_page()
    kiosk.goto(demo.url(f"/kiosk/demo/setup?token={demo.kiosk_token}"))
    expect(kiosk.locator("#screen-home")).to_be_visible()
    kiosk.wait_for_load_state("networkidle")
    kiosk.locator('[data-action="procedures"]').click()
    kiosk.locator('[data-procedure-sector="dat-dai"]').click()
    expect(kiosk.get_by_test_id("procedure-list")).to_contain_text("Cấp đổi Giấy chứng nhận")
    kiosk.evaluate("document.fonts.ready")
    screenshot(kiosk, "what-to-bring-1-procedures")

    kiosk.locator(f'[data-procedure="{RENEWAL}"]').click()
    sheet = kiosk.get_by_test_id("procedure-sheet")
    expect(sheet).to_contain_text("Đơn đăng ký biến động đất đai, tài sản gắn liền với đất")
    expect(sheet).to_contain_text("Bản chính: 1")
    expect(sheet).to_contain_text("7 ngày làm việc")
    qr = sheet.locator(".procedure-sheet__qr img")
    kiosk.wait_for_function("() => document.querySelector('.procedure-sheet__qr img').naturalWidth > 0")
    expect(qr).to_be_in_viewport(ratio=1)  # beside the papers, not below them
    expect(kiosk.get_by_test_id("print-checklist")).to_be_in_viewport(ratio=1)
    drawn = kiosk.context.request.get(demo.url(qr.get_attribute("src") or ""))
    assert drawn.text() == qr_svg(demo.url(f"/thu-tuc/demo/{RENEWAL}"))  # the phone page's link
    kiosk.evaluate("document.fonts.ready")
    screenshot(kiosk, "what-to-bring-2-papers")

    assert demo.printed() == []
    kiosk.get_by_test_id("print-checklist").click()
    expect(sheet.locator("[data-print-answer]")).to_have_text(
        "Đang in danh sách giấy tờ — mời nhận bên dưới.")
    screenshot(kiosk, "what-to-bring-3-printing")
    [checklist] = printed_within(demo, seconds=10)
    with Image.open(checklist) as paper:
        assert paper.width == PAPER_DOTS[80] and paper.height > paper.width  # an 80 mm slip
    shutil.copy(checklist, ARTIFACTS / "screenshots" / "what-to-bring-4-printed-checklist.png")
