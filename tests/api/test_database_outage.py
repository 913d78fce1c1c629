"""While the database cannot be reached, every request answers 503 with Retry-After: JSON for
the API and the kiosk's scripts, a friendly page for browsers. Constraint errors stay bugs."""
from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import make_url
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError

from motcua import create_app
from motcua.core.clock import SystemClock
from motcua.core.db import make_engine, make_session_factory
from motcua.core.events import RecordingPublisher
from motcua.core.ports import Ports
from motcua.queue.demo import load_demo_hall
from tests.faults import TcpProxy
from tests.support import bearer

# Nothing listens on port 1: every connection is refused, as while PostgreSQL restarts.
REFUSING_POSTGRES = "postgresql+psycopg2://motcua@127.0.0.1:1/motcua"


@pytest.fixture
def cut_off(tmp_path, clock, publisher):
    """The app with its database out of reach."""
    app = create_app({"TESTING": True, "DATABASE_URL": REFUSING_POSTGRES, "SECRET_KEY": "t",
                      "ASYNC_MODE": "threading", "REDIS_URL": None, "RATELIMIT_ENABLED": False,
                      "PRINTER": "dummy:"}, clock=clock, publisher=publisher)
    app.instance_path = str(tmp_path / "instance")
    return app.test_client()


def assert_unavailable_json(response):
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    assert body["error"]["code"] == "database_unavailable"


@pytest.mark.parametrize(("method", "path", "body"), [
    ("GET", "/api/v1/halls/demo/queue", None),
    ("GET", "/api/v1/halls/demo/sectors", None),
    ("POST", "/api/v1/halls/demo/tickets", {"sector": "dat-dai"}),
    ("GET", "/api/v1/tickets/abcdefghijklmnopqrstuvwx", None),
    ("POST", "/kiosk/demo/lookup", {"code": "1001"}),  # the kiosk's look-up, by script
])
def test_an_unreachable_database_answers_503_with_retry_after_in_json(cut_off, method, path, body):
    response = cut_off.open(path, method=method, json=body, headers=bearer("mck_whatever"))
    assert_unavailable_json(response)


@pytest.mark.parametrize("path", ["/display/demo", "/display/demo/counter/1", "/kiosk/demo",
                                  "/t/abcdefghijklmnopqrstuvwx"])
def test_an_unreachable_database_shows_browsers_a_friendly_page_that_retries(cut_off, path):
    response = cut_off.get(path)
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    page = response.get_data(as_text=True)
    assert response.mimetype == "text/html"
    assert "Hệ thống tạm thời gián đoạn" in page and "Traceback" not in page
    assert f'<meta http-equiv="refresh" content="{response.headers["Retry-After"]}">' in page


def test_the_friendly_page_speaks_english_when_asked(cut_off):
    page = cut_off.get("/display/demo?lang=en").get_data(as_text=True)
    assert "temporarily unavailable" in page


def _raise(exc):
    def fail(*_args, **_kwargs):
        raise exc
    return fail


def test_sqlite_still_locked_after_the_busy_retries_answers_503(client, kiosk_token, monkeypatch):
    locked = OperationalError("BEGIN IMMEDIATE", {}, sqlite3.OperationalError("database is locked"))
    monkeypatch.setattr("motcua.queue.services.issue_ticket", _raise(locked))
    response = client.post("/api/v1/halls/demo/tickets", json={"sector": "dat-dai"},
                           headers=bearer(kiosk_token))
    assert_unavailable_json(response)


@pytest.mark.parametrize("bug", [
    IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE constraint failed")),
    InterfaceError("INSERT", {}, sqlite3.InterfaceError("Error binding parameter 1")),
    OperationalError("SELECT", {}, sqlite3.OperationalError("no such table: tickets")),
], ids=["constraint", "unbindable-value", "no-schema"])
def test_a_bug_or_a_missing_schema_is_not_passed_off_as_an_outage(client, kiosk_token, monkeypatch,
                                                                  bug):
    monkeypatch.setattr("motcua.queue.services.issue_ticket", _raise(bug))
    with pytest.raises(type(bug)):
        client.post("/api/v1/halls/demo/tickets", json={"sector": "dat-dai"},
                    headers=bearer(kiosk_token))


@pytest.mark.browser
def test_a_board_shows_the_outage_page_then_itself_once_the_database_is_back(browser, live_server):
    from playwright.sync_api import expect

    from tests.conftest import runtime_of, screenshot

    with live_server.session() as session:
        load_demo_hall(Ports(session, SystemClock(), RecordingPublisher()))
    sessions = runtime_of(live_server.app).sessions
    database = sessions.kw["bind"]
    sessions.configure(bind=make_engine(REFUSING_POSTGRES))  # every request now finds it away
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    try:
        answer = page.goto(live_server.url + "/display/demo")
        assert answer is not None and answer.status == 503
        expect(page.locator("h1")).to_have_text("Hệ thống tạm thời gián đoạn")
        screenshot(page, "database-unavailable-page")

        sessions.configure(bind=database)
        expect(page.locator("#now")).to_be_visible(timeout=15000)  # it reloaded by itself
    finally:
        sessions.configure(bind=database)
        page.close()


@pytest.mark.postgres
def test_a_connection_lost_after_the_answer_was_made_still_gives_the_answer(
        postgres_engine, postgres_url, tmp_path, clock, publisher):
    """The request's read transaction dies with its connection: closing the session must not
    turn the finished answer into a 500."""
    with make_session_factory(postgres_engine)() as session:
        load_demo_hall(Ports(session, clock, RecordingPublisher()))
    real = make_url(postgres_url)
    with TcpProxy((real.host or "127.0.0.1", real.port or 5432)) as proxy:
        url = real.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "t",
                          "ASYNC_MODE": "threading", "REDIS_URL": None,
                          "RATELIMIT_ENABLED": False, "PRINTER": "dummy:"},
                         clock=clock, publisher=publisher)
        app.instance_path = str(tmp_path / "instance")

        @app.after_request
        def cut_after_answering(response):
            proxy.cut()
            return response

        response = app.test_client().get("/api/v1/halls/demo/queue")
        assert response.status_code == 200 and response.get_json()["hall"]["code"] == "demo"
        proxy.restore()
        assert app.test_client().get("/api/v1/halls/demo/queue").status_code == 200
        app.extensions["motcua"].engine.dispose()


@pytest.mark.postgres
def test_a_request_after_postgresql_ended_the_pooled_connection_is_answered_without_a_ping(
        postgres_engine, postgres_url, tmp_path, clock, publisher, monkeypatch):
    """PostgreSQL restarting ends the connections waiting in the pool: the next request gets
    a fresh one, not a 503, and no request pays a ping's round trip for it."""
    with make_session_factory(postgres_engine)() as session:
        load_demo_hall(Ports(session, clock, RecordingPublisher()))
    app = create_app({"TESTING": True, "DATABASE_URL": postgres_url, "SECRET_KEY": "t",
                      "ASYNC_MODE": "threading", "REDIS_URL": None, "RATELIMIT_ENABLED": False,
                      "PRINTER": "dummy:"}, clock=clock, publisher=publisher)
    app.instance_path = str(tmp_path / "instance")
    engine = app.extensions["motcua"].engine
    monkeypatch.setattr(engine.dialect, "do_ping", _raise(AssertionError("pinged")))
    client = app.test_client()
    assert client.get("/api/v1/halls/demo/queue").status_code == 200
    with engine.connect() as connection:
        pooled = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    with postgres_engine.begin() as connection:
        # Waits (up to 10 s) until the backend is gone, as a restart's would be.
        assert connection.exec_driver_sql("SELECT pg_terminate_backend(%s, 10000)", (pooled,)).scalar()

    response = client.get("/api/v1/halls/demo/queue")
    assert response.status_code == 200, response.get_json()
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT pg_backend_pid()").scalar() != pooled
    engine.dispose()
