"""The bad-input catalogue: numbers too big for the database, impossible years and days, and
paths or methods the API does not have. Each answers a 4xx: the JSON error shape under
/api/v1 (and for the JSON calls of pages), an HTML page elsewhere; never a 500."""
from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from motcua.auth.accounts import create_user, register_device, session_id
from motcua.core.actors import SYSTEM, DeviceKind, Role
from motcua.dossier.models import Holiday
from tests.auth.signing import csrf_token
from tests.support import bearer, system_ports

HUGE = "99999999999999999999"  # ≥ 2^63: SQLite cannot bind it
BIG = str(2**40)  # fits SQLite, not a PostgreSQL INTEGER column


@pytest.fixture
def callers(app: Any, session: Any, clock: Any, demo_hall: Any, supervisor_token: str,
            kiosk_token: str) -> dict[str, Any]:
    """Who asks: nobody, a signed-in admin (with its CSRF token), a staff token, a tablet."""
    admin, _ = create_user(system_ports(session, clock), actor=SYSTEM,
                           username="quantri", role=Role.ADMIN,
                           password="secret-pass")
    staff = app.test_client()
    with staff.session_transaction() as flask_session:
        flask_session["_user_id"] = session_id(admin)
        flask_session["_fresh"] = True
    _, tablet_token = register_device(system_ports(session, clock), actor=SYSTEM, printers=None,
                                      hall_code="demo", name="tablet-1",
                                      kind=DeviceKind.TABLET, counter_number=1)
    tablet = app.test_client()
    assert tablet.get(f"/rate/demo/1/setup?token={tablet_token}").status_code == 302
    return {
        "anonymous": (app.test_client(), {}),
        "admin": (staff, {"X-CSRFToken": csrf_token(staff, "/admin/demo/holidays")}),
        "supervisor": (app.test_client(), bearer(supervisor_token)),
        "kiosk": (app.test_client(), bearer(kiosk_token)),
        "tablet": (tablet, {"X-CSRFToken": csrf_token(tablet, "/rate/demo/1")}),
    }


def ask(callers: dict[str, Any], who: str, method: str, path: str, **kwargs: Any) -> Any:
    client, headers = callers[who]
    assert isinstance(client, FlaskClient)
    return client.open(path, method=method, headers=headers, **kwargs)


def assert_json_error(response: Any) -> None:
    assert 400 <= response.status_code < 500, (response.status_code, response.get_data()[:300])
    assert response.is_json, response.get_data()[:300]
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body


def assert_html_refusal(response: Any) -> None:
    assert 400 <= response.status_code < 500, (response.status_code, response.get_data()[:300])
    assert response.mimetype == "text/html"


NUMBERS_IN_PATHS_API = [
    ("anonymous", "GET", f"/api/v1/halls/demo/counters/{HUGE}"),
    ("anonymous", "GET", f"/api/v1/halls/demo/counters/{BIG}"),
    ("supervisor", "POST", f"/api/v1/halls/demo/counters/{HUGE}/call-next"),
    ("supervisor", "POST", f"/api/v1/halls/demo/counters/{HUGE}/open"),
    ("supervisor", "POST", f"/api/v1/halls/demo/counters/{HUGE}/pause"),
    ("supervisor", "POST", f"/api/v1/print-jobs/{HUGE}/reprint"),
    ("supervisor", "POST", f"/api/v1/print-jobs/{BIG}/reprint"),
    ("supervisor", "POST", f"/api/v1/halls/demo/counters/{HUGE}/dossiers"),
]


@pytest.mark.parametrize(("who", "method", "path"), NUMBERS_IN_PATHS_API)
def test_a_number_too_big_for_the_database_in_an_api_path_is_a_json_4xx(callers, who, method,
                                                                        path):
    assert_json_error(ask(callers, who, method, path, json={}))


NUMBERS_IN_PATHS_PAGES = [
    ("anonymous", "GET", f"/display/demo/counter/{HUGE}"),
    ("anonymous", "GET", f"/display/demo/counter/{BIG}"),
    ("tablet", "GET", f"/rate/demo/{HUGE}"),
    ("tablet", "GET", f"/rate/demo/{HUGE}/pending"),
    ("anonymous", "GET", f"/rate/demo/{HUGE}/setup?token=x"),
    ("admin", "GET", f"/admin/demo/counters/{HUGE}"),
    ("admin", "GET", f"/admin/demo/staff/{HUGE}"),
    ("admin", "GET", f"/admin/demo/devices/{HUGE}"),
    ("admin", "GET", f"/admin/demo/devices/{BIG}"),
    ("admin", "POST", f"/admin/demo/holidays/{HUGE}/delete"),
    ("admin", "POST", f"/admin/demo/devices/{HUGE}/disable"),
    ("admin", "GET", f"/counter/demo/{HUGE}"),
    ("admin", "GET", f"/dossier/demo/intake?counter={HUGE}"),
]


@pytest.mark.parametrize(("who", "method", "path"), NUMBERS_IN_PATHS_PAGES)
def test_a_number_too_big_for_the_database_in_a_page_path_is_an_html_4xx(callers, who, method,
                                                                         path):
    assert_html_refusal(ask(callers, who, method, path))


def test_an_optional_number_too_big_for_the_database_is_ignored(callers):
    response = ask(callers, "admin", "GET", f"/dossier/demo?counter={HUGE}")
    assert response.status_code == 200
    assert HUGE not in response.get_data(as_text=True)


NUMBERS_IN_BODIES = [
    ("supervisor", "/api/v1/halls/demo/counters/1/transfer",
     {"to_counter": int(HUGE), "reason": "x"}),
    ("supervisor", "/api/v1/halls/demo/counters/1/transfer",
     {"to_counter": int(BIG), "reason": "x"}),
    ("tablet", "/rate/demo/1", {"ticket_id": int(HUGE), "level": "satisfied"}),
    ("tablet", "/rate/demo/1", {"ticket_id": int(BIG), "level": "satisfied"}),
]


@pytest.mark.parametrize(("who", "path", "body"), NUMBERS_IN_BODIES)
def test_a_number_too_big_for_the_database_in_a_body_is_a_json_4xx(callers, who, path, body):
    assert_json_error(ask(callers, who, "POST", path, json=body))


IMPOSSIBLE_DAYS_PAGES = [
    ("admin", "GET", "/admin/demo/holidays?year=-5"),
    ("admin", "GET", "/admin/demo/holidays?year=10000"),
    ("admin", "GET", f"/admin/demo/holidays?year={HUGE}"),
    ("admin", "GET", "/admin/demo/reports/traffic?from=0001-01-01&to=0001-01-02"),
    ("admin", "GET", "/admin/demo/reports/traffic?from=9999-12-30&to=9999-12-31"),
    ("admin", "GET", "/counter/demo/audit?day=0001-01-01"),
    ("admin", "GET", "/counter/demo/audit?day=9999-12-31"),
    ("anonymous", "GET", "/cong-khai?month=0001-01"),
    ("anonymous", "GET", "/cong-khai?month=9999-12"),
]


@pytest.mark.parametrize(("who", "method", "path"), IMPOSSIBLE_DAYS_PAGES)
def test_an_impossible_year_or_day_on_a_page_is_an_html_4xx(callers, who, method, path):
    assert_html_refusal(ask(callers, who, method, path))


@pytest.mark.parametrize("year", ["-5", "10000", HUGE])
def test_loading_the_holidays_of_an_impossible_year_is_refused(callers, session, year):
    response = ask(callers, "admin", "POST", "/admin/demo/holidays/defaults", data={"year": year})
    assert response.status_code < 500
    assert session.scalar(select(func.count(Holiday.id))) == 0


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_holiday_on_an_impossible_day_is_a_form_error(callers, day):
    response = ask(callers, "admin", "POST", "/admin/demo/holidays",
                   data={"day": day, "name": "x", "kind": "extra"})
    assert response.status_code == 422


@pytest.mark.parametrize("month", ["0001-01", "9999-12", "10000-01", "-5-01"])
def test_an_impossible_month_of_the_publication_api_is_a_json_4xx(callers, month):
    assert_json_error(ask(callers, "anonymous", "GET", f"/api/v1/publication?month={month}"))


UNMATCHED_API = [
    ("GET", "/api/v1/nothing-here"),
    ("GET", "/api/v1/halls/demo/counters/abc"),
    ("GET", "/api/v1/halls/demo/tickets"),  # POST only
    ("DELETE", "/api/v1/halls/demo/sectors"),
    ("PUT", "/api/v1/openapi.json"),
    ("GET", "/api/v1/halls/demo/counters/1/call-next"),
]


@pytest.mark.parametrize(("method", "path"), UNMATCHED_API)
def test_an_unknown_api_path_or_method_answers_the_json_error_shape(callers, method, path):
    response = ask(callers, "anonymous", method, path)
    assert_json_error(response)
    assert response.status_code in (404, 405)


def test_an_unknown_page_answers_a_page_for_people(callers):
    missing = ask(callers, "anonymous", "GET", "/no-such-page")
    assert_html_refusal(missing)
    assert missing.status_code == 404 and "Không tìm thấy trang" in missing.get_data(as_text=True)
    wrong_method = ask(callers, "anonymous", "DELETE", "/display/demo")
    assert_html_refusal(wrong_method)
    assert wrong_method.status_code == 405 and "Allow" in wrong_method.headers
