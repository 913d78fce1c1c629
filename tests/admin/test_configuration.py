"""Configuration changes: validation with a message per field, refusals that protect the running
day, audit rows, and the events that tell kiosks, boards and consoles."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from motcua.admin import counters, devices, forms, halls, holidays, sectors, staff
from motcua.auth import accounts
from motcua.auth.accounts import check_password
from motcua.changes.errors import Denied, Invalid, Refused
from motcua.changes.models import ConfigChange
from motcua.core.accounts import StaffUser
from motcua.core.actors import SYSTEM, Actor, DeviceKind, Role
from motcua.core.identity import authenticate_bearer
from motcua.dossier.models import Holiday, HolidayKind
from motcua.queue import errors
from motcua.queue import services as queue
from motcua.queue.models import Counter, Sector, TicketStatus
from tests.support import make_officer, system_ports

KIOSK = Actor(kind="kiosk", name="k1")


def sector_fields(**changes):
    base = dict(name_vi="Hộ tịch", name_en="Civil status", prefix="H", number_start=1,
                number_end=999, daily_cap=200, issuing_windows=None, icon="document",
                is_open=True)
    return sectors.SectorFields(**{**base, **changes})


def fields_of(sector: Sector, **changes):
    return sectors.SectorFields(**{**{k: getattr(sector, k) for k in sectors.SECTOR_FIELDS},
                                    **changes})


def issue(ports, sector="dat-dai"):
    return queue.issue_ticket(ports, hall_code="demo", sector_code=sector, priority=None,
                              actor=KIOSK).ticket


def audit_rows(session, entity):
    return session.scalars(select(ConfigChange).where(ConfigChange.entity == entity)
                           .order_by(ConfigChange.id)).all()


# --- sectors ----------------------------------------------------------------------------------


def test_a_wrong_sector_form_names_every_field_that_is_wrong(ports, admin):
    with pytest.raises(Invalid) as caught:
        sectors.create_sector(ports, actor=admin, hall_code="demo", code="Hộ Tịch",
                               fields=sector_fields(name_vi="", prefix="h1", number_start=50,
                                                    number_end=10, issuing_windows="8h-11h"))
    wrong = {p.field for p in caught.value.problems}
    assert wrong == {"code", "name_vi", "prefix", "number_end", "issuing_windows"}
    assert "07:00-11:30" in caught.value.for_field("issuing_windows")[0].text


def test_a_daily_cap_larger_than_the_number_block_is_refused(ports, admin):
    with pytest.raises(Invalid) as caught:
        sectors.create_sector(ports, actor=admin, hall_code="demo", code="ho-tich",
                               fields=sector_fields(number_end=100, daily_cap=150))
    assert [p.field for p in caught.value.problems] == ["daily_cap"]
    assert "100" in caught.value.problems[0].text


def test_two_sectors_cannot_share_numbers_of_one_day(ports, admin):
    # the demo's "giao-duc" numbers A001-A999
    with pytest.raises(Invalid) as caught:
        sectors.create_sector(ports, actor=admin, hall_code="demo", code="ho-tich",
                               fields=sector_fields(prefix="A", number_start=500))
    (problem,) = caught.value.problems
    assert problem.field == "number_start" and "Giáo dục" in problem.text


def test_a_new_sector_is_audited_goes_last_and_tells_the_hall(ports, admin, session, publisher):
    sector = sectors.create_sector(ports, actor=admin, hall_code="demo", code="ho-tich",
                                    fields=sector_fields())
    assert sector.position == 13 and sector.display(7) == "H007"
    (row,) = audit_rows(session, "sector")
    assert (row.actor, row.subject, row.action) == ("staff:quantri", "ho-tich", "create")
    assert row.changes["name_vi"] == [None, "Hộ tịch"]
    (event,) = publisher.events
    assert event.name == "sector_changed" and event.payload["sector"] == "ho-tich"
    assert event.payload["waiting"]["ho-tich"] == 0  # kiosks re-read their sectors on it


def test_closing_a_sector_stops_the_kiosks_at_once_and_is_audited(ports, admin, session, publisher):
    sectors.set_sector_open(ports, actor=admin, hall_code="demo", code="dat-dai", is_open=False)
    with pytest.raises(errors.SectorClosed):
        issue(ports)
    (row,) = audit_rows(session, "sector")
    assert (row.action, row.changes) == ("close", {"is_open": [True, False]})
    assert [(e.name, e.payload["is_open"]) for e in publisher.events] == [("sector_changed", False)]


def test_a_sector_that_issued_today_keeps_its_numbering_until_the_day_ends(ports, admin, clock):
    issue(ports)
    sector = queue.get_sector(ports.session, queue.get_hall(ports.session, "demo"), "dat-dai")
    with pytest.raises(Refused) as caught:
        sectors.update_sector(ports, actor=admin, hall_code="demo", code="dat-dai",
                               fields=fields_of(sector, number_start=1101))
    assert "1" in caught.value.message and "hết ngày" in caught.value.message
    # names and caps may change mid-day
    sectors.update_sector(ports, actor=admin, hall_code="demo", code="dat-dai",
                           fields=fields_of(sector, name_en="Land administration", daily_cap=250))
    clock.advance(days=1)
    sectors.update_sector(ports, actor=admin, hall_code="demo", code="dat-dai",
                           fields=fields_of(sector, number_start=1101, number_end=1999))
    assert issue(ports).display_number == "1101"


def test_a_sector_with_people_waiting_cannot_be_deleted(ports, admin):
    issue(ports, "y-te")
    issue(ports, "y-te")
    with pytest.raises(Refused) as caught:
        sectors.delete_sector(ports, actor=admin, hall_code="demo", code="y-te")
    assert caught.value.params["count"] == 2


def test_a_sector_with_history_is_closed_not_deleted(ports, admin, clock):
    issue(ports, "y-te")
    queue.open_counter(ports, hall_code="demo", counter_number=10, actor=SYSTEM)
    queue.call_next(ports, hall_code="demo", counter_number=10, actor=SYSTEM)
    queue.complete(ports, hall_code="demo", counter_number=10, actor=SYSTEM)
    clock.advance(days=1)
    with pytest.raises(Refused) as caught:
        sectors.delete_sector(ports, actor=admin, hall_code="demo", code="y-te")
    assert "đóng lĩnh vực" in caught.value.message


def test_an_unused_sector_is_deleted_with_its_counter_links(ports, admin, session):
    sectors.create_sector(ports, actor=admin, hall_code="demo", code="ho-tich",
                           fields=sector_fields())
    counters.update_counter(ports, actor=admin, hall_code="demo", number=8,
                            fields=counters.CounterFields(8, "Quầy 8", ["tu-phap", "ho-tich"]))
    sectors.delete_sector(ports, actor=admin, hall_code="demo", code="ho-tich")
    counter = queue.get_counter(session, queue.get_hall(session, "demo"), 8)
    assert [s.code for s in counter.sectors] == ["tu-phap"]
    assert [r.action for r in audit_rows(session, "sector")] == ["create", "delete"]


def test_moving_a_sector_reorders_the_kiosk(ports, admin, session):
    sectors.move_sector(ports, actor=admin, hall_code="demo", code="moi-truong", step=-1)
    hall = queue.get_hall(session, "demo")
    session.refresh(hall)
    assert [s.code for s in hall.sectors][:3] == ["moi-truong", "dat-dai", "nong-nghiep"]


# --- counters -------------------------------------------------------------------------------


def test_a_counters_new_sectors_decide_its_next_call(ports, admin, publisher):
    issue(ports, "giao-thong")
    queue.open_counter(ports, hall_code="demo", counter_number=1, actor=SYSTEM)
    assert queue.call_next(ports, hall_code="demo", counter_number=1, actor=SYSTEM).ticket is None
    counters.update_counter(ports, actor=admin, hall_code="demo", number=1,
                            fields=counters.CounterFields(1, "Quầy 1", ["giao-thong", "dat-dai"]))
    event = publisher.events[-1]
    assert (event.name, event.counter_number) == ("counter_changed", 1)
    assert event.payload["sectors"] == ["giao-thong", "dat-dai"]
    called = queue.call_next(ports, hall_code="demo", counter_number=1, actor=SYSTEM).ticket
    assert called is not None and called.sector.code == "giao-thong"


def test_the_last_counter_of_a_sector_with_people_waiting_keeps_it(ports, admin):
    issue(ports, "giao-thong")  # counter 7 alone serves giao-thong
    with pytest.raises(Refused) as caught:
        counters.update_counter(ports, actor=admin, hall_code="demo", number=7,
                                fields=counters.CounterFields(7, "Quầy 7", ["xay-dung"]))
    assert caught.value.params == {"sector": "Giao thông", "count": 1}
    # another counter takes the sector first, then counter 7 may let it go
    counters.update_counter(ports, actor=admin, hall_code="demo", number=6,
                            fields=counters.CounterFields(6, "Quầy 6", ["xay-dung", "giao-thong"]))
    counters.update_counter(ports, actor=admin, hall_code="demo", number=7,
                            fields=counters.CounterFields(7, "Quầy 7", ["xay-dung"]))


def test_a_counter_serving_someone_keeps_at_least_one_sector(ports, admin):
    issue(ports, "doanh-nghiep")
    queue.open_counter(ports, hall_code="demo", counter_number=4, actor=SYSTEM)
    queue.call_next(ports, hall_code="demo", counter_number=4, actor=SYSTEM)
    with pytest.raises(Refused) as caught:
        counters.update_counter(ports, actor=admin, hall_code="demo", number=4,
                                fields=counters.CounterFields(4, "Quầy 4", []))
    assert caught.value.params["ticket"] == "4001"


def test_an_open_or_used_counter_cannot_be_deleted_or_renumbered(ports, admin):
    queue.open_counter(ports, hall_code="demo", counter_number=3, actor=SYSTEM)
    with pytest.raises(Refused):
        counters.update_counter(ports, actor=admin, hall_code="demo", number=3,
                                fields=counters.CounterFields(13, "Quầy 13", ["nong-nghiep"]))
    with pytest.raises(Refused):
        counters.delete_counter(ports, actor=admin, hall_code="demo", number=3)


def test_a_new_counter_needs_a_free_number_and_known_sectors(ports, admin, session):
    with pytest.raises(Invalid) as caught:
        counters.create_counter(ports, actor=admin, hall_code="demo",
                                fields=counters.CounterFields(5, "", ["dat-dai", "khong-co"]))
    assert {p.field for p in caught.value.problems} == {"number", "sectors"}
    counter = counters.create_counter(ports, actor=admin, hall_code="demo",
                                      fields=counters.CounterFields(13, "", ["y-te"]))
    assert counter.name == "Quầy 13" and [s.code for s in counter.sectors] == ["y-te"]
    counters.delete_counter(ports, actor=admin, hall_code="demo", number=13)
    assert session.scalar(select(Counter).where(Counter.number == 13)) is None


# --- who may change what --------------------------------------------------------------------


def test_supervisors_read_but_do_not_change(ports, supervisor):
    with pytest.raises(Denied):
        sectors.set_sector_open(ports, actor=supervisor, hall_code="demo", code="dat-dai",
                                 is_open=False)
    with pytest.raises(Denied):
        halls.update_board(ports, actor=supervisor, hall_code="demo",
                              fields=halls.BoardFields(["x"], [], 30, 2, 3))


def test_an_admin_of_one_hall_cannot_create_halls(ports, session, clock, demo_hall):
    from motcua.auth.accounts import create_user

    user, _ = create_user(system_ports(session, clock), actor=SYSTEM,
                          username="qt-demo", role=Role.ADMIN,
                          password="secret-pass", hall_code="demo")
    local_admin = Actor(kind="staff", name=user.username, role=user.role, user_id=user.id,
                        hall_id=user.hall_id)
    sectors.set_sector_open(ports, actor=local_admin, hall_code="demo", code="y-te",
                             is_open=False)
    with pytest.raises(Denied):
        halls.create_hall(ports, actor=local_admin, code="phuong-1",
                             fields=halls.HallFields("Phường 1", "Asia/Ho_Chi_Minh",
                                                        "07:00-11:30"))


# --- halls and the board -------------------------------------------------------------------


def test_hall_settings_are_validated(ports, admin):
    with pytest.raises(Invalid) as caught:
        halls.update_hall(ports, actor=admin, hall_code="demo",
                             fields=halls.HallFields("", "Asia/Hanoi_City", "17:00-07:00"))
    assert {p.field for p in caught.value.problems} == {"name", "time_zone", "opening_windows"}


def test_the_time_zone_does_not_change_on_a_day_with_tickets(ports, admin, clock):
    issue(ports)
    fields = halls.HallFields("Trung tâm", "Asia/Bangkok", "07:00-17:00")
    with pytest.raises(Refused):
        halls.update_hall(ports, actor=admin, hall_code="demo", fields=fields)
    clock.advance(days=1)
    assert halls.update_hall(ports, actor=admin, hall_code="demo",
                                fields=fields).time_zone == "Asia/Bangkok"


def test_new_notices_reach_the_boards_and_are_audited(ports, admin, session, publisher):
    halls.update_board(ports, actor=admin, hall_code="demo", fields=halls.BoardFields(
        notices=["Nghỉ trưa 11:30–13:30"], ticket_footer=["Đường dây nóng: 1900 1234"],
        wait_alert_minutes=20, priority_cap=2, rating_levels=4))
    assert [e.name for e in publisher.events] == ["notices_changed", "hall_changed"]
    assert publisher.events[0].payload == {"notices": ["Nghỉ trưa 11:30–13:30"]}
    settings = queue.settings_of(queue.get_hall(session, "demo"))
    assert (settings.wait_alert_minutes, settings.rating_levels) == (20, 4)
    (row,) = audit_rows(session, "board")
    assert set(row.changes) == {"notices", "ticket_footer", "wait_alert_minutes", "rating_levels"}


def test_too_many_notices_are_refused(ports, admin):
    with pytest.raises(Invalid) as caught:
        halls.update_board(ports, actor=admin, hall_code="demo", fields=halls.BoardFields(
            [f"Thông báo {n}" for n in range(11)], ["x" * 65], 0, 2, 5))
    assert {p.field for p in caught.value.problems} == {
        "notices", "ticket_footer", "wait_alert_minutes", "rating_levels"}


# --- staff and devices --------------------------------------------------------------------


def test_staff_are_created_with_a_password_shown_once(ports, admin, session):
    user, password = accounts.create_user(ports, actor=admin, hall_code="demo", username="Lan.NT",
                                        full_name="Nguyễn Thị Lan", role=Role.OFFICER)
    assert user.username == "lan.nt" and check_password(user, password)
    with pytest.raises(Invalid) as caught:
        accounts.create_user(ports, actor=admin, hall_code="demo", username="lan.nt", full_name="",
                           role=Role.OFFICER, password="short")
    assert {p.field for p in caught.value.problems} == {"username", "password"}
    (row,) = [r for r in audit_rows(session, "staff") if r.subject == "lan.nt"]
    assert "password" not in str(row.changes).lower()


def test_an_officer_at_an_open_counter_is_not_locked_out_mid_service(ports, admin, session, clock):
    officer = make_officer(session, clock)
    queue.open_counter(ports, hall_code="demo", counter_number=2, actor=officer)
    with pytest.raises(Refused) as caught:
        accounts.set_staff_active(ports, actor=admin, hall_code="demo", user_id=officer.user_id,
                                  active=False)
    assert caught.value.params["number"] == 2
    queue.close_counter(ports, hall_code="demo", counter_number=2, actor=officer)
    accounts.set_staff_active(ports, actor=admin, hall_code="demo", user_id=officer.user_id,
                              active=False)
    assert session.get(StaffUser, officer.user_id).active is False


def test_nobody_locks_or_demotes_themselves(ports, session, clock, demo_hall):
    from motcua.auth.accounts import create_user
    from motcua.core.identity import actor_for_user

    user, _ = create_user(system_ports(session, clock), actor=SYSTEM,
                          username="qt-demo", role=Role.ADMIN,
                          password="secret-pass", hall_code="demo")
    me = actor_for_user(user)
    with pytest.raises(Refused):
        accounts.set_staff_active(ports, actor=me, hall_code="demo", user_id=user.id,
                                  active=False)
    with pytest.raises(Refused):
        staff.update_staff(ports, actor=me, hall_code="demo", user_id=user.id,
                              full_name="", role=Role.OFFICER)


def test_a_reset_password_works_and_the_old_one_does_not(ports, admin, session, clock):
    officer = make_officer(session, clock)
    new = accounts.reset_password(ports, actor=admin, hall_code="demo", user_id=officer.user_id)
    user = session.get(StaffUser, officer.user_id)
    session.refresh(user)
    assert check_password(user, new) and not check_password(user, "secret-pass")


def test_devices_need_a_usable_printer_and_tablets_a_counter(ports, admin):
    with pytest.raises(Invalid) as caught:
        accounts.register_device(ports, actor=admin, hall_code="demo", name="Máy lấy số 1",
                                 kind=DeviceKind.KIOSK, printer="ftp://printer")
    assert "tcp" in caught.value.problems[0].text
    with pytest.raises(Invalid) as caught:
        accounts.register_device(ports, actor=admin, hall_code="demo", name="Máy đánh giá 1",
                                 kind=DeviceKind.TABLET, counter_number=44)
    assert caught.value.problems[0].field == "counter_number"


def test_a_disabled_kiosk_token_stops_working_at_once(ports, admin, session):
    device, token = accounts.register_device(ports, actor=admin, hall_code="demo",
                                             name="Máy lấy số cửa chính", kind=DeviceKind.KIOSK,
                                             printer="tcp://192.168.1.50:9100")
    assert authenticate_bearer(session, ports.clock, ports.memo, token)[0] is not None
    devices.set_device_active(ports, actor=admin, hall_code="demo", device_id=device.id,
                               active=False)
    assert authenticate_bearer(session, ports.clock, ports.memo, token)[0] is None
    devices.set_device_active(ports, actor=admin, hall_code="demo", device_id=device.id,
                               active=True)
    renewed = devices.renew_device_token(ports, actor=admin, hall_code="demo",
                                          device_id=device.id)
    assert authenticate_bearer(session, ports.clock, ports.memo, token)[0] is None
    assert authenticate_bearer(session, ports.clock, ports.memo, renewed)[0] is not None


# --- holidays -------------------------------------------------------------------------------


def test_the_statutory_days_off_are_loaded_once(ports, admin, session):
    added = holidays.load_default_holidays(ports, actor=admin, hall_code="demo", year=2027)
    days = {h.day for h in session.scalars(select(Holiday))}
    assert added == len(days) and date(2027, 9, 2) in days and date(2027, 4, 30) in days
    assert holidays.load_default_holidays(ports, actor=admin, hall_code="demo", year=2027) == 0


def test_a_swap_day_is_a_weekend_day_and_a_day_is_listed_once(ports, admin):
    with pytest.raises(Invalid) as caught:
        holidays.add_holiday(ports, actor=admin, hall_code="demo", day=date(2027, 1, 6),
                             name="Làm bù", kind=HolidayKind.WORKING_DAY)
    assert caught.value.problems[0].field == "day"
    holidays.add_holiday(ports, actor=admin, hall_code="demo", day=date(2027, 1, 9),
                         name="Làm bù Tết", kind=HolidayKind.WORKING_DAY)
    with pytest.raises(Invalid):
        holidays.add_holiday(ports, actor=admin, hall_code="demo", day=date(2027, 1, 9),
                             name="Trùng")


def test_only_a_global_admin_edits_the_table_every_hall_shares(ports, supervisor, session, clock):
    from motcua.auth.accounts import create_user
    from motcua.core.identity import actor_for_user

    user, _ = create_user(system_ports(session, clock), actor=SYSTEM,
                          username="qt-demo", role=Role.ADMIN,
                          password="secret-pass", hall_code="demo")
    with pytest.raises(Denied):
        holidays.add_holiday(ports, actor=actor_for_user(user), hall_code="demo",
                             day=date(2027, 5, 3), name="Nghỉ", for_every_hall=True)
    own = holidays.add_holiday(ports, actor=actor_for_user(user), hall_code="demo",
                               day=date(2027, 5, 3), name="Nghỉ riêng")
    assert own.hall_id is not None


def test_waiting_tickets_are_untouched_by_configuration(ports, admin, session):
    ticket = issue(ports)
    sectors.set_sector_open(ports, actor=admin, hall_code="demo", code="dat-dai", is_open=False)
    session.refresh(ticket)
    assert ticket.status == TicketStatus.WAITING


# --- the live view's thresholds and the phone page's "turn near" ---------------------------


def test_a_sector_can_have_its_own_waiting_threshold_and_give_it_back(ports, admin, session):
    land = sectors.find_sector(session, queue.get_hall(session, "demo"), "dat-dai")
    sectors.update_sector(ports, actor=admin, hall_code="demo", code="dat-dai",
                           fields=fields_of(land, wait_alert_minutes=15))
    settings = queue.settings_of(queue.get_hall(session, "demo"))
    assert (settings.wait_alert_for("dat-dai"), settings.wait_alert_for("tu-phap")) == (15, 30)
    assert audit_rows(session, "sector")[-1].changes == {"wait_alert_minutes": [None, 15]}

    sectors.update_sector(ports, actor=admin, hall_code="demo", code="dat-dai",
                           fields=fields_of(land, wait_alert_minutes=None))
    assert queue.settings_of(queue.get_hall(session, "demo")).wait_alert_for("dat-dai") == 30


def test_a_sectors_threshold_is_read_from_its_form_and_checked(ports, admin, session):
    form = {"name_vi": "Hộ tịch", "number_start": "1", "number_end": "999",
            "wait_alert_minutes": "12"}
    assert forms.read_sector(form).wait_alert_minutes == 12
    assert forms.read_sector({**form, "wait_alert_minutes": ""}).wait_alert_minutes is None
    with pytest.raises(Invalid) as caught:
        forms.read_sector({**form, "wait_alert_minutes": "0"})
    assert {p.field for p in caught.value.problems} == {"wait_alert_minutes"}


def test_how_near_a_turn_must_be_for_the_phone_to_say_so_is_a_hall_setting(ports, admin, session):
    board = dict(notices=[], ticket_footer=[], wait_alert_minutes=30, priority_cap=2,
                 rating_levels=3)
    halls.update_board(ports, actor=admin, hall_code="demo",
                          fields=halls.BoardFields(**board, near_turn_people=5))
    assert queue.settings_of(queue.get_hall(session, "demo")).near_turn_people == 5
    with pytest.raises(Invalid) as caught:
        halls.update_board(ports, actor=admin, hall_code="demo",
                              fields=halls.BoardFields(**board, near_turn_people=0))
    assert {p.field for p in caught.value.problems} == {"near_turn_people"}


def test_stopping_issuing_past_closing_is_an_audited_hall_setting_read_from_the_form(
        ports, admin, session):
    form = {"notices": "", "ticket_footer": "", "wait_alert_minutes": "30", "priority_cap": "2",
            "rating_levels": "3", "calling_policy": "static", "stop_issuing_past_closing": "1"}
    fields = forms.read_board(form)
    assert fields.stop_issuing_past_closing
    assert not forms.read_board({k: v for k, v in form.items()
                                 if k != "stop_issuing_past_closing"}).stop_issuing_past_closing
    halls.update_board(ports, actor=admin, hall_code="demo", fields=fields)
    assert queue.settings_of(queue.get_hall(session, "demo")).stop_issuing_past_closing
