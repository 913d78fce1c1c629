"""Rate limits: what each one is keyed by, so one client behind a hall's NAT cannot lock out
the others, a guesser cannot spread guesses over names or codes, and no secret ever becomes
a storage key (the keys sit in Redis in plain text)."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from motcua import create_app
from motcua.auth.accounts import register_device
from motcua.core.actors import SYSTEM, DeviceKind
from motcua.core.events import RecordingPublisher
from motcua.core.identity import hash_token
from motcua.core.ports import Ports
from motcua.extensions import limiter
from motcua.models import metadata
from motcua.queue.demo import load_demo_hall
from tests.auth.signing import csrf_token, sign_in
from tests.support import make_officer, system_ports

HALL_NAT = "203.0.113.7"  # the one address a whole hall's LAN reaches the server from
NEIGHBOUR = "198.51.100.20"


@pytest.fixture
def limited(tmp_path: Path, clock: Any, publisher: Any) -> Iterator[Callable[..., Flask]]:
    """An app with rate limits on (memory storage), the demo hall and two officers."""
    engines = []

    def make(**config: Any) -> Flask:
        app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'limits.sqlite'}",
                          "SECRET_KEY": "t", "ASYNC_MODE": "threading", "REDIS_URL": None,
                          "PRINTER": "dummy:", "RATELIMIT_ENABLED": True, **config},
                         clock=clock, publisher=publisher)
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


def kiosk(app: Flask, clock: Any) -> tuple[int, str]:
    with app.extensions["motcua"].sessions() as session:
        device, token = register_device(system_ports(session, clock), actor=SYSTEM, printers=None,
                                        hall_code="demo", name="kiosk-1",
                                        kind=DeviceKind.KIOSK, printer="agent")
        return device.id, token


def stored_keys() -> list[str]:
    storage = limiter.storage
    return [*storage.storage, *storage.events]  # type: ignore[attr-defined]


def from_address(address: str) -> dict[str, Any]:
    return {"environ_base": {"REMOTE_ADDR": address}}


def test_a_kiosk_is_limited_by_its_device_never_by_its_token(limited, clock):
    app = limited()
    device_id, token = kiosk(app, clock)
    client = app.test_client()
    issued = client.post("/api/v1/halls/demo/tickets", json={"sector": "tu-phap"},
                         headers={"Authorization": f"Bearer {token}"})
    assert issued.status_code == 201, issued.get_json()
    assert client.get(f"/kiosk/demo/setup?token={token}").status_code == 303
    assert client.post("/kiosk/demo/lookup", json={"code": "A999"}).status_code == 404

    keys = stored_keys()
    assert keys
    assert not [key for key in keys if token in key or hash_token(token) in key]
    assert [key for key in keys if f"kiosk:{device_id}" in key]


def test_a_kiosk_token_that_fails_is_limited_by_address_not_by_the_guess(limited):
    app = limited()
    guess = "not-a-real-token-but-secret-looking"
    app.test_client().post("/api/v1/halls/demo/tickets", json={"sector": "tu-phap"},
                           headers={"Authorization": f"Bearer {guess}"}, **from_address(HALL_NAT))
    assert not [key for key in stored_keys() if guess in key]


def dossier_look_up(client: FlaskClient, code: str, address: str) -> int:
    return client.post("/tra-cuu", data={"code": code, "secret": "AAAAAA"},
                       **from_address(address)).status_code


def test_one_person_guessing_one_dossier_does_not_lock_the_hall_out_of_look_ups(limited):
    client = limited(LOOKUP_RATE_LIMIT="3 per minute").test_client()
    code = "H21.65-261125-0001"
    assert [dossier_look_up(client, code, HALL_NAT) for _ in range(4)] == [404, 404, 404, 429]
    # Someone else in the same hall, same public address, looks up their own receipt.
    assert dossier_look_up(client, "H21.65-261125-0002", HALL_NAT) == 404
    assert client.get("/tra-cuu/" + "B" * 24, **from_address(HALL_NAT)).status_code == 404


def test_one_dossier_guessed_from_many_addresses_is_throttled(limited):
    client = limited(LOOKUP_RATE_LIMIT="3 per minute", LOOKUP_CODE_RATE_LIMIT="5 per minute").test_client()
    code = "H21.65-261125-0001"
    answers = [dossier_look_up(client, code, f"10.1.0.{n}") for n in range(6)]
    assert answers == [404] * 5 + [429]
    assert dossier_look_up(client, "H21.65-261125-0002", "10.1.0.99") == 404


def test_one_address_trying_many_dossiers_meets_a_ceiling(limited):
    client = limited(LOOKUP_ADDRESS_RATE_LIMIT="5 per minute").test_client()
    answers = [dossier_look_up(client, f"H21.65-261125-{n:04d}", HALL_NAT) for n in range(6)]
    assert answers == [404] * 5 + [429]
    assert client.get("/tra-cuu/" + "B" * 24, **from_address(HALL_NAT)).status_code == 429
    assert dossier_look_up(client, "H21.65-261125-0001", NEIGHBOUR) == 404


def failed_sign_in(client: FlaskClient, username: str, address: str) -> int:
    token = csrf_token(client)
    return client.post("/sign-in", data={"username": username, "password": "wrong-password",
                                         "csrf_token": token}, **from_address(address)).status_code


def test_trying_many_usernames_from_one_address_is_throttled(limited):
    client = limited(LOGIN_RATE_LIMIT="3 per minute", LOGIN_ADDRESS_RATE_LIMIT="5 per minute").test_client()
    answers = [failed_sign_in(client, f"user{n}", HALL_NAT) for n in range(6)]
    assert answers == [401] * 5 + [429]
    # The throttle is on that address: an officer elsewhere still signs in.
    other = client.application.test_client()
    assert other.post("/sign-in", data={"username": "lan", "password": "secret-pass",
                                        "csrf_token": csrf_token(other)},
                      **from_address(NEIGHBOUR)).status_code == 302


def test_one_username_tried_from_many_addresses_is_throttled(limited):
    client = limited(LOGIN_RATE_LIMIT="3 per minute", LOGIN_USER_RATE_LIMIT="5 per hour").test_client()
    answers = [failed_sign_in(client, "lan", f"10.2.0.{n}") for n in range(6)]
    assert answers == [401] * 5 + [429]
    assert sign_in(client, "binh").status_code == 302


def test_every_route_counts_towards_one_ceiling_per_address(limited):
    app = limited(GLOBAL_RATE_LIMIT="6 per minute")
    client = app.test_client()
    pages = ["/tra-cuu", "/api/v1/halls/demo/sectors", "/display/demo", "/sign-in", "/tra-cuu",
             "/api/v1/halls/demo/queue"]
    assert [client.get(page, **from_address(HALL_NAT)).status_code for page in pages] == [200] * 6
    over = client.get("/api/v1/halls/demo/sectors", **from_address(HALL_NAT))
    assert over.status_code == 429
    assert over.get_json()["error"]["code"] == "rate_limited"
    assert client.get("/tra-cuu", **from_address(NEIGHBOUR)).status_code == 200


def test_static_files_and_socket_io_polling_do_not_count_towards_the_ceiling(limited):
    client = limited(GLOBAL_RATE_LIMIT="3 per minute").test_client()
    for _ in range(10):
        assert client.get("/static/css/base.css", **from_address(HALL_NAT)).status_code == 200
        handshake = client.get("/socket.io/?EIO=4&transport=polling", **from_address(HALL_NAT))
        assert handshake.status_code == 200 and b"sid" in handshake.data
    assert client.get("/tra-cuu", **from_address(HALL_NAT)).status_code == 200


def test_online_registrations_from_one_address_are_throttled(limited):
    client = limited(ONLINE_RATE_LIMIT="2 per minute").test_client()

    def register(address: str) -> int:
        return client.post("/nop-ho-so/demo", data={"procedure": "none"},
                           **from_address(address)).status_code

    assert [register(HALL_NAT) for _ in range(3)] == [400, 400, 429]  # no CSRF token, then throttled
    assert register(NEIGHBOUR) == 400
    page = client.post("/nop-ho-so/demo", **from_address(HALL_NAT))
    assert page.status_code == 429 and 'data-testid="online-message"' in page.get_data(as_text=True)


def test_supplements_sent_online_from_one_address_are_throttled(limited):
    client = limited(ONLINE_RATE_LIMIT="2 per minute").test_client()

    def send(address: str) -> int:
        return client.post("/tra-cuu/no-such-secret/bo-sung", **from_address(address)).status_code

    assert [send(HALL_NAT) for _ in range(3)] == [404, 404, 429]  # no such dossier, then throttled
    assert send(NEIGHBOUR) == 404
