"""`motcua simulate SCENARIO.toml` and `motcua simulate --from-hall HALL --day DAY`."""
from __future__ import annotations

import json
from datetime import datetime
from importlib import resources
from pathlib import Path

import click
from flask.cli import with_appcontext

from motcua.cli import one_line_errors
from motcua.simulate.scenario import Scenario, load_scenario

SCENARIOS = resources.files("motcua.simulate") / "scenarios"


def shipped_scenarios() -> list[str]:
    return sorted(p.name.removesuffix(".toml") for p in SCENARIOS.iterdir() if p.name.endswith(".toml"))


def _scenario_path(given: str) -> Path:
    """A file, or the name of a scenario shipped with motcua ("ward", "district", "province")."""
    path = Path(given)
    if path.exists() or given.endswith(".toml") or given not in shipped_scenarios():
        return path
    return Path(str(SCENARIOS / f"{given}.toml"))


@click.command("simulate")
@click.argument("scenario_file", required=False)
@click.option("--policy", default="static", show_default=True, help="The calling policy.")
@click.option("--compare", help="Several policies on the same citizens, comma-separated.")
@click.option("--days", default=1, show_default=True, type=click.IntRange(1, 366))
@click.option("--seed", default=1, show_default=True, type=int,
              help="The same seed draws the same citizens.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the figures to this JSON file.")
@click.option("--plots", "plots_folder", type=click.Path(file_okay=False, path_type=Path),
              help="Write PNG figures into this folder.")
@click.option("--from-hall", "hall_code", help="Replay a real day of this hall (with --day).")
@click.option("--day", type=click.DateTime(["%Y-%m-%d"]), help="The day to replay (YYYY-MM-DD).")
@click.option("--save-scenario", "save_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the scenario as TOML (a replayed day, to edit and run again).")
@with_appcontext
@one_line_errors
def simulate_command(scenario_file: str | None, policy: str, compare: str | None, days: int,
                     seed: int, json_path: Path | None, plots_folder: Path | None,
                     hall_code: str | None, day: datetime | None, save_path: Path | None) -> None:
    """Simulate hall days through the real queue services and print the waits.

    SCENARIO_FILE is a TOML scenario (see the README) or a shipped one: ward, district,
    province. Or replay a real day: --from-hall HALL --day YYYY-MM-DD.
    """
    from motcua.simulate import engine, report

    named = [p.strip() for p in compare.split(",") if p.strip()] if compare else [policy]
    policies = list(dict.fromkeys(named))
    if not policies:
        raise click.UsageError("--compare needs policy names, e.g. --compare static")
    engine.check_policies(policies)
    scenario = _scenario(scenario_file, hall_code, day)
    if save_path is not None:
        from motcua.simulate.replay import scenario_toml

        save_path.write_text(scenario_toml(scenario), encoding="utf-8")
        click.echo(f"scenario written to {save_path}")

    results = {name: engine.simulate(scenario, name, days=days, seed=seed) for name in policies}
    summaries = {name: report.summary(days_of) for name, days_of in results.items()}
    click.echo(f"{scenario.name} — {days} day(s) from {scenario.day.isoformat()}, seed {seed}")
    for name, figures in summaries.items():
        click.echo("")
        click.echo(report.table(name, figures))
    if len(policies) > 1:
        click.echo("")
        click.echo(report.comparison(summaries))
    if json_path is not None:
        json_path.write_text(json.dumps(
            {"scenario": scenario.name, "day": scenario.day.isoformat(), "days": days,
             "seed": seed, "policies": summaries}, ensure_ascii=False, indent=2) + "\n",
            encoding="utf-8")
        click.echo(f"figures written to {json_path}")
    if plots_folder is not None:
        from motcua.simulate.plots import write_plots

        for path in write_plots(results, plots_folder):
            click.echo(f"plot written to {path}")


def _scenario(scenario_file: str | None, hall_code: str | None, day: datetime | None) -> Scenario:
    if hall_code is not None:
        if scenario_file is not None:
            raise click.UsageError("give a scenario file or --from-hall, not both")
        if day is None:
            raise click.UsageError("--from-hall needs --day YYYY-MM-DD")
        return _replayed(hall_code, day)
    if day is not None:
        raise click.UsageError("--day goes with --from-hall")
    if scenario_file is None:
        raise click.UsageError("give a scenario file (or one of: "
                               f"{', '.join(shipped_scenarios())}), or --from-hall HALL --day DAY")
    return load_scenario(_scenario_path(scenario_file))


def _replayed(hall_code: str, day: datetime) -> Scenario:
    from motcua.simulate.replay import scenario_from_hall
    from motcua.web import db

    return scenario_from_hall(db(), hall_code, day.date())

