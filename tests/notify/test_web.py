"""The opt-in over HTTP (kiosk and phone page), the /admin page, and `motcua notify once`."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from motcua.core.actors import SYSTEM
from motcua.notify.models import Notification, NotificationStatus, TicketSubscription
from motcua.notify.settings import configure_channel
from motcua.queue import services
from tests.admin.conftest import csrf_token
from tests.support import bearer, system_ports


def _fake_sms(session, clock):
    configure_channel(system_ports(session, clock), actor=SYSTEM, hall_code="demo",
                      kind="fake_sms", config={}, ahead=2)


def _issue(client, token):
    answer = client.post("/api/v1/halls/demo/tickets", json={"sector": "dat-dai"},
                         headers=bearer(token))
    assert answer.status_code == 201
    return answer.get_json()


def test_the_kiosk_attaches_the_phone_typed_after_its_ticket(client, kiosk_token, session):
    ticket = _issue(client, kiosk_token)
    answer = client.post(f"/api/v1/halls/demo/tickets/{ticket['id']}/phone",
                         json={"phone": "0912345678"}, headers=bearer(kiosk_token))
    assert answer.status_code == 200
    assert session.scalars(select(TicketSubscription.phone)).all() == ["0912345678"]


def test_a_wrong_number_at_the_kiosk_is_a_422_saying_why(client, kiosk_token):
    ticket = _issue(client, kiosk_token)
    answer = client.post(f"/api/v1/halls/demo/tickets/{ticket['id']}/phone",
                         json={"phone": "12345"}, headers=bearer(kiosk_token))
    assert answer.status_code == 422
    assert answer.get_json()["error"]["code"] == "invalid_input"


def test_a_kiosk_cannot_attach_a_phone_to_a_ticket_it_did_not_issue(client, kiosk_token, session,
                                                                       clock):
    other = services.issue_ticket(system_ports(session, clock), hall_code="demo",
                                  sector_code="dat-dai", priority=None, actor=SYSTEM).ticket
    answer = client.post(f"/api/v1/halls/demo/tickets/{other.id}/phone",
                         json={"phone": "0912345678"}, headers=bearer(kiosk_token))
    assert answer.status_code == 404


def test_nobody_without_a_token_attaches_a_phone_at_the_kiosks_address(client, kiosk_token):
    ticket = _issue(client, kiosk_token)
    answer = client.post(f"/api/v1/halls/demo/tickets/{ticket['id']}/phone",
                         json={"phone": "0912345678"})
    assert answer.status_code == 401


def test_the_phone_page_offers_the_opt_in_only_when_the_hall_sends(client, kiosk_token, session,
                                                                    clock):
    ticket = _issue(client, kiosk_token)
    assert 'id="notify"' not in client.get(f"/t/{ticket['token']}").get_data(as_text=True)
    _fake_sms(session, clock)
    assert 'id="notify"' in client.get(f"/t/{ticket['token']}").get_data(as_text=True)
    english = client.get(f"/t/{ticket['token']}?lang=en").get_data(as_text=True)
    assert "Get a text message when your turn is near (optional)" in english
    answer = client.post(f"/api/v1/tickets/{ticket['token']}/phone", json={"phone": "+84 987 654 321"})
    assert answer.status_code == 200
    assert session.scalars(select(TicketSubscription.phone)).all() == ["0987654321"]


def test_the_phone_page_of_a_subscribed_ticket_says_where_messages_go_and_keeps_the_form_folded(
        client, kiosk_token, session, clock):
    ticket = _issue(client, kiosk_token)
    _fake_sms(session, clock)
    client.post(f"/api/v1/tickets/{ticket['token']}/phone", json={"phone": "0912345678"})
    page = client.get(f"/t/{ticket['token']}").get_data(as_text=True)
    assert "Đã đăng ký nhận tin nhắn tới số ••• ••• 678." in page
    assert "0912345678" not in page  # the page shows no personal data
    assert '<details class="notify-change">' in page  # a new number replaces the old one
    english = client.get(f"/t/{ticket['token']}?lang=en").get_data(as_text=True)
    assert "Text messages will go to ••• ••• 678." in english


def test_a_call_over_the_api_reaches_the_fake_sms_through_the_worker_command(
        app, client, kiosk_token, supervisor_token, session, clock, runner):
    _fake_sms(session, clock)
    ticket = _issue(client, kiosk_token)
    client.post(f"/api/v1/tickets/{ticket['token']}/phone", json={"phone": "0912345678"})
    services.open_counter(system_ports(session, clock), hall_code="demo", counter_number=1,
                          actor=SYSTEM)
    called = client.post("/api/v1/halls/demo/counters/1/call-next", json={},
                         headers=bearer(supervisor_token))
    assert called.status_code == 200
    result = runner.invoke(args=["notify", "once"])
    assert result.exit_code == 0, result.output
    assert "sent 1" in result.output
    [line] = (Path(app.instance_path) / "fake-sms.jsonl").read_text().splitlines()
    assert json.loads(line)["text"].endswith("moi so 1001 den quay 1.")
    session.rollback()
    assert session.scalars(select(Notification.status)).all() == [NotificationStatus.SENT]


def test_the_admin_page_sets_the_channel_and_lists_the_messages(admin_client, session):
    path = "/admin/demo/notifications"
    token = csrf_token(admin_client, path)
    answer = admin_client.post(path, data={
        "csrf_token": token, "kind": "webhook", "ahead": "3",
        "webhook-url": "https://sms.tinh.gov.vn/hook", "webhook-secret": "k"})
    assert answer.status_code == 302
    page = admin_client.get(path).get_data(as_text=True)
    assert "https://sms.tinh.gov.vn/hook" in page and 'value="k"' not in page
    from motcua.notify.models import HallChannel
    channel = session.scalars(select(HallChannel)).one()
    assert (channel.kind, channel.ahead, channel.config["secret"]) == ("webhook", 3, "k")


def test_a_bad_webhook_address_is_refused_beside_its_field(admin_client):
    path = "/admin/demo/notifications"
    answer = admin_client.post(path, data={"csrf_token": csrf_token(admin_client, path),
                                           "kind": "webhook", "ahead": "2",
                                           "webhook-url": "ftp://x"})
    assert answer.status_code == 422
    assert 'id="webhook-url-error"' in answer.get_data(as_text=True)


def test_a_refused_channel_comes_back_as_typed_with_the_error_beside_its_field(admin_client,
                                                                               session, clock):
    """The saved channel stays the fake SMS: the form must not fall back to it and hide
    what was typed; the secret is not echoed back, a note asks for it again."""
    _fake_sms(session, clock)
    path = "/admin/demo/notifications"
    answer = admin_client.post(path, data={
        "csrf_token": csrf_token(admin_client, path), "kind": "webhook", "ahead": "2",
        "webhook-url": "not a url", "webhook-secret": "x"})
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert '<option value="webhook" selected>' in page
    assert 'value="not a url"' in page and 'id="webhook-url-error"' in page
    assert 'value="x"' not in page and "chưa được lưu" in page


def test_a_refused_mail_port_comes_back_as_typed(admin_client, session, clock):
    _fake_sms(session, clock)
    path = "/admin/demo/notifications"
    answer = admin_client.post(path, data={
        "csrf_token": csrf_token(admin_client, path), "kind": "email", "ahead": "2",
        "email-host": "smtp.tinh.gov.vn", "email-port": "99999", "email-sender": "a@b.vn",
        "email-to": "{phone}@sms.example.vn", "email-starttls": "1"})
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert '<option value="email" selected>' in page and 'id="email-port-error"' in page
    assert 'value="99999"' in page and 'value="smtp.tinh.gov.vn"' in page
    assert 'name="email-starttls" type="checkbox" value="1" checked' in page


def _post_zalo(client, token, templates):
    path = "/admin/demo/notifications"
    return client.post(path, data={"csrf_token": csrf_token(client, path), "kind": "zalo",
                                   "ahead": "2", "zalo-access_token": token,
                                   "zalo-templates": templates})


def test_zalo_without_an_access_token_is_refused_beside_its_field(admin_client, session, clock):
    _fake_sms(session, clock)
    answer = _post_zalo(admin_client, "", "ticket_called = 231677")
    assert answer.status_code == 422
    assert 'id="zalo-access_token-error"' in answer.get_data(as_text=True)


@pytest.mark.parametrize("line", ["foo = bar", "ticket_called 123", "ticket_called ="])
def test_a_zalo_template_line_that_cannot_be_used_is_refused_and_named(admin_client, session,
                                                                        clock, line):
    _fake_sms(session, clock)
    answer = _post_zalo(admin_client, "tok", f"ticket_near = 1\n{line}")
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert 'id="zalo-templates-error"' in page
    assert f"“{line}”" in page.split('id="zalo-templates-error"')[1]


def test_zalo_templates_are_saved_by_message_kind(admin_client, session):
    assert _post_zalo(admin_client, "tok", "ticket_called = 231677\n\n"
                                           "dossier_result=231690").status_code == 302
    from motcua.notify.models import HallChannel
    channel = session.scalars(select(HallChannel)).one()
    assert channel.config["templates"] == {"ticket_called": "231677", "dossier_result": "231690"}
