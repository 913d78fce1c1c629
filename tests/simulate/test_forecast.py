"""The live view's forecast: the rest of the day simulated from the hall as it is now."""
from __future__ import annotations

from sqlalchemy import select

from motcua.core.actors import SYSTEM, Actor
from motcua.core.ports import Memo, Ports
from motcua.queue import services
from motcua.queue.models import Hall
from motcua.simulate import forecast
from motcua.simulate.forecast import current_scenario, recommendations
from tests.support import hall_time

KIOSK = Actor(kind="kiosk", name="k1")


def a_hall_closing_at_ten(session, ports, land: int, road: int = 1):
    hall = session.scalar(select(Hall).where(Hall.code == "demo"))
    hall.opening_windows = "07:00-10:00"
    hall.settings = {**hall.settings, "wait_alert_minutes": 20}
    session.commit()
    for number in (1, 7):
        services.open_counter(ports, hall_code="demo", counter_number=number, actor=SYSTEM)
    for sector, count in (("dat-dai", land), ("giao-thong", road)):
        for _ in range(count):
            services.issue_ticket(ports, hall_code="demo", sector_code=sector, priority=None,
                                  actor=KIOSK)
    return hall


def test_the_forecast_starts_from_the_people_waiting_and_the_open_counters(
        session, ports, clock, demo_hall):
    hall = a_hall_closing_at_ten(session, ports, land=5)
    scenario = current_scenario(session, clock, hall)
    assert scenario is not None
    assert (scenario.opens, scenario.closes) == ("09:00:00", "10:00:00")
    assert [c.number for c in scenario.counters] == [1, 7]
    assert sorted(v.sector for v in scenario.visits) == ["dat-dai"] * 5 + ["giao-thong"]


def test_no_move_is_suggested_when_every_line_is_short(session, ports, clock, demo_hall):
    hall = a_hall_closing_at_ten(session, ports, land=2)
    assert recommendations(session, clock, hall) == []


def test_a_long_line_gets_the_counter_with_the_least_to_do_and_its_effect(
        session, ports, clock, demo_hall):
    hall = a_hall_closing_at_ten(session, ports, land=20)
    [move] = recommendations(session, clock, hall)
    assert (move.counter, move.sector) == (7, "dat-dai")
    assert move.wait_after < move.wait_before


def test_nothing_is_forecast_once_the_hall_has_closed(session, ports, clock, demo_hall):
    hall = a_hall_closing_at_ten(session, ports, land=20)
    clock.set(hall_time(2026, 11, 25, 10, 30))
    assert current_scenario(session, clock, hall) is None


def test_the_forecast_is_reused_within_the_memos_seconds_instead_of_simulated_again(
        session, ports, clock, demo_hall, monkeypatch):
    hall = a_hall_closing_at_ten(session, ports, land=20)
    simulated = []
    real = forecast.simulate
    monkeypatch.setattr(forecast, "simulate", lambda *a, **k: simulated.append(1) or real(*a, **k))
    cached = Ports(session=session, clock=clock, publisher=ports.publisher, memo=Memo(seconds=10))
    first = forecast.advice(cached, hall)
    runs = len(simulated)
    assert runs > 0 and first
    clock.advance(seconds=9)
    assert forecast.advice(cached, hall) == first
    assert len(simulated) == runs
    clock.advance(seconds=2)
    forecast.advice(cached, hall)
    assert len(simulated) == 2 * runs


def test_the_leaders_advice_and_the_wait_estimates_keep_apart_in_one_memo(
        session, ports, clock, demo_hall):
    hall = a_hall_closing_at_ten(session, ports, land=20)
    shared = Ports(session=session, clock=clock, publisher=ports.publisher, memo=Memo(seconds=10))
    assert forecast.advice(shared, hall)
    issued = services.issue_ticket(shared, hall_code=hall.code, sector_code="dat-dai",
                                   priority=None, actor=SYSTEM)
    assert issued.ticket.estimated_wait_minutes is not None
