"""Bookings in the JSON API: a portal's token books, reads, moves and cancels; the kiosk checks
in; free slots are public; refusals come in the API's error shape."""
from __future__ import annotations

import pytest

from motcua.auth.accounts import create_api_token
from motcua.booking.demo import load_demo_booking
from motcua.core.actors import SYSTEM, Role
from tests.support import hall_time, system_ports

pytestmark = pytest.mark.usefixtures("demo_hall")
SLOT = hall_time(2026, 11, 26, 8, 0).isoformat()


@pytest.fixture
def portal(session, clock):
    load_demo_booking(system_ports(session, clock))
    return {"Authorization": "Bearer " + create_api_token(
        system_ports(session, clock), actor=SYSTEM, name="portal", role=Role.OFFICER,
        hall_code="demo")}


def book(client, portal, **changes):
    body = {"sector": "dat-dai", "slot_at": SLOT, "name": "Trần Thị Dân", "phone": "0912345678"}
    return client.post("/api/v1/halls/demo/bookings", json={**body, **changes}, headers=portal)


def test_a_portal_books_reads_moves_and_cancels_a_booking(client, portal):
    made = book(client, portal)
    assert made.status_code == 201, made.json
    code = made.json["code"]
    assert made.json["links"]["page"].startswith("http") and made.json["phone"] == "091****678"
    read = client.get(f"/api/v1/halls/demo/bookings/{code}", headers=portal)
    assert read.json["time"] == "08:00"
    moved = client.post(f"/api/v1/halls/demo/bookings/{code}/move", headers=portal,
                        json={"slot_at": hall_time(2026, 11, 26, 9, 30).isoformat()})
    assert moved.json["time"] == "09:30"
    cancelled = client.post(f"/api/v1/halls/demo/bookings/{code}/cancel", headers=portal)
    assert cancelled.json["status"] == "cancelled"
    again = client.post(f"/api/v1/halls/demo/bookings/{code}/cancel", headers=portal)
    assert again.status_code == 409 and again.json["error"]["code"] == "booking_not_confirmed"


def test_free_slots_are_public_and_a_full_slot_is_refused_in_the_error_shape(client, portal):
    days = client.get("/api/v1/halls/demo/sectors/dat-dai/slots").json["days"]
    first = days[0]["slots"][0]
    assert days[0]["day"] == "2026-11-25" and first["time"] == "09:30" and first["free"] == 2
    assert book(client, portal, phone="0900000001").status_code == 201
    assert book(client, portal, phone="0900000002").status_code == 201
    full = book(client, portal, phone="0900000003")
    assert full.status_code == 409 and full.json["error"]["code"] == "slot_full"
    assert "08:00" in full.json["error"]["message"]


def test_booking_needs_a_token_of_the_hall(client, portal):
    refused = client.post("/api/v1/halls/demo/bookings", json={})
    assert refused.status_code == 401 and refused.json["error"]["code"] == "unauthorized"


def test_the_kiosk_checks_a_booking_in_with_its_code(client, portal, clock, kiosk_token):
    code = book(client, portal, slot_at=hall_time(2026, 11, 25, 9, 30).isoformat()).json["code"]
    kiosk = {"Authorization": f"Bearer {kiosk_token}"}
    done = client.post("/api/v1/halls/demo/check-ins", json={"code": code}, headers=kiosk)
    assert done.status_code == 201, done.json
    assert done.json["appointment"] is True and done.json["booking"]["early"] is True
    assert "09:30" in done.json["booking"]["note"]
    unknown = client.post("/api/v1/halls/demo/check-ins", json={"code": "11112222"}, headers=kiosk)
    assert unknown.status_code == 404 and unknown.json["error"]["code"] == "booking_not_found"


def test_the_openapi_document_describes_bookings(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert "/api/v1/halls/{hall}/bookings" in paths and "/api/v1/halls/{hall}/check-ins" in paths
