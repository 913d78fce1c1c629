"""Dossiers in headless Chromium: intake from the console, the dossier page, the look-up on a
phone, the public figures. Screenshots go to artifacts/screenshots/dossier-*.png."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from motcua.auth.accounts import create_user, register_device
from motcua.core.actors import SYSTEM, Actor, DeviceKind, Role
from motcua.core.clock import SystemClock
from motcua.core.events import RecordingPublisher
from motcua.core.ports import Ports
from motcua.dossier import services as dossiers
from motcua.dossier.models import Dossier
from motcua.dossier.models import DossierStatus as S
from motcua.queue import services as queue
from motcua.queue.demo import load_demo_hall
from tests.conftest import LiveServer, screenshot
from tests.dossier.support import INSTALLATION, an_intake
from tests.support import system_ports

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 1250}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def hall(live_server: LiveServer) -> LiveServer:
    """The demo hall with its catalogue; officer lan at counter 1 serving a citizen."""
    with live_server.session() as session:
        ports = Ports(session, SystemClock(), RecordingPublisher())
        load_demo_hall(ports)
        dossiers.load_demo_catalogue(session, ports.clock)
        user, _ = create_user(system_ports(session, ports.clock), actor=SYSTEM,
                              username="lan", role=Role.OFFICER,
                              password="secret-pass", hall_code="demo", full_name="Nguyễn Văn An")
        officer = Actor(kind="staff", name="lan", role=Role.OFFICER, user_id=user.id,
                              hall_id=user.hall_id)
        queue.open_counter(ports, hall_code="demo", counter_number=1, actor=officer)
        queue.issue_ticket(ports, hall_code="demo", sector_code="dat-dai", priority=None, actor=SYSTEM)
        queue.call_next(ports, hall_code="demo", counter_number=1, actor=officer)
    return live_server


@pytest.fixture
def contexts(browser: Browser) -> Iterator[list[Any]]:
    opened: list[Any] = []
    yield opened
    for context in opened:
        context.close()


def new_page(browser: Browser, contexts: list[Any], viewport: dict[str, int]) -> Page:
    context = browser.new_context(viewport=viewport, locale="vi-VN")
    contexts.append(context)
    return context.new_page()


def sign_in(page: Page, server: LiveServer) -> None:
    page.goto(server.url + "/sign-in")
    page.fill("#username", "lan")
    page.fill("#password", "secret-pass")
    page.keyboard.press("Enter")
    page.wait_for_url("**/counter/**")


def test_an_officer_receives_a_dossier_from_the_console_and_gets_its_receipt(hall, browser, contexts):
    page = new_page(browser, contexts, LAPTOP)
    sign_in(page, hall)
    page.goto(hall.url + "/counter/demo/1")
    page.get_by_test_id("dossier-intake-link").click()
    expect(page.get_by_test_id("intake-ticket")).to_have_text("1001")
    page.wait_for_load_state()  # intake.js, at the end of the page, makes the choice submit
    page.get_by_test_id("procedure").select_option("1.012770")  # submits itself
    expect(page.get_by_test_id("intake-form")).to_be_visible()
    page.get_by_test_id("applicant-name").fill("Trần Thị Thu Hà")
    page.get_by_test_id("applicant-phone").fill("0914 222 333")
    page.get_by_test_id("applicant-address").fill("45 Nguyễn Thị Minh Khai, Nha Trang")
    # the citizen meant another procedure: choosing it keeps what was typed of them
    page.get_by_test_id("procedure").select_option("1.012774")
    expect(page.get_by_test_id("procedure")).to_have_value("1.012774")
    expect(page.get_by_test_id("applicant-name")).to_have_value("Trần Thị Thu Hà")
    expect(page.get_by_test_id("applicant-address")).to_have_value("45 Nguyễn Thị Minh Khai, Nha Trang")
    screenshot(page, "dossier-intake")
    page.get_by_test_id("receive").click()
    expect(page.get_by_test_id("dossier-code")).to_have_text(dossier_code(hall))
    expect(page.locator(".flash")).to_contain_text("Giấy hẹn đang được in")
    screenshot(page, "dossier-detail")

    page.locator("input[name=status][value='5']").check()
    page.get_by_test_id("status-note").fill("Thiếu bản sao Giấy chứng nhận đã cấp")
    page.get_by_test_id("status-submit").click()
    expect(page.locator(".page__head .status")).to_have_text("Yêu cầu bổ sung giấy tờ")
    screenshot(page, "dossier-detail-supplement")

    href = page.get_by_text("Xem giấy hẹn 80 mm").get_attribute("href")
    preview = page.context.request.get(hall.url + href)
    assert preview.ok and preview.body().startswith(b"\x89PNG")


def dossier_code(server: LiveServer) -> str:
    with server.session() as session:
        dossier = session.query(Dossier).one()
        return dossier.code


def test_a_citizen_looks_the_dossier_up_on_a_phone(hall, browser, contexts):
    with hall.session() as session:
        ports = Ports(session, SystemClock(), RecordingPublisher())
        dossier = dossiers.receive_dossier(ports, hall_code="demo", counter_number=1, actor=SYSTEM,
                                           intake=an_intake(name="Võ Thị Ánh Tuyết"),
                                           installation=INSTALLATION)
        dossiers.change_status(ports, code=dossier.code, status=S.IN_PROCESS, actor=SYSTEM)
        dossiers.change_status(ports, code=dossier.code, status=S.SUPPLEMENT_REQUESTED, actor=SYSTEM,
                               note="Xin bổ sung bản sao Căn cước công dân")
        code, qr, short = dossier.code, dossier.qr_secret, dossier.short_secret
    phone = new_page(browser, contexts, PHONE)
    phone.goto(f"{hall.url}/tra-cuu/{qr}")
    card = phone.get_by_test_id("dossier-status")
    expect(card).to_contain_text("Võ T. Á. T.")
    expect(card).not_to_contain_text("Võ Thị Ánh Tuyết")
    expect(card).to_contain_text("Xin bổ sung bản sao Căn cước công dân")
    screenshot(phone, "dossier-lookup-phone")

    phone.goto(f"{hall.url}/tra-cuu")
    phone.get_by_test_id("lookup-code").fill(code)
    phone.get_by_test_id("lookup-secret").fill("AAAAAA" if short != "AAAAAA" else "CCCCCC")
    phone.get_by_test_id("lookup-submit").click()
    expect(phone.get_by_test_id("not-found")).to_be_visible()
    screenshot(phone, "dossier-lookup-not-found")
    phone.get_by_test_id("lookup-code").fill(code)
    phone.get_by_test_id("lookup-secret").fill(short.lower())
    phone.get_by_test_id("lookup-submit").click()
    expect(phone.get_by_test_id("dossier-status")).to_contain_text(code)

    phone.goto(f"{hall.url}/tra-cuu/{qr}?lang=en")
    expect(phone.get_by_test_id("explained")).to_contain_text("Documents are missing")
    screenshot(phone, "dossier-lookup-phone-en")


def test_the_public_figures_page_shows_the_month(hall, browser, contexts):
    with hall.session() as session:
        ports = Ports(session, SystemClock(), RecordingPublisher())
        for _ in range(3):
            done = dossiers.receive_dossier(ports, hall_code="demo", counter_number=1, actor=SYSTEM,
                                            intake=an_intake(), installation=INSTALLATION)
        dossiers.change_status(ports, code=done.code, status=S.DONE, actor=SYSTEM)
    page = new_page(browser, contexts, LAPTOP)
    page.goto(hall.url + "/cong-khai?hall=demo")
    table = page.get_by_test_id("figures-demo")
    expect(table.locator("tfoot")).to_contain_text("100,0 %")
    screenshot(page, "dossier-publication")


def test_the_kiosk_look_up_screen_shows_a_dossier_whose_receipt_is_scanned(hall, browser, contexts):
    with hall.session() as session:
        ports = Ports(session, SystemClock(), RecordingPublisher())
        dossier = dossiers.receive_dossier(ports, hall_code="demo", counter_number=1, actor=SYSTEM,
                                           intake=an_intake(name="Đặng Quốc Bảo"), installation=INSTALLATION)
        qr = dossier.qr_secret
        _, token = register_device(system_ports(session, ports.clock), actor=SYSTEM, printers=None,
                                   hall_code="demo", name="kiosk-1",
                                   kind=DeviceKind.KIOSK, printer="dummy:")
    kiosk = new_page(browser, contexts, {"width": 1080, "height": 1600})
    kiosk.goto(f"{hall.url}/kiosk/demo/setup?token={token}")
    kiosk.wait_for_url("**/kiosk/demo")
    kiosk.keyboard.type(f"{hall.url}/tra-cuu/{qr}", delay=5)  # a USB scanner types like a keyboard
    kiosk.keyboard.press("Enter")
    result = kiosk.locator("#lookup-result")
    expect(result.get_by_test_id("masked-name")).to_have_text("Đặng Q. B.")
    expect(result).not_to_contain_text("Đặng Quốc Bảo")
    screenshot(kiosk, "dossier-kiosk-lookup")
