"""Online registration in headless Chromium: a citizen registers a dossier on a phone, an officer
accepts it and the citizen's status page shows status 2 with its due date; another is refused
and its slip is printed. Screenshots go to artifacts/screenshots/online-*.png."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect

from motcua.auth.accounts import create_user
from motcua.core.actors import SYSTEM, Role
from motcua.core.clock import SystemClock
from motcua.core.events import RecordingPublisher
from motcua.core.ports import Ports
from motcua.dossier import services as dossiers
from motcua.dossier.models import Dossier
from motcua.dossier.models import DossierStatus as S
from motcua.printer.models import PrintJob, PrintJobKind
from motcua.queue.demo import load_demo_hall
from tests.conftest import ARTIFACTS, LiveServer, screenshot
from tests.dossier.online_support import EXE, PDF, png_bytes
from tests.support import system_ports

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 1250}
PHONE = {"width": 390, "height": 844}
LAND_EXCHANGE = "1.012770"


@pytest.fixture
def hall(live_server: LiveServer) -> LiveServer:
    """The demo hall with its catalogue and officer lan."""
    with live_server.session() as session:
        ports = Ports(session, SystemClock(), RecordingPublisher())
        load_demo_hall(ports)
        dossiers.load_demo_catalogue(session, ports.clock)
        create_user(system_ports(session, ports.clock), actor=SYSTEM, username="lan",
                    role=Role.OFFICER, password="secret-pass", hall_code="demo",
                    full_name="Nguyễn Văn An")
    return live_server


@pytest.fixture
def contexts(browser: Browser) -> Iterator[list[Any]]:
    opened: list[Any] = []
    yield opened
    for context in opened:
        context.close()


def new_page(browser: Browser, contexts: list[Any], viewport: dict[str, int], **options: Any) -> Page:
    context = browser.new_context(viewport=viewport, locale="vi-VN", **options)
    contexts.append(context)
    return context.new_page()


def register_on_a_phone(phone: Page, server: LiveServer, name: str, shot: str | None = None) -> str:
    phone.goto(server.url + "/nop-ho-so/demo")
    phone.get_by_test_id("online-procedure").select_option(LAND_EXCHANGE)
    phone.get_by_test_id("online-choose").click()
    expect(phone.get_by_test_id("online-form")).to_be_visible()
    phone.get_by_test_id("online-name").fill(name)
    phone.get_by_test_id("online-phone").fill("0905 123 456")
    phone.get_by_test_id("online-id-card").fill("079123456789")
    phone.get_by_test_id("online-address").fill("12 Lê Thánh Tôn, Nha Trang")
    phone.get_by_test_id("online-file-0").set_input_files(
        {"name": "don-dang-ky.pdf", "mimeType": "application/pdf", "buffer": PDF})
    # A photo of the certificate, named .pdf by the phone's file picker: kept as the PNG it is.
    phone.get_by_test_id("online-file-1").set_input_files(
        {"name": "giay-chung-nhan.pdf", "mimeType": "application/pdf", "buffer": png_bytes()})
    if shot:
        screenshot(phone, shot)
        phone.screenshot(path=str(ARTIFACTS / "screenshots" / f"{shot}-full.png"), full_page=True)
    phone.get_by_test_id("online-submit").click()
    expect(phone.get_by_test_id("online-done")).to_be_visible()
    return phone.get_by_test_id("online-code").inner_text()


def sign_in(page: Page, server: LiveServer) -> None:
    page.goto(server.url + "/sign-in")
    page.fill("#username", "lan")
    page.fill("#password", "secret-pass")
    page.keyboard.press("Enter")
    page.wait_for_url("**/counter/**")


def test_a_dossier_registered_on_a_phone_is_accepted_and_its_status_page_shows_the_due_date(
        hall, browser, contexts):
    phone = new_page(browser, contexts, PHONE, is_mobile=True, has_touch=True)
    code = register_on_a_phone(phone, hall, "Trần Thị Thu Hà", shot="online-form-phone")
    screenshot(phone, "online-submitted-phone")
    phone.get_by_test_id("online-status-link").click()
    expect(phone.get_by_test_id("dossier-status")).to_have_attribute("data-status", "1")
    expect(phone.get_by_test_id("public-due")).to_contain_text("Sẽ có khi hồ sơ được tiếp nhận")
    status_page = phone.url

    officer = new_page(browser, contexts, LAPTOP)
    sign_in(officer, hall)
    officer.goto(hall.url + "/dossier/demo/online")
    expect(officer.get_by_test_id("online-queue-item")).to_have_text(code)
    screenshot(officer, "online-queue")
    officer.get_by_test_id("online-queue-item").click()
    expect(officer.get_by_test_id("online-files")).to_contain_text("giay-chung-nhan.pdf")
    expect(officer.get_by_test_id("online-files")).to_contain_text("PNG")
    with officer.expect_download() as downloaded:
        officer.get_by_test_id("online-file-link").first.click()
    assert Path(downloaded.value.path()).read_bytes() == PDF
    screenshot(officer, "online-dossier-officer")
    officer.check(f"input[name=status][value='{int(S.ACCEPTED)}']")
    officer.get_by_test_id("status-submit").click()
    expect(officer.get_by_test_id("due-at")).not_to_contain_text("Tính từ khi tiếp nhận")

    phone.goto(status_page)
    expect(phone.get_by_test_id("dossier-status")).to_have_attribute("data-status", "2")
    with hall.session() as session:
        dossier = session.query(Dossier).filter_by(code=code).one()
        assert dossier.due_at is not None and dossier.status == S.ACCEPTED
        due = dossier.due_at.astimezone(ZoneInfo(dossier.hall.time_zone))
    expect(phone.get_by_test_id("public-due")).to_have_text(f"{due:%H:%M %d/%m/%Y}")
    screenshot(phone, "online-accepted-status-phone")


def test_a_refused_online_dossier_prints_a_slip_with_the_reason(hall, browser, contexts):
    phone = new_page(browser, contexts, PHONE, is_mobile=True, has_touch=True)
    code = register_on_a_phone(phone, hall, "Lê Văn Tám")
    officer = new_page(browser, contexts, LAPTOP)
    sign_in(officer, hall)
    officer.goto(hall.url + f"/dossier/demo/{code}")
    officer.check(f"input[name=status][value='{int(S.REFUSED)}']")
    officer.get_by_test_id("status-note").fill("Thửa đất thuộc thẩm quyền của Văn phòng đăng ký đất đai tỉnh")
    officer.get_by_test_id("status-submit").click()
    expect(officer.get_by_test_id("notice-preview")).to_be_visible()
    screenshot(officer, "online-refused-officer")
    with hall.session() as session:
        job = session.query(PrintJob).filter_by(kind=PrintJobKind.NOTICE).one()
        assert job.requested_by == "staff:lan"
    slip = officer.request.get(hall.url + f"/dossier/demo/{code}/notice.png")
    assert slip.ok and slip.body().startswith(b"\x89PNG")
    (ARTIFACTS / "screenshots" / "online-refusal-slip.png").write_bytes(slip.body())


def test_the_phone_form_in_english_refuses_a_program_renamed_pdf(hall, browser, contexts):
    phone = new_page(browser, contexts, PHONE, is_mobile=True, has_touch=True)
    phone.goto(hall.url + f"/nop-ho-so/demo?procedure={LAND_EXCHANGE}&lang=en")
    expect(phone.locator("h1")).to_have_text("Submit a dossier online")
    phone.get_by_test_id("online-name").fill("Tran Thi Thu Ha")
    phone.get_by_test_id("online-phone").fill("0905123456")
    phone.get_by_test_id("online-file-0").set_input_files(
        {"name": "don.pdf", "mimeType": "application/pdf", "buffer": EXE})
    phone.get_by_test_id("online-file-1").set_input_files(
        {"name": "gcn.pdf", "mimeType": "application/pdf", "buffer": PDF})
    phone.get_by_test_id("online-submit").click()
    expect(phone.get_by_test_id("online-error")).to_contain_text("“don.pdf” is not a usable")
    expect(phone.get_by_test_id("online-name")).to_have_value("Tran Thi Thu Ha")
    screenshot(phone, "online-refused-file-phone-en")
    with hall.session() as session:
        assert session.query(Dossier).count() == 0
