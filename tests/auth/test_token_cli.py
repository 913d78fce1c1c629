"""`motcua token create --expires`, `token list` and `token revoke`: one line on bad input."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from motcua.changes.models import ConfigChange
from motcua.core.accounts import ApiToken
from tests.support import bearer, hall_time, make_officer

HALL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def cli_app(app, demo_hall):
    """A server with its demo hall, as a hall's IT person has it."""
    return app


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def stored(app, name: str) -> ApiToken:
    with app.extensions["motcua"].sessions() as session:
        return session.scalar(select(ApiToken).where(ApiToken.name == name))


def create(app, name: str, *options: str) -> str:
    result = run(app, "token", "create", name, "--hall", "demo", *options)
    assert result.exit_code == 0, result.output
    return result.output.strip()


def test_a_token_created_for_30_days_expires_30_days_later(cli_app, clock):
    create(cli_app, "script", "--expires", "30d")
    assert stored(cli_app, "script").expires_at == hall_time(2026, 12, 25, 9, 0)


def test_a_date_means_the_token_works_through_that_day_in_hall_time(cli_app):
    create(cli_app, "script", "--expires", "2026-12-31")
    expires = stored(cli_app, "script").expires_at
    assert expires.tzinfo is not None
    assert expires == datetime(2027, 1, 1, 0, 0, tzinfo=HALL_TZ)


def test_a_time_without_an_offset_is_hall_time_and_one_with_an_offset_is_kept(cli_app):
    create(cli_app, "local", "--expires", "2026-12-01T17:30")
    create(cli_app, "utc", "--expires", "2026-12-01T10:30+00:00")
    assert stored(cli_app, "local").expires_at == datetime(2026, 12, 1, 17, 30, tzinfo=HALL_TZ)
    assert stored(cli_app, "utc").expires_at == stored(cli_app, "local").expires_at


@pytest.mark.parametrize(("expires", "message"), [
    ("soon", "--expires"),
    ("0d", "--expires"),
    ("2026-11-01", "already past"),
    ("2026-13-01", "--expires"),
])
def test_an_unusable_expiry_is_one_line_and_a_non_zero_exit(cli_app, expires, message):
    result = run(cli_app, "token", "create", "t", "--hall", "demo", "--expires", expires)
    assert result.exit_code != 0
    assert message in result.output and len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_an_expired_token_answers_401_json(cli_app, clock):
    token = create(cli_app, "script", "--expires", "1d")
    client, due_soon = cli_app.test_client(), "/api/v1/halls/demo/dossiers/due-soon"
    assert client.get(due_soon, headers=bearer(token)).status_code == 200
    clock.advance(days=1)
    answer = client.get(due_soon, headers=bearer(token))
    assert answer.status_code == 401 and answer.get_json()["error"]["code"] == "unauthorized"


def test_the_list_shows_every_token_with_its_state_and_can_keep_to_one_hall(cli_app, clock):
    create(cli_app, "reports", "--expires", "2026-12-31")
    create(cli_app, "door-sign")
    assert run(cli_app, "token", "create", "everywhere").exit_code == 0
    run(cli_app, "token", "revoke", str(stored(cli_app, "door-sign").id))
    listed = run(cli_app, "token", "list")
    assert listed.exit_code == 0, listed.output
    lines = {line.split()[1]: line for line in listed.output.splitlines()[1:]}
    assert set(lines) == {"reports", "door-sign", "everywhere"}
    assert "2027-01-01 00:00" in lines["reports"] and "active" in lines["reports"]
    assert "revoked" in lines["door-sign"]
    assert "ID" in listed.output.splitlines()[0] and "EXPIRES" in listed.output.splitlines()[0]
    demo_only = run(cli_app, "token", "list", "--hall", "demo").output
    assert "reports" in demo_only and "everywhere" not in demo_only


def test_revoking_stops_the_token_and_is_recorded(cli_app):
    token = create(cli_app, "script")
    token_id = stored(cli_app, "script").id
    result = run(cli_app, "token", "revoke", str(token_id))
    assert result.exit_code == 0 and "script" in result.output
    answer = cli_app.test_client().post("/api/v1/halls/demo/counters/1/open",
                                        headers=bearer(token))
    assert answer.status_code == 401
    with cli_app.extensions["motcua"].sessions() as session:
        change = session.scalar(select(ConfigChange).where(ConfigChange.entity == "api_token")
                                .order_by(ConfigChange.id.desc()))
    assert (change.subject, change.action) == ("script", "revoke")


@pytest.mark.parametrize(("args", "message"), [
    (["token", "revoke", "999"], "999"),
    (["token", "revoke", "abc"], "abc"),
    (["token", "list", "--hall", "nowhere"], "nowhere"),
])
def test_revoking_or_listing_something_that_is_not_there_is_one_line(cli_app, args, message):
    result = run(cli_app, *args)
    assert result.exit_code != 0 and message in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_revoking_twice_says_it_was_already_revoked(cli_app):
    create(cli_app, "script")
    token_id = str(stored(cli_app, "script").id)
    run(cli_app, "token", "revoke", token_id)
    again = run(cli_app, "token", "revoke", token_id)
    assert again.exit_code != 0 and len(again.output.strip().splitlines()) == 1


@pytest.mark.parametrize("args, said", [
    (["named", "--user", "lan", "--role", "admin"], "--user"),
    (["named", "--user", "lan", "--hall", "demo"], "--user"),
    (["  "], "NAME"),
])
def test_a_token_asked_in_contradictory_or_empty_terms_is_refused_and_none_made(
        cli_app, session, clock, args, said):
    make_officer(session, clock)
    result = run(cli_app, "token", "create", *args)
    assert result.exit_code == 2 and said in result.output, result.output
    with cli_app.extensions["motcua"].sessions() as session:
        assert session.scalar(select(ApiToken)) is None
