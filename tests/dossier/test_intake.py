"""Receiving a dossier at the counter: its code, its ties, its due date, its secrets."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from motcua.core.actors import SYSTEM
from motcua.dossier import services as dossiers
from motcua.dossier.errors import BadInput, NoCitizenAtCounter, NotAllowed, ProcedureNotFound
from motcua.dossier.models import Delivery, Dossier, DossierEvent, DossierStatus, Holiday, HolidayKind
from motcua.dossier.services import HandedDocument
from motcua.queue import services as queue
from tests.dossier.support import (
    BIRTH,
    ENVIRONMENT_PERMIT,
    INSTALLATION,
    prepare,
    receive,
    serve_a_citizen,
)
from tests.support import hall_time, make_officer


@pytest.fixture
def officer(ports, demo_hall):
    prepare(ports)
    return serve_a_citizen(ports)


def test_a_dossier_gets_the_agency_code_the_hall_local_date_and_the_day_sequence(ports, officer):
    first = receive(ports, officer)
    second = receive(ports, officer)
    assert first.code == "H21.65-261125-0001"
    assert second.code == "H21.65-261125-0002"
    assert (first.day, first.sequence) == (date(2026, 11, 25), 1)
    assert first.register_book == "2026" and (first.register_entry, second.register_entry) == (1, 2)


def test_the_sequence_restarts_at_the_halls_midnight_not_at_midnight_utc(ports, clock, officer):
    clock.set(hall_time(2026, 11, 25, 23, 30))  # 16:30 UTC
    assert receive(ports, officer).code == "H21.65-261125-0001"
    clock.set(hall_time(2026, 11, 26, 6, 45))  # still the 25th in UTC
    assert receive(ports, officer).code == "H21.65-261126-0001"


def test_the_halls_own_agency_code_comes_before_the_installations(ports, officer, demo_hall):
    demo_hall.settings = {"agency_code": "38.98.H29"}
    ports.session.commit()
    assert receive(ports, officer).code == "38.98.H29-261125-0001"


def test_a_malformed_agency_code_is_refused_before_any_number_is_taken(ports, officer, demo_hall):
    demo_hall.settings = {"agency_code": "H21 65/x"}
    ports.session.commit()
    with pytest.raises(BadInput):
        receive(ports, officer)
    ports.session.rollback()
    demo_hall.settings = {}
    ports.session.commit()
    assert receive(ports, officer).code.endswith("-0001")


def test_the_dossier_is_tied_to_the_ticket_the_counter_and_the_officer(ports, officer):
    dossier = receive(ports, officer)
    ticket = queue.current_ticket(ports.session, dossier.counter)
    assert dossier.ticket_id == ticket.id and dossier.counter.number == 1
    assert dossier.received_by_id == officer.user_id
    assert dossier.status == DossierStatus.ACCEPTED
    assert dossier.sector.code == "dat-dai"


def test_intake_leaves_an_event_row_and_publishes_no_personal_data(ports, officer, publisher):
    dossier = receive(ports, officer)
    events = ports.session.scalars(select(DossierEvent).where(DossierEvent.dossier_id == dossier.id)).all()
    assert [(e.kind, e.from_status, e.to_status, e.actor) for e in events] == [
        ("received", None, DossierStatus.ACCEPTED, "staff:canbo1")]
    published = publisher.events[-1]
    assert published.name == "dossier_received" and published.counter_number == 1
    assert published.payload["code"] == dossier.code
    assert "Minh" not in str(published.payload) and "0905" not in str(published.payload)


def test_the_id_card_number_is_kept_only_as_a_keyed_digest(ports, officer):
    dossier = receive(ports, officer, id_card="079 123 456 789")
    assert dossier.id_card_digest and re.fullmatch(r"[0-9a-f]{64}", dossier.id_card_digest)
    row = ports.session.execute(select(Dossier.__table__).where(Dossier.id == dossier.id)).one()
    assert not any("079123456789" in str(value) or "456789" in str(value) for value in row)


def test_the_secrets_are_unguessable_and_distinct(ports, officer):
    a, b = receive(ports, officer), receive(ports, officer)
    assert len(a.qr_secret) >= 24 and a.qr_secret != b.qr_secret
    assert re.fullmatch(r"[ACEFHJKMNPRTUVWXY3479]{6}", a.short_secret)


def test_documents_are_recorded_with_their_form_and_counts_and_untouched_ones_left_out(ports, officer):
    dossier = receive(ports, officer, documents=(
        HandedDocument("Đơn đăng ký biến động đất đai, tài sản gắn liền với đất", 1, 2),
        HandedDocument("Giấy chứng nhận đã cấp", 0, 0)), sets=2)
    assert dossier.documents == [{"name": "Đơn đăng ký biến động đất đai, tài sản gắn liền với đất",
                                  "form": "original", "originals": 1, "copies": 2}]
    assert dossier.sets == 2


@pytest.mark.parametrize("changes, field", [
    ({"name": "   "}, "name"),
    ({"phone": "09-abc"}, "phone"),
    ({"id_card": "12345"}, "id_card"),
    ({"delivery": Delivery.POST, "address": ""}, "address"),
    ({"born": date(2030, 1, 1)}, "born"),  # not born yet
    ({"born": date(1850, 1, 1)}, "born"),
    ({"sets": 0}, "sets"),
    ({"documents": (HandedDocument("Giấy tờ không có trong danh mục", 1, 0),)}, "documents"),
    ({"documents": (HandedDocument("Giấy chứng nhận đã cấp", 0, 0),)}, "documents"),
    ({"documents": (HandedDocument("Giấy chứng nhận đã cấp", 100, 0),)}, "documents"),
])
def test_bad_intake_is_refused_naming_the_field_and_takes_no_number(ports, officer, changes, field):
    with pytest.raises(BadInput) as refused:
        receive(ports, officer, **changes)
    assert refused.value.field == field
    ports.session.rollback()
    assert receive(ports, officer).code.endswith("-0001")


def test_an_unknown_procedure_is_refused(ports, officer):
    with pytest.raises(ProcedureNotFound):
        receive(ports, officer, procedure="9.999999",
                documents=(HandedDocument("Tờ khai", 1, 0),))


def test_a_counter_with_nobody_called_cannot_receive(ports, demo_hall):
    prepare(ports)
    idle = make_officer(ports.session, ports.clock, username="idle")
    queue.open_counter(ports, hall_code="demo", counter_number=2, actor=idle)
    with pytest.raises(NoCitizenAtCounter):
        receive(ports, idle, counter=2)


def test_an_officer_cannot_receive_at_another_officers_counter(ports, officer):
    other = make_officer(ports.session, ports.clock, username="other")
    with pytest.raises(NotAllowed):
        receive(ports, other, counter=1)


# --- due dates, through the service (the calendar itself is tested in test_calendar) -----------


def test_working_days_skip_the_weekend(ports, officer):
    # Wednesday 09:00 + 7 working days of 8 h: Wed 6 h, Thu–Fri, Mon–Thu 8 h each, Fri 2 h.
    assert receive(ports, officer).due_at == hall_time(2026, 12, 4, 9, 0)


def test_a_holiday_in_the_table_is_skipped_and_a_swapped_saturday_is_worked(ports, officer, demo_hall):
    ports.session.add(Holiday(hall_id=None, day=date(2026, 11, 26), name_vi="Ngày nghỉ thử",
                              kind=HolidayKind.HOLIDAY))
    ports.session.commit()
    assert receive(ports, officer).due_at == hall_time(2026, 12, 7, 9, 0)
    ports.session.add(Holiday(hall_id=demo_hall.id, day=date(2026, 11, 28), name_vi="Làm bù",
                              kind=HolidayKind.WORKING_DAY))
    ports.session.commit()
    assert receive(ports, officer).due_at == hall_time(2026, 12, 4, 9, 0)


def test_a_halls_own_row_overrides_the_province_holiday(ports, officer, demo_hall):
    ports.session.add_all([
        Holiday(hall_id=None, day=date(2026, 11, 26), name_vi="Nghỉ toàn tỉnh", kind=HolidayKind.HOLIDAY),
        Holiday(hall_id=demo_hall.id, day=date(2026, 11, 26), name_vi="Nơi này vẫn làm việc",
                kind=HolidayKind.WORKING_DAY),
    ])
    ports.session.commit()
    assert receive(ports, officer).due_at == hall_time(2026, 12, 4, 9, 0)


def test_filing_after_hours_counts_from_the_next_working_morning(ports, clock, demo_hall):
    prepare(ports)
    officer = serve_a_citizen(ports, counter=8, sector="tu-phap")
    clock.set(hall_time(2026, 11, 25, 17, 40))
    dossier = receive(ports, officer, counter=8, procedure=BIRTH)
    assert dossier.due_at == hall_time(2026, 11, 26, 17, 0)


def test_a_half_day_procedure_is_due_four_working_hours_later_across_lunch(ports, officer):
    csv = ("code,name,sector,processing_time,unit,inter_agency,documents\n"
           "1.099999,Xác nhận nửa ngày,dat-dai,\"0,5\",working_days,no,Đơn đề nghị (bản chính)\n")
    dossiers.import_procedures(ports, hall_code="demo", source=csv, actor=SYSTEM)
    dossier = receive(ports, officer, procedure="1.099999",
                      documents=(HandedDocument("Đơn đề nghị", 1, 0),))
    assert dossier.due_at == hall_time(2026, 11, 25, 15, 0)


def test_calendar_days_count_from_the_next_day_and_end_at_closing(ports, demo_hall):
    prepare(ports)
    officer = serve_a_citizen(ports, counter=3, sector="moi-truong")
    dossier = receive(ports, officer, counter=3, procedure=ENVIRONMENT_PERMIT)
    assert dossier.due_at == hall_time(2026, 12, 25, 17, 0)


def test_saturday_morning_hours_from_the_hall_settings_count(ports, officer, demo_hall):
    demo_hall.settings = {"saturday_windows": "07:00-11:00"}
    ports.session.commit()
    # Wed 6 h, Thu 8, Fri 8, Sat 4, Mon–Wed 24: 50 h; Thursday 3/12 adds 4.5 h + 1.5 h.
    assert receive(ports, officer).due_at == hall_time(2026, 12, 3, 15, 0)


def test_unusable_working_windows_in_the_settings_are_reported(ports, officer, demo_hall):
    demo_hall.settings = {"working_windows": "17:00-07:00"}
    ports.session.commit()
    with pytest.raises(BadInput):
        receive(ports, officer)


def test_installation_agency_code_is_the_default(ports, officer):
    assert INSTALLATION.agency_code == receive(ports, officer).agency_code
