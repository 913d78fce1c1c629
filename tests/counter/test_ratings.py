"""The satisfaction rating: the tablet's registration, which ticket it asks about, once each."""
from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from motcua.auth.accounts import register_device
from motcua.core.actors import SYSTEM, DeviceKind
from motcua.core.db import begin_write
from motcua.counter.models import Rating, RatingLevel
from motcua.counter.ratings import levels_for
from motcua.queue.models import Hall, TicketEvent
from motcua.queue.settings import HallSettings
from tests.auth.signing import csrf_token
from tests.support import system_ports


def test_three_levels_by_default_and_four_when_the_hall_adds_neutral():
    assert levels_for(HallSettings()) == [RatingLevel.VERY_SATISFIED, RatingLevel.SATISFIED,
                                          RatingLevel.UNSATISFIED]
    assert RatingLevel.NEUTRAL in levels_for(HallSettings(rating_levels=4))


@pytest.fixture
def tablet_token(session: Any, clock: Any, demo_hall: Any) -> str:
    _, token = register_device(system_ports(session, clock), actor=SYSTEM, printers=None,
                               hall_code="demo", name="tablet-1",
                               kind=DeviceKind.TABLET, counter_number=1)
    return token


class Tablet:
    """The tablet's browser: set up once with its token, then a cookie and a CSRF token."""

    def __init__(self, client: FlaskClient, token: str, counter: int = 1) -> None:
        self.client = client
        self.base = f"/rate/demo/{counter}"
        setup = client.get(f"{self.base}/setup?token={token}")
        assert setup.status_code == 302, setup.get_data(as_text=True)
        self.cookie = setup.headers["Set-Cookie"]
        self.csrf = csrf_token(client, self.base)

    def pending(self) -> Any:
        return self.client.get(f"{self.base}/pending").get_json()

    def rate(self, ticket_id: int, level: str, reason: str | None = None) -> Any:
        return self.client.post(self.base, json={"ticket_id": ticket_id, "level": level,
                                                 "reason": reason},
                                headers={"X-CSRFToken": self.csrf})


@pytest.fixture
def tablet(app: Any, tablet_token: str) -> Tablet:
    return Tablet(app.test_client(), tablet_token)


@pytest.fixture
def served(signed_in: Any, issue: Any) -> Any:
    """Officer lan at counter 1 has just finished one citizen."""
    lan = signed_in("lan")
    lan.act(1, "open")
    number = issue("dat-dai")
    lan.act(1, "call-next")
    lan.act(1, "start")
    lan.act(1, "complete")
    return number


def test_setting_up_a_tablet_keeps_its_token_in_an_httponly_cookie(tablet):
    assert "motcua_tablet=mcr_" in tablet.cookie
    assert "HttpOnly" in tablet.cookie and "SameSite=Lax" in tablet.cookie
    assert "Max-Age=34560000" in tablet.cookie  # 400 days, Chromium's cap
    response = tablet.client.get("/rate/demo/1")
    assert "motcua_tablet=mcr_" in response.headers["Set-Cookie"]  # renewed on every load
    page = response.get_data(as_text=True)
    assert 'data-level="very_satisfied"' in page and 'data-level="neutral"' not in page
    assert "<svg" in page


def test_a_device_that_is_not_this_counters_tablet_gets_a_friendly_refusal(client, tablet_token,
                                                                           kiosk_token):
    assert client.get("/rate/demo/1").status_code == 403
    wrong = client.get("/rate/demo/1/setup?token=mcr_wrong")
    assert wrong.status_code == 403
    assert "motcua tablet add demo 1" in wrong.get_data(as_text=True)
    assert client.get(f"/rate/demo/2/setup?token={tablet_token}").status_code == 403
    assert client.get(f"/rate/demo/1/setup?token={kiosk_token}").status_code == 403
    client.get(f"/rate/demo/1/setup?token={tablet_token}")
    assert client.get("/rate/demo/2").status_code == 403  # the cookie is counter 1's
    assert client.get("/rate/demo/2/pending").get_json()["error"]["code"] == "not_this_tablet"
    assert client.get("/rate/nowhere/1").status_code == 404


def test_the_tablet_asks_about_the_ticket_the_counter_just_finished(tablet, served):
    pending = tablet.pending()
    assert pending["ticket"]["display_number"] == served
    assert pending["serving"] is None


def test_the_tablet_shows_the_number_being_served_while_idle(tablet, signed_in, issue):
    lan = signed_in("lan")
    lan.act(1, "open")
    number = issue("dat-dai")
    lan.act(1, "call-next")
    assert tablet.pending() == {"ticket": None, "serving": number, "counter_open": True}


def test_a_rating_is_stored_against_the_ticket_the_counter_and_the_officer_once(
        tablet, served, session, publisher, staff):
    ticket_id = tablet.pending()["ticket"]["id"]
    first = tablet.rate(ticket_id, "satisfied")
    assert first.status_code == 201, first.get_json()
    again = tablet.rate(ticket_id, "very_satisfied")
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "already_rated"
    ratings = session.query(Rating).all()
    assert len(ratings) == 1
    rating = ratings[0]
    assert (rating.ticket_id, rating.counter.number, rating.officer_id, rating.level) == (
        ticket_id, 1, staff["lan"].user_id, RatingLevel.SATISFIED)
    assert rating.day.isoformat() == "2026-11-25"
    event = session.query(TicketEvent).filter_by(kind="rated").one()
    assert event.actor == "tablet:tablet-1" and event.data == {"level": "satisfied"}
    assert publisher.names()[-1] == "ticket_rated"
    assert publisher.events[-1].counter_number == 1
    assert tablet.pending()["ticket"] is None  # nothing left to ask about


def test_an_unhappy_citizen_may_give_one_of_the_preset_reasons(tablet, served, session):
    ticket_id = tablet.pending()["ticket"]["id"]
    made_up = tablet.rate(ticket_id, "unsatisfied", "typed by hand")
    assert made_up.status_code == 422
    assert tablet.rate(ticket_id, "unsatisfied", "long_wait").status_code == 201
    assert session.query(Rating).one().reason == "long_wait"


def test_a_reason_is_only_taken_from_an_unhappy_citizen(tablet, served):
    ticket_id = tablet.pending()["ticket"]["id"]
    assert tablet.rate(ticket_id, "satisfied", "long_wait").status_code == 422


def test_neutral_is_refused_unless_the_hall_uses_four_levels(tablet, served, session):
    ticket_id = tablet.pending()["ticket"]["id"]
    assert tablet.rate(ticket_id, "neutral").status_code == 422
    begin_write(session)  # other writers (print marks) may commit between a read and the write
    hall = session.query(Hall).filter_by(code="demo").one()
    hall.settings = {"rating_levels": 4}
    session.commit()
    assert 'data-level="neutral"' in tablet.client.get("/rate/demo/1").get_data(as_text=True)
    assert tablet.rate(ticket_id, "neutral").status_code == 201


def test_a_ticket_served_elsewhere_or_long_ago_cannot_be_rated(tablet, served, clock, signed_in,
                                                               issue):
    binh = signed_in("binh")
    binh.act(2, "open")
    issue("dat-dai")
    binh.act(2, "call-next")
    binh.act(2, "complete")
    ours = tablet.pending()["ticket"]["id"]
    refused = tablet.rate(ours + 1, "satisfied")
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "not_rateable"
    clock.advance(minutes=6)
    assert tablet.pending()["ticket"] is None
    assert tablet.rate(ours, "satisfied").get_json()["error"]["code"] == "not_rateable"


def test_a_rating_without_its_csrf_token_or_with_a_bad_body_is_refused(tablet, served):
    ticket_id = tablet.pending()["ticket"]["id"]
    no_token = tablet.client.post("/rate/demo/1", json={"ticket_id": ticket_id,
                                                        "level": "satisfied"})
    assert no_token.status_code == 400
    assert no_token.get_json()["error"]["code"] == "csrf_failed"
    for body in ({"ticket_id": str(ticket_id), "level": "satisfied"},
                 {"ticket_id": ticket_id, "level": "ecstatic"},
                 {"ticket_id": ticket_id, "level": "satisfied", "extra": 1}):
        bad = tablet.client.post("/rate/demo/1", json=body, headers={"X-CSRFToken": tablet.csrf})
        assert bad.status_code == 422, body
        assert bad.get_json()["error"]["code"] == "invalid_request"


def test_a_completed_ticket_finished_by_call_next_is_asked_about_too(tablet, signed_in, issue):
    lan = signed_in("lan")
    lan.act(1, "open")
    first = issue("dat-dai")
    issue("dat-dai")
    lan.act(1, "call-next")
    lan.act(1, "call-next")  # finishes the first citizen without a separate Finish
    assert tablet.pending()["ticket"]["display_number"] == first


def test_the_tablet_cli_prints_a_token_and_the_setup_link(runner, demo_hall):
    result = runner.invoke(args=["tablet", "add", "demo", "3", "tablet-3"])
    assert result.exit_code == 0, result.output
    assert "token: mcr_" in result.output
    assert "/rate/demo/3/setup?token=mcr_" in result.output


@pytest.mark.parametrize("args, message", [
    (["tablet", "add", "demo", "99", "t"], "No counter 99"),
    (["tablet", "add", "nowhere", "1", "t"], "No hall with code 'nowhere'"),
    (["tablet", "add", "demo", "one", "t"], "is not a valid integer"),
])
def test_the_tablet_cli_answers_bad_input_with_one_line(runner, demo_hall, args, message):
    result = runner.invoke(args=args)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output


def test_a_second_tablet_with_the_same_name_is_refused(runner, demo_hall):
    runner.invoke(args=["tablet", "add", "demo", "3", "tablet-3"])
    result = runner.invoke(args=["tablet", "add", "demo", "4", "tablet-3"])
    assert result.exit_code != 0
    assert "already has a device named 'tablet-3'" in result.output
