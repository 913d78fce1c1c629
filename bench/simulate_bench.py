"""`motcua simulate`: how long a simulated hall day takes.

Target: a day of 1,000 tickets (the provincial centre at 5/3 of its volume, with 20 counters
instead of 12 so the day is served, not left waiting) in seconds, not minutes — at most
10 s on 2 cores. Every ticket goes through the real services (issue, call, start, complete
or no-show, some transfers), each a transaction on the throw-away SQLite database, so
`s_per_day` is mostly those transactions; `cpu_s_per_day`, this process's CPU time, depends
less on what else the machine is doing. The shipped scenarios are timed too.

The wait estimate (`motcua.queue.lookahead`) simulates the rest of a hall's day forward from
its state at most once per ESTIMATE_CACHE_SECONDS per hall; `forecast` times that run alone
(no database) on the states the provincial day's issuing read, and the snapshot read before it.

Measured 2026-12-04 on 2 cores shared with other jobs: a 1,000-ticket day in 15.3 s (over the
10 s target; the wait estimate's forward simulation, about 480 runs and snapshot reads a
provincial day, is about 4 s of it), the provincial day in 9.5 s, ward 0.6 s, district 1.9 s;
the forecast run on a provincial day: median 5.5 ms, p90 12.5 ms (483 runs, up to 80
waiting), its snapshot read 2.1 ms.

Then, on a busier machine, old and new code run back to back (one day each, three times): the
1,000-ticket day 15.2 → 10.9 s of CPU (medians; 10.0 at best, so about the target). Where it
went (cProfile): a third in the 733 forecasts (forward run, snapshot, service rates), a third
in the counters' transactions, the rest in issuing. Cut: the forward run skips the calling
policy on an idle counter's turn with nobody in its lines (3 of 4 turns) and works out a
counter's sectors and a line's next arrival once, 9.6 → 6.6 ms a run on the same 483
provincial states with the same estimates; the snapshot reads counters as columns (a third
less); under `static` the engine no longer wakes a counter for a sector it may never call
(222 of 1,225 calls found nobody); the throw-away database keeps its journal in memory.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from motcua.queue import lookahead, services
from motcua.queue.lookahead import Forecast, HallNow
from motcua.simulate.cli import SCENARIOS
from motcua.simulate.engine import simulate
from motcua.simulate.report import summary
from motcua.simulate.scenario import Scenario, load_scenario, parse_scenario

DAYS = 2


def thousand_ticket_day() -> Scenario:
    """The provincial centre with 5/3 of its citizens and 8 counters more."""
    province = load_scenario(Path(str(SCENARIOS / "province.toml")))
    data = province.model_dump(exclude_none=True)
    data["name"] = "1,000 tickets"
    for sector in data["sectors"]:
        sector["arrivals"] = [[at, rate * 5 / 3] for at, rate in sector["arrivals"]]
    extra = [dict(c, number=c["number"] + 12, qualified=[]) for c in data["counters"][:8]]
    data["counters"] = data["counters"] + extra
    return parse_scenario(data, "bench")


def timed(name: str, scenario: Scenario) -> dict[str, Any]:
    started, cpu_started = time.perf_counter(), time.process_time()
    days = simulate(scenario, days=DAYS, seed=1)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    figures = summary(days)
    return {
        "scenario": name,
        "days": DAYS,
        "tickets_per_day": figures["tickets"] / DAYS,
        "served_per_day": figures["served"] / DAYS,
        "s_per_day": seconds / DAYS,
        "cpu_s_per_day": cpu_seconds / DAYS,
        "tickets_per_s": figures["tickets"] / seconds,
    }


def _quantile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[round(share * (len(ordered) - 1))]


def forecast() -> dict[str, Any]:
    """The wait estimate's run, over the states of one provincial day (every forecast made)."""
    states: list[HallNow] = []
    reads: list[float] = []
    read = services.hall_now

    def keep(*args: Any) -> HallNow:
        started = time.perf_counter()
        state = read(*args)
        reads.append(time.perf_counter() - started)
        states.append(state)
        return state

    services.hall_now = keep  # type: ignore[assignment]
    try:
        simulate(load_scenario(Path(str(SCENARIOS / "province.toml"))), days=1, seed=1)
    finally:
        services.hall_now = read  # type: ignore[assignment]
    runs = []
    for state in states:
        started = time.perf_counter()
        Forecast(state)
        runs.append(time.perf_counter() - started)
    return {
        "scenario": "province forecast",
        "runs": len(runs),
        "waiting_max": max(len(s.waiting) for s in states),
        "run_ms_median": 1000 * _quantile(runs, 0.5),
        "run_ms_p90": 1000 * _quantile(runs, 0.9),
        "snapshot_ms_median": 1000 * _quantile(reads, 0.5),
        "followed_minutes": lookahead.FOLLOWED_MINUTES,
    }


def run() -> list[dict[str, Any]]:
    rows = [timed(name, load_scenario(Path(str(SCENARIOS / f"{name}.toml"))))
            for name in ("ward", "district", "province")]
    rows.append(timed("1000-tickets", thousand_ticket_day()))
    rows.append(forecast())
    return rows


if __name__ == "__main__":
    from bench.__main__ import print_table

    print_table("simulate", run())
