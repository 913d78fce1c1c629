"""Staff of the demo hall, signed in through the real form, and helpers to act as them."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from motcua.auth.accounts import create_user
from motcua.core.actors import SYSTEM, Role
from tests.auth.signing import csrf_token, sign_in
from tests.support import bearer, make_officer, system_ports


@pytest.fixture
def staff(session: Any, clock: Any, demo_hall: Any) -> dict[str, Any]:
    """Two officers (lan, binh) and a supervisor (hong) of the demo hall; password secret-pass."""
    lan = make_officer(session, clock, username="lan")
    binh = make_officer(session, clock, username="binh")
    hong, _ = create_user(system_ports(session, clock), actor=SYSTEM,
                          username="hong", role=Role.SUPERVISOR,
                          password="secret-pass", hall_code="demo", full_name="Trần Thị Hồng")
    return {"lan": lan, "binh": binh, "hong": hong}


class Staff:
    """A browser session of one staff member: the client plus its CSRF header."""

    def __init__(self, client: FlaskClient, username: str) -> None:
        self.client = client
        response = sign_in(client, username)
        assert response.status_code == 302, response.get_data(as_text=True)
        self.csrf = csrf_token(client, "/counter/demo")

    def act(self, counter: int, action: str, body: dict[str, Any] | None = None) -> Any:
        return self.client.post(f"/api/v1/halls/demo/counters/{counter}/{action}",
                                json=body or {}, headers={"X-CSRFToken": self.csrf})


@pytest.fixture
def signed_in(app: Any, staff: Any) -> Callable[[str], Staff]:
    """Sign a staff member in with a client of their own."""
    return lambda username: Staff(app.test_client(), username)


@pytest.fixture
def issue(client: FlaskClient, kiosk_token: str) -> Callable[[str], str]:
    """Take a number at the kiosk; returns its display number."""

    def take(sector: str = "dat-dai", **extra: Any) -> str:
        response = client.post("/api/v1/halls/demo/tickets", json={"sector": sector, **extra},
                               headers=bearer(kiosk_token))
        assert response.status_code == 201, response.get_json()
        return str(response.get_json()["display_number"])

    return take
