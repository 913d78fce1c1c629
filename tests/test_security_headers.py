"""Every answer carries the security headers a review asks for: a strict Content-Security-Policy
(no inline script or style, no framing), nosniff and a referrer policy; HSTS only for a hall
that serves HTTPS, so a plain-HTTP LAN hall is never locked out of its own server."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from motcua import create_app
from motcua.models import metadata
from tests.auth.signing import sign_in
from tests.conftest import runtime_of
from tests.support import make_officer

PATHS = [
    "/",  # a page
    "/sign-in",
    "/api/v1/openapi.json",  # a JSON answer
    "/api/v1/halls/nowhere/sectors",  # a JSON error
    "/no/such/page",  # an HTML error
    "/static/css/base.css",  # a static file
    "/health",
]


def policy_of(header: str) -> dict[str, list[str]]:
    directives = (part.split() for part in header.split(";") if part.strip())
    return {d[0]: d[1:] for d in directives}


@pytest.mark.parametrize("path", PATHS)
def test_every_answer_carries_the_security_headers(client, demo_hall, path):
    headers = client.get(path).headers
    assert "Content-Security-Policy" in headers, path
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_the_policy_allows_only_the_servers_own_scripts_styles_and_connections(client):
    policy = policy_of(client.get("/").headers["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]  # no inline script, no eval
    assert policy["style-src"] == ["'self'"]  # no style="" attributes, no <style> blocks
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["connect-src"] == ["'self'"]  # CSP 3: 'self' covers ws:// to the same host
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["media-src"] == ["'self'"]
    assert policy["font-src"] == ["'self'"]


@pytest.fixture
def app_with(database_url: str, clock: Any, publisher: Any, tmp_path: Path):
    made: list[Flask] = []

    def make(**config: Any) -> Flask:
        app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "s",
                          "REDIS_URL": None, "RATELIMIT_ENABLED": False, "PRINTER": "dummy:",
                          **config}, clock=clock, publisher=publisher)
        metadata.create_all(runtime_of(app).engine)
        made.append(app)
        return app

    yield make
    for app in made:
        runtime_of(app).engine.dispose()


def test_a_plain_http_hall_gets_no_hsts_no_redirect_and_a_cookie_that_works_over_http(
        client, session, clock, demo_hall):
    make_officer(session, clock, username="lan")
    assert client.get("/sign-in").status_code == 200  # not redirected to https://
    response = sign_in(client, "lan")
    assert "Strict-Transport-Security" not in response.headers
    assert "; Secure" not in response.headers["Set-Cookie"]


def test_a_hall_behind_https_tells_browsers_to_stay_on_https(app_with):
    client = app_with(SESSION_COOKIE_SECURE=True).test_client()
    secure = client.get("/sign-in", base_url="https://hall.example")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")
    assert client.get("/sign-in").status_code == 200  # HTTP is not refused; the proxy redirects
