"""The figures of simulated days: per policy, per sector, priority against regular citizens.

Waits are those of the citizens who were called (from the ticket to the call, and again
after a transfer); the citizens still waiting at closing are counted as `unserved`. The
estimate error compares the wait the kiosk printed on each ticket with the wait to its first
call.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from motcua.simulate.engine import Citizen, DayResult


def percentile(values: Sequence[float], p: float) -> float:
    """Linear interpolation between the closest ranks (numpy's default)."""
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def figures(citizens: Iterable[Citizen]) -> dict[str, Any]:
    """Counts and waits (minutes, one decimal; None when nobody was called) of some citizens."""
    group = list(citizens)
    called = [c for c in group if c.first_wait is not None]
    waits = [c.waited for c in called]
    priority = [c.waited for c in called if c.priority]
    regular = [c.waited for c in called if not c.priority]
    errors = [abs(c.estimate_minutes - c.first_wait) for c in called
              if c.estimate_minutes is not None and c.first_wait is not None]
    outcomes = [c.outcome for c in group]
    return {
        "tickets": sum(1 for c in group if c.ticket_id is not None),
        "served": outcomes.count("served"),
        "no_show": outcomes.count("no-show"),
        "unserved": outcomes.count("unserved"),
        "turned_away": outcomes.count("turned-away"),
        "mean_wait_min": _mean(waits),
        "p90_wait_min": round(percentile(waits, 90), 1) if waits else None,
        "max_wait_min": round(max(waits), 1) if waits else None,
        "priority_mean_wait_min": _mean(priority),
        "regular_mean_wait_min": _mean(regular),
        "estimate_mae_min": _mean(errors),
        # the share of printed estimates within ±5 minutes of the wait (a target of issue 14)
        "estimate_within_5_pct": (round(100 * sum(1 for e in errors if e <= 5) / len(errors), 1)
                                  if errors else None),
    }


def summary(results: Sequence[DayResult]) -> dict[str, Any]:
    """One policy's days together: the figures, per sector, and each counter's utilisation
    (busy from the call to the end of service, over its working time)."""
    citizens = [c for result in results for c in result.citizens]
    sectors = results[0].sectors if results else []
    busy: dict[int, float] = {}
    working: dict[int, float] = {}
    for result in results:
        for counter in result.counters:
            busy[counter.number] = busy.get(counter.number, 0.0) + counter.busy_minutes
            working[counter.number] = working.get(counter.number, 0.0) + counter.working_minutes
    return {
        "days": len(results),
        **figures(citizens),
        "per_sector": {code: figures(c for c in citizens if c.sector == code) for code in sectors},
        "counter_utilisation": {str(number): round(busy[number] / working[number], 3)
                                if working[number] else None for number in busy},
    }


COLUMNS = [("tickets", "tickets"), ("served", "served"), ("no_show", "no-show"),
           ("unserved", "left"), ("turned_away", "refused"), ("mean_wait_min", "mean"),
           ("p90_wait_min", "p90"), ("max_wait_min", "max"), ("estimate_mae_min", "est.err"),
           ("estimate_within_5_pct", "est.±5%")]


def table(policy: str, figures_of_policy: dict[str, Any]) -> str:
    """The figures as a text table: the hall, each sector, priority and regular citizens."""
    rows: list[tuple[str, dict[str, Any]]] = [("all", figures_of_policy)]
    rows += list(figures_of_policy["per_sector"].items())
    label_width = max(len(label) for label, _ in rows)
    header = " ".join([" " * label_width] + [f"{title:>8}" for _, title in COLUMNS])
    lines = [f"policy {policy} ({figures_of_policy['days']} day(s); waits in minutes; "
             "left = still waiting at closing, refused = no ticket given)", header]
    for label, values in rows:
        cells = [_cell(values[key]) for key, _ in COLUMNS]
        lines.append(" ".join([label.ljust(label_width)] + [f"{cell:>8}" for cell in cells]))
    lines.append(f"mean wait: priority {_cell(figures_of_policy['priority_mean_wait_min'])}, "
                 f"regular {_cell(figures_of_policy['regular_mean_wait_min'])}")
    used = figures_of_policy["counter_utilisation"]
    lines.append("counter utilisation: " + ", ".join(
        f"{number} {_percent(share)}" for number, share in used.items()))
    return "\n".join(lines)


def comparison(summaries: dict[str, dict[str, Any]]) -> str:
    """One line per policy, for --compare."""
    columns = [("served", "served"), ("unserved", "left"), ("mean_wait_min", "mean"),
               ("p90_wait_min", "p90"), ("max_wait_min", "max"),
               ("priority_mean_wait_min", "priority"), ("regular_mean_wait_min", "regular"),
               ("estimate_mae_min", "est.err"), ("estimate_within_5_pct", "est.±5%")]
    width = max(len("policy"), *(len(name) for name in summaries))
    lines = [" ".join(["policy".ljust(width)] + [f"{title:>9}" for _, title in columns])]
    for name, values in summaries.items():
        lines.append(" ".join([name.ljust(width)] + [f"{_cell(values[k]):>9}" for k, _ in columns]))
    return "\n".join(lines)


def _cell(value: Any) -> str:
    return "-" if value is None else str(value)


def _percent(share: float | None) -> str:
    return "-" if share is None else f"{share:.0%}"
