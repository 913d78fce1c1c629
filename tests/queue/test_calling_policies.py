"""The hall's calling policy in the calling service: officers' qualifications, counters'
schedules, and the claim that still never calls a ticket twice."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from motcua.admin.staff import qualifications, set_qualifications
from motcua.core.actors import SYSTEM, Actor
from motcua.queue import services
from motcua.queue.models import CounterSector, Hall, Sector
from tests.support import hall_time, make_officer

KIOSK = Actor(kind="kiosk", name="k1")


@pytest.fixture(autouse=True)
def _hall(demo_hall):
    return demo_hall


def issue(ports, sector):
    return services.issue_ticket(ports, hall_code="demo", sector_code=sector, priority=None,
                                 actor=KIOSK).ticket


def call(ports, number, actor):
    return services.call_next(ports, hall_code="demo", counter_number=number, actor=actor).ticket


def use_policy(session, name, **more):
    hall = session.scalar(select(Hall).where(Hall.code == "demo"))
    hall.settings = {**hall.settings, "calling_policy": name, **more}
    session.commit()


@pytest.fixture
def lan(ports, session, clock):
    """An officer at counter 7 (Giao thông) who may also serve Đất đai."""
    officer = make_officer(session, clock, "lan")
    set_qualifications(ports, actor=SYSTEM, hall_code="demo", user_id=officer.user_id,
                       sectors=["dat-dai"])
    services.open_counter(ports, hall_code="demo", counter_number=7, actor=officer)
    return officer


def test_an_officers_qualifications_are_kept_and_audited(ports, session, lan):
    from motcua.changes.models import ConfigChange
    from motcua.core.accounts import StaffUser

    user = session.get(StaffUser, lan.user_id)
    assert qualifications(session, user) == ["dat-dai"]
    change = session.scalars(select(ConfigChange).where(ConfigChange.subject == "lan")).all()[-1]
    assert change.changes == {"qualifications": [[], ["dat-dai"]]}


def test_under_static_a_counter_never_takes_the_sector_its_officer_is_qualified_for(
        ports, session, lan):
    issue(ports, "dat-dai")
    assert call(ports, 7, lan) is None


def test_under_overflow_an_idle_counter_takes_a_ticket_its_officer_is_qualified_for(
        ports, session, lan):
    use_policy(session, "overflow")
    land = issue(ports, "dat-dai")
    issue(ports, "tu-phap")  # the officer may not serve it
    assert call(ports, 7, lan).id == land.id
    assert call(ports, 7, lan) is None


def test_under_overflow_the_counters_own_sector_comes_first(ports, session, clock, lan):
    use_policy(session, "overflow")
    issue(ports, "dat-dai")
    clock.set(clock.now() + timedelta(minutes=5))
    road = issue(ports, "giao-thong")
    assert call(ports, 7, lan).id == road.id


def test_under_balanced_a_counter_helps_the_line_under_most_pressure(ports, session, clock, lan):
    use_policy(session, "balanced", default_service_minutes=3)  # short services: it may help
    land = [issue(ports, "dat-dai") for _ in range(12)]
    road = issue(ports, "giao-thong")
    assert call(ports, 7, lan).id == land[0].id
    clock.set(clock.now() + timedelta(minutes=20))  # the road citizen has waited too long now
    assert call(ports, 7, lan).id == road.id


def test_a_counter_without_an_officer_takes_no_other_sector(ports, session):
    use_policy(session, "overflow")
    issue(ports, "dat-dai")
    services.open_counter(ports, hall_code="demo", counter_number=7, actor=SYSTEM)
    assert call(ports, 7, SYSTEM) is None


def test_a_counter_serves_a_sector_only_in_its_scheduled_hours(ports, session, clock):
    counter = services.get_counter(session, session.scalar(select(Hall)), 6)  # xay-dung
    land = session.scalar(select(Sector).where(Sector.code == "dat-dai"))
    counter.sector_links[0].hours = "13:00-17:00"  # construction in the afternoon
    counter.sector_links.append(CounterSector(sector=land, rank=1, hours="07:00-11:30",
                                              weekdays="1-5"))
    session.commit()
    services.open_counter(ports, hall_code="demo", counter_number=6, actor=SYSTEM)
    clock.set(hall_time(2026, 11, 25, 9, 0))  # a Wednesday morning
    building = issue(ports, "xay-dung")
    plot = issue(ports, "dat-dai")
    assert call(ports, 6, SYSTEM).id == plot.id
    assert call(ports, 6, SYSTEM) is None
    clock.set(hall_time(2026, 11, 25, 14, 0))
    assert call(ports, 6, SYSTEM).id == building.id


def test_a_schedule_can_leave_out_weekdays(ports, session, clock):
    counter = services.get_counter(session, session.scalar(select(Hall)), 6)
    counter.sector_links[0].weekdays = "1-5"
    session.commit()
    services.open_counter(ports, hall_code="demo", counter_number=6, actor=SYSTEM)
    clock.set(hall_time(2026, 11, 28, 9, 0))  # a Saturday
    issue(ports, "xay-dung")
    assert call(ports, 6, SYSTEM) is None


def test_a_ticket_names_the_counters_that_serve_its_sector_for_the_rest_of_its_day(
        ports, session, clock):
    hall = session.scalar(select(Hall))
    land = session.scalar(select(Sector).where(Sector.code == "dat-dai"))
    weekdays_only = services.get_counter(session, hall, 6)
    weekdays_only.sector_links.append(CounterSector(sector=land, rank=1, weekdays="1-5"))
    mornings = services.get_counter(session, hall, 7)
    mornings.sector_links.append(CounterSector(sector=land, rank=1, hours="07:00-11:30"))
    session.commit()
    clock.set(hall_time(2026, 11, 28, 9, 0))  # a Saturday morning
    assert services.sector_counters(session, hall, land.id, clock) == (1, 2, 7)
    clock.set(hall_time(2026, 11, 25, 14, 0))  # a Wednesday afternoon
    assert services.sector_counters(session, hall, land.id, clock) == (1, 2, 6)


def test_under_overflow_a_counter_stops_helping_when_its_window_ends_too_soon(
        ports, session, clock, lan):
    use_policy(session, "overflow")
    session.scalar(select(Hall)).opening_windows = "07:00-11:30,13:30-17:00"
    session.commit()
    clock.set(hall_time(2026, 11, 25, 11, 0))  # 30 minutes left: a service (6) and 15 fit
    land = issue(ports, "dat-dai")
    assert call(ports, 7, lan).id == land.id
    clock.set(hall_time(2026, 11, 25, 11, 10))  # 20 minutes left: a service (10) and 15 do not
    issue(ports, "dat-dai")
    assert call(ports, 7, lan) is None


def test_a_lines_pace_is_the_tickets_that_joined_it_over_the_last_hour(ports, session, clock):
    clock.set(hall_time(2026, 11, 25, 9, 0))
    for _ in range(3):
        issue(ports, "dat-dai")
    clock.set(hall_time(2026, 11, 25, 9, 45))
    issue(ports, "dat-dai")
    issue(ports, "giao-thong")
    clock.set(hall_time(2026, 11, 25, 10, 30))
    land, road = (session.scalar(select(Sector.id).where(Sector.code == code))
                  for code in ("dat-dai", "giao-thong"))
    pace = services.arrivals_per_hour(ports, session.scalar(select(Hall)))
    assert pace == {land: 1.0, road: 1.0}


def test_a_lines_load_counts_apart_the_open_counters_that_serve_it_first(ports, session, clock):
    for number in (1, 2, 3):
        officer = make_officer(session, clock, f"officer{number}")
        services.open_counter(ports, hall_code="demo", counter_number=number, actor=officer)
    land, environment = (session.scalar(select(Sector.id).where(Sector.code == code))
                         for code in ("dat-dai", "moi-truong"))
    loads = services.line_loads(ports, session.scalar(select(Hall)))
    # counters 1 and 2 serve land first, 2 environment after it, 3 environment first
    assert (loads[land].counters, loads[land].first_counters) == (2, 2)
    assert (loads[environment].counters, loads[environment].first_counters) == (2, 1)
