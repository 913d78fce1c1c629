"""PNG figures of simulated days, for those who would rather look than read: the length of
each sector's line over the (first) day, and how long citizens waited under each policy."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from motcua.simulate.engine import DayResult


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")  # files only, no display
    import matplotlib.pyplot as plt

    return plt


def _hours(minutes: float) -> float:
    return minutes / 60


def queue_plot(result: DayResult, path: Path) -> Path:
    """Citizens waiting per sector over the day, as the services announced it."""
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(10, 5))
    sectors = result.sectors
    times = [_hours(minute) for minute, _ in result.queue]
    for code in sectors:
        axes.step(times, [waiting.get(code, 0) for _, waiting in result.queue], where="post",
                  label=code)
    axes.set_xlabel("hour of the day (hall time)")
    axes.set_ylabel("citizens waiting")
    axes.set_title(f"Waiting per sector, {result.day.isoformat()}, policy {result.policy}")
    if sectors:
        axes.legend(fontsize="small", ncol=2)
    axes.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path


def wait_plot(results: dict[str, list[DayResult]], path: Path) -> Path:
    """The distribution of waits (minutes) under each policy."""
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(8, 5))
    for policy, days in results.items():
        waits = [c.waited for day in days for c in day.citizens if c.first_wait is not None]
        if waits:
            axes.hist(waits, bins=30, histtype="step", linewidth=1.5, label=policy)
    axes.set_xlabel("wait before being called (minutes)")
    axes.set_ylabel("citizens")
    axes.set_title("Waits per policy")
    if axes.get_legend_handles_labels()[0]:
        axes.legend()
    axes.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path


def write_plots(results: dict[str, list[DayResult]], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = [queue_plot(days[0], folder / f"queue-{policy}.png")
               for policy, days in results.items()]
    written.append(wait_plot(results, folder / "waits.png"))
    return written
