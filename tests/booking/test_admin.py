"""The hall's booking rules edited in /admin (audited, applied at once), beside a link to
their report."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from motcua.auth.accounts import create_user
from motcua.booking.models import BookingSettings
from motcua.changes.models import ConfigChange
from motcua.core.actors import SYSTEM, Role
from tests.admin.conftest import csrf_token, sign_in
from tests.booking.support import a_booking
from tests.support import hall_time, system_ports

pytestmark = pytest.mark.usefixtures("demo_hall")


@pytest.fixture
def admin_client(client, session, clock):
    user, _ = create_user(system_ports(session, clock), actor=SYSTEM, username="quantri",
                          role=Role.ADMIN, password="secret-pass-1")
    return sign_in(client, user)


def settings_form(**changes):
    return {"horizon_days": "5", "lead_minutes": "0", "grace_minutes": "10",
            "phone_daily_limit": "1", "appointment_share_percent": "75",
            "bands": "dat-dai; 2-6; 08:00-11:00; 20; 3", **changes}


def test_an_administrator_sets_the_booking_rules_and_they_apply_at_once(admin_client, session, ports):
    url = "/admin/demo/booking"
    token = csrf_token(admin_client, url)
    saved = admin_client.post(url, data={**settings_form(), "csrf_token": token})
    assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]
    settings = session.scalar(select(BookingSettings))
    session.refresh(settings)
    assert settings.bands == [{"sector": "dat-dai", "weekdays": [0, 1, 2, 3, 4],
                               "windows": "08:00-11:00", "slot_minutes": 20, "capacity": 3}]
    change = session.scalars(select(ConfigChange).where(ConfigChange.entity == "booking")).one()
    assert change.changes["appointment_share"] == [0.5, 0.75]
    made = a_booking(ports, hall_time(2026, 11, 26, 8, 20))  # a 20-minute slot
    assert made.code
    page = admin_client.get(url).get_data(as_text=True)
    assert 'href="/admin/demo/reports/bookings"' in page


def test_a_wrong_band_is_shown_beside_its_field(admin_client):
    url = "/admin/demo/booking"
    answer = admin_client.post(url, data={**settings_form(bands="khong-co; 2-6; 08:00-11:00; 20; 3"),
                                          "csrf_token": csrf_token(admin_client, url)})
    assert answer.status_code == 422
    assert "khong-co" in answer.get_data(as_text=True)


def test_in_english_the_booking_page_and_its_menu_item_say_appointments(admin_client):
    page = admin_client.get("/admin/demo/booking?lang=en").get_data(as_text=True)
    assert "<h1>Appointments</h1>" in page
    assert ">Appointments<" in page.split("<h1>")[0]  # the menu, not only the heading
    assert "Book an appointment" not in page  # the citizen's page's words, not the admin's
