"""The admin pages: who gets in, what supervisors may not do, and forms answering with messages."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from motcua.auth.accounts import create_user
from motcua.changes.models import ConfigChange
from motcua.core.actors import SYSTEM, Role
from motcua.queue.models import Sector
from tests.admin.conftest import csrf_token, sign_in
from tests.support import system_ports

PAGES = ["/admin/", "/admin/demo/", "/admin/demo/sectors", "/admin/demo/sectors/new",
         "/admin/demo/sectors/dat-dai", "/admin/demo/counters", "/admin/demo/counters/new",
         "/admin/demo/counters/2", "/admin/demo/staff", "/admin/demo/devices",
         "/admin/demo/holidays", "/admin/demo/voice", "/admin/demo/audit", "/admin/demo/access",
         "/admin/demo/reports/traffic", "/admin/demo/reports/times",
         "/admin/demo/reports/outcomes", "/admin/demo/reports/satisfaction",
         "/admin/demo/reports/dossiers", "/admin/demo/live", "/admin/demo/live.json"]


@pytest.mark.parametrize("path", PAGES)
def test_an_admin_sees_every_page(admin_client, path):
    response = admin_client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]


@pytest.mark.parametrize("path", ["/admin/demo/", "/admin/demo/sectors/dat-dai",
                                  "/admin/demo/counters/2", "/admin/demo/voice",
                                  "/admin/demo/access"])
def test_every_page_has_an_english_face(admin_client, path):
    html = admin_client.get(path + "?lang=en").get_data(as_text=True)
    assert 'lang="en"' in html and "Sign out" in html and "Sectors" in html


def test_staff_who_are_not_signed_in_go_to_the_sign_in_page(client, demo_hall):
    answer = client.get("/admin/demo/sectors")
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("/sign-in?next=")


def test_officers_are_told_the_pages_are_not_for_them(app, session, clock, demo_hall):
    officer, _ = create_user(system_ports(session, clock), actor=SYSTEM,
                             username="lan", role=Role.OFFICER,
                             password="secret-pass", hall_code="demo")
    answer = sign_in(app.test_client(), officer).get("/admin/demo/")
    assert answer.status_code == 403
    assert "dành cho quản trị viên và lãnh đạo" in answer.get_data(as_text=True)


def test_a_supervisor_reads_their_hall_and_goes_straight_to_it(supervisor_client):
    assert supervisor_client.get("/admin/").headers["Location"] == "/admin/demo/"
    html = supervisor_client.get("/admin/demo/sectors/dat-dai").get_data(as_text=True)
    assert "chế độ chỉ đọc" in html and "<fieldset disabled>" in html
    assert "Xóa lĩnh vực này" not in html


def test_a_supervisor_cannot_change_anything_even_by_posting(supervisor_client, session):
    recorded = session.scalars(select(ConfigChange.id)).all()  # the accounts of the set-up
    token = csrf_token(supervisor_client, "/admin/demo/")
    answer = supervisor_client.post("/admin/demo/sectors/dat-dai/close",
                                    data={"csrf_token": token}, follow_redirects=True)
    assert "Chỉ quản trị viên mới được thay đổi cấu hình" in answer.get_data(as_text=True)
    assert session.scalar(select(Sector.is_open).where(Sector.code == "dat-dai")) is True
    assert session.scalars(select(ConfigChange.id)).all() == recorded


def test_a_supervisor_of_another_hall_sees_nothing_here(app, admin, session, clock, ports):
    from motcua.admin import halls

    halls.create_hall(ports, actor=admin, code="phuong-1", fields=halls.HallFields(
        "UBND Phường 1", "Asia/Ho_Chi_Minh", "07:00-11:30,13:30-17:00"))
    other, _ = create_user(system_ports(session, clock), actor=SYSTEM,
                           username="hong", role=Role.SUPERVISOR,
                           password="secret-pass", hall_code="phuong-1")
    answer = sign_in(app.test_client(), other).get("/admin/demo/reports/traffic")
    assert answer.status_code == 403
    assert "không có quyền xem" in answer.get_data(as_text=True)


def test_a_change_without_the_forms_csrf_token_is_refused(admin_client, session):
    answer = admin_client.post("/admin/demo/sectors/dat-dai/close")
    assert answer.status_code == 400
    assert session.scalar(select(Sector.is_open).where(Sector.code == "dat-dai")) is True


def test_a_wrong_form_comes_back_with_each_message_beside_its_field(admin_client):
    token = csrf_token(admin_client, "/admin/demo/counters/new")
    answer = admin_client.post("/admin/demo/counters/new", data={
        "csrf_token": token, "number": "abc", "rank-dat-dai": "1", "rank-y-te": "1"})
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert 'id="number-error">“abc” không phải là một số nguyên.' in html
    assert "Mỗi thứ tự ưu tiên chỉ dùng cho một lĩnh vực." in html
    assert 'value="abc"' in html  # what was typed stays in the form


def test_hours_typed_for_a_sector_without_a_rank_ask_for_its_rank_rather_than_guess_one(
    admin_client, session
):
    """The rank decides which sector the counter calls first: guessing it could put the
    sector ahead of the counter's own, so the admin is asked, with what was typed kept."""
    from motcua.queue.models import Counter

    token = csrf_token(admin_client, "/admin/demo/counters/new")
    answer = admin_client.post("/admin/demo/counters/new", data={
        "csrf_token": token, "number": "42", "hours-dat-dai": "07:00-11:00"})
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert 'id="rank-dat-dai-error">' in html and 'value="07:00-11:00"' in html
    assert session.scalar(select(Counter).where(Counter.number == 42)) is None


def test_a_refusal_is_explained_on_the_page(admin_client, ports):
    from motcua.core.actors import Actor
    from motcua.queue import services as queue

    queue.issue_ticket(ports, hall_code="demo", sector_code="giao-thong", priority=None,
                       actor=Actor(kind="kiosk", name="k1"))
    token = csrf_token(admin_client, "/admin/demo/counters/7")
    answer = admin_client.post("/admin/demo/counters/7", data={
        "csrf_token": token, "number": "7", "name": "Quầy 7", "rank-xay-dung": "1"})
    assert answer.status_code == 422
    assert "không còn quầy nào khác phục vụ" in answer.get_data(as_text=True)


def test_a_new_password_is_shown_once_and_not_cached(admin_client, session):
    token = csrf_token(admin_client, "/admin/demo/staff")
    answer = admin_client.post("/admin/demo/staff", data={
        "csrf_token": token, "username": "binh", "full_name": "Lê Thị Bình", "role": "officer"})
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
    assert "Mật khẩu chỉ hiện một lần" in answer.get_data(as_text=True)


def test_the_language_switch_remembers_the_choice(admin_client):
    answer = admin_client.get("/admin/language/en?next=/admin/demo/sectors")
    assert answer.headers["Location"] == "/admin/demo/sectors"
    assert "Sectors" in admin_client.get("/admin/demo/sectors").get_data(as_text=True)
    assert admin_client.get("/admin/language/en?next=https://example.com/").headers[
        "Location"] == "/admin/"


def test_the_live_view_is_json_for_its_poll(admin_client, ports):
    from motcua.core.actors import Actor
    from motcua.queue import services as queue

    queue.issue_ticket(ports, hall_code="demo", sector_code="dat-dai", priority=None,
                       actor=Actor(kind="kiosk", name="k1"))
    ports.clock.advance(minutes=31)
    state = admin_client.get("/admin/demo/live.json").get_json()
    land = next(s for s in state["sectors"] if s["code"] == "dat-dai")
    assert (land["waiting"], land["longest_minutes"], land["alert"]) == (1, 31, True)
    assert state["alerts"] == ["dat-dai"] and state["threshold_minutes"] == 30
