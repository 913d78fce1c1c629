"""Taking access back: sessions end everywhere at sign-out, password reset and lock; API tokens
expire and can be revoked; an officer token that is nobody may not act on counters."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from motcua.admin.devices import set_device_active
from motcua.auth import accounts
from motcua.auth.accounts import (
    create_api_token,
    create_user,
    end_every_session,
    register_device,
    session_id,
    user_of_session,
)
from motcua.core.accounts import ApiToken
from motcua.core.actors import SYSTEM, DeviceKind, Role
from motcua.core.events import RecordingPublisher
from motcua.core.identity import actor_for_user, authenticate_bearer
from motcua.core.ports import Memo, Ports
from motcua.queue.demo import load_demo_hall
from tests.auth.signing import csrf_token, sign_in
from tests.support import bearer, make_officer, system_ports

COUNTER_PAGE = "/counter/demo"


@pytest.fixture
def officer(session: Any, clock: Any, demo_hall: Any) -> Any:
    return make_officer(session, clock, username="lan")


@pytest.fixture
def admin(session: Any, clock: Any, demo_hall: Any) -> Any:
    user, _ = create_user(system_ports(session, clock), actor=SYSTEM,
                          username="quantri", role=Role.ADMIN,
                          password="secret-pass")
    return actor_for_user(user)


def copied_session(app: Flask, client: FlaskClient) -> FlaskClient:
    """A second browser holding a copy of `client`'s session cookie (a stolen cookie)."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    assert thief.get(COUNTER_PAGE).status_code == 200
    return thief


def signed_out(client: FlaskClient) -> bool:
    answer = client.get(COUNTER_PAGE)
    return answer.status_code == 302 and answer.headers["Location"].startswith("/sign-in")


def test_a_copied_session_cookie_stops_working_when_its_owner_signs_out(app, client, officer):
    sign_in(client, "lan")
    thief = copied_session(app, client)
    client.post("/sign-out", data={"csrf_token": csrf_token(client, COUNTER_PAGE)})
    assert signed_out(thief)


def test_signing_out_ends_the_persons_sessions_on_every_device(app, officer):
    desk, laptop = app.test_client(), app.test_client()
    sign_in(desk, "lan")
    sign_in(laptop, "lan")
    desk.post("/sign-out", data={"csrf_token": csrf_token(desk, COUNTER_PAGE)})
    assert signed_out(laptop)
    assert sign_in(laptop, "lan").status_code == 302  # a new sign-in works again
    assert laptop.get(COUNTER_PAGE).status_code == 200


def test_a_password_reset_ends_every_session_of_that_person(app, client, officer, admin, ports):
    sign_in(client, "lan")
    thief = copied_session(app, client)
    accounts.reset_password(ports, actor=admin, hall_code="demo", user_id=officer.user_id)
    assert signed_out(thief) and signed_out(client)


def test_locking_an_account_ends_its_sessions_and_unlocking_does_not_bring_them_back(
        app, client, officer, admin, ports):
    sign_in(client, "lan")
    for active in (False, True):
        accounts.set_staff_active(ports, actor=admin, hall_code="demo",
                                        user_id=officer.user_id, active=active)
    assert signed_out(client)


def test_a_cookie_from_before_session_versions_no_longer_signs_anyone_in(app, officer):
    client = app.test_client()
    with client.session_transaction() as flask_session:
        flask_session["_user_id"] = str(officer.user_id)  # what main's cookies carried
    assert signed_out(client)


# --- API tokens ---------------------------------------------------------------------------------

CALL_NEXT = "/api/v1/halls/demo/counters/1/call-next"
OPEN = "/api/v1/halls/demo/counters/1/open"


def error_of(response: Any) -> tuple[int, str]:
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    return response.status_code, body["error"]["code"]


def test_a_token_past_its_expiry_is_refused_with_401(client, session, clock, demo_hall):
    token = create_api_token(system_ports(session, clock), actor=SYSTEM,
                             name="script", role=Role.SUPERVISOR,
                             hall_code="demo", expires_at=clock.now() + timedelta(hours=1))
    assert client.post(OPEN, headers=bearer(token)).status_code == 200
    clock.advance(hours=1)
    assert error_of(client.post(CALL_NEXT, headers=bearer(token))) == (401, "unauthorized")


def test_a_revoked_token_is_refused_with_401(client, session, clock, admin, ports):
    token = create_api_token(system_ports(session, clock), actor=SYSTEM,
                             name="script", role=Role.SUPERVISOR,
                             hall_code="demo")
    stored = session.scalar(select(ApiToken).where(ApiToken.name == "script"))
    accounts.revoke_api_token(ports, actor=admin, token_id=stored.id)
    assert error_of(client.post(OPEN, headers=bearer(token))) == (401, "unauthorized")


def server_ports(app: Flask, session: Session, clock: Any) -> Ports:
    """Ports sharing the app's memo: a change made by the server process that answers."""
    return Ports(session, clock, RecordingPublisher(), memo=app.extensions["motcua"].memo)


def a_script_token(session: Session, clock: Any, **extra: Any) -> tuple[str, ApiToken]:
    token = create_api_token(system_ports(session, clock), actor=SYSTEM, name="script",
                             role=Role.SUPERVISOR, hall_code="demo", **extra)
    return token, session.scalar(select(ApiToken).where(ApiToken.name == "script"))


def test_a_token_revoked_by_the_process_that_knows_it_is_refused_at_once(
        app, client, session, clock, admin):
    token, stored = a_script_token(session, clock)
    assert client.post(OPEN, headers=bearer(token)).status_code == 200  # now known
    accounts.revoke_api_token(server_ports(app, session, clock), actor=admin, token_id=stored.id)
    assert error_of(client.post(CALL_NEXT, headers=bearer(token))) == (401, "unauthorized")


def test_a_token_revoked_in_another_process_is_refused_once_the_memos_seconds_have_passed(
        app, client, session, clock, admin, ports):
    token, stored = a_script_token(session, clock)
    assert client.post(OPEN, headers=bearer(token)).status_code == 200
    accounts.revoke_api_token(ports, actor=admin, token_id=stored.id)  # the CLI, say
    assert client.post(CALL_NEXT, headers=bearer(token)).status_code == 200  # still known here
    clock.advance(seconds=app.config["ESTIMATE_CACHE_SECONDS"])
    assert error_of(client.post(CALL_NEXT, headers=bearer(token))) == (401, "unauthorized")


TAP = "/api/v1/halls/demo/tickets"


def a_kiosk(session: Session, clock: Any) -> tuple[str, int]:
    device, token = register_device(system_ports(session, clock), actor=SYSTEM, hall_code="demo",
                                    name="kiosk-1", kind=DeviceKind.KIOSK)
    return token, device.id


def test_a_kiosk_disabled_by_the_process_that_knows_it_is_refused_at_once(
        app, client, session, clock, admin):
    token, device_id = a_kiosk(session, clock)
    assert client.post(TAP, json={"sector": "dat-dai"}, headers=bearer(token)).status_code == 201
    set_device_active(server_ports(app, session, clock), actor=admin, hall_code="demo",
                      device_id=device_id, active=False)
    assert error_of(client.post(TAP, json={"sector": "dat-dai"}, headers=bearer(token))) == (
        401, "unauthorized")


def test_a_kiosk_disabled_in_another_process_is_refused_once_the_memos_seconds_have_passed(
        app, client, session, clock, admin, ports):
    token, device_id = a_kiosk(session, clock)
    assert client.post(TAP, json={"sector": "dat-dai"}, headers=bearer(token)).status_code == 201
    set_device_active(ports, actor=admin, hall_code="demo", device_id=device_id, active=False)
    assert client.post(TAP, json={"sector": "dat-dai"}, headers=bearer(token)).status_code == 201
    clock.advance(seconds=app.config["ESTIMATE_CACHE_SECONDS"])
    assert error_of(client.post(TAP, json={"sector": "dat-dai"}, headers=bearer(token))) == (
        401, "unauthorized")


def test_a_known_token_is_refused_from_the_instant_it_expires(client, session, clock, demo_hall):
    token, _ = a_script_token(session, clock, expires_at=clock.now() + timedelta(seconds=2))
    assert client.post(OPEN, headers=bearer(token)).status_code == 200
    clock.advance(seconds=2)
    assert error_of(client.post(CALL_NEXT, headers=bearer(token))) == (401, "unauthorized")


def test_an_expiry_must_be_aware_and_in_the_future(session, clock, demo_hall):
    from motcua.queue.errors import InvalidInput

    with pytest.raises(InvalidInput):
        create_api_token(system_ports(session, clock), actor=SYSTEM,
                         name="late", role=Role.SUPERVISOR, hall_code="demo",
                         expires_at=clock.now() - timedelta(minutes=1))
    with pytest.raises(InvalidInput):
        create_api_token(system_ports(session, clock), actor=SYSTEM,
                         name="naive", role=Role.SUPERVISOR, hall_code="demo",
                         expires_at=clock.now().replace(tzinfo=None) + timedelta(days=1))


@pytest.mark.parametrize("path", [OPEN, CALL_NEXT, "/api/v1/halls/demo/counters/1/close",
                                  "/api/v1/halls/demo/counters/1/dossiers"])
def test_an_officer_token_that_acts_as_nobody_may_not_act_on_counters(client, session, clock,
                                                                      demo_hall, path):
    token = create_api_token(system_ports(session, clock), actor=SYSTEM,
                             name="desk-script", role=Role.OFFICER,
                             hall_code="demo")
    assert error_of(client.post(path, json={}, headers=bearer(token))) == (403, "forbidden")


def test_an_officer_token_that_acts_as_a_person_still_works_at_their_counter(
        client, session, clock, officer):
    token = create_api_token(system_ports(session, clock), actor=SYSTEM,
                             name="lan-script", role=Role.OFFICER,
                             username="lan")
    assert client.post(OPEN, headers=bearer(token)).status_code == 200
    assert client.post(CALL_NEXT, headers=bearer(token)).status_code == 200


def test_a_users_token_stops_when_the_user_is_locked(app, client, session, clock, officer, admin):
    token = create_api_token(system_ports(session, clock), actor=SYSTEM,
                             name="lan-script", role=Role.OFFICER,
                             username="lan")
    assert client.post(OPEN, headers=bearer(token)).status_code == 200  # now known
    assert client.post("/api/v1/halls/demo/counters/1/close", headers=bearer(token)).status_code == 200
    accounts.set_staff_active(server_ports(app, session, clock), actor=admin, hall_code="demo",
                              user_id=officer.user_id, active=False)
    assert error_of(client.post(OPEN, headers=bearer(token))) == (401, "unauthorized")



@pytest.mark.postgres
def test_expiry_revocation_and_session_versions_hold_on_postgresql(postgres_engine, clock):
    with Session(postgres_engine, expire_on_commit=False) as session:
        load_demo_hall(Ports(session, clock, RecordingPublisher()))
        token = create_api_token(system_ports(session, clock), actor=SYSTEM,
                                 name="script", role=Role.SUPERVISOR,
                                 hall_code="demo", expires_at=clock.now() + timedelta(hours=1))
        known = Memo(seconds=2 * 3600)  # outlives the token: its expiry still counts
        assert authenticate_bearer(session, clock, known, token)[0] is not None
        assert session.scalar(select(ApiToken.last_used_at)) == clock.now()
        clock.advance(hours=1)
        assert authenticate_bearer(session, clock, known, token)[0] is None
        user, _ = create_user(system_ports(session, clock), actor=SYSTEM,
                              username="lan", role=Role.OFFICER,
                              password="secret-pass", hall_code="demo")
        kept = session_id(user)
        assert user_of_session(session, kept) is not None
        end_every_session(system_ports(session, clock), user_id=user.id)
        session.expire_all()
        assert user_of_session(session, kept) is None
