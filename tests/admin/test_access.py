"""The hall's access page: every API token and device, and revoking them, audited."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from motcua.admin import counters, forms, halls
from motcua.auth.accounts import create_api_token, create_user, register_device
from motcua.changes.models import ConfigChange
from motcua.core.accounts import ApiToken, Device
from motcua.core.actors import SYSTEM, DeviceKind, Role
from tests.admin.conftest import csrf_token, sign_in
from tests.support import bearer, make_officer, system_ports

ACCESS = "/admin/demo/access"
OPEN = "/api/v1/halls/demo/counters/1/open"


@pytest.fixture
def tokens(session, clock, demo_hall):
    make_officer(session, clock, "lan")
    made = {
        "reports": create_api_token(system_ports(session, clock), actor=SYSTEM,
                                    name="reports", role=Role.SUPERVISOR,
                                    hall_code="demo", expires_at=clock.now() + timedelta(days=30)),
        "lan-script": create_api_token(system_ports(session, clock), actor=SYSTEM,
                                       name="lan-script", role=Role.OFFICER,
                                       username="lan"),
    }
    clock.advance(days=40)  # "reports" has expired by now
    return made


def token_id(session, name: str) -> int:
    return session.scalar(select(ApiToken.id).where(ApiToken.name == name))


def revoked_at(session, name: str):
    session.rollback()  # read what the requests committed, not this session's snapshot
    return session.scalar(select(ApiToken.revoked_at).where(ApiToken.name == name))


def test_the_page_lists_the_halls_tokens_and_devices_with_their_dates(admin_client, tokens,
                                                                     session, clock):
    client = admin_client
    due_soon = "/api/v1/halls/demo/dossiers/due-soon"
    assert client.get(due_soon, headers=bearer(tokens["lan-script"])).status_code == 200
    register_device(system_ports(session, clock), actor=SYSTEM, printers=None,
                    hall_code="demo", name="kiosk-cua-chinh",
                    kind=DeviceKind.KIOSK, printer="agent")
    html = client.get(ACCESS).get_data(as_text=True)
    assert "reports" in html and "lan-script" in html and "kiosk-cua-chinh" in html
    assert "25/11/2026 09:00" in html  # created, in hall time
    assert "25/12/2026 09:00" in html  # the expiry
    assert "04/01/2027 09:00" in html  # last used: just now
    assert "Hết hạn" in html and "Đang dùng" in html
    assert "lan" in html  # the person a token acts as


def test_an_admin_revokes_a_token_and_it_stops_at_once_and_is_audited(admin_client, tokens,
                                                                      session):
    answer = admin_client.post(f"/admin/demo/tokens/{token_id(session, 'lan-script')}/revoke",
                               data={"csrf_token": csrf_token(admin_client, ACCESS)})
    assert answer.status_code == 302 and answer.headers["Location"] == ACCESS
    assert admin_client.post(OPEN, headers=bearer(tokens["lan-script"])).status_code == 401
    assert revoked_at(session, "lan-script") is not None
    change = session.scalar(select(ConfigChange).where(ConfigChange.entity == "api_token")
                            .order_by(ConfigChange.id.desc()))
    assert (change.subject, change.action, change.actor) == ("lan-script", "revoke",
                                                             "staff:quantri")
    assert "Đã thu hồi" in admin_client.get(ACCESS).get_data(as_text=True)
    audit = admin_client.get("/admin/demo/audit").get_data(as_text=True)
    assert "Mã truy cập API" in audit and "thu hồi" in audit


def test_a_revoke_without_the_forms_csrf_token_is_refused(admin_client, tokens, session):
    answer = admin_client.post(f"/admin/demo/tokens/{token_id(session, 'lan-script')}/revoke")
    assert answer.status_code == 400
    assert revoked_at(session, "lan-script") is None


def test_a_supervisor_sees_the_list_but_cannot_revoke(supervisor_client, tokens, session):
    html = supervisor_client.get(ACCESS).get_data(as_text=True)
    assert "lan-script" in html and "/revoke" not in html
    supervisor_client.post(f"/admin/demo/tokens/{token_id(session, 'lan-script')}/revoke",
                           data={"csrf_token": csrf_token(supervisor_client, ACCESS)})
    assert revoked_at(session, "lan-script") is None


def test_another_halls_tokens_are_neither_listed_nor_revoked_from_here(admin_client, admin,
                                                                       ports, session, clock,
                                                                       demo_hall):
    halls.create_hall(ports, actor=admin, code="phuong-1", fields=halls.HallFields(
        "UBND Phường 1", "Asia/Ho_Chi_Minh", "07:00-11:30,13:30-17:00"))
    create_api_token(system_ports(session, clock), actor=SYSTEM,
                     name="p1-script", role=Role.SUPERVISOR, hall_code="phuong-1")
    assert "p1-script" not in admin_client.get(ACCESS).get_data(as_text=True)
    admin_client.post(f"/admin/demo/tokens/{token_id(session, 'p1-script')}/revoke",
                      data={"csrf_token": csrf_token(admin_client, ACCESS)})
    assert revoked_at(session, "p1-script") is None


def test_a_supervisor_of_another_hall_is_shown_the_door(app, admin, ports, session, clock,
                                                        demo_hall):
    halls.create_hall(ports, actor=admin, code="phuong-1", fields=halls.HallFields(
        "UBND Phường 1", "Asia/Ho_Chi_Minh", "07:00-11:30,13:30-17:00"))
    other, _ = create_user(system_ports(session, clock), actor=SYSTEM,
                           username="hong", role=Role.SUPERVISOR,
                           password="secret-pass", hall_code="phuong-1")
    assert sign_in(app.test_client(), other).get(ACCESS).status_code == 403


def test_a_device_switched_off_from_the_page_comes_back_to_it(admin_client, session, clock,
                                                              demo_hall):
    device, token = register_device(system_ports(session, clock), actor=SYSTEM, printers=None,
                                    hall_code="demo", name="kiosk-2",
                                    kind=DeviceKind.KIOSK, printer="agent")
    answer = admin_client.post(f"/admin/demo/devices/{device.id}/disable",
                               data={"csrf_token": csrf_token(admin_client, ACCESS),
                                     "next": ACCESS})
    assert answer.headers["Location"] == ACCESS
    session.rollback()
    assert session.scalar(select(Device.active).where(Device.id == device.id)) is False
    issued = admin_client.post("/api/v1/halls/demo/tickets", json={"sector": "dat-dai"},
                               headers=bearer(token))
    assert issued.status_code == 401


def test_the_audit_log_reads_in_the_halls_words_not_the_programs(admin_client, admin, ports):
    form = {"notices": "", "ticket_footer": "", "wait_alert_minutes": "30", "priority_cap": "2",
            "rating_levels": "3", "calling_policy": "overflow"}
    halls.update_board(ports, actor=admin, hall_code="demo", fields=forms.read_board(form))
    counters.update_counter(ports, actor=admin, hall_code="demo", number=8,
                            fields=counters.CounterFields(number=8, name="Quầy 8",
                                                          sectors=["tu-phap", "dat-dai"],
                                                          schedules={"tu-phap": (None, "1-5")}))
    audit = admin_client.get("/admin/demo/audit").get_data(as_text=True)
    assert "Cài đặt gọi số và hiển thị" in audit and "Bảng hiển thị" not in audit
    assert "Cách gọi số</span>: Cố định → Hỗ trợ khi rảnh" in audit
    justice = "Tư pháp (Hộ tịch, Lý lịch tư pháp, Chứng thực)"  # the demo sector's name
    assert f"Lĩnh vực phục vụ</span>: {justice} → {justice}, Đất đai" in audit
    assert f"Lịch phục vụ</span>: — → {justice}: cả ngày, thứ 1-5" in audit
    for code in ("calling_policy", "static →", "→ overflow", "schedules", "tu-phap"):
        assert code not in audit
