"""NUL bytes in any text a request carries: PostgreSQL refuses them in strings, so they are
turned away before any query, with the JSON error under /api/v1 and a 400 page elsewhere."""
from __future__ import annotations

from typing import Any

import pytest

from tests.api.test_bad_input import ask, assert_html_refusal, assert_json_error, callers
from tests.auth.signing import sign_in

pytestmark = pytest.mark.postgres

__all__ = ["callers"]  # the fixture, shared with the SQLite catalogue


@pytest.fixture
def database_url(postgres_engine: Any) -> str:
    return postgres_engine.url.render_as_string(hide_password=False)


NUL_API = [
    ("anonymous", "GET", "/api/v1/halls/de%00mo/sectors", None),
    ("anonymous", "GET", "/api/v1/halls/demo/queue?x=%00", None),
    ("anonymous", "GET", "/api/v1/tickets/abc%00def", None),
    ("anonymous", "GET", "/api/v1/dossiers/A%00B", None),
    ("anonymous", "GET", "/api/v1/publication?hall=de%00mo", None),
    ("kiosk", "POST", "/api/v1/halls/demo/tickets", {"sector": "dat-dai\u0000"}),
    ("supervisor", "POST", "/api/v1/halls/demo/counters/1/pause", {"reason": "a\u0000b"}),
    ("supervisor", "POST", "/api/v1/halls/demo/counters/1/transfer",
     {"to_sector": "tu-phap\u0000", "reason": "x"}),
    ("tablet", "POST", "/rate/demo/1", {"ticket_id": 1, "level": "satisfied",
                                       "reason": "slow\u0000"}),
]


@pytest.mark.parametrize(("who", "method", "path", "body"), NUL_API)
def test_a_nul_byte_in_api_input_is_a_json_4xx(callers, who, method, path, body):
    assert_json_error(ask(callers, who, method, path, json=body))


NUL_PAGES = [
    ("anonymous", "GET", "/kiosk/de%00mo"),
    ("anonymous", "GET", "/t/abc%00"),
    ("anonymous", "GET", "/display/de%00mo"),
    ("anonymous", "GET", "/tra-cuu/abc%00"),
    ("anonymous", "GET", "/cong-khai?hall=de%00mo"),
    ("admin", "GET", "/admin/de%00mo/holidays"),
    ("admin", "GET", "/dossier/demo?code=A%00"),
]


@pytest.mark.parametrize(("who", "method", "path"), NUL_PAGES)
def test_a_nul_byte_in_a_page_address_is_an_html_4xx(callers, who, method, path):
    assert_html_refusal(ask(callers, who, method, path))


def test_a_nul_byte_in_a_form_is_refused(app):
    client = app.test_client()
    response = sign_in(client, "quan\x00tri")
    assert 400 <= response.status_code < 500
    assert_html_refusal(client.post("/tra-cuu", data={"code": "A\x00", "secret": "x"}))


def test_a_nul_byte_in_a_cookie_is_refused_before_any_route_reads_it(app, callers):
    client = app.test_client(use_cookies=False)  # a cookie jar would replace the header
    quoted = client.get("/api/v1/halls/demo/queue", headers={"Cookie": 'seen="a\\000b"'})
    assert_json_error(quoted)  # a quoted value's escape, decoded to NUL
    percent = client.get("/api/v1/halls/demo/queue", headers={"Cookie": "seen=a%00b"})
    assert percent.status_code == 200  # cookies are not percent-decoded: a value like any
