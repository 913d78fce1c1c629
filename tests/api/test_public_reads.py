"""Public callers read what a board shows; a ticket's token (the phone page's secret) and the
printers' health details need hall staff."""
from __future__ import annotations

import pytest

from motcua.core.actors import SYSTEM
from tests.support import bearer, system_ports


@pytest.fixture
def called(client, kiosk_token, supervisor_token):
    """A ticket called to counter 1; returns its token."""
    issued = client.post("/api/v1/halls/demo/tickets", json={"sector": "dat-dai"},
                         headers=bearer(kiosk_token)).get_json()
    staff = bearer(supervisor_token)
    assert client.post("/api/v1/halls/demo/counters/1/open", headers=staff).status_code == 200
    assert client.post("/api/v1/halls/demo/counters/1/call-next", headers=staff).status_code == 200
    return issued["token"]


@pytest.mark.parametrize("path", ["/api/v1/halls/demo/counters/1", "/api/v1/halls/demo/queue",
                                  "/api/v1/halls/demo/sectors", "/display/demo",
                                  "/display/demo/counter/1"])
def test_an_anonymous_caller_never_sees_a_ticket_token(client, called, path):
    response = client.get(path)
    assert response.status_code == 200
    assert called not in response.get_data(as_text=True)


def test_a_kiosk_token_does_not_reveal_the_token_of_the_ticket_at_a_counter(client, called,
                                                                          kiosk_token):
    body = client.get("/api/v1/halls/demo/counters/1", headers=bearer(kiosk_token)).get_json()
    assert body["ticket"]["display_number"] == "1001"
    assert "token" not in body["ticket"] and "status_url" not in body["ticket"]


def test_staff_still_get_the_ticket_token_of_their_counter(client, called, supervisor_token):
    body = client.get("/api/v1/halls/demo/counters/1",
                      headers=bearer(supervisor_token)).get_json()
    assert body["ticket"]["token"] == called


@pytest.fixture
def failed_printer(session, clock, demo_hall):
    from motcua.auth.accounts import register_device
    from motcua.core.actors import DeviceKind

    register_device(system_ports(session, clock), actor=SYSTEM, printers=None,
                    hall_code="demo", name="kiosk-secret-name",
                    kind=DeviceKind.KIOSK, printer="file:/srv/secret/path.bin")


def test_health_without_sign_in_says_only_the_overall_state(client, failed_printer):
    response = client.get("/health")
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "/srv/secret" not in text and "kiosk-secret-name" not in text
    body = response.get_json()
    assert body["status"] in ("ok", "degraded")
    assert set(body) <= {"status", "database", "message_queue", "printers"}
    assert all(set(part) <= {"ok"} for part in (body["database"], body["message_queue"]))


def test_health_for_staff_shows_the_printers(client, failed_printer, supervisor_token):
    body = client.get("/health", headers=bearer(supervisor_token)).get_json()
    assert body["printers"][0]["printer"] == "file:/srv/secret/path.bin"
    assert body["printers"][0]["device"] == "kiosk-secret-name"
