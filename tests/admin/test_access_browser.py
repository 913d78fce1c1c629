"""Taking access back in headless Chromium: the access page revokes a token with its button, and
signing out in one browser signs the same person out in another."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from motcua.auth.accounts import create_api_token, create_user, register_device
from motcua.core.actors import SYSTEM, DeviceKind, Role
from motcua.core.clock import SystemClock
from motcua.core.events import RecordingPublisher
from motcua.core.ports import Ports
from motcua.queue.demo import load_demo_hall
from tests.conftest import LiveServer, screenshot
from tests.support import system_ports

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 900}


@pytest.fixture
def hall(live_server: LiveServer) -> LiveServer:
    clock = SystemClock()
    with live_server.session() as session:
        load_demo_hall(Ports(session, clock, RecordingPublisher()))
        create_user(system_ports(session, clock), actor=SYSTEM,
                    username="quantri", role=Role.ADMIN, password="secret-pass",
                    full_name="Quản trị viên")
        create_user(system_ports(session, clock), actor=SYSTEM,
                    username="lan", role=Role.OFFICER, password="secret-pass",
                    hall_code="demo", full_name="Nguyễn Thị Lan")
        create_api_token(system_ports(session, clock), actor=SYSTEM,
                         name="bao-cao-tuan", role=Role.SUPERVISOR,
                         hall_code="demo", expires_at=clock.now() + timedelta(days=30))
        create_api_token(system_ports(session, clock), actor=SYSTEM,
                         name="lan-may-ban", role=Role.OFFICER, username="lan")
        register_device(system_ports(session, clock), actor=SYSTEM, printers=None,
                        hall_code="demo", name="Máy lấy số cửa chính",
                        kind=DeviceKind.KIOSK, printer="agent")
        register_device(system_ports(session, clock), actor=SYSTEM, printers=None,
                        hall_code="demo", name="Máy đánh giá quầy 1",
                        kind=DeviceKind.TABLET, counter_number=1)
    return live_server


@pytest.fixture
def contexts(browser: Browser) -> Iterator[list[Any]]:
    opened: list[Any] = []
    yield opened
    for context in opened:
        context.close()


def new_page(browser: Browser, contexts: list[Any]) -> Page:
    context = browser.new_context(viewport=LAPTOP, locale="vi-VN")
    contexts.append(context)
    return context.new_page()


def sign_in(page: Page, server: LiveServer, username: str, path: str) -> None:
    page.goto(server.url + path)
    page.fill("#username", username)
    page.fill("#password", "secret-pass")
    page.click("button[type=submit]")
    expect(page).to_have_url(server.url + path)


def test_an_admin_revokes_a_token_from_the_access_page(hall: LiveServer, browser: Browser,
                                                       contexts: list[Any]) -> None:
    page = new_page(browser, contexts)
    sign_in(page, hall, "quantri", "/admin/demo/access")
    tokens = page.get_by_test_id("api-tokens")
    expect(tokens).to_contain_text("bao-cao-tuan")
    expect(page.get_by_test_id("devices")).to_contain_text("Máy lấy số cửa chính")
    page.on("dialog", lambda dialog: dialog.accept())  # "Thu hồi mã …?"
    row = tokens.locator("tr", has_text="lan-may-ban")
    row.get_by_role("button", name="Thu hồi").click()
    expect(page.locator("body")).to_contain_text("Đã thu hồi mã truy cập “lan-may-ban”")
    expect(row).to_contain_text("Đã thu hồi")
    expect(row.get_by_role("button")).to_have_count(0)
    screenshot(page, "admin-access")
    page.goto(hall.url + "/admin/demo/access?lang=en")
    expect(page.get_by_test_id("api-tokens")).to_contain_text("Revoked")
    screenshot(page, "admin-access-en")


def test_signing_out_in_one_browser_signs_the_person_out_in_the_other(
        hall: LiveServer, browser: Browser, contexts: list[Any]) -> None:
    desk, phone = new_page(browser, contexts), new_page(browser, contexts)
    sign_in(desk, hall, "lan", "/counter/demo")
    sign_in(phone, hall, "lan", "/counter/demo")
    desk.get_by_role("button", name="Đăng xuất").click()
    expect(desk).to_have_url(hall.url + "/sign-in")
    phone.reload()
    expect(phone).to_have_url(f"{hall.url}/sign-in?next=%2Fcounter%2Fdemo")
