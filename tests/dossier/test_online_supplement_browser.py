"""A supplement sent online, in headless Chromium: the officer asks an online dossier for a
clearer photo, the citizen sends it from the dossier's status page on a phone, the officer sees
"Bổ sung đã nộp" in the online queue and accepts the dossier. Screenshots go to
artifacts/screenshots/online-supplement-*.png."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from motcua.dossier.models import Dossier, DossierFile
from motcua.dossier.models import DossierStatus as S
from tests.conftest import ARTIFACTS, screenshot
from tests.dossier.online_support import png_bytes

# hall and contexts: the fixtures of the registration's browser tests.
from tests.dossier.test_online_browser import (
    LAPTOP,
    PHONE,
    contexts,
    hall,
    new_page,
    register_on_a_phone,
    sign_in,
)

pytestmark = pytest.mark.browser

REASON = "Ảnh Giấy chứng nhận bị mờ, xin chụp lại cả hai mặt rõ nét"


def test_a_citizen_sends_the_supplement_from_a_phone_and_the_officer_accepts_the_dossier(
        hall, browser, contexts):
    phone = new_page(browser, contexts, PHONE, is_mobile=True, has_touch=True)
    code = register_on_a_phone(phone, hall, "Trần Thị Thu Hà")
    phone.get_by_test_id("online-status-link").click()
    status_page = phone.url
    expect(phone.get_by_test_id("supplement")).to_have_count(0)

    officer = new_page(browser, contexts, LAPTOP)
    sign_in(officer, hall)
    officer.goto(hall.url + f"/dossier/demo/{code}")
    officer.check(f"input[name=status][value='{int(S.SUPPLEMENT_REQUESTED)}']")
    officer.get_by_test_id("status-note").fill(REASON)
    officer.get_by_test_id("status-submit").click()
    expect(officer.get_by_test_id("notice-preview")).to_be_visible()

    phone.goto(status_page)
    expect(phone.get_by_test_id("dossier-status")).to_have_attribute("data-status", "5")
    expect(phone.get_by_test_id("public-history")).to_contain_text(REASON)
    form = phone.get_by_test_id("supplement-form")
    expect(form).to_be_visible()
    phone.get_by_test_id("supplement-file-1").set_input_files(
        {"name": "giay-chung-nhan-ro.jpg", "mimeType": "image/jpeg", "buffer": png_bytes((80, 60))})
    form.scroll_into_view_if_needed()
    screenshot(phone, "online-supplement-form-phone")
    phone.screenshot(path=str(ARTIFACTS / "screenshots" / "online-supplement-form-phone-full.png"),
                     full_page=True)
    phone.get_by_test_id("supplement-submit").click()
    expect(phone.get_by_test_id("supplement-sent")).to_contain_text("Đã gửi 1 tệp bổ sung")
    expect(phone.get_by_test_id("supplement-received")).to_be_visible()
    expect(phone.get_by_test_id("public-history")).to_contain_text("Đã gửi giấy tờ bổ sung")
    screenshot(phone, "online-supplement-sent-phone")

    officer.goto(hall.url + "/dossier/demo/online")
    expect(officer.get_by_test_id("online-supplement-received")).to_contain_text("Bổ sung đã nộp")
    screenshot(officer, "online-supplement-queue")
    officer.get_by_test_id("online-queue-item").click()
    expect(officer.get_by_test_id("online-files")).to_contain_text("giay-chung-nhan-ro.jpg")
    expect(officer.get_by_test_id("history")).to_contain_text(
        "Công dân gửi bổ sung: giay-chung-nhan-ro.jpg")
    screenshot(officer, "online-supplement-officer")
    officer.check(f"input[name=status][value='{int(S.ACCEPTED)}']")
    officer.get_by_test_id("status-submit").click()
    expect(officer.get_by_test_id("supplement-received")).to_have_count(0)

    phone.goto(status_page)
    expect(phone.get_by_test_id("dossier-status")).to_have_attribute("data-status", "2")
    expect(phone.get_by_test_id("supplement")).to_have_count(0)
    with hall.session() as session:
        dossier = session.query(Dossier).filter_by(code=code).one()
        assert dossier.due_at is not None and dossier.supplement_received_at is None
        assert session.query(DossierFile).filter_by(dossier_id=dossier.id).count() == 3
