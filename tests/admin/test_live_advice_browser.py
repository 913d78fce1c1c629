"""The leaders' live view recommends moving a counter to a sector whose predicted wait passes
its threshold, with the effect a simulation of the rest of the day predicts, and one click
applies it."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import select

from motcua.core.actors import SYSTEM, Actor
from motcua.core.clock import FixedClock, SystemClock, local_now
from motcua.core.ports import Ports
from motcua.queue import services
from motcua.queue.models import Counter, Hall
from tests.admin.test_browser import contexts, hall, new_page, sign_in
from tests.conftest import LiveServer, runtime_of, screenshot

pytestmark = pytest.mark.browser


def a_long_land_line(server: LiveServer) -> None:
    """Counter 1 alone for land, with 25 citizens who came over the last half hour (today's:
    since midnight, if that is less); counter 7
    (transport) has one citizen. The hall closes in an hour, so the forecast is short."""
    clock = SystemClock()
    closes = local_now(clock, "Asia/Ho_Chi_Minh") + timedelta(hours=1)
    with server.session() as session:
        found = session.scalar(select(Hall).where(Hall.code == "demo"))
        found.opening_windows = ("00:00-24:00" if closes.day != local_now(clock, found.time_zone).day
                                 else f"00:00-{closes:%H:%M}")
        found.settings = {**found.settings, "wait_alert_minutes": 20}
        session.commit()
        ports = Ports(session, clock, runtime_of(server.app).publisher)
        for number in (1, 7):
            services.open_counter(ports, hall_code="demo", counter_number=number, actor=SYSTEM)
        now = local_now(clock, found.time_zone)
        span = min(30, now.hour * 60 + now.minute)  # just after midnight: since midnight
        for i in range(25):
            services.issue_ticket(
                Ports(session, FixedClock(clock.now() - timedelta(minutes=span * (25 - i) / 25)),
                      runtime_of(server.app).publisher),
                hall_code="demo", sector_code="dat-dai", priority=None,
                actor=Actor(kind="kiosk", name="k1"))
        services.issue_ticket(ports, hall_code="demo", sector_code="giao-thong", priority=None,
                              actor=Actor(kind="kiosk", name="k1"))


def test_the_live_view_recommends_a_counter_for_the_long_line_and_applies_it(
        hall: LiveServer, browser: Browser, contexts: list[Any]) -> None:
    a_long_land_line(hall)
    page = new_page(browser, contexts)
    sign_in(page, hall, "/admin/demo/live")
    move = page.locator("[data-advice] .move").first
    expect(move).to_contain_text("cho Đất đai: chờ dự kiến", timeout=30_000)
    text = move.inner_text()
    assert "Mở thêm quầy 7" in text
    before, after = (int(n) for n in text.split("chờ dự kiến")[1].split("phút")[0].split("→"))
    assert after < before
    screenshot(page, "admin-live-advice")

    move.get_by_role("button", name="Áp dụng").click()
    expect(page.locator(".flash, [role=status]").first).to_contain_text(
        "Quầy 7 phục vụ thêm Đất đai", timeout=10_000)
    with hall.session() as session:
        counter = session.scalar(select(Counter).where(Counter.number == 7))
        assert [s.code for s in counter.sectors] == ["dat-dai", "giao-thong"]


def test_an_officers_sectors_and_a_counters_schedule_are_edited_in_the_browser(
        hall: LiveServer, browser: Browser, contexts: list[Any]) -> None:
    from motcua.auth.accounts import create_user
    from motcua.core.accounts import StaffUser
    from motcua.core.actors import Role
    from tests.support import system_ports

    with hall.session() as session:
        officer, _ = create_user(system_ports(session, SystemClock()), actor=SYSTEM,
                                 username="lan", role=Role.OFFICER, password="secret-pass",
                                 hall_code="demo", full_name="Nguyễn Thị Lan")
        officer_id = officer.id
    page = new_page(browser, contexts)
    sign_in(page, hall, f"/admin/demo/staff/{officer_id}")
    page.get_by_label("Đất đai").check()
    page.get_by_role("button", name="Lưu lĩnh vực").click()
    expect(page.get_by_text("Đã lưu các lĩnh vực")).to_be_visible()
    expect(page.get_by_label("Đất đai")).to_be_checked()
    screenshot(page, "admin-staff-qualifications")

    page.goto(hall.url + "/admin/demo/counters/6")
    page.fill('input[name="rank-dat-dai"]', "2")
    page.fill('input[name="hours-dat-dai"]', "07:00-11:30")
    page.fill('input[name="hours-xay-dung"]', "13:30-17:00")
    page.fill('input[name="weekdays-dat-dai"]', "1-5")
    screenshot(page, "admin-counter-schedule")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.get_by_text("Đã lưu quầy 6")).to_be_visible()
    with hall.session() as session:
        counter = session.scalar(select(Counter).where(Counter.number == 6))
        assert [(link.sector.code, link.hours, link.weekdays) for link in counter.sector_links] == [
            ("xay-dung", "13:30-17:00", None), ("dat-dai", "07:00-11:30", "1-5")]
        assert session.get(StaffUser, officer_id) is not None
