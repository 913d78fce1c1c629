"""The worker: each row delivered once, failures retried with back-off, then given up with
the reason, and sent again when staff ask."""
from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from motcua.core.actors import SYSTEM
from motcua.core.db import make_session_factory
from motcua.core.errors import InvalidInput
from motcua.core.ports import Ports
from motcua.notify.delivery import MAX_ATTEMPTS, _claim, back_off, deliver_due
from motcua.notify.models import HallChannel, Notification, NotificationStatus
from motcua.notify.outbox import subscribe_by_token
from motcua.notify.settings import configure_channel, retry_notification
from motcua.queue import services
from tests.notify.conftest import call, issue
from tests.notify.fakes import fake_http


@pytest.fixture
def owed(sending, session):
    """Three called tickets whose holders gave their phones as they took them: three calls, and
    "còn N người" for the second and the third (one and two ahead as they opted in) due."""
    services.open_counter(sending, hall_code="demo", counter_number=1, actor=SYSTEM)
    for n in range(3):
        ticket = issue(sending)
        subscribe_by_token(sending, token=ticket.token, phone=f"091234567{n}")
    for _ in range(3):
        call(sending)
    assert len(session.scalars(select(Notification)).all()) == 5
    return sending


def use(ports, kind, **config):
    configure_channel(ports, actor=SYSTEM, hall_code="demo", kind=kind, config=config, ahead=2)


def test_due_messages_are_sent_and_marked_sent(owed, engine, clock, tmp_path, session):
    result = deliver_due(make_session_factory(engine), clock, tmp_path)
    assert (result.sent, result.failed, result.retrying) == (5, 0, 0)
    lines = [json.loads(line) for line in (tmp_path / "fake-sms.jsonl").read_text().splitlines()]
    assert sorted(line["to"] for line in lines) == ["0912345670", "0912345671", "0912345671",
                                                    "0912345672", "0912345672"]
    session.rollback()
    session.expire_all()
    assert {n.status for n in session.scalars(select(Notification))} == {NotificationStatus.SENT}
    assert deliver_due(make_session_factory(engine), clock, tmp_path).sent == 0  # never twice


def test_a_failing_channel_is_retried_with_doubling_waits_then_given_up_with_its_reason(
        owed, engine, clock, tmp_path, session):
    sessions = make_session_factory(engine)
    with fake_http() as gateway:
        gateway.status, gateway.answer = 500, b"gateway down"
        use(owed, "webhook", url=gateway.url, secret="s")
        waits = []
        for attempt in range(1, MAX_ATTEMPTS + 1):
            result = deliver_due(sessions, clock, tmp_path)
            session.rollback()
            session.expire_all()
            row = session.scalars(select(Notification).order_by(Notification.id)).first()
            assert row.attempts == attempt and "HTTP 500" in row.last_error
            if attempt < MAX_ATTEMPTS:
                assert (result.sent, result.retrying, result.failed) == (0, 5, 0)
                waits.append(row.next_attempt_at - clock.now())
                assert deliver_due(sessions, clock, tmp_path).retrying == 0  # not due yet
                clock.advance(seconds=waits[-1].total_seconds())
        assert (result.sent, result.retrying, result.failed) == (0, 0, 5)
        assert waits == [back_off(n) for n in range(1, MAX_ATTEMPTS)]
        assert waits[:3] == [timedelta(seconds=30), timedelta(minutes=1), timedelta(minutes=2)]
        assert len(gateway.requests) == 5 * MAX_ATTEMPTS
        assert row.status == NotificationStatus.FAILED
        assert "gateway down" in row.last_error

        gateway.status, gateway.answer = 200, b"{}"
        retry_notification(owed, actor=SYSTEM, hall_code="demo", notification_id=row.id)
        assert deliver_due(sessions, clock, tmp_path).sent == 1
        session.rollback()
        session.expire_all()
        assert row.status == NotificationStatus.SENT and row.last_error is None


def test_only_a_failed_message_can_be_retried(owed, session):
    row = session.scalars(select(Notification)).first()
    with pytest.raises(InvalidInput):
        retry_notification(owed, actor=SYSTEM, hall_code="demo", notification_id=row.id)


def test_a_row_seen_by_two_workers_is_claimed_by_one(owed, engine, clock, session):
    row = session.scalars(select(Notification)).first()
    first = Ports(make_session_factory(engine)(), clock, owed.publisher)
    second = Ports(make_session_factory(engine)(), clock, owed.publisher)
    assert _claim(first, notification_id=row.id, seen_attempts=0) is True
    assert _claim(second, notification_id=row.id, seen_attempts=0) is False


def test_two_workers_at_once_send_each_message_exactly_once(owed, engine, clock, tmp_path):
    with fake_http() as hook:
        use(owed, "webhook", url=hook.url, secret="s")
        results = []

        def work() -> None:
            results.append(deliver_due(make_session_factory(engine), clock, tmp_path))

        workers = [threading.Thread(target=work) for _ in range(2)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
    sent = [json.loads(r.body)["id"] for r in hook.requests]
    assert sorted(sent) == sorted(set(sent)) and len(sent) == 5
    assert sum(r.sent for r in results) == 5


def test_a_worker_that_died_mid_send_leaves_the_row_to_another_after_the_lease(
        owed, engine, clock, tmp_path, session):
    row = session.scalars(select(Notification)).first()
    assert _claim(Ports(make_session_factory(engine)(), clock, owed.publisher),
                  notification_id=row.id, seen_attempts=0)
    assert deliver_due(make_session_factory(engine), clock, tmp_path).sent == 4  # all but the claimed
    clock.advance(minutes=5)
    assert deliver_due(make_session_factory(engine), clock, tmp_path).sent == 1


def test_settings_no_channel_expected_fail_the_message_not_the_worker(owed, engine, clock,
                                                                      tmp_path, session):
    use(owed, "email", host="127.0.0.1", port=25, sender="a@b.c", to="{phone}@d.e")
    channel = session.scalars(select(HallChannel)).one()
    channel.config = {**channel.config, "port": "twenty-five"}  # as a hand-edited row might be
    session.commit()
    result = deliver_due(make_session_factory(engine), clock, tmp_path)
    assert result.retrying == 5
    session.rollback()
    session.expire_all()
    assert {n.last_error for n in session.scalars(select(Notification))} == {
        "ValueError: invalid literal for int() with base 10: 'twenty-five'"}
