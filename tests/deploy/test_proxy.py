"""Behind nginx (deploy/), the citizen's address comes from X-Forwarded-For, and only when the
request came from a proxy in MOTCUA_TRUSTED_PROXIES: rate limits key on that address, and
nobody else can choose their address by writing the header."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, request
from flask.testing import FlaskClient

from motcua import create_app
from motcua.config import proxy_networks

PROXY = "10.0.0.2"
CITIZEN = "203.0.113.7"
NEIGHBOUR = "198.51.100.20"


@pytest.fixture
def limited(tmp_path: Path, clock: Any, publisher: Any) -> Iterator[Callable[..., Flask]]:
    engines = []

    def make(**config: Any) -> Flask:
        app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite'}",
                          "SECRET_KEY": "t", "ASYNC_MODE": "threading", "REDIS_URL": None,
                          "PRINTER": "dummy:", "RATELIMIT_ENABLED": True,
                          "GLOBAL_RATE_LIMIT": "3 per minute", **config},
                         clock=clock, publisher=publisher)
        app.instance_path = str(tmp_path / "instance")
        engines.append(app.extensions["motcua"].engine)
        return app

    yield make
    for engine in engines:
        engine.dispose()


def page(client: FlaskClient, peer: str, forwarded_for: str | None = None,
         proto: str | None = None) -> int:
    headers = {}
    if forwarded_for is not None:
        headers["X-Forwarded-For"] = forwarded_for
    if proto is not None:
        headers["X-Forwarded-Proto"] = proto
    return client.get("/tra-cuu", headers=headers,
                      environ_base={"REMOTE_ADDR": peer}).status_code


def test_x_forwarded_for_from_an_address_that_is_no_proxy_is_ignored(limited):
    client = limited(TRUSTED_PROXIES=PROXY).test_client()
    # A client reaching motcua directly writes a new address into every request: the limit
    # still counts its own.
    answers = [page(client, CITIZEN, forwarded_for=f"192.0.2.{n}") for n in range(4)]
    assert answers == [200, 200, 200, 429]


def test_without_trusted_proxies_nobody_is_believed(limited):
    client = limited().test_client()
    answers = [page(client, PROXY, forwarded_for=f"192.0.2.{n}") for n in range(4)]
    assert answers == [200, 200, 200, 429]


def test_behind_the_proxy_each_citizen_is_limited_by_their_own_address(limited):
    client = limited(TRUSTED_PROXIES=f"127.0.0.1, {PROXY}/32").test_client()
    assert [page(client, PROXY, forwarded_for=CITIZEN) for _ in range(4)] == [200, 200, 200, 429]
    # The neighbour comes through the same proxy and is not held back by the citizen.
    assert page(client, PROXY, forwarded_for=NEIGHBOUR) == 200
    # An address the citizen wrote first is not theirs: the proxy's last entry is.
    assert page(client, PROXY, forwarded_for=f"192.0.2.99, {CITIZEN}") == 429


def test_only_a_trusted_proxy_can_say_the_request_came_over_https(limited):
    app = limited(TRUSTED_PROXIES=PROXY, GLOBAL_RATE_LIMIT="100 per minute")
    schemes: list[str] = []
    app.before_request(lambda: schemes.append(request.scheme))
    client = app.test_client()
    page(client, CITIZEN, proto="https")
    page(client, PROXY, forwarded_for=CITIZEN, proto="https")
    assert schemes == ["http", "https"]


def test_a_trusted_proxy_that_is_no_address_stops_the_server_with_its_name():
    with pytest.raises(ValueError, match="MOTCUA_TRUSTED_PROXIES: 'nginx'"):
        proxy_networks("127.0.0.1, nginx")
    assert [str(n) for n in proxy_networks("127.0.0.1, 10.0.0.0/8, ::1")] == [
        "127.0.0.1/32", "10.0.0.0/8", "::1/128"]
