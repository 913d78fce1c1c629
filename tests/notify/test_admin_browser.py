"""The /admin notifications page in headless Chromium: the hall's messages with their reasons,
"send again" on a failed one, and the channel form (screenshot for a person to look at)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from motcua.core.actors import SYSTEM
from motcua.core.clock import SystemClock
from motcua.notify.models import Notification, NotificationStatus
from motcua.notify.settings import configure_channel
from motcua.queue.services import get_hall
from tests.admin.test_browser import LAPTOP, contexts, hall, new_page, sign_in
from tests.conftest import screenshot
from tests.support import system_ports

pytestmark = pytest.mark.browser

ROWS = [
    ("sent", "0912345678", "Trung tâm: mời số 1001 đến quầy 1.", 1, None),
    ("failed", "0987654321", "Trung tâm: số 1004 còn 2 người nữa là đến lượt, mời ông/bà về gần quầy.",
     6, "HTTP 503 Service Unavailable: gateway maintenance"),
    ("queued", "0905123456", "Trung tâm: đã tiếp nhận hồ sơ H21.65-261125-0001, hẹn trả kết quả "
     "ngày 04/12/2026. Tra cứu: http://10.0.0.5/tra-cuu/abc", 2, "cannot reach sms.tinh.gov.vn: timed out"),
]


def test_staff_see_why_a_message_failed_and_send_it_again(hall, browser, contexts):
    clock = SystemClock()
    with hall.session() as session:
        configure_channel(system_ports(session, clock), actor=SYSTEM, hall_code="demo", kind="sms",
                          config={"url": "https://sms.tinh.gov.vn/send", "method": "POST",
                                  "body": '{"to": "{phone}", "message": "{text}"}',
                                  "content_type": "application/json", "unicode": False},
                          ahead=2)
        demo = get_hall(session, "demo")
        now = clock.now()
        for n, (status, phone, text, attempts, error) in enumerate(ROWS):
            session.add(Notification(
                hall_id=demo.id, channel="sms", recipient=phone, template="t", text=text,
                params={}, idempotency_key=f"k{n}", status=NotificationStatus(status),
                attempts=attempts, next_attempt_at=now + timedelta(minutes=2), last_error=error,
                created_at=now - timedelta(minutes=10 - n),
                sent_at=now - timedelta(minutes=9) if status == "sent" else None))
        session.commit()
    page = new_page(browser, contexts, LAPTOP)
    sign_in(page, hall, "/admin/demo/notifications")
    expect(page.locator("table.data tbody tr")).to_have_count(3)
    expect(page.get_by_text("HTTP 503 Service Unavailable: gateway maintenance")).to_be_visible()
    page.evaluate("document.fonts.ready")
    screenshot(page, "notify-admin-list")
    expect(page.locator('fieldset[data-kind="sms"]')).to_be_visible()
    expect(page.locator('fieldset[data-kind="zalo"]')).to_be_hidden()  # only the chosen channel's
    page.select_option("#f-kind", "zalo")
    expect(page.locator('fieldset[data-kind="zalo"]')).to_be_visible()
    page.select_option("#f-kind", "sms")
    page.set_viewport_size({"width": 1366, "height": 1400})
    screenshot(page, "notify-admin-form")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Gửi lại").click()
    expect(page.get_by_text("Tin nhắn sẽ được gửi lại trong giây lát.")).to_be_visible()
    expect(page.get_by_role("button", name="Gửi lại")).to_have_count(0)
