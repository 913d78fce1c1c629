"""A real day, made with the real services, replayed as a scenario."""
from __future__ import annotations

from datetime import date

import pytest

from motcua.core.actors import SYSTEM, Actor
from motcua.queue import services
from motcua.queue.models import Priority
from motcua.simulate.engine import simulate
from motcua.simulate.replay import scenario_from_hall, scenario_toml
from motcua.simulate.scenario import ScenarioError, parse_scenario
from tests.support import hall_time

KIOSK = Actor(kind="kiosk", name="k1")
DAY = date(2026, 11, 25)


def at(clock, hour, minute, second=0):
    clock.set(hall_time(2026, 11, 25, hour, minute, second))


def issue(ports, sector, priority=None):
    return services.issue_ticket(ports, hall_code="demo", sector_code=sector, priority=priority,
                                 actor=KIOSK).ticket


def act(use_case, ports, number, **kwargs):
    return use_case(ports, hall_code="demo", counter_number=number, actor=SYSTEM, **kwargs)


@pytest.fixture
def a_morning(demo_hall, ports, clock):
    """Counter 1 (land) works 08:00-09:00 with a pause; five land citizens: one elderly, one
    who does not come, one sent on to construction (counter 6, never open), one too late."""
    at(clock, 7, 55)
    issue(ports, "dat-dai")
    at(clock, 7, 58, 30)
    issue(ports, "dat-dai", Priority.ELDERLY)
    at(clock, 7, 59)
    issue(ports, "dat-dai")
    issue(ports, "dat-dai")
    at(clock, 8, 0)
    act(services.open_counter, ports, 1)
    act(services.call_next, ports, 1)  # the elderly citizen
    at(clock, 8, 1)
    act(services.start_serving, ports, 1)
    at(clock, 8, 13, 30)
    act(services.complete, ports, 1)
    act(services.call_next, ports, 1)
    at(clock, 8, 16)
    act(services.mark_no_show, ports, 1)
    act(services.call_next, ports, 1)
    at(clock, 8, 17)
    act(services.start_serving, ports, 1)
    at(clock, 8, 20)
    act(services.transfer, ports, 1, to_sector="xay-dung", reason="nhầm lĩnh vực")
    act(services.pause_counter, ports, 1)
    at(clock, 8, 30)
    act(services.resume_counter, ports, 1)
    act(services.call_next, ports, 1)
    at(clock, 8, 36)
    act(services.complete, ports, 1)
    at(clock, 8, 40)
    issue(ports, "dat-dai")
    at(clock, 9, 0)
    act(services.close_counter, ports, 1)


def test_a_replayed_day_has_the_tickets_as_they_came_and_took(session, a_morning):
    scenario = scenario_from_hall(session, "demo", DAY)
    visits = [v.model_dump(exclude_defaults=True) for v in scenario.visits]
    assert visits == [
        {"at": "07:55:00", "sector": "dat-dai", "no_show": True},
        {"at": "07:58:30", "sector": "dat-dai", "service_minutes": 12.5, "priority": True},
        # never served in construction, where nothing was measured: the hall's default
        {"at": "07:59:00", "sector": "dat-dai", "service_minutes": 6.0, "transfer_to": "xay-dung"},
        {"at": "07:59:00", "sector": "dat-dai", "service_minutes": 6.0},  # call to finish
        {"at": "08:40:00", "sector": "dat-dai", "service_minutes": 9.25},  # land's median
    ]
    hours = {c.number: c.hours for c in scenario.counters}
    assert hours[1] == ["08:00:00-08:20:00", "08:30:00-09:00:00"]
    assert hours[6] == []  # no event, no ticket: closed all day
    assert (scenario.opens, scenario.closes, scenario.breaks) == ("00:00", "24:00", [])
    assert scenario.day == DAY


def test_a_replayed_day_runs_and_serves_what_its_counters_can(session, a_morning):
    [day] = simulate(scenario_from_hall(session, "demo", DAY))
    assert [c.outcome for c in day.citizens] == ["no-show", "served", "unserved", "served", "served"]
    priority = day.citizens[1]
    assert priority.first_wait == pytest.approx(1.5)  # counter 1 opens at 08:00


def test_a_replayed_day_saved_as_toml_reads_back_the_same(session, a_morning):
    import tomllib

    scenario = scenario_from_hall(session, "demo", DAY)
    again = parse_scenario(tomllib.loads(scenario_toml(scenario)))
    assert again == scenario


def test_a_day_without_tickets_cannot_be_replayed(session, demo_hall):
    with pytest.raises(ScenarioError, match="Hall 'demo' issued no ticket on 2026-11-20"):
        scenario_from_hall(session, "demo", date(2026, 11, 20))
