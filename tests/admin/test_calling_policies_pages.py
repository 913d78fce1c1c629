"""The admin pages of the calling policies: the hall's policy, an officer's sectors, and a
counter's schedule — each saved through its audited use case."""
from __future__ import annotations

from sqlalchemy import select

from motcua.admin.staff import qualifications
from motcua.auth.accounts import create_user
from motcua.changes.models import ConfigChange
from motcua.core.accounts import StaffUser
from motcua.core.actors import SYSTEM, Role
from motcua.queue.models import Counter, CounterSector, Hall, Sector
from motcua.queue.settings import HallSettings
from tests.admin.conftest import csrf_token
from tests.support import system_ports

BOARD = {"part": "board", "notices": "", "ticket_footer": "", "wait_alert_minutes": "30",
         "priority_cap": "2", "rating_levels": "3", "near_turn_people": "3"}


def test_an_admin_chooses_the_halls_calling_policy(admin_client, session):
    token = csrf_token(admin_client, "/admin/demo/")
    answer = admin_client.post("/admin/demo/", data={
        **BOARD, "csrf_token": token, "calling_policy": "balanced", "fair_wait_minutes": "12"})
    assert answer.status_code == 302, answer.get_data(as_text=True)[:3000]
    session.expire_all()
    settings = HallSettings.of(session.scalar(select(Hall.settings).where(Hall.code == "demo")))
    assert (settings.calling_policy, settings.fair_wait_minutes) == ("balanced", 12)
    html = admin_client.get("/admin/demo/").get_data(as_text=True)
    assert '<option value="balanced" selected' in html


def test_an_unknown_calling_policy_is_refused_on_the_form(admin_client):
    token = csrf_token(admin_client, "/admin/demo/")
    answer = admin_client.post("/admin/demo/", data={
        **BOARD, "csrf_token": token, "calling_policy": "fastest"})
    assert answer.status_code == 422


def test_an_admin_ticks_the_sectors_an_officer_may_serve(admin_client, session, clock):
    officer, _ = create_user(system_ports(session, clock), actor=SYSTEM, username="lan",
                             role=Role.OFFICER, password="secret-pass", hall_code="demo")
    page = f"/admin/demo/staff/{officer.id}"
    assert "Lĩnh vực được phục vụ thêm" in admin_client.get(page).get_data(as_text=True)
    token = csrf_token(admin_client, page)
    answer = admin_client.post(page + "/qualifications", data={
        "csrf_token": token, "sector": ["dat-dai", "xay-dung"]}, follow_redirects=True)
    assert "Đã lưu các lĩnh vực" in answer.get_data(as_text=True)
    session.expire_all()
    assert qualifications(session, session.get(StaffUser, officer.id)) == ["dat-dai", "xay-dung"]
    assert 'id="q-dat-dai" name="sector" type="checkbox" value="dat-dai" checked' in \
        admin_client.get(page).get_data(as_text=True)


def test_a_supervisor_cannot_change_an_officers_sectors(supervisor_client, session, clock):
    officer, _ = create_user(system_ports(session, clock), actor=SYSTEM, username="lan",
                             role=Role.OFFICER, password="secret-pass", hall_code="demo")
    page = f"/admin/demo/staff/{officer.id}"
    token = csrf_token(supervisor_client, page)
    supervisor_client.post(page + "/qualifications", data={"csrf_token": token,
                                                           "sector": ["dat-dai"]})
    session.expire_all()
    assert qualifications(session, session.get(StaffUser, officer.id)) == []


def test_an_admin_gives_a_counter_land_in_the_morning_and_construction_in_the_afternoon(
        admin_client, session):
    token = csrf_token(admin_client, "/admin/demo/counters/6")
    answer = admin_client.post("/admin/demo/counters/6", data={
        "csrf_token": token, "number": "6", "name": "Quầy 6",
        "rank-xay-dung": "1", "hours-xay-dung": "13:30-17:00",
        "rank-dat-dai": "2", "hours-dat-dai": "07:00-11:30", "weekdays-dat-dai": "1-5"})
    assert answer.status_code == 302, answer.get_data(as_text=True)[:3000]
    session.expire_all()
    links = {code: (hours, weekdays) for code, hours, weekdays in session.execute(
        select(Sector.code, CounterSector.hours, CounterSector.weekdays)
        .join(CounterSector, CounterSector.sector_id == Sector.id)
        .join(Counter, Counter.id == CounterSector.counter_id).where(Counter.number == 6))}
    assert links == {"xay-dung": ("13:30-17:00", None), "dat-dai": ("07:00-11:30", "1-5")}
    change = session.scalars(select(ConfigChange).where(ConfigChange.subject == "6")).all()[-1]
    assert change.changes["schedules"] == [{}, {"xay-dung": ["13:30-17:00", None],
                                                "dat-dai": ["07:00-11:30", "1-5"]}]
    assert 'value="07:00-11:30"' in admin_client.get("/admin/demo/counters/6").get_data(as_text=True)


def test_a_schedule_that_cannot_be_read_is_shown_on_its_field(admin_client):
    token = csrf_token(admin_client, "/admin/demo/counters/6")
    answer = admin_client.post("/admin/demo/counters/6", data={
        "csrf_token": token, "number": "6", "rank-xay-dung": "1", "hours-xay-dung": "sáng",
        "weekdays-xay-dung": "8"})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "Hãy ghi giờ như 07:30-11:30" in html and "Hãy ghi thứ như 1-5" in html


def test_an_administrator_applies_a_suggested_move_and_a_supervisor_cannot(
        admin_client, supervisor_client, session):
    token = csrf_token(supervisor_client, "/admin/demo/live")
    answer = supervisor_client.post("/admin/demo/live/advice", data={
        "csrf_token": token, "counter": "7", "sector": "dat-dai"}, follow_redirects=True)
    assert "Chỉ quản trị viên mới được thay đổi cấu hình" in answer.get_data(as_text=True)
    token = csrf_token(admin_client, "/admin/demo/live")
    answer = admin_client.post("/admin/demo/live/advice", data={
        "csrf_token": token, "counter": "7", "sector": "dat-dai"}, follow_redirects=True)
    assert "Quầy 7 phục vụ thêm Đất đai từ bây giờ." in answer.get_data(as_text=True)
    session.expire_all()
    counter = session.scalar(select(Counter).where(Counter.number == 7))
    assert [s.code for s in counter.sectors] == ["dat-dai", "giao-thong"]
