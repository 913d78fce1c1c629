"""What else owes a citizen a message: a dossier's steps (its applicant's phone) and a
booking's (the phone it was booked with); and the audit of a channel's settings."""
from __future__ import annotations

from sqlalchemy import select

from motcua.booking import services as booking
from motcua.changes.models import ConfigChange
from motcua.core.actors import SYSTEM
from motcua.core.db import make_session_factory
from motcua.core.events import Event, EventName
from motcua.core.uow import UnitOfWork, use_case
from motcua.dossier import services as dossiers
from motcua.dossier.models import DossierStatus
from motcua.notify.delivery import deliver_due
from motcua.notify.models import Notification, NotificationStatus
from motcua.notify.outbox import hall_channel
from motcua.notify.settings import configure_channel
from motcua.queue import services
from motcua.queue.services import get_hall
from tests.booking.support import ID_CARD_KEY, a_booking
from tests.booking.support import prepare as prepare_booking
from tests.dossier.support import prepare, receive, serve_a_citizen
from tests.notify.conftest import call, issue
from tests.support import hall_time


def messages(session):
    return list(session.scalars(select(Notification).order_by(Notification.id)))


def test_a_dossiers_applicant_hears_of_its_receipt_a_request_for_papers_and_its_result(
        sending, session):
    prepare(sending)
    officer = serve_a_citizen(sending)
    dossier = receive(sending, officer, phone="0905 123 456")
    for status in (DossierStatus.IN_PROCESS, DossierStatus.SUPPLEMENT_REQUESTED,
                   DossierStatus.IN_PROCESS, DossierStatus.DONE):
        dossiers.change_status(sending, code=dossier.code, status=status, actor=officer,
                               note="Thiếu bản sao sổ hộ khẩu")
    told = messages(session)
    assert [m.template for m in told] == ["dossier_received", "dossier_supplement", "dossier_result"]
    assert {m.recipient for m in told} == {"0905123456"}
    link = f"http://hall.test/tra-cuu/{dossier.qr_secret}"
    assert told[0].text.endswith(f"Tra cứu: {link}") and dossier.code in told[0].text
    assert told[2].params["link"] == link


def test_a_dossier_without_a_usable_phone_owes_nothing(sending, session):
    prepare(sending)
    officer = serve_a_citizen(sending)
    receive(sending, officer, phone="")
    assert messages(session) == []


@use_case
def _booked(uow: UnitOfWork, *, name: EventName, payload: dict) -> None:
    uow.publish(Event(name=name, hall="demo", payload=payload))


def test_a_booking_is_confirmed_and_cancelled_to_the_phone_it_was_booked_with(sending, session):
    _booked(sending, name=EventName.BOOKING_CONFIRMED,
            payload={"booking": 7, "code": "20261126", "phone": "0912345678",
                     "slot_at": "2026-11-26T02:30:00+00:00"})
    _booked(sending, name=EventName.BOOKING_CONFIRMED, payload={"booking": 7, "phone": "0912345678"})
    _booked(sending, name=EventName.BOOKING_CANCELLED, payload={"booking": 7, "phone": "0912345678"})
    confirmed, reminder, cancelled = messages(session)
    assert confirmed.text.endswith("đã xác nhận lịch hẹn mã 20261126 lúc 09:30 ngày 26/11/2026.")
    assert cancelled.template == "booking_cancelled"
    assert reminder.status == NotificationStatus.CANCELLED  # taken back before it was due


def test_a_booking_is_reminded_at_four_the_afternoon_before(sending, session, engine, clock,
                                                            tmp_path):
    _booked(sending, name=EventName.BOOKING_CONFIRMED,  # Friday 27/11, 09:30 hall time
            payload={"booking": 8, "code": "20261127", "phone": "0912345678",
                     "slot_at": "2026-11-27T02:30:00+00:00"})
    _booked(sending, name=EventName.BOOKING_CONFIRMED,  # today, 15:00: too late for a reminder
            payload={"booking": 9, "phone": "0912345678", "slot_at": "2026-11-25T08:00:00+00:00"})
    reminder = session.scalars(select(Notification)
                               .where(Notification.template == "booking_reminder")).one()
    assert reminder.next_attempt_at == hall_time(2026, 11, 26, 16, 0)
    assert reminder.text.endswith("nhắc: ông/bà có lịch hẹn mã 20261127 lúc 09:30 ngày 27/11/2026.")
    assert deliver_due(make_session_factory(engine), clock, tmp_path).sent == 2  # confirmations
    clock.set(hall_time(2026, 11, 26, 16, 0))
    assert deliver_due(make_session_factory(engine), clock, tmp_path).sent == 1


def test_a_booked_citizen_who_checks_in_hears_of_the_ticket_on_the_phone_booked_with(
        sending, session, clock):
    prepare_booking(sending)
    made = a_booking(sending, hall_time(2026, 11, 25, 9, 30), phone="0912 345 678")
    for _ in range(3):
        issue(sending)  # walk-ins, 1001 to 1003
    booking.check_in(sending, hall_code="demo", scanned=made.code, device=None, actor=SYSTEM,
                     status_url=lambda token: f"http://hall/t/{token}", id_card_key=ID_CARD_KEY)
    services.open_counter(sending, hall_code="demo", counter_number=1, actor=SYSTEM)
    call(sending)  # 1001: two ahead of the appointment still early for its slot
    clock.set(hall_time(2026, 11, 25, 9, 30))
    call(sending)  # its slot has begun: the appointment, 1004
    told = [m for m in messages(session) if m.template.startswith("ticket_")]
    assert [(m.template, m.recipient) for m in told] == [("ticket_near", "0912345678"),
                                                         ("ticket_called", "0912345678")]
    assert "số 1004 còn 2 người nữa" in told[0].text and "mời số 1004 đến quầy 1" in told[1].text


def test_a_channels_secret_never_reaches_the_audit_log_and_an_empty_one_keeps_the_old(
        sending, session):
    configure_channel(sending, actor=SYSTEM, hall_code="demo", kind="webhook",
                      config={"url": "https://sms.tinh.gov.vn/hook", "secret": "k1"}, ahead=3)
    configure_channel(sending, actor=SYSTEM, hall_code="demo", kind="webhook",
                      config={"url": "https://sms.tinh.gov.vn/v2", "secret": ""}, ahead=3)
    changes = session.scalars(select(ConfigChange).where(ConfigChange.entity == "notify_channel")
                              .order_by(ConfigChange.id)).all()
    assert "k1" not in repr([c.changes for c in changes])
    assert changes[-1].changes["config"][1]["url"] == "https://sms.tinh.gov.vn/v2"
    assert hall_channel(session, get_hall(session, "demo")).config["secret"] == "k1"


def test_an_online_dossiers_applicant_hears_whether_it_was_taken_on_or_refused(sending, session):
    from tests.dossier.test_online import register

    prepare(sending)
    officer = serve_a_citizen(sending, username="lan")
    taken, refused = register(sending), register(sending)
    assert messages(session) == []  # registered: the answer page said so already
    dossiers.change_status(sending, code=taken.code, status=DossierStatus.ACCEPTED, actor=officer)
    dossiers.change_status(sending, code=refused.code, status=DossierStatus.REFUSED, actor=officer,
                           note="Không thuộc thẩm quyền")
    told = messages(session)
    assert [(m.template, m.params["code"]) for m in told] == [
        ("dossier_received", taken.code), ("dossier_refused", refused.code)]
    assert "hẹn trả kết quả ngày" in told[0].text and "không được tiếp nhận" in told[1].text
