"""The outbox: rows written with their cause, once per cause, only for who opted in."""
from __future__ import annotations

import pytest
from sqlalchemy import event, func, select

from motcua.core.actors import SYSTEM
from motcua.core.errors import InvalidInput
from motcua.core.ports import Memo, Ports
from motcua.core.uow import UnitOfWork
from motcua.notify.models import Notification, TicketSubscription
from motcua.notify.outbox import subscribe_by_token
from motcua.notify.settings import configure_channel
from motcua.queue import services
from motcua.queue.models import Ticket, TicketStatus
from tests.notify.conftest import NOTIFIER, call, issue


def rows(session, template=None):
    query = select(Notification).order_by(Notification.id)
    if template:
        query = query.where(Notification.template == template)
    return list(session.scalars(query))


def test_a_called_ticket_owes_its_holder_one_message_naming_the_counter(sending, session):
    ticket = issue(sending)
    subscribe_by_token(sending, token=ticket.token, phone="+84 912 345 678")
    services.open_counter(sending, hall_code="demo", counter_number=1, actor=SYSTEM)
    call(sending)
    [message] = rows(session, "ticket_called")
    assert message.recipient == "0912345678"
    assert message.text.endswith("mời số 1001 đến quầy 1.")
    assert message.params == {"number": "1001", "counter": 1, "hall": message.hall.name}
    assert message.status.value == "queued"


def test_the_message_rolls_back_with_its_cause(sending, session):
    ticket = issue(sending)
    subscribe_by_token(sending, token=ticket.token, phone="0912345678")
    services.open_counter(sending, hall_code="demo", counter_number=1, actor=SYSTEM)

    def fails_after_the_outbox(uow: UnitOfWork) -> None:
        assert session.scalar(select(func.count(Notification.id))) == 1  # written, not committed
        raise RuntimeError("the commit never comes")

    broken = Ports(session=sending.session, clock=sending.clock, publisher=sending.publisher,
                   reactions=(NOTIFIER, fails_after_the_outbox))
    with pytest.raises(RuntimeError):
        call(broken)
    assert rows(session) == []
    assert session.get(Ticket, ticket.id).status == TicketStatus.WAITING


def test_nobody_who_gave_no_phone_is_owed_anything(sending, session):
    issue(sending)
    services.open_counter(sending, hall_code="demo", counter_number=1, actor=SYSTEM)
    call(sending)
    assert rows(session) == []


def test_a_hall_whose_channel_is_off_owes_nothing(sending, session, clock, publisher):
    configure_channel(Ports(session, clock, publisher), actor=SYSTEM, hall_code="demo",
                      kind="off", config={}, ahead=2)
    ticket = issue(sending)
    subscribe_by_token(sending, token=ticket.token, phone="0912345678")
    services.open_counter(sending, hall_code="demo", counter_number=1, actor=SYSTEM)
    call(sending)
    assert rows(session) == []


def test_two_people_left_is_said_once_when_the_line_moves(sending, session):
    tickets = [issue(sending) for _ in range(5)]
    watched = tickets[3]  # three ahead
    subscribe_by_token(sending, token=watched.token, phone="0912345678")
    services.open_counter(sending, hall_code="demo", counter_number=1, actor=SYSTEM)
    call(sending)  # two ahead now
    [near] = rows(session, "ticket_near")
    assert "số 1004 còn 2 người nữa là đến lượt" in near.text
    call(sending)  # one ahead: nothing more
    call(sending)  # none ahead
    assert len(rows(session, "ticket_near")) == 1
    call(sending)  # the watched ticket itself
    assert [m.template for m in rows(session)] == ["ticket_near", "ticket_called"]


def test_a_citizen_who_opts_in_with_two_ahead_is_told_at_once_and_only_once(sending, session):
    tickets = [issue(sending) for _ in range(3)]
    subscribe_by_token(sending, token=tickets[2].token, phone="0912345678")  # two ahead already
    [near] = rows(session, "ticket_near")
    assert "số 1003 còn 2 người nữa là đến lượt" in near.text
    services.open_counter(sending, hall_code="demo", counter_number=1, actor=SYSTEM)
    call(sending)  # one ahead: nothing more
    subscribe_by_token(sending, token=tickets[2].token, phone="0912345678")  # given again
    assert len(rows(session, "ticket_near")) == 1


def test_a_phone_given_again_replaces_the_first(sending, session):
    ticket = issue(sending)
    subscribe_by_token(sending, token=ticket.token, phone="0912345678")
    subscribe_by_token(sending, token=ticket.token, phone="84987654321")
    assert session.scalars(select(TicketSubscription.phone)).all() == ["0987654321"]


def test_a_number_that_is_no_vietnamese_mobile_is_refused(sending, session):
    ticket = issue(sending)
    with pytest.raises(InvalidInput) as refused:
        subscribe_by_token(sending, token=ticket.token, phone="024 3825 1234")  # a landline
    assert refused.value.field == "phone"
    assert session.scalars(select(TicketSubscription)).all() == []


def test_a_hall_that_sends_nothing_costs_a_memorised_answer_and_a_new_channel_counts_at_once(
        session, clock, publisher, demo_hall):
    memo = Memo(seconds=60)
    ports = Ports(session=session, clock=clock, publisher=publisher, memo=memo,
                  reactions=(NOTIFIER,))
    asked = []
    event.listen(session.get_bind(), "before_cursor_execute",
                 lambda *a: asked.append(a[2]) if "notify_channels" in a[2] else None)
    services.open_counter(ports, hall_code="demo", counter_number=1, actor=SYSTEM)
    subscribe_by_token(ports, token=issue(ports).token, phone="0912345678")
    call(ports)
    assert len(asked) == 1  # the first use case asked; the others used the memo
    assert rows(session) == []

    configure_channel(ports, actor=SYSTEM, hall_code="demo", kind="fake_sms", config={}, ahead=2)
    services.complete(ports, hall_code="demo", counter_number=1, actor=SYSTEM)
    subscribe_by_token(ports, token=issue(ports).token, phone="0912345678")
    call(ports)
    assert [m.template for m in rows(session)] == ["ticket_called"]
