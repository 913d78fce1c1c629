"""How close can any printed wait come? The floor that the services' own spread sets.

Issue 14 asks for an estimate within 3 minutes on average (MAE), and within ±5 minutes for
80 % of citizens, on the reference scenarios. This bench measures how far below that any
estimator could go, citizen by citizen. It is a study, not a timing: the figures do not
depend on the machine.

At the moment each ticket is issued, the forecast of `motcua.queue.lookahead` is run `RUNS`
times from the hall's state then, with every service drawn at random instead of taking its
line's mean. The draws are lognormal, with the mean and spread the estimate measures for that
line, and a busy counter's remaining time is drawn too. The runs give the waits this citizen
could have.

No point estimate, however clever, does better on average against that spread than the runs'
median:
- `floor_mae_min` is the runs' mean distance from their median;
- `floor_within_5_pct` is their share within 5 minutes of it.

The model keeps arrivals even and lets every citizen come, so the real spread is wider and
the real floor higher: these floors are optimistic.

Beside them:
- the estimate actually printed, against the wait the simulator then gave (`printed_*`, as in
  `bench/estimates/README.md`);
- the runs' median used as the estimate (`median_*`), which is what a Monte Carlo estimator
  would print at `RUNS` times the cost of one run.

    python -m bench --only floor
    MOTCUA_FLOOR_BENCH_DAYS=2 python -m bench --only floor
"""
from __future__ import annotations

import math
import os
import random
import statistics
from dataclasses import replace
from pathlib import Path
from typing import Any

from motcua.core.ports import Ports
from motcua.queue import services
from motcua.queue.lookahead import Forecast, HallNow
from motcua.simulate.cli import SCENARIOS
from motcua.simulate.engine import Citizen, simulate
from motcua.simulate.scenario import load_scenario

DAYS = int(os.environ.get("MOTCUA_FLOOR_BENCH_DAYS", "5"))
RUNS = 15
SEED = 1
CASES = (("ward", "static"), ("district", "static"), ("province", "static"),
         ("province", "balanced"))


def _lognormal(mean: float, spread: float) -> tuple[float, float]:
    """mu and sigma of the lognormal with this mean and standard deviation."""
    sigma2 = math.log(1 + (spread / mean) ** 2)
    return math.log(mean) - sigma2 / 2, math.sqrt(sigma2)


def drawn_runs(state: HallNow, rng: random.Random) -> list[Forecast]:
    """`RUNS` forecasts from `state`, each service (and each busy counter's remaining time)
    drawn from its line's lognormal."""
    shapes = {sector_id: _lognormal(line.minutes_each, line.spread)
              for sector_id, line in state.lines.items() if line.minutes_each > 0}
    default = state.settings.default_service_minutes
    # a counter's current citizen is of a line the snapshot does not name: the hall's
    # typical spread, relative to the mean
    ratio = statistics.fmean([line.spread / line.minutes_each for line in state.lines.values()
                              if line.minutes_each > 0] or [0.0])

    def draw(sector_id: int) -> float:
        shape = shapes.get(sector_id)
        return rng.lognormvariate(*shape) if shape else default

    def busy(minutes: float) -> float:
        return rng.lognormvariate(*_lognormal(minutes, ratio * minutes)) if minutes > 0 else 0.0

    return [Forecast(replace(state, desks=tuple(replace(d, busy=busy(d.busy)) for d in state.desks)),
                     draw)
            for _ in range(RUNS)]


def row(name: str, policy: str) -> dict[str, Any]:
    rng = random.Random(f"floor:{name}:{policy}")
    possible: dict[int, list[int]] = {}  # ticket → the waits the runs gave it

    def on_issued(ports: Ports, citizen: Citizen, issued: services.IssuedTicket) -> None:
        ticket = issued.ticket
        state = services.hall_now(ports.session, ports.clock, ticket.hall,
                                  services.hall_rates(ports, ticket.hall))
        possible[ticket.id] = [run.estimate(ticket.sector_id, issued.ahead, citizen.priority).minutes
                               for run in drawn_runs(state, rng)]

    scenario = load_scenario(Path(str(SCENARIOS / f"{name}.toml")))
    days = simulate(scenario, policy, days=DAYS, seed=SEED, on_issued=on_issued)
    printed, median, floor, floor_within = [], [], [], []
    for citizen in (c for day in days for c in day.citizens):
        if citizen.first_wait is None or citizen.ticket_id is None or citizen.estimate_minutes is None:
            continue  # never called: no error to measure
        waits = possible[citizen.ticket_id]
        middle = statistics.median(waits)
        printed.append(abs(citizen.estimate_minutes - citizen.first_wait))
        median.append(abs(middle - citizen.first_wait))
        floor.append(statistics.fmean(abs(w - middle) for w in waits))
        floor_within.append(statistics.fmean(abs(w - middle) <= 5 for w in waits))
    return {
        "scenario": name, "policy": policy, "days": DAYS, "runs": RUNS, "called": len(printed),
        "printed_mae_min": statistics.fmean(printed),
        "printed_within_5_pct": 100 * statistics.fmean(e <= 5 for e in printed),
        "median_mae_min": statistics.fmean(median),
        "median_within_5_pct": 100 * statistics.fmean(e <= 5 for e in median),
        "floor_mae_min": statistics.fmean(floor),
        "floor_within_5_pct": 100 * statistics.fmean(floor_within),
    }


def run() -> list[dict[str, Any]]:
    return [row(name, policy) for name, policy in CASES]


if __name__ == "__main__":
    from bench.__main__ import print_table

    print_table("floor", run())
