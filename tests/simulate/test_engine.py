"""Simulated days through the real services: a day worked out by hand, seeded days, policies."""
from __future__ import annotations

from typing import Any

import pytest

from motcua.core.errors import InvalidInput
from motcua.queue import services
from motcua.simulate.engine import simulate
from motcua.simulate.report import figures, summary
from motcua.simulate.scenario import parse_scenario


def one_counter_day(visits: list[dict[str, Any]], **extra: Any) -> Any:
    """A land counter from 07:30 to 08:30; the citizens walk 0.5 minute to the counter."""
    return parse_scenario({
        "name": "một quầy", "opens": "07:30", "closes": "08:30",
        "sectors": [{"code": "dat-dai"}, {"code": "xay-dung"}],
        "counters": [{"number": 1, "sectors": ["dat-dai"]},
                     {"number": 2, "sectors": ["xay-dung"], "hours": ["08:00-08:30"]}],
        "visits": visits, **extra,
    })


def visit(at: str, minutes: float = 10, **extra: Any) -> dict[str, Any]:
    return {"at": at, "sector": "dat-dai", "service_minutes": minutes} | extra


def test_a_day_worked_out_by_hand_comes_out_of_the_real_services():
    scenario = one_counter_day([visit("08:00"), visit("08:01"), visit("08:02"),
                                visit("08:25"), visit("08:45")])
    [day] = simulate(scenario)
    # 08:00 called at once, done 08:10:30; 08:01 called then (9.5 min); 08:02 called 08:21
    # (19 min), done 08:31:30, after closing: the counter closes, 08:25 is left waiting;
    # 08:45 comes after the kiosks stopped issuing.
    waits = [c.first_wait for c in day.citizens]
    assert waits[:3] == pytest.approx([0, 9.5, 19])
    assert [c.outcome for c in day.citizens] == ["served", "served", "served", "unserved",
                                                 "turned-away"]
    result = figures(day.citizens)
    assert (result["tickets"], result["served"], result["unserved"], result["turned_away"]) == (4, 3, 1, 1)
    assert (result["mean_wait_min"], result["max_wait_min"]) == (9.5, 19.0)
    counter = day.counters[0]
    assert counter.busy_minutes == pytest.approx(31.5)  # 3 × (0.5 walk + 10)
    assert counter.working_minutes == pytest.approx(61.5)  # 07:30-08:30, and 1.5 over


def test_a_watcher_hears_of_each_ticket_as_it_is_issued_with_the_hall_as_it_is_then():
    scenario = one_counter_day([visit("08:00"), visit("08:01"), visit("08:45")])
    heard = []

    def on_issued(ports: Any, citizen: Any, issued: services.IssuedTicket) -> None:
        waiting = services.waiting_counts(ports.session, issued.ticket.hall, issued.ticket.day)
        heard.append((citizen.arrives, issued.ticket.id, issued.ahead, waiting["dat-dai"]))

    [day] = simulate(scenario, on_issued=on_issued)
    # the first is called at once, so the second has nobody ahead; 08:45 gets no ticket
    assert [(at, ahead, line) for at, _, ahead, line in heard] == [(480, 0, 1), (481, 0, 1)]
    assert [ticket for _, ticket, _, _ in heard] == [c.ticket_id for c in day.citizens[:2]]


def test_a_no_show_is_waited_for_then_marked_and_the_next_citizen_called():
    scenario = one_counter_day([visit("08:00", no_show=True), visit("08:00:30")],
                               no_show_grace_minutes=3)
    [day] = simulate(scenario)
    assert [c.outcome for c in day.citizens] == ["no-show", "served"]
    assert day.citizens[1].first_wait == pytest.approx(2.5)


def test_a_transferred_citizen_keeps_the_ticket_and_is_served_in_the_other_line():
    scenario = one_counter_day([visit("07:40", 5, transfer_to="xay-dung")],
                               transfer_after_minutes=2)
    [day] = simulate(scenario)
    [citizen] = day.citizens
    assert citizen.outcome == "served"
    # called 07:40, at the counter 07:40:30, sent on at 07:42:30; counter 2 opens at 08:00
    assert citizen.first_wait == 0
    assert citizen.waited == pytest.approx(17.5)
    assert day.counters[1].busy_minutes == pytest.approx(5.5)


def test_priority_citizens_are_called_before_those_who_came_earlier():
    scenario = one_counter_day([visit("07:40", 20), visit("07:41"), visit("07:42", priority=True)])
    [day] = simulate(scenario)
    regular, priority = day.citizens[1], day.citizens[2]
    assert priority.first_wait == pytest.approx(18.5)  # called at 08:00:30, first of the two
    assert regular.first_wait == pytest.approx(30)


def test_the_lines_announced_by_the_services_are_kept_for_the_plots():
    [day] = simulate(one_counter_day([visit("08:00"), visit("08:01"), visit("08:02")]))
    most = max(waiting["dat-dai"] for _, waiting in day.queue)
    assert most == 2 and day.queue[-1][1]["dat-dai"] == 0


POISSON = {
    "name": "seeded", "opens": "07:30", "closes": "11:30",
    "sectors": [{"code": "dat-dai", "arrivals": [["07:30", 20], ["09:00", 12]],
                 "service_minutes": [6, 15], "priority_share": 0.2, "no_show_share": 0.1},
                {"code": "tu-phap", "arrivals": [["07:30", 10]], "service_minutes": [4, 9]}],
    "counters": [{"number": 1, "sectors": ["dat-dai"]},
                 {"number": 2, "sectors": ["tu-phap", "dat-dai"]}],
}


def test_a_seeded_day_comes_out_the_same_every_time_and_another_seed_differs():
    scenario = parse_scenario(POISSON)
    first = summary(simulate(scenario, seed=7))
    assert summary(simulate(scenario, seed=7)) == first
    assert summary(simulate(scenario, seed=8)) != first
    assert 40 < first["tickets"] < 120
    assert first["served"] + first["no_show"] + first["unserved"] == first["tickets"]
    assert set(first["per_sector"]) == {"dat-dai", "tu-phap"}
    assert first["estimate_mae_min"] is not None
    assert 0 <= first["estimate_within_5_pct"] <= 100


def test_days_follow_one_another_with_their_own_citizens():
    days = simulate(parse_scenario(POISSON), days=2, seed=3)
    assert [d.day.isoformat() for d in days] == ["2026-12-07", "2026-12-08"]
    assert [c.arrives for c in days[0].citizens] != [c.arrives for c in days[1].citizens]
    assert summary(days)["days"] == 2


def test_a_policy_the_simulator_does_not_know_is_refused_naming_the_known_ones():
    with pytest.raises(InvalidInput, match="unknown policy fastest; known: static, overflow"):
        simulate(parse_scenario(POISSON), "fastest")


def two_counters_one_busy(policy: str) -> Any:
    """Land has three citizens at 08:00; the construction counter's officer may serve land."""
    scenario = parse_scenario({
        "name": "hai quầy", "opens": "07:30", "closes": "09:30",
        "sectors": [{"code": "dat-dai"}, {"code": "xay-dung"}],
        "counters": [{"number": 1, "sectors": ["dat-dai"]},
                     {"number": 2, "sectors": ["xay-dung"], "qualified": ["dat-dai"]}],
        "visits": [visit("08:00"), visit("08:00"), visit("08:00")],
    })
    [day] = simulate(scenario, policy)
    return day


def test_under_static_the_idle_counter_leaves_land_to_the_land_counter():
    waits = sorted(c.first_wait for c in two_counters_one_busy("static").citizens)
    assert waits == pytest.approx([0, 10.5, 21])


def test_under_static_a_counter_is_not_woken_to_call_for_a_sector_it_may_never_call(monkeypatch):
    calls = []
    call_next = services.call_next

    def counted(*args: Any, **kwargs: Any) -> Any:
        called = call_next(*args, **kwargs)
        calls.append(called.ticket)
        return called

    monkeypatch.setattr(services, "call_next", counted)
    two_counters_one_busy("static")
    assert len(calls) == 3 and None not in calls


@pytest.mark.parametrize("policy", ["overflow", "balanced"])
def test_an_idle_counter_whose_officer_may_serve_land_takes_land_citizens(policy):
    waits = sorted(c.first_wait for c in two_counters_one_busy(policy).citizens)
    assert waits == pytest.approx([0, 0, 10.5])
