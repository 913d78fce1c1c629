"""`motcua simulate`: the table, the JSON figures, the plots, replay, and one-line refusals."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from PIL import Image

from motcua import create_app
from motcua.cli import MotcuaGroup
from motcua.core.clock import FixedClock
from motcua.core.db import make_engine, make_session_factory
from motcua.core.events import RecordingPublisher
from motcua.core.ports import Ports
from motcua.models import metadata
from motcua.queue import services
from motcua.queue.demo import load_demo_hall
from tests.simulate.test_replay import act, at, issue
from tests.support import hall_time, system_ports

TINY = """
name = "Phường nhỏ"
opens = "07:30"
closes = "09:30"
[[sectors]]
code = "ho-tich"
arrivals = [["07:30", 12]]
service_minutes = [5, 12]
priority_share = 0.2
[[sectors]]
code = "dat-dai"
arrivals = [["07:30", 6]]
service_minutes = [10, 25]
[[counters]]
number = 1
sectors = ["ho-tich", "dat-dai"]
"""
KEYS = {"mean_wait_min", "p90_wait_min", "max_wait_min", "priority_mean_wait_min",
        "regular_mean_wait_min", "estimate_mae_min", "served", "unserved"}


@pytest.fixture
def motcua_cli(tmp_path, monkeypatch):
    """`motcua ARGS…` in this process, through the console command's group."""
    monkeypatch.setenv("MOTCUA_DATABASE_URL", f"sqlite:///{tmp_path / 'hall.sqlite'}")
    monkeypatch.setenv("MOTCUA_SECRET_KEY", "t")
    monkeypatch.chdir(tmp_path)
    group = MotcuaGroup(create_app=create_app, add_default_commands=False)

    def invoke(*args: str):
        return CliRunner().invoke(group, list(args), prog_name="motcua")
    return invoke


def one_line_error(result) -> str:
    assert result.exit_code not in (0, None), result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


def test_a_day_prints_its_table_and_writes_the_json_figures_and_plots(motcua_cli, tmp_path):
    (tmp_path / "tiny.toml").write_text(TINY, encoding="utf-8")
    result = motcua_cli("simulate", "tiny.toml", "--seed", "4", "--json", "out.json",
                        "--plots", "plots")
    assert result.exit_code == 0, result.stderr
    assert "policy static" in result.stdout and "counter utilisation: 1 " in result.stdout
    assert "ho-tich" in result.stdout and "mean wait: priority" in result.stdout
    figures = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert (figures["scenario"], figures["seed"], figures["days"]) == ("Phường nhỏ", 4, 1)
    static = figures["policies"]["static"]
    assert set(static) >= KEYS
    assert set(static["per_sector"]) == {"ho-tich", "dat-dai"}
    assert all(set(sector) >= KEYS for sector in static["per_sector"].values())
    assert static["served"] > 0
    for name in ("queue-static.png", "waits.png"):
        with Image.open(tmp_path / "plots" / name) as image:
            assert image.format == "PNG" and image.width > 400 and image.getbbox() is not None
            assert len(image.getcolors(maxcolors=100_000) or ()) > 2  # drawn, not blank


def test_compare_runs_each_named_policy_once_and_refuses_an_unknown_one(motcua_cli, tmp_path):
    (tmp_path / "tiny.toml").write_text(TINY, encoding="utf-8")
    result = motcua_cli("simulate", "tiny.toml", "--compare", "static,static")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("policy static (") == 1  # one name, once
    result = motcua_cli("simulate", "tiny.toml", "--compare", "static,fastest")
    assert "unknown policy fastest; known: static, overflow, balanced" in one_line_error(result)


def test_a_shipped_scenario_is_found_by_its_name(motcua_cli):
    result = motcua_cli("simulate", "ward", "--policy", "load-based")
    assert "unknown policy load-based; known: static, overflow, balanced" in one_line_error(result)


def test_a_bad_scenario_is_one_line_and_a_non_zero_exit(motcua_cli, tmp_path):
    (tmp_path / "bad.toml").write_text(TINY.replace("[5, 12]", "[5]"), encoding="utf-8")
    line = one_line_error(motcua_cli("simulate", "bad.toml"))
    assert "bad.toml: sector ho-tich: service_minutes" in line
    line = one_line_error(motcua_cli("simulate", "none.toml"))
    assert "none.toml: cannot be read" in line
    line = one_line_error(motcua_cli("simulate"))
    assert "give a scenario file (or one of: district, province, ward)" in line
    line = one_line_error(motcua_cli("simulate", "--from-hall", "demo"))
    assert "--from-hall needs --day" in line


def test_a_real_day_is_replayed_and_saved_as_a_scenario(motcua_cli, tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'hall.sqlite'}")
    metadata.create_all(engine)
    clock = FixedClock(hall_time(2026, 11, 25, 8, 0))
    with make_session_factory(engine)() as session:
        load_demo_hall(system_ports(session, clock))
        ports = Ports(session, clock, RecordingPublisher())
        issue(ports, "dat-dai")
        issue(ports, "tu-phap")
        act(services.open_counter, ports, 1)
        act(services.call_next, ports, 1)
        at(clock, 8, 7)
        act(services.complete, ports, 1)
    engine.dispose()
    result = motcua_cli("simulate", "--from-hall", "demo", "--day", "2026-11-25",
                        "--save-scenario", "day.toml")
    assert result.exit_code == 0, result.stderr
    assert "scenario written to day.toml" in result.stdout
    assert "dat-dai" in result.stdout
    again = motcua_cli("simulate", "day.toml", "--json", "again.json")
    assert again.exit_code == 0, again.stderr
    figures = json.loads((tmp_path / "again.json").read_text(encoding="utf-8"))["policies"]["static"]
    assert (figures["served"], figures["unserved"]) == (1, 1)  # nobody serves justice that day
    line = one_line_error(motcua_cli("simulate", "--from-hall", "nowhere", "--day", "2026-11-25"))
    assert "No hall with code 'nowhere'" in line


def test_the_server_starts_without_loading_the_simulators_libraries(tmp_path):
    from tests.test_server_memory import sqlite_url, started_server

    loaded = {name.split(".")[0] for name in started_server(tmp_path, sqlite_url(tmp_path))["modules"]}
    assert {"simpy", "matplotlib", "numpy", "tomli_w"} & loaded == set()
