"""The calling policies against `static`, on the shipped scenarios (simulator figures, not
timings: they do not depend on the machine).

Issue 14's targets, on the provincial centre over 20 seeded days at the same staffing:
`balanced` cuts the mean wait and the p90 by 25 % or more against `static`; priority
citizens wait at most a third of what regular ones do; and no regular citizen waits more
than 15 minutes longer than under `static` on the same seeded day (`worst_extra_min`: the
largest such difference, citizen by citizen, and `over_15_min_%` the share of regular
citizens past 15 minutes; the same seed draws the same citizens for every policy; citizens
called under both policies). The means and p90 are the simulator
report's: of the citizens who were called; `left` counts those still waiting at closing.

    python -m bench --only policies            20 days per scenario
    MOTCUA_POLICY_BENCH_DAYS=5 python -m bench --only policies
    MOTCUA_POLICY_BENCH_SCENARIOS=province MOTCUA_POLICY_BENCH_DAYS=5 python -m bench.policies_bench
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from motcua.simulate.cli import SCENARIOS
from motcua.simulate.engine import Citizen, DayResult, simulate
from motcua.simulate.report import summary
from motcua.simulate.scenario import load_scenario

DAYS = int(os.environ.get("MOTCUA_POLICY_BENCH_DAYS", "20"))
# A comma-separated subset of the scenarios, to iterate on one of them quickly.
SCENARIO_NAMES = tuple(os.environ.get("MOTCUA_POLICY_BENCH_SCENARIOS",
                                      "province,district,ward").split(","))
SEED = 1
POLICIES = ("static", "overflow", "balanced")


def _waited(citizen: Citizen) -> float | None:
    """From the ticket to the call; None for those never called (counted in `left`)."""
    return citizen.waited if citizen.first_wait is not None else None


def extra_minutes(days: list[DayResult], baseline: list[DayResult]) -> list[float]:
    """How much longer each regular citizen waited than under the baseline, same day, same
    citizen (negative: less), for those called under both."""
    extra = []
    for day, static_day in zip(days, baseline, strict=True):
        for citizen, same in zip(day.citizens, static_day.citizens, strict=True):
            waited, waited_static = _waited(citizen), _waited(same)
            if not citizen.priority and waited is not None and waited_static is not None:
                extra.append(waited - waited_static)
    return extra


def _change(value: float | None, base: float | None) -> float | None:
    return None if value is None or not base else 100 * (value - base) / base


def rows_for(name: str) -> list[dict[str, Any]]:
    scenario = load_scenario(Path(str(SCENARIOS / f"{name}.toml")))
    results = {policy: simulate(scenario, policy, days=DAYS, seed=SEED) for policy in POLICIES}
    static = summary(results["static"])
    rows = []
    for policy, days in results.items():
        figures = static if policy == "static" else summary(days)
        extra = extra_minutes(days, results["static"])
        priority, regular = figures["priority_mean_wait_min"], figures["regular_mean_wait_min"]
        rows.append({
            "scenario": name,
            "policy": policy,
            "days": DAYS,
            "served": figures["served"],
            "left": figures["unserved"],
            "mean_min": figures["mean_wait_min"],
            "mean_vs_static_%": _change(figures["mean_wait_min"], static["mean_wait_min"]),
            "p90_min": figures["p90_wait_min"],
            "p90_vs_static_%": _change(figures["p90_wait_min"], static["p90_wait_min"]),
            "priority/regular": priority / regular if priority is not None and regular else None,
            "worst_extra_min": max(extra, default=0.0),
            "over_15_min_%": 100 * sum(1 for e in extra if e > 15) / len(extra) if extra else None,
            "est_mae_min": figures["estimate_mae_min"],
        })
    return rows


def run() -> list[dict[str, Any]]:
    return [row for name in SCENARIO_NAMES for row in rows_for(name)]


if __name__ == "__main__":
    from bench.__main__ import print_table

    print_table("policies", run())
