"""Staff sign-in: passwords, sessions that expire, cookie flags, CSRF, throttling."""
from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import itsdangerous.timed
import pytest
from flask import Flask

from motcua import create_app
from motcua.core.accounts import StaffUser
from motcua.core.events import RecordingPublisher
from motcua.core.ports import Ports
from motcua.models import metadata
from motcua.queue.demo import load_demo_hall
from tests.auth.signing import csrf_token, sign_in
from tests.support import make_officer


@pytest.fixture
def officer(session: Any, clock: Any, demo_hall: Any) -> Any:
    return make_officer(session, clock, username="lan")


def test_an_officer_signs_in_with_username_and_password_and_lands_on_the_counters(client, officer):
    response = sign_in(client, "lan")
    assert response.status_code == 302
    assert response.headers["Location"] == "/counter/"
    assert client.get("/counter/").headers["Location"] == "/counter/demo"
    page = client.get("/counter/demo").get_data(as_text=True)
    assert 'data-testid="signed-in-as">lan<' in page


def test_the_username_is_not_case_sensitive(client, officer):
    assert sign_in(client, "  LAN ").status_code == 302


def test_a_wrong_password_is_refused_without_telling_which_part_was_wrong(client, officer):
    wrong_password = sign_in(client, "lan", "not-the-password")
    unknown_user = sign_in(client, "nobody", "secret-pass")
    for response in (wrong_password, unknown_user):
        assert response.status_code == 401
        assert "Sai tên đăng nhập hoặc mật khẩu." in response.get_data(as_text=True)
    assert client.get("/counter/").status_code == 302  # still signed out


def test_a_deactivated_account_cannot_sign_in(client, officer, session):
    user = session.get(StaffUser, officer.user_id)
    user.active = False
    session.commit()
    assert sign_in(client, "lan").status_code == 401


def test_the_session_cookie_is_httponly_samesite_and_expires(client, officer):
    cookie = sign_in(client, "lan").headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Expires=" in cookie  # a permanent session, bounded by PERMANENT_SESSION_LIFETIME


def test_the_cookie_is_marked_secure_when_the_hall_serves_https(app_with):
    client = app_with(SESSION_COOKIE_SECURE=True).test_client()
    assert "; Secure" in sign_in(client, "lan").headers["Set-Cookie"]


def test_a_session_left_unused_past_its_lifetime_signs_the_officer_out(app, client, officer,
                                                                       monkeypatch):
    sign_in(client, "lan")
    assert client.get("/counter/demo").status_code == 200
    later = itsdangerous.timed.time.time() + app.permanent_session_lifetime.total_seconds() + 60
    monkeypatch.setattr(itsdangerous.timed, "time", SimpleNamespace(time=lambda: later))
    response = client.get("/counter/demo")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")


def test_a_sign_in_form_without_its_csrf_token_is_refused(client, officer):
    response = client.post("/sign-in", data={"username": "lan", "password": "secret-pass"})
    assert response.status_code == 400
    assert "Biểu mẫu đã hết hạn" in response.get_data(as_text=True)
    assert client.get("/counter/").status_code == 302


def test_signing_out_is_a_post_with_its_csrf_token(client, officer):
    sign_in(client, "lan")
    assert client.get("/sign-out").status_code == 405
    assert client.post("/sign-out").status_code == 400  # no token: still signed in
    assert client.get("/counter/demo").status_code == 200
    response = client.post("/sign-out", data={"csrf_token": csrf_token(client, "/counter/demo")})
    assert response.headers["Location"] == "/sign-in"
    assert client.get("/counter/demo").status_code == 302


def test_pages_send_a_visitor_without_a_session_to_sign_in_and_back(client, officer):
    response = client.get("/counter/demo/1")
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in?next=%2Fcounter%2Fdemo%2F1"
    form = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'name="next" type="hidden" value="/counter/demo/1"' in form
    signed_in = client.post("/sign-in", data={"username": "lan", "password": "secret-pass",
                                              "next": "/counter/demo/1",
                                              "csrf_token": csrf_token(client)})
    assert signed_in.headers["Location"] == "/counter/demo/1"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example",
                                    "javascript:alert(1)"])
def test_a_next_link_to_another_site_is_ignored(client, officer, target):
    response = client.post("/sign-in", data={"username": "lan", "password": "secret-pass",
                                              "next": target, "csrf_token": csrf_token(client)})
    assert response.headers["Location"] == "/counter/"


def test_the_api_answers_401_without_a_session(client, demo_hall):
    response = client.post("/api/v1/halls/demo/counters/1/call-next")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


@pytest.fixture
def app_with(database_url, clock, publisher, tmp_path):
    """An app with some configuration changed, its demo hall and two officers."""
    engines = []

    def make(**config: Any) -> Flask:
        app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "t",
                          "ASYNC_MODE": "threading", "REDIS_URL": None,
                          "RATELIMIT_ENABLED": False, **config}, clock=clock, publisher=publisher)
        app.instance_path = str(tmp_path / "instance")
        engines.append(app.extensions["motcua"].engine)
        metadata.create_all(engines[-1])
        with app.extensions["motcua"].sessions() as session:
            load_demo_hall(Ports(session, clock, RecordingPublisher()))
            make_officer(session, clock, username="lan")
            make_officer(session, clock, username="binh")
        return app

    yield make
    for engine in engines:
        engine.dispose()


@pytest.fixture
def throttled_app(app_with):
    return app_with(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")


def test_sign_in_is_throttled_after_repeated_failures(throttled_app):
    client = throttled_app.test_client()
    for _ in range(3):
        assert sign_in(client, "lan", "wrong-password").status_code == 401
    throttled = sign_in(client, "lan", "secret-pass")  # even the right password waits
    assert throttled.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in throttled.get_data(as_text=True)
    assert "1 phút" in throttled.get_data(as_text=True)
    # Another officer at the same address is not locked out by a colleague's typos.
    assert sign_in(client, "binh").status_code == 302


def test_successful_sign_ins_do_not_count_towards_the_throttle(throttled_app):
    client = throttled_app.test_client()
    for _ in range(5):
        assert sign_in(client, "lan").status_code == 302
        client.post("/sign-out", data={"csrf_token": csrf_token(client, "/counter/demo")})
